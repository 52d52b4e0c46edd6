// Upstream accounts (admin): the pool the proxy schedules over. Status, cooldown and
// concurrency come from the control plane; schedulable toggles, tests, edits and deletes here.
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACCOUNTS_QUERY } from '../../graphql/queries/accounts.ts';
import { ACCOUNT_USAGE_QUERY } from '../../graphql/queries/account-usage.ts';
import { DELETE_ACCOUNT_MUTATION } from '../../graphql/mutations/delete-account.ts';
import { SET_ACCOUNT_SCHEDULABLE_MUTATION } from '../../graphql/mutations/set-account-schedulable.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge, type BadgeTone } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Select } from '../../ui/Field.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import { formatDateTime, formatNumber, formatUsd } from '../../ui/format.ts';
import { AccountFormDialog, platformLabelKey } from './AccountFormDialog.tsx';
import { AccountHealth } from './AccountHealth.tsx';
import { ClaudeOAuthDialog } from './ClaudeOAuthDialog.tsx';
import { TestAccountDialog } from './TestAccountDialog.tsx';
import { UsageWindows } from './UsageWindows.tsx';
import { AccountGroupsSection } from './AccountGroupsSection.tsx';
import { PLATFORM_ENUMS, type AccountStatus } from '../../graphql/enums.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';

const STATUS_TONE: Record<AccountStatus, BadgeTone> = { ACTIVE: 'success', DISABLED: 'neutral', ERROR: 'danger' };

/** True while the account is cooling down after a 429/5xx. */
export function isCoolingDown(account: Pick<Account, 'cooldownUntil'>, now = Date.now()): boolean {
  return !!account.cooldownUntil && Date.parse(account.cooldownUntil) > now;
}

