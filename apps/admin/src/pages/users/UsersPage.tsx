// Users (admin): server-paged list with search and filters, checkbox multi-select for a bulk
// price rate, "set everyone's rate", create/edit, per-user usage, delete.
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { USERS_QUERY, type AdminUser } from '../../graphql/queries/users.ts';
import type { VariablesOf } from '../../graphql/graphql.ts';
import { DELETE_USER_MUTATION } from '../../graphql/mutations/delete-user.ts';
import { useAuth } from '../../app/AuthProvider.tsx';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Checkbox, Input, Select } from '../../ui/Field.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorMessage } from '../../ui/error-message.ts';
import { formatDateTime } from '../../ui/format.ts';
import { useDebounced } from '../../ui/use-debounced.ts';
import { PriceRateDialog, UserFormDialog, UserUsageDialog } from './UserDialogs.tsx';

const PAGE_SIZE = 20;

export function UsersPage() {
  const { t } = useI18n();
  const toast = useToast();
  const { user: me } = useAuth();
  const [offset, setOffset] = useState(0);
  const [search, setSearch] = useState('');
  const [role, setRole] = useState('');
  const [status, setStatus] = useState('');
  const debounced = useDebounced(search.trim(), 300);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const [rateFor, setRateFor] = useState<string[] | 'all' | null>(null);
  const [usageFor, setUsageFor] = useState<AdminUser | null>(null);
  const [deleting, setDeleting] = useState<AdminUser | null>(null);
  const [deleteState, deleteUser] = useMutation(DELETE_USER_MUTATION);
  // The selects hold '' for "all"; only the schema's enum values become filters.
  const filter: VariablesOf<typeof USERS_QUERY>['filter'] = {
    search: debounced || null,
    role: role === 'ADMIN' || role === 'USER' ? role : null,
    status: status === 'ACTIVE' || status === 'DISABLED' ? status : null,
  };
  const [{ data, error, fetching }, refetch] = useQuery({
    query: USERS_QUERY,
    variables: { filter, page: { offset, limit: PAGE_SIZE } },
  });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const items = data?.users.items ?? [];
  const allOnPageSelected = items.length > 0 && items.every((u) => selected.has(u.id));

  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const togglePage = (on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      for (const u of items) {
        if (on) next.add(u.id);
        else next.delete(u.id);
      }
      return next;
    });
  const resetPaging = <V,>(setter: (v: V) => void) => (v: V) => {
    setter(v);
    setOffset(0);
  };

  async function confirmDelete() {
    if (!deleting) return;
    const result = await deleteUser({ id: deleting.id });
    if (result.error) return toast.show(errorMessage(result.error, t), 'error');
    toast.show(t('users.deleted'));
    toggle(deleting.id, false);
    setDeleting(null);
    reload();
  }

  const columns: Column<AdminUser>[] = [
    {
      key: 'select',
      width: '36px',
      header: <Checkbox checked={allOnPageSelected} onChecked={togglePage} ariaLabel={t('users.selectPage')} testId="user-select-page" />,
      render: (u) => <Checkbox checked={selected.has(u.id)} onChecked={(on) => toggle(u.id, on)} ariaLabel={t('users.selectUser', { name: u.username })} testId={`user-select-${u.id}`} />,
    },
    {
      key: 'username',
      header: t('users.username'),
      render: (u) => (
        <div className="cell-strong">
          {u.username} {u.id === me?.id && <Badge>{t('users.you')}</Badge>}
        </div>
      ),
    },
    { key: 'role', header: t('users.role'), render: (u) => <Badge tone={u.role === 'ADMIN' ? 'info' : 'neutral'}>{t(`role.${u.role}`)}</Badge>, mobile: 'half' },
    { key: 'status', header: t('users.status'), render: (u) => <Badge tone={u.status === 'ACTIVE' ? 'success' : 'danger'}>{t(`userStatus.${u.status}`)}</Badge>, mobile: 'half' },
    { key: 'rate', header: t('users.priceRate'), align: 'right', render: (u) => <span className="mono" data-testid={`user-rate-${u.id}`}>×{u.priceRate}</span> },
    { key: 'created', header: t('users.createdAt'), render: (u) => <span className="cell-sub">{formatDateTime(u.createdAt)}</span>, hideOnMobile: true },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (u) => (
        <div className="row-actions">
          <Button size="sm" variant="ghost" onClick={() => setUsageFor(u)} testId={`user-usage-${u.id}`}>
            {t('users.usage')}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setEditing(u)} testId={`user-edit-${u.id}`}>
            {t('common.edit')}
          </Button>
          {u.id !== me?.id && (
            <Button size="sm" variant="ghost" className="text-danger" onClick={() => setDeleting(u)} testId={`user-delete-${u.id}`}>
              {t('common.delete')}
            </Button>
          )}
        </div>
      ),
    },
  ];

  return (
    <div className="page" data-testid="page-users">
      <PageHeader
        title={t('users.title')}
        description={t('users.description')}
        actions={
          <>
            <Button onClick={() => setRateFor('all')} testId="users-set-all-rate">
              {t('users.setAllRate')}
            </Button>
            <Button variant="primary" onClick={() => setEditing('new')} testId="user-create">
              {t('users.create')}
            </Button>
          </>
        }
      />
      <Card>
        <div className="filter-bar">
          <Input placeholder={t('users.search')} aria-label={t('users.search')} value={search} onValue={resetPaging(setSearch)} testId="users-search" />
          <Select aria-label={t('users.role')} value={role} onValue={resetPaging(setRole)} options={[{ value: '', label: t('users.allRoles') }, { value: 'ADMIN', label: t('role.ADMIN') }, { value: 'USER', label: t('role.USER') }]} />
          <Select aria-label={t('users.status')} value={status} onValue={resetPaging(setStatus)} options={[{ value: '', label: t('users.allStatuses') }, { value: 'ACTIVE', label: t('userStatus.ACTIVE') }, { value: 'DISABLED', label: t('userStatus.DISABLED') }]} />
        </div>
        {selected.size > 0 && (
          <div className="selection-bar" data-testid="users-selection-bar">
            <span>{t('users.selected', { n: selected.size })}</span>
            <Button size="sm" variant="primary" onClick={() => setRateFor([...selected])} testId="users-set-rate">
              {t('users.setRate')}
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
              {t('users.clearSelection')}
            </Button>
          </div>
        )}
        <Table
          columns={columns}
          rows={data?.users.items}
          rowKey={(u) => u.id}
          loading={fetching}
          error={error}
          onRetry={reload}
          paging={{ offset, limit: PAGE_SIZE, total: data?.users.total ?? 0, onChange: setOffset }}
          rowClassName={(u) => (selected.has(u.id) ? 'row-selected' : undefined)}
          testId="users-table"
        />
      </Card>
      {editing && (
        <UserFormDialog
          user={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {rateFor && (
        <PriceRateDialog
          userIds={rateFor}
          onClose={() => setRateFor(null)}
          onDone={() => {
            setRateFor(null);
            setSelected(new Set());
            reload();
          }}
        />
      )}
      {usageFor && <UserUsageDialog user={usageFor} onClose={() => setUsageFor(null)} />}
      {deleting && <ConfirmDialog title={t('users.deleteTitle')} message={t('users.deleteConfirm', { name: deleting.username })} busy={deleteState.fetching} onConfirm={() => void confirmDelete()} onClose={() => setDeleting(null)} />}
    </div>
  );
}
