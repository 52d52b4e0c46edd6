// Live request log over graphql-ws: new rows arrive at the top. Pause holds new events back
// (counted) and resume shows them. Admins can filter by user; everyone by key, model, status.
import { useEffect, useMemo, useReducer, useState } from 'react';
import { useClient, type CombinedError } from 'urql';
import { REQUEST_LOGGED_SUBSCRIPTION, type LiveLogEntry } from '../../graphql/subscriptions/request-logged.ts';
import { platformLabelKey } from '../accounts/AccountFormDialog.tsx';
import { useAuth } from '../../app/AuthProvider.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { Input, Select } from '../../ui/Field.tsx';
import { EmptyState, ErrorState } from '../../ui/States.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { formatDateTime, formatLatency, formatNumber, formatUsd } from '../../ui/format.ts';
import { useDebounced } from '../../ui/use-debounced.ts';
import { statusTone } from '../usage/usage-record-columns.tsx';
import { initialLiveLogState, liveLogReducer, matchesLiveFilter, type LiveLogFilter } from './live-log-buffer.ts';
import { PLATFORM_ENUMS } from '../../graphql/enums.ts';

export function LiveLogsPage() {
  const { t } = useI18n();
  const { isAdmin } = useAuth();
  const [state, dispatch] = useReducer(liveLogReducer, initialLiveLogState);
  const [filter, setFilter] = useState<LiveLogFilter>({ userId: '', apiKeyId: '', model: '', status: '' });
  // Debounce a string, not an object: a fresh object each render would never settle.
  const serverFilterJson = useDebounced(JSON.stringify({ userId: filter.userId.trim() || null, apiKeyId: filter.apiKeyId.trim() || null, model: filter.model.trim() || null }), 400);
  const serverFilter = useMemo(() => JSON.parse(serverFilterJson) as Record<string, string | null>, [serverFilterJson]);
  const client = useClient();
  const [error, setError] = useState<CombinedError | null>(null);

  // Every event is dispatched as it arrives. (urql's useSubscription keeps only the latest result
  // in React state, so two events landing before the next render would show as one row.)
  useEffect(() => {
    setError(null);
    const subscription = client.subscription(REQUEST_LOGGED_SUBSCRIPTION, { filter: serverFilter }).subscribe((result) => {
      if (result.error) setError(result.error);
      else if (result.data?.requestLogged) dispatch({ type: 'event', entry: result.data.requestLogged });
    });
    return () => subscription.unsubscribe();
  }, [client, serverFilter]);

  // Events carry the wire name ("openai", "claude_oauth"); show the same label as everywhere else.
  const platformName = (p: string | null | undefined) => {
    const known = PLATFORM_ENUMS.find((e) => e === p?.toUpperCase());
    return known ? t(platformLabelKey(known)) : (p ?? '—');
  };
  const set = (k: keyof LiveLogFilter) => (v: string) => setFilter((f) => ({ ...f, [k]: v }));
  const rows = state.rows.filter((e) => matchesLiveFilter(e, filter));

  const columns: Column<LiveLogEntry>[] = [
    { key: 'time', header: t('usage.time'), render: (e) => <span className="cell-sub nowrap">{formatDateTime(e.createdAt)}</span>, mobile: 'field' },
    { key: 'key', header: t('usage.apiKey'), render: (e) => <span className="cell-sub">#{e.apiKeyId}</span>, hideOnMobile: true },
    { key: 'platform', header: t('accounts.field.platform'), render: (e) => <span className="cell-sub">{platformName(e.platform)}</span>, hideOnMobile: true },
    { key: 'model', header: t('usage.model'), render: (e) => <span className="mono">{e.model}</span>, mobile: 'title' },
    { key: 'status', header: t('usage.status'), render: (e) => <Badge tone={statusTone(e.status)}>{e.status}</Badge>, mobile: 'aside' },
    { key: 'tokens', header: t('usage.tokens'), align: 'right', render: (e) => formatNumber(e.totalTokens), mobile: 'half' },
    { key: 'cost', header: t('usage.cost'), align: 'right', render: (e) => formatUsd(e.totalCost), mobile: 'half' },
    { key: 'latency', header: t('usage.latency'), align: 'right', render: (e) => formatLatency(e.latencyMs), mobile: 'half' },
  ];

  return (
    <div className="page" data-testid="page-live-logs">
      <PageHeader
        title={t('liveLogs.title')}
        description={t('liveLogs.description')}
        actions={
          <>
            <span className={`live-indicator${state.paused ? ' paused' : error ? ' broken' : ''}`} data-testid="live-status">
              {state.paused ? t('liveLogs.paused') : error ? t('liveLogs.disconnected') : t('liveLogs.live')}
            </span>
            {state.paused ? (
              <Button variant="primary" onClick={() => dispatch({ type: 'resume' })} testId="live-resume">
                {state.held.length ? t('liveLogs.resumeWithCount', { n: state.held.length }) : t('liveLogs.resume')}
              </Button>
            ) : (
              <Button onClick={() => dispatch({ type: 'pause' })} testId="live-pause">
                {t('liveLogs.pause')}
              </Button>
            )}
            <Button variant="ghost" onClick={() => dispatch({ type: 'clear' })} testId="live-clear">
              {t('liveLogs.clear')}
            </Button>
          </>
        }
      />
      <Card>
        <div className="filter-bar">
          {isAdmin && <Input placeholder={t('liveLogs.userId')} aria-label={t('liveLogs.userId')} value={filter.userId} onValue={set('userId')} testId="live-filter-user" />}
          <Input placeholder={t('liveLogs.apiKeyId')} aria-label={t('liveLogs.apiKeyId')} value={filter.apiKeyId} onValue={set('apiKeyId')} testId="live-filter-key" />
          <Input placeholder={t('usage.model')} aria-label={t('usage.model')} value={filter.model} onValue={set('model')} testId="live-filter-model" />
          <Select
            aria-label={t('usage.status')}
            value={filter.status}
            onValue={set('status')}
            options={[
              { value: '', label: t('liveLogs.allStatuses') },
              { value: 'success', label: t('liveLogs.success') },
              { value: 'error', label: t('liveLogs.errors') },
            ]}
            testId="live-filter-status"
          />
        </div>
        {error && rows.length === 0 ? (
          <ErrorState error={error} />
        ) : (
          <Table
            columns={columns}
            rows={rows}
            rowKey={(e) => e.requestId}
            rowClassName={() => 'live-row'}
            testId="live-logs-table"
            empty={<EmptyState title={t('liveLogs.waiting')} description={t('liveLogs.waitingHint')} testId="live-empty" />}
          />
        )}
      </Card>
    </div>
  );
}