export function AccountsPage() {
  const { t } = useI18n();
  const toast = useToast();
  const [{ data, error, fetching }, refetch] = useQuery({ query: ACCOUNTS_QUERY });
  // Per-account figures of the last 30 days, fixed when the page opens.
  const [usageRange] = useState(() => ({ since: new Date(Date.now() - 30 * 86_400_000).toISOString(), until: new Date(Date.now() + 60_000).toISOString() }));
  const [usageResult] = useQuery({ query: ACCOUNT_USAGE_QUERY, variables: usageRange });
  const usageOf = useMemo(() => new Map((usageResult.data?.accountUsage ?? []).map((u) => [u.accountId, u])), [usageResult.data]);
  const [platformFilter, setPlatformFilter] = useState('');
  const [editing, setEditing] = useState<Account | 'new' | null>(null);
  const [testing, setTesting] = useState<Account | null>(null);
  const [deleting, setDeleting] = useState<Account | null>(null);
  const [oauthOpen, setOauthOpen] = useState(false);
  const [deleteState, deleteAccount] = useMutation(DELETE_ACCOUNT_MUTATION);
  const [, setSchedulable] = useMutation(SET_ACCOUNT_SCHEDULABLE_MUTATION);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  const rows = useMemo(() => (data?.accounts ?? []).filter((a) => !platformFilter || a.platform === platformFilter), [data, platformFilter]);

  async function toggleSchedulable(account: Account) {
    const result = await setSchedulable({ id: account.id, schedulable: !account.schedulable });
    if (result.error) toast.show(errorMessage(result.error, t), 'error');
  }

  async function confirmDelete() {
    if (!deleting) return;
    const result = await deleteAccount({ id: deleting.id });
    if (result.error) toast.show(errorMessage(result.error, t), 'error');
    else {
      toast.show(t('accounts.deleted'));
      setDeleting(null);
      reload();
    }
  }

  const columns: Column<Account>[] = [
    {
      key: 'name',
      header: t('accounts.field.name'),
      render: (a) => (
        <div>
          <div className="cell-strong">{a.name}</div>
          <div className="cell-sub mono">{a.credentialHint ?? ''}</div>
        </div>
      ),
    },
    { key: 'platform', header: t('accounts.field.platform'), render: (a) => <Badge tone="info">{t(platformLabelKey(a.platform))}</Badge>, mobile: 'aside' },
    {
      key: 'status',
      header: t('accounts.status'),
      mobile: 'half',
      render: (a) => (
        <div title={a.statusReason ?? undefined}>
          <Badge tone={STATUS_TONE[a.status]}>{t(`accountStatus.${a.status}`)}</Badge>
          {isCoolingDown(a) && (
            <div className="cell-sub">
              <Badge tone="warning">{t('accounts.coolingUntil', { time: formatDateTime(a.cooldownUntil) })}</Badge>
            </div>
          )}
          {a.statusReason && a.status !== 'ACTIVE' && <div className="cell-sub truncate">{a.statusReason}</div>}
        </div>
      ),
    },
    { key: 'health', header: t('accounts.health'), render: (a) => <AccountHealth account={a} />, hideOnMobile: true },
    {
      key: 'schedulable',
      header: t('accounts.schedulable'),
      mobile: 'half',
      render: (a) => (
        <label className="switch" onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" checked={a.schedulable} onChange={() => void toggleSchedulable(a)} data-testid={`schedulable-${a.id}`} aria-label={t('accounts.schedulable')} />
          <span className="switch-track" />
        </label>
      ),
    },
    { key: 'priority', header: t('accounts.field.priority'), align: 'right', render: (a) => a.priority, hideOnMobile: true },
    { key: 'concurrency', header: t('accounts.concurrency'), align: 'right', render: (a) => `${a.concurrencyInUse} / ${a.concurrency ?? '∞'}`, hideOnMobile: true },
    { key: 'models', header: t('accounts.field.models'), render: (a) => <span className="truncate cell-sub">{a.models?.length ? a.models.join(', ') : t('accounts.allModels')}</span>, hideOnMobile: true },
    { key: 'requests30d', header: t('accounts.requests30d'), align: 'right', render: (a) => <span data-testid={`requests-${a.id}`}>{formatNumber(usageOf.get(a.id)?.requests ?? 0)}</span>, hideOnMobile: true },
    { key: 'errors30d', header: t('accounts.errors30d'), align: 'right', render: (a) => formatNumber(usageOf.get(a.id)?.errors ?? 0), hideOnMobile: true },
    {
      key: 'cost30d',
      header: t('accounts.cost30d'),
      align: 'right',
      render: (a) => {
        const u = usageOf.get(a.id);
        return (
          <div title={t('accounts.baseCost', { cost: formatUsd(u?.baseCost ?? '0') })}>
            {formatUsd(u?.cost ?? '0')}
            <div className="cell-sub">{t('accounts.tokens', { n: formatNumber(u?.totalTokens ?? 0) })}</div>
          </div>
        );
      },
      hideOnMobile: true,
    },
    { key: 'windows', header: t('accounts.windows'), render: (a) => <UsageWindows account={a} />, hideOnMobile: true },
    { key: 'lastUsed', header: t('accounts.lastUsed'), render: (a) => <span className="cell-sub">{formatDateTime(a.lastUsedAt)}</span>, hideOnMobile: true },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (a) => (
        <div className="row-actions">
          <Button size="sm" variant="ghost" onClick={() => setTesting(a)} testId={`test-${a.id}`}>
            {t('accounts.test')}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setEditing(a)} testId={`edit-${a.id}`}>
            {t('common.edit')}
          </Button>
          <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(a)} testId={`delete-${a.id}`}>
            {t('common.delete')}
          </Button>
        </div>
      ),
    },
  ];

  return (
    <div className="page" data-testid="page-accounts">
      <PageHeader
        title={t('accounts.title')}
        description={t('accounts.description')}
        actions={
          <>
            <Button onClick={() => setOauthOpen(true)} testId="account-oauth">
              {t('accounts.connectClaude')}
            </Button>
            <Button variant="primary" onClick={() => setEditing('new')} testId="account-create">
              {t('accounts.create')}
            </Button>
          </>
        }
      />
      <Card
        title={t('accounts.listTitle', { count: rows.length })}
        actions={
          <Select
            aria-label={t('accounts.field.platform')}
            value={platformFilter}
            onValue={setPlatformFilter}
            options={[{ value: '', label: t('accounts.allPlatforms') }, ...PLATFORM_ENUMS.map((p) => ({ value: p, label: t(platformLabelKey(p)) }))]}
            testId="account-platform-filter"
          />
        }
      >
        <Table
          columns={columns}
          rows={data ? rows : undefined}
          rowKey={(a) => a.id}
          loading={fetching}
          error={error}
          onRetry={reload}
          testId="accounts-table"
          empty={
            <EmptyState
              title={t('accounts.emptyTitle')}
              description={t('accounts.emptyHint')}
              action={
                <Button variant="primary" onClick={() => setEditing('new')}>
                  {t('accounts.create')}
                </Button>
              }
            />
          }
        />
      </Card>
      <AccountGroupsSection accounts={data?.accounts ?? []} />
      {editing && (
        <AccountFormDialog
          account={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {testing && <TestAccountDialog account={testing} onClose={() => setTesting(null)} />}
      {oauthOpen && <ClaudeOAuthDialog onClose={() => setOauthOpen(false)} onDone={reload} />}
      {deleting && (
        <ConfirmDialog title={t('accounts.deleteTitle')} message={t('accounts.deleteConfirm', { name: deleting.name })} busy={deleteState.fetching} onConfirm={() => void confirmDelete()} onClose={() => setDeleting(null)} />
      )}
    </div>
  );
}
