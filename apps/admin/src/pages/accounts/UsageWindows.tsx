// A Claude subscription account's usage windows (5 hours, 7 days) as bars with the share used
// and the reset time, plus the pause when a window is spent. Figures come from the proxies'
// reading of Anthropic's unified rate-limit headers (Account.usageWindows).
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { formatDateTime, formatShare } from '../../ui/format.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';

type Windows = NonNullable<Account['usageWindows']>;
type Window = NonNullable<Windows['fiveHour']>;

const FULL_BP = 10_000;

/** The bar's tone: warning from 80 %, danger when the window is spent or rejected. */
function tone(w: Window): string {
  if (w.status === 'rejected' || w.utilizationBp >= FULL_BP) return ' danger';
  if (w.status === 'allowed_warning' || w.utilizationBp >= 8_000) return ' warning';
  return '';
}

function WindowBar({ accountId, tag, label, w }: { accountId: string; tag: string; label: string; w: Window }) {
  const { t } = useI18n();
  const share = formatShare(w.utilizationBp / FULL_BP);
  const width = `${Math.min(FULL_BP, w.utilizationBp) / 100}%`;
  return (
    <div className="window-row" data-testid={`window-${tag}-${accountId}`} title={t('accounts.window.used', { window: label, share })}>
      <span className="window-label">{label}</span>
      <span className="window-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(w.utilizationBp / 100)}>
        <span className={`window-fill${tone(w)}`} style={{ width }} />
      </span>
      <span className="window-value" data-testid={`window-${tag}-share-${accountId}`}>{share}</span>
      <span className="window-reset cell-sub" data-testid={`window-${tag}-reset-${accountId}`}>
        {w.resetsAt ? t('accounts.window.resets', { time: formatDateTime(w.resetsAt) }) : ''}
      </span>
    </div>
  );
}

/** The windows of one account; a dash when no response has reported them (not a subscription account, or unused). */
export function UsageWindows({ account }: { account: Pick<Account, 'id' | 'usageWindows'> }) {
  const { t } = useI18n();
  const w = account.usageWindows;
  if (!w || (!w.fiveHour && !w.sevenDay)) return <span className="cell-sub">—</span>;
  return (
    <div className="usage-windows" data-testid={`windows-${account.id}`}>
      {w.fiveHour && <WindowBar accountId={account.id} tag="5h" label={t('accounts.window.fiveHour')} w={w.fiveHour} />}
      {w.sevenDay && <WindowBar accountId={account.id} tag="7d" label={t('accounts.window.sevenDay')} w={w.sevenDay} />}
      {w.pausedUntil && (
        <Badge tone="warning">
          <span data-testid={`paused-${account.id}`}>{t('accounts.window.pausedUntil', { time: formatDateTime(w.pausedUntil) })}</span>
        </Badge>
      )}
    </div>
  );
}
