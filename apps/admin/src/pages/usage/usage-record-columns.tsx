// Table columns for request records, shared by the usage page and the admin key-log drawer.
// Only rated costs: user-facing pages never show base cost or price rate.
import type { MessageKey } from '../../i18n/en.ts';
import type { MessageVars } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import type { Column } from '../../ui/Table.tsx';
import { formatDateTime, formatLatency, formatNumber, formatUsd } from '../../ui/format.ts';
import type { UsageRecord } from '../../graphql/fragments/usage-record-fields.ts';

type T = (key: MessageKey, vars?: MessageVars) => string;

/** HTTP status → badge tone. */
export function statusTone(status: number): 'success' | 'warning' | 'danger' {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429 || status === 499) return 'warning';
  return 'danger';
}

export function usageRecordColumns(t: T, opts: { compact?: boolean } = {}): Column<UsageRecord>[] {
  const cols: Column<UsageRecord>[] = [
    { key: 'time', header: t('usage.time'), render: (r) => <span className="cell-sub nowrap">{formatDateTime(r.createdAt)}</span>, mobile: 'field' },
    {
      key: 'model',
      header: t('usage.model'),
      mobile: 'title',
      render: (r) => (
        <div>
          <div className="mono">{r.model}</div>
          {r.stream && <div className="cell-sub">{t('usage.stream')}</div>}
        </div>
      ),
    },
    { key: 'status', header: t('usage.status'), render: (r) => <Badge tone={statusTone(r.status)}>{r.status}</Badge>, mobile: 'aside' },
    {
      key: 'tokens',
      header: t('usage.tokens'),
      align: 'right',
      mobile: 'half',
      render: (r) => (
        <div title={t('usage.tokenBreakdown', { input: r.inputTokens, output: r.outputTokens, cacheWrite: r.cacheCreationInputTokens, cacheRead: r.cacheReadInputTokens })}>
          <div>{formatNumber(r.totalTokens)}</div>
          <div className="cell-sub nowrap">
            {formatNumber(r.inputTokens, true)} / {formatNumber(r.outputTokens, true)}
          </div>
        </div>
      ),
    },
    { key: 'cost', header: t('usage.cost'), align: 'right', render: (r) => formatUsd(r.totalCost), mobile: 'half' },
    {
      key: 'latency',
      header: t('usage.latency'),
      align: 'right',
      hideOnMobile: true,
      render: (r) => (
        <div>
          <div>{formatLatency(r.latencyMs)}</div>
          {r.firstTokenMs !== null && <div className="cell-sub">{t('usage.firstToken', { ms: formatLatency(r.firstTokenMs) })}</div>}
        </div>
      ),
    },
  ];
  if (!opts.compact) cols.splice(2, 0, { key: 'key', header: t('usage.apiKey'), render: (r) => <span className="cell-sub">#{r.apiKeyId}</span>, hideOnMobile: true });
  return cols;
}
