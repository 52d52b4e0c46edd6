// Account groups (admin), a section of the Accounts page: named sets of accounts that API keys (or
// a user's keys by default) are bound to. An account may belong to several groups.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACCOUNT_GROUPS_QUERY, type AccountGroup } from '../../graphql/queries/account-groups.ts';
import { CREATE_ACCOUNT_GROUP_MUTATION } from '../../graphql/mutations/create-account-group.ts';
import { UPDATE_ACCOUNT_GROUP_MUTATION } from '../../graphql/mutations/update-account-group.ts';
import { DELETE_ACCOUNT_GROUP_MUTATION } from '../../graphql/mutations/delete-account-group.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Checkbox, Input } from '../../ui/Field.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorField, errorMessage } from '../../ui/error-message.ts';
import { formatNumber } from '../../ui/format.ts';

export function AccountGroupsSection({ accounts }: { accounts: readonly Pick<Account, 'id' | 'name'>[] }) {
  const { t } = useI18n();
  const toast = useToast();
  const [{ data, error, fetching }, refetch] = useQuery({ query: ACCOUNT_GROUPS_QUERY });
  const [editing, setEditing] = useState<AccountGroup | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AccountGroup | null>(null);
  const [deleteState, deleteGroup] = useMutation(DELETE_ACCOUNT_GROUP_MUTATION);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const accountName = new Map(accounts.map((a) => [a.id, a.name]));

  async function confirmDelete() {
    if (!deleting) return;
    const result = await deleteGroup({ id: deleting.id });
    if (result.error) toast.show(errorMessage(result.error, t), 'error');
    setDeleting(null);
    reload();
  }

  const columns: Column<AccountGroup>[] = [
    {
      key: 'name',
      header: t('groups.field.name'),
      render: (g) => (
        <div>
          <div className="cell-strong">{g.name}</div>
          {g.description && <div className="cell-sub">{g.description}</div>}
        </div>
      ),
    },
    { key: 'members', header: t('groups.members'), render: (g) => <span className="cell-sub">{g.accountIds.map((id) => accountName.get(id) ?? `#${id}`).join(', ') || '—'}</span> },
    { key: 'keys', header: t('groups.keys'), align: 'right', render: (g) => formatNumber(g.keyCount), mobile: 'half' },
    { key: 'users', header: t('groups.users'), align: 'right', render: (g) => formatNumber(g.userCount), mobile: 'half' },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (g) => (
        <div className="row-actions">
          <Button size="sm" variant="ghost" onClick={() => setEditing(g)} testId={`edit-group-${g.id}`}>
            {t('common.edit')}
          </Button>
          <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(g)} testId={`delete-group-${g.id}`}>
            {t('common.delete')}
          </Button>
        </div>
      ),
    },
  ];

  return (
    <Card
      title={t('groups.title')}
      testId="account-groups"
      actions={
        <Button variant="primary" onClick={() => setEditing('new')} testId="group-create">
          {t('groups.create')}
        </Button>
      }
    >
      <p className="field-hint">{t('groups.description')}</p>
      <Table
        columns={columns}
        rows={data?.accountGroups}
        rowKey={(g) => g.id}
        loading={fetching}
        error={error}
        onRetry={reload}
        testId="account-groups-table"
        empty={<EmptyState title={t('groups.emptyTitle')} description={t('groups.emptyHint')} testId="account-groups-empty" />}
      />
      {editing && (
        <AccountGroupDialog
          group={editing === 'new' ? null : editing}
          accounts={accounts}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            toast.show(t('groups.saved'));
            reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog title={t('groups.deleteTitle')} message={t('groups.deleteConfirm', { name: deleting.name })} busy={deleteState.fetching} onConfirm={() => void confirmDelete()} onClose={() => setDeleting(null)} />
      )}
    </Card>
  );
}

function AccountGroupDialog({ group, accounts, onClose, onSaved }: { group: AccountGroup | null; accounts: readonly Pick<Account, 'id' | 'name'>[]; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [members, setMembers] = useState<string[]>(group?.accountIds ?? []);
  const [nameError, setNameError] = useState<string | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const [createState, create] = useMutation(CREATE_ACCOUNT_GROUP_MUTATION);
  const [updateState, update] = useMutation(UPDATE_ACCOUNT_GROUP_MUTATION);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setServerError(null);
    if (!name.trim()) return setNameError(t('validation.required'));
    const input = { name: name.trim(), description: description.trim() || null, accountIds: members };
    const result = group ? await update({ id: group.id, input }) : await create({ input });
    if (result.error) {
      if (errorField(result.error) === 'name') setNameError(errorMessage(result.error, t));
      else setServerError(errorMessage(result.error, t));
      return;
    }
    onSaved();
  }

  return (
    <Dialog
      open
      title={group ? t('groups.editTitle', { name: group.name }) : t('groups.createTitle')}
      onClose={onClose}
      testId="group-form"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" type="submit" form="group-form" loading={createState.fetching || updateState.fetching} testId="group-save">
            {group ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="group-form" className="form-grid" onSubmit={submit} noValidate>
        <div className="form-span">
          <Input label={t('groups.field.name')} value={name} onValue={(v) => (setName(v), setNameError(null))} required error={nameError} testId="group-name" />
        </div>
        <div className="form-span">
          <Input label={t('groups.field.description')} value={description} onValue={setDescription} testId="group-description" />
        </div>
        <fieldset className="form-span fieldset">
          <legend>{t('groups.field.accounts')}</legend>
          <div className="checkbox-grid">
            {accounts.map((a) => (
              <Checkbox
                key={a.id}
                label={a.name}
                checked={members.includes(a.id)}
                onChecked={(on) => setMembers((m) => (on ? [...m, a.id] : m.filter((x) => x !== a.id)))}
                testId={`group-account-${a.id}`}
              />
            ))}
          </div>
        </fieldset>
        {serverError && (
          <div className="form-error form-span" role="alert" data-testid="group-form-error">
            {serverError}
          </div>
        )}
      </form>
    </Dialog>
  );
}
