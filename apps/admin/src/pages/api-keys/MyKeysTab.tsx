// The caller's own API keys: create (full key shown once), usage per key, enable/disable, edit,
// delete.
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { MY_API_KEYS_QUERY } from '../../graphql/queries/my-api-keys.ts';
import { SET_API_KEY_ENABLED_MUTATION } from '../../graphql/mutations/set-api-key-enabled.ts';
import { DELETE_API_KEY_MUTATION } from '../../graphql/mutations/delete-api-key.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import { formatDateTime, formatNumber, formatUsd } from '../../ui/format.ts';
import { ApiKeyFormDialog, NewKeyDialog } from './ApiKeyFormDialog.tsx';
import type { ApiKey } from '../../graphql/fragments/api-key-fields.ts';

/** "rpm 60 · $5/day" style summary of a key's limits, or "No limits". */
export function useLimitSummary() {
  const { t } = useI18n();
  return (k: ApiKey): string => {
    const parts: string[] = [];
    if (k.rpm) parts.push(`${k.rpm} RPM`);
    if (k.tpm) parts.push(`${formatNumber(k.tpm, true)} TPM`);
    if (k.concurrency) parts.push(t('apiKeys.concurrencyShort', { n: k.concurrency }));
    if (k.dailyCostLimit) parts.push(t('apiKeys.perDay', { amount: formatUsd(k.dailyCostLimit) }));
    if (k.totalCostLimit) parts.push(t('apiKeys.total', { amount: formatUsd(k.totalCostLimit) }));
    return parts.length ? parts.join(' · ') : t('apiKeys.noLimits');
  };
}

export function KeyStatusBadge({ apiKey }: { apiKey: ApiKey }) {
  const { t } = useI18n();
  if (apiKey.expiresAt && Date.parse(apiKey.expiresAt) < Date.now()) return <Badge tone="warning">{t('apiKeys.expired')}</Badge>;
  return apiKey.enabled ? <Badge tone="success">{t('apiKeys.enabled')}</Badge> : <Badge>{t('apiKeys.disabled')}</Badge>;
}

export function MyKeysTab() {
  const { t } = useI18n();
  const toast = useToast();
  const limits = useLimitSummary();
  const [{ data, error, fetching }, refetch] = useQuery({ query: MY_API_KEYS_QUERY });
  const [editing, setEditing] = useState<ApiKey | 'new' | null>(null);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ApiKey | null>(null);
  const [, setEnabled] = useMutation(SET_API_KEY_ENABLED_MUTATION);
  const [deleteState, deleteKey] = useMutation(DELETE_API_KEY_MUTATION);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  async function toggle(k: ApiKey) {
    const result = await setEnabled({ id: k.id, enabled: !k.enabled });
    if (result.error) toast.show(errorMessage(result.error, t), 'error');
    else toast.show(k.enabled ? t('apiKeys.disabledToast') : t('apiKeys.enabledToast'));
  }

  async function confirmDelete() {
    if (!deleting) return;
    const result = await deleteKey({ id: deleting.id });
    if (result.error) return toast.show(errorMessage(result.error, t), 'error');
    toast.show(t('apiKeys.deleted'));
    setDeleting(null);
    reload();
  }

  const columns: Column<ApiKey>[] = [
    {
      key: 'name',
      header: t('apiKeys.field.name'),
      render: (k) => (
        <div>
          <div className="cell-strong">{k.name}</div>
          <div className="cell-sub mono">{k.keyPrefix}…</div>
        </div>
      ),
    },
    { key: 'status', header: t('apiKeys.status'), render: (k) => <KeyStatusBadge apiKey={k} />, mobile: 'aside' },
    { key: 'limits', header: t('apiKeys.limits'), render: (k) => <span className="cell-sub">{limits(k)}</span>, hideOnMobile: true },
    { key: 'requests', header: t('apiKeys.requests'), align: 'right', render: (k) => formatNumber(k.requestCount), mobile: 'half' },
    { key: 'tokens', header: t('apiKeys.tokens'), align: 'right', render: (k) => formatNumber(k.tokensUsed, true), hideOnMobile: true },
    { key: 'cost', header: t('apiKeys.cost'), align: 'right', render: (k) => formatUsd(k.costUsed), mobile: 'half' },
    { key: 'lastUsed', header: t('apiKeys.lastUsed'), render: (k) => <span className="cell-sub">{formatDateTime(k.lastUsedAt)}</span>, hideOnMobile: true },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (k) => (
        <div className="row-actions">
          <Button size="sm" variant="ghost" onClick={() => void toggle(k)} testId={`toggle-key-${k.id}`}>
            {k.enabled ? t('apiKeys.disable') : t('apiKeys.enable')}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setEditing(k)} testId={`edit-key-${k.id}`}>
            {t('common.edit')}
          </Button>
          <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(k)} testId={`delete-key-${k.id}`}>
            {t('common.delete')}
          </Button>
        </div>
      ),
    },
  ];

  return (
    <>
      <Card
        title={t('apiKeys.myKeys')}
        actions={
          <Button variant="primary" onClick={() => setEditing('new')} testId="api-key-create">
            {t('apiKeys.create')}
          </Button>
        }
      >
        <Table
          columns={columns}
          rows={data?.myApiKeys}
          rowKey={(k) => k.id}
          loading={fetching}
          error={error}
          onRetry={reload}
          testId="my-keys-table"
          empty={<EmptyState title={t('apiKeys.emptyTitle')} description={t('apiKeys.emptyHint')} action={<Button variant="primary" onClick={() => setEditing('new')}>{t('apiKeys.create')}</Button>} />}
        />
      </Card>
      {editing && (
        <ApiKeyFormDialog
          apiKey={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onCreated={(key) => {
            setEditing(null);
            setNewKey(key);
            reload();
          }}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {newKey && <NewKeyDialog fullKey={newKey} onClose={() => setNewKey(null)} />}
      {deleting && <ConfirmDialog title={t('apiKeys.deleteTitle')} message={t('apiKeys.deleteConfirm', { name: deleting.name })} busy={deleteState.fetching} onConfirm={() => void confirmDelete()} onClose={() => setDeleting(null)} />}
    </>
  );
}
