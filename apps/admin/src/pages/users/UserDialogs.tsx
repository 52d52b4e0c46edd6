// Dialogs of the users page: create, edit (role/status/rate/password), set price rate for the
// selection or for everyone, and one user's usage.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { CREATE_USER_MUTATION } from '../../graphql/mutations/create-user.ts';
import { UPDATE_USER_MUTATION } from '../../graphql/mutations/update-user.ts';
import { ACCOUNT_GROUPS_QUERY } from '../../graphql/queries/account-groups.ts';
import { SET_USER_PRICE_RATES_MUTATION } from '../../graphql/mutations/set-user-price-rates.ts';
import { SET_ALL_USER_PRICE_RATES_MUTATION } from '../../graphql/mutations/set-all-user-price-rates.ts';
import { USER_USAGE_SUMMARY_QUERY } from '../../graphql/queries/user-usage-summary.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { Button } from '../../ui/Button.tsx';
import { StatCard } from '../../ui/Card.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Input, Select } from '../../ui/Field.tsx';
import { ErrorState, Skeleton } from '../../ui/States.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorField, errorMessage } from '../../ui/error-message.ts';
import { formatNumber, formatUsd } from '../../ui/format.ts';
import { validatePassword, validatePriceRate, validateUsername } from './user-form-model.ts';
import type { AdminUser } from '../../graphql/queries/users.ts';
import type { Role, UserStatus } from '../../graphql/enums.ts';

type Errors = Partial<Record<'username' | 'password' | 'priceRate' | 'role' | 'status', string>>;

function useServerErrors() {
  const { t } = useI18n();
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  return {
    errors,
    general,
    setErrors,
    clear: () => {
      setErrors({});
      setGeneral(null);
    },
    fromResult(error: unknown) {
      const field = errorField(error);
      const message = errorMessage(error, t);
      if (field && ['username', 'password', 'priceRate', 'role', 'status'].includes(field)) setErrors((e) => ({ ...e, [field]: message }));
      else setGeneral(message);
    },
  };
}

function keyed(t: (k: MessageKey) => string, found: Record<string, MessageKey | null>): Errors {
  const out: Errors = {};
  for (const [k, v] of Object.entries(found)) if (v) out[k as keyof Errors] = t(v);
  return out;
}

