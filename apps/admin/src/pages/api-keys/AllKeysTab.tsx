// Admin: every user's API keys with owner and usage, paged on the server; a row opens a drawer
// with that key's request log.
import { useState } from 'react';
import { useQuery } from 'urql';
import { ALL_API_KEYS_QUERY, type AdminApiKey } from '../../graphql/queries/all-api-keys.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Card } from '../../ui/Card.tsx';
import { Input } from '../../ui/Field.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { formatDateTime, formatNumber, formatUsd } from '../../ui/format.ts';
import { useDebounced } from '../../ui/use-debounced.ts';
import { KeyStatusBadge } from './MyKeysTab.tsx';
import { KeyLogsDrawer } from './KeyLogsDrawer.tsx';

const PAGE_SIZE = 20;

export function AllKeysTab() {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState('');
  const debounced = useDebounced(search.trim(), 300);
  const [open, setOpen] = useState<AdminApiKey | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: ALL_API_KEYS_QUERY,
    variables: { filter: debounced ? { search: debounced } : null, page: { offset, limit: PAGE_SIZE } },
  });

  const columns: Column<AdminApiKey>[] = [
    { key: 'owner', header: t('apiKeys.owner'), render: (k) => <span className="cell-strong">{k.owner.username}</span> },
    {
      key: 'name',
      header: t('apiKeys.field.name'),
      render: (k) => (
        <div>
          <div>{k.name}</div>
          <div className="cell-sub mono">{k.keyPrefix}…</div>
        </div>
      ),
    },
    { key: 'status', header: t('apiKeys.status'), render: (k) => <KeyStatusBadge apiKey={k} />, mobile: 'aside' },
    { key: 'requests', header: t('apiKeys.requests'), align: 'right', render: (k) => formatNumber(k.requestCount), mobile: 'half' },
    { key: 'tokens', header: t('apiKeys.tokens'), align: 'right', render: (k) => formatNumber(k.tokensUsed, true), hideOnMobile: true },
    { key: 'cost', header: t('apiKeys.cost'), align: 'right', render: (k) => formatUsd(k.costUsed), mobile: 'half' },
    { key: 'lastUsed', header: t('apiKeys.lastUsed'), render: (k) => <span className="cell-sub">{formatDateTime(k.lastUsedAt)}</span>, hideOnMobile: true },
  ];

  return (
    <Card
      title={t('apiKeys.allKeys')}
      actions={
        <Input
          placeholder={t('apiKeys.searchPlaceholder')}
          aria-label={t('apiKeys.searchPlaceholder')}
          value={search}
          onValue={(v) => {
            setSearch(v);
            setOffset(0);
          }}
          testId="all-keys-search"
        />
      }
    >
      <Table
        columns={columns}
        rows={data?.allApiKeys.items}
        rowKey={(k) => k.id}
        loading={fetching}
        error={error}
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
        onRowClick={(k) => setOpen(k)}
        paging={{ offset, limit: PAGE_SIZE, total: data?.allApiKeys.total ?? 0, onChange: setOffset }}
        testId="all-keys-table"
      />
      {open && <KeyLogsDrawer apiKey={open} onClose={() => setOpen(null)} />}
    </Card>
  );
}
