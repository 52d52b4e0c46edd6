// The Health cell of the accounts table: the last scheduled probe's result and time (with its
// error on hover and below), or that the account is not probed, plus the probe interval.
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { formatDateTime, formatLatency, formatNumber } from '../../ui/format.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';

type HealthFields = Pick<Account, 'id' | 'probeIntervalSeconds' | 'lastProbeAt' | 'lastProbeOk' | 'lastProbeError' | 'lastProbeLatencyMs'>;

export function AccountHealth({ account: a }: { account: HealthFields }) {
  const { t } = useI18n();
  const interval = a.probeIntervalSeconds === null ? t('accounts.health.off') : t('accounts.health.every', { seconds: formatNumber(a.probeIntervalSeconds) });
  return (
    <div data-testid={`health-${a.id}`} title={a.lastProbeError ?? undefined}>
      {a.lastProbeAt === null ? (
        <span className="cell-sub" data-testid={`health-state-${a.id}`}>{t('accounts.health.never')}</span>
      ) : (
        <>
          <Badge tone={a.lastProbeOk ? 'success' : 'danger'} testId={`health-state-${a.id}`}>
            {a.lastProbeOk ? t('accounts.health.ok') : t('accounts.health.failed')}
          </Badge>
          <div className="cell-sub" data-testid={`health-at-${a.id}`}>
            {t('accounts.health.at', { time: formatDateTime(a.lastProbeAt), latency: formatLatency(a.lastProbeLatencyMs) })}
          </div>
          {!a.lastProbeOk && a.lastProbeError && <div className="cell-sub truncate">{a.lastProbeError}</div>}
        </>
      )}
      <div className="cell-sub">{interval}</div>
    </div>
  );
}