/** Create or edit a user. */
export function UserFormDialog({ user, onClose, onSaved }: { user: AdminUser | null; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [username, setUsername] = useState(user?.username ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(user?.role ?? 'USER');
  const [status, setStatus] = useState<UserStatus>(user?.status ?? 'ACTIVE');
  const [priceRate, setPriceRate] = useState(user?.priceRate ?? '1');
  const [defaultGroup, setDefaultGroup] = useState(user?.accountGroupId ?? '');
  const [groups] = useQuery({ query: ACCOUNT_GROUPS_QUERY, pause: !user });
  const server = useServerErrors();
  const [createState, create] = useMutation(CREATE_USER_MUTATION);
  const [updateState, update] = useMutation(UPDATE_USER_MUTATION);

  async function submit(e: FormEvent) {
    e.preventDefault();
    server.clear();
    const found = keyed(t, {
      username: user ? null : validateUsername(username),
      password: validatePassword(password, !user),
      priceRate: validatePriceRate(priceRate),
    });
    server.setErrors(found);
    if (Object.keys(found).length) return;
    const result = user
      ? await update({
          id: user.id,
          input: {
            role, status, priceRate: priceRate.trim(), ...(password ? { password } : {}),
            // Sent only when changed, so a default binding to accounts (set through the API) stays.
            ...(defaultGroup !== (user.accountGroupId ?? '') ? { accountGroupId: defaultGroup || null } : {}),
          },
        })
      : await create({ input: { username: username.trim(), password, role, priceRate: priceRate.trim() } });
    if (result.error) return server.fromResult(result.error);
    toast.show(user ? t('users.updated') : t('users.created'));
    onSaved();
  }

  return (
    <Dialog
      open
      title={user ? t('users.editTitle', { name: user.username }) : t('users.createTitle')}
      onClose={onClose}
      testId="user-form"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" type="submit" form="user-form" loading={createState.fetching || updateState.fetching} testId="user-save">
            {user ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="user-form" className="stack" onSubmit={submit} noValidate>
        <Input label={t('users.username')} value={username} onValue={setUsername} disabled={!!user} required={!user} autoComplete="off" error={server.errors.username} testId="user-username" />
        <Input
          label={user ? t('users.newPassword') : t('users.password')}
          type="password"
          value={password}
          onValue={setPassword}
          required={!user}
          autoComplete="new-password"
          hint={user ? t('users.passwordKeepHint') : t('users.passwordHint')}
          error={server.errors.password}
          testId="user-password"
        />
        <div className="form-grid">
          <Select label={t('users.role')} value={role} onValue={(v) => setRole(v as Role)} options={[{ value: 'USER', label: t('role.USER') }, { value: 'ADMIN', label: t('role.ADMIN') }]} error={server.errors.role} testId="user-role" />
          {user && (
            <Select label={t('users.status')} value={status} onValue={(v) => setStatus(v as UserStatus)} options={[{ value: 'ACTIVE', label: t('userStatus.ACTIVE') }, { value: 'DISABLED', label: t('userStatus.DISABLED') }]} error={server.errors.status} testId="user-status" />
          )}
        </div>
        <Input label={t('users.priceRate')} value={priceRate} onValue={setPriceRate} inputMode="decimal" hint={t('users.priceRateHint')} error={server.errors.priceRate} testId="user-price-rate" />
        {user && (
          <Select
            label={t('users.defaultGroup')}
            value={defaultGroup}
            onValue={setDefaultGroup}
            options={[{ value: '', label: t('users.noDefaultGroup') }, ...(groups.data?.accountGroups ?? []).map((g) => ({ value: g.id, label: g.name }))]}
            hint={t('users.defaultGroupHint')}
            testId="user-account-group"
          />
        )}
        {server.general && (
          <div className="form-error" role="alert">
            {server.general}
          </div>
        )}
      </form>
    </Dialog>
  );
}

/** Sets one price rate for the selected users, or (userIds = 'all') for every user. */
export function PriceRateDialog({ userIds, onClose, onDone }: { userIds: string[] | 'all'; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [rate, setRate] = useState('1');
  const [error, setError] = useState<string | null>(null);
  const [someState, setSome] = useMutation(SET_USER_PRICE_RATES_MUTATION);
  const [allState, setAll] = useMutation(SET_ALL_USER_PRICE_RATES_MUTATION);
  const all = userIds === 'all';

  async function submit(e: FormEvent) {
    e.preventDefault();
    const invalid = validatePriceRate(rate);
    setError(invalid ? t(invalid) : null);
    if (invalid) return;
    const result = all ? await setAll({ priceRate: rate.trim() }) : await setSome({ userIds, priceRate: rate.trim() });
    if (result.error) return setError(errorMessage(result.error, t));
    const changed = (result.data as { setUserPriceRates?: number; setAllUserPriceRates?: number }).setUserPriceRates ?? (result.data as { setAllUserPriceRates?: number }).setAllUserPriceRates ?? 0;
    toast.show(t('users.rateChanged', { n: changed }));
    onDone();
  }

  return (
    <Dialog
      open
      title={all ? t('users.setAllRateTitle') : t('users.setRateTitle', { n: userIds.length })}
      onClose={onClose}
      testId="price-rate-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" type="submit" form="price-rate-form" loading={someState.fetching || allState.fetching} testId="price-rate-save">
            {t('users.applyRate')}
          </Button>
        </>
      }
    >
      <form id="price-rate-form" className="stack" onSubmit={submit} noValidate>
        {all && <div className="callout callout-warning">{t('users.setAllRateWarning')}</div>}
        <Input label={t('users.priceRate')} value={rate} onValue={setRate} inputMode="decimal" hint={t('users.priceRateHint')} error={error} autoFocus testId="price-rate-input" />
      </form>
    </Dialog>
  );
}

/** One user's usage totals (admin). */
export function UserUsageDialog({ user, onClose }: { user: AdminUser; onClose(): void }) {
  const { t } = useI18n();
  const [{ data, error, fetching }, refetch] = useQuery({ query: USER_USAGE_SUMMARY_QUERY, variables: { userId: user.id } });
  const s = data?.userUsageSummary;
  return (
    <Dialog open title={t('users.usageTitle', { name: user.username })} onClose={onClose} testId="user-usage-dialog">
      {error && !s ? (
        <ErrorState error={error} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      ) : fetching && !s ? (
        <Skeleton rows={3} />
      ) : s ? (
        <div className="stat-grid stat-grid-2">
          <StatCard label={t('usage.totalRequests')} value={formatNumber(s.totalRequests)} />
          <StatCard label={t('usage.totalTokens')} value={formatNumber(s.totalTokens, true)} />
          <StatCard label={t('usage.todayCost')} value={formatUsd(s.todayCost)} />
          <StatCard label={t('usage.totalCost')} value={formatUsd(s.totalCost)} />
        </div>
      ) : null}
    </Dialog>
  );
}
