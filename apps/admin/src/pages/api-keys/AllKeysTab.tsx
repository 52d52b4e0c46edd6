// Admin: every user's API keys with owner, usage and account binding, paged on the server; a row
// opens a drawer with that key's request log, Edit opens the key editor with its binding.
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ACCOUNT_GROUPS_QUERY } from '../../graphql/queries/account-groups.ts';
import { ALL_API_KEYS_QUERY, type AdminApiKey } from '../../graphql/queries/all-api-keys.ts';
import { Button } from '../../ui/Button.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Card } from '../../ui/Card.tsx';
import { Input } from '../../ui/Field.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { formatDateTime, formatNumber, formatUsd } from '../../ui/format.ts';
import { useDebounced } from '../../ui/use-debounced.ts';
import { KeyStatusBadge } from './MyKeysTab.tsx';
import { KeyLogsDrawer } from './KeyLogsDrawer.tsx';
import { ApiKeyFormDialog } from './ApiKeyFormDialog.tsx';

const PAGE_SIZE = 20;

export function AllKeysTab() {
  const { t } = useI18n();
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState('');
  const debounced = useDebounced(search.trim(), 300);
  const [open, setOpen] = useState<AdminApiKey | null>(null);
  const [editing, setEditing] = useState<AdminApiKey | null>(null);
  const [groups] = useQuery({ query: ACCOUNT_GROUPS_QUERY });
  const groupName = useMemo(() => new Map((groups.data?.accountGroups ?? []).map((g) => [g.id, g.name])), [groups.data]);
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
    {
      key: 'binding',
      header: t('apiKeys.bindingColumn'),
      render: (k) => (
        <span className="cell-sub" data-testid={`key-binding-${k.id}`}>
          {k.accountGroupId ? (groupName.get(k.accountGroupId) ?? `#${k.accountGroupId}`) : k.accountIds?.length ? t('apiKeys.boundToAccounts', { count: formatNumber(k.accountIds.length) }) : t('apiKeys.notBound')}
        </span>
      ),
      hideOnMobile: true,
    },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (k) => (
        <span onClick={(e) => e.stopPropagation()}>
          <Button size="sm" variant="ghost" onClick={() => setEditing(k)} testId={`edit-key-${k.id}`}>
            {t('common.edit')}
          </Button>
        </span>
      ),
    },
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
      {editing && (
        <ApiKeyFormDialog
          apiKey={editing}
          binding={{ accountGroupId: editing.accountGroupId ?? null, accountIds: editing.accountIds ?? null }}
          onClose={() => setEditing(null)}
          onCreated={() => undefined}
          onSaved={() => {
            setEditing(null);
            refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </Card>
  );
}
