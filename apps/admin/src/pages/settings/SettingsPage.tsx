// Account settings for the signed-in user: change password, personal access tokens for scripts
// (the token is shown once, like API keys).
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { CHANGE_PASSWORD_MUTATION } from '../../graphql/mutations/change-password.ts';
import { ACCESS_TOKENS_QUERY, type AccessToken } from '../../graphql/queries/access-tokens.ts';
import { CREATE_ACCESS_TOKEN_MUTATION } from '../../graphql/mutations/create-access-token.ts';
import { REVOKE_ACCESS_TOKEN_MUTATION } from '../../graphql/mutations/revoke-access-token.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Badge } from '../../ui/Badge.tsx';
import { Button } from '../../ui/Button.tsx';
import { Card, PageHeader } from '../../ui/Card.tsx';
import { CopyField } from '../../ui/CopyField.tsx';
import { Checkbox, Input } from '../../ui/Field.tsx';
import { EmptyState } from '../../ui/States.tsx';
import { Table, type Column } from '../../ui/Table.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorField, errorMessage } from '../../ui/error-message.ts';
import { formatDateTime, isoDay } from '../../ui/format.ts';
import { validatePassword } from '../users/user-form-model.ts';
import { endOfLocalDay } from '../api-keys/api-key-form-model.ts';

function ChangePasswordCard() {
  const { t } = useI18n();
  const toast = useToast();
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [keepAccessTokens, setKeepAccessTokens] = useState(false);
  const [errors, setErrors] = useState<Record<string, string | null>>({});
  const [{ fetching }, change] = useMutation(CHANGE_PASSWORD_MUTATION);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const np = validatePassword(newPassword, true);
    const found = {
      oldPassword: oldPassword ? null : t('validation.required'),
      newPassword: np ? t(np) : null,
      confirm: confirm === newPassword ? null : t('validation.passwordMismatch'),
    };
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    const result = await change({ oldPassword, newPassword, keepAccessTokens });
    if (result.error) {
      const field = errorField(result.error);
      const code = result.error.graphQLErrors[0]?.extensions?.code;
      const message = code === 'UNAUTHENTICATED' ? t('settings.wrongPassword') : errorMessage(result.error, t);
      return setErrors({ [field === 'newPassword' ? 'newPassword' : 'oldPassword']: message });
    }
    setOld('');
    setNew('');
    setConfirm('');
    setKeepAccessTokens(false);
    toast.show(t('settings.passwordChanged'));
  }

  return (
    <Card title={t('settings.changePassword')}>
      <form className="stack narrow" onSubmit={submit} noValidate data-testid="change-password-form">
        <Input label={t('settings.oldPassword')} type="password" autoComplete="current-password" value={oldPassword} onValue={setOld} error={errors.oldPassword} testId="old-password" />
        <Input label={t('settings.newPassword')} type="password" autoComplete="new-password" value={newPassword} onValue={setNew} error={errors.newPassword} hint={t('users.passwordHint')} testId="new-password" />
        <Input label={t('settings.confirmPassword')} type="password" autoComplete="new-password" value={confirm} onValue={setConfirm} error={errors.confirm} testId="confirm-password" />
        <Checkbox label={t('settings.keepAccessTokens')} checked={keepAccessTokens} onChecked={setKeepAccessTokens} testId="keep-access-tokens" />
        <div>
          <Button type="submit" variant="primary" loading={fetching} testId="change-password-submit">
            {t('settings.changePassword')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function AccessTokensCard() {
  const { t } = useI18n();
  const toast = useToast();
  const [{ data, error, fetching }, refetch] = useQuery({ query: ACCESS_TOKENS_QUERY });
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const [createState, create] = useMutation(CREATE_ACCESS_TOKEN_MUTATION);
  const [, revoke] = useMutation(REVOKE_ACCESS_TOKEN_MUTATION);
  const reload = () => refetch({ requestPolicy: 'network-only' });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return setNameError(t('validation.required'));
    if (expires && expires < isoDay(0)) return setNameError(t('validation.futureDate'));
    setNameError(null);
    const result = await create({ name: name.trim(), expiresAt: expires ? endOfLocalDay(expires) : null });
    if (!result.data) return setNameError(errorMessage(result.error, t));
    setCreated(result.data.createAccessToken.token);
    setName('');
    setExpires('');
    reload();
  }

  async function revokeToken(tok: AccessToken) {
    const result = await revoke({ id: tok.id });
    if (result.error) toast.show(errorMessage(result.error, t), 'error');
    else {
      toast.show(t('settings.tokenRevoked'));
      reload();
    }
  }

  const columns: Column<AccessToken & { revokedAt: string | null }>[] = [
    { key: 'name', header: t('settings.tokenName'), render: (k) => <span className="cell-strong">{k.name}</span> },
    { key: 'prefix', header: t('settings.tokenPrefix'), render: (k) => <span className="mono cell-sub">{k.tokenPrefix}…</span>, hideOnMobile: true },
    { key: 'expires', header: t('settings.tokenExpires'), render: (k) => (k.revokedAt ? <Badge tone="danger">{t('settings.revoked')}</Badge> : <span className="cell-sub">{k.expiresAt ? formatDateTime(k.expiresAt) : t('settings.never')}</span>) },
    { key: 'lastUsed', header: t('apiKeys.lastUsed'), render: (k) => <span className="cell-sub" data-testid={`token-last-used-${k.id}`}>{formatDateTime(k.lastUsedAt)}</span>, hideOnMobile: true },
    {
      key: 'actions',
      header: '',
      align: 'right',
      render: (k) =>
        k.revokedAt ? null : (
          <Button size="sm" variant="ghost" className="text-danger" onClick={() => void revokeToken(k)} testId={`revoke-token-${k.id}`}>
            {t('settings.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <Card title={t('settings.accessTokens')}>
      <p className="muted">{t('settings.accessTokensHint')}</p>
      <form className="filter-bar" onSubmit={submit} noValidate>
        <Input label={t('settings.tokenName')} value={name} onValue={setName} error={nameError} testId="token-name" />
        <Input label={t('settings.tokenExpires')} type="date" value={expires} onValue={setExpires} hint={t('settings.tokenExpiresHint')} testId="token-expires" />
        <div className="filter-submit">
          <Button type="submit" variant="primary" loading={createState.fetching} testId="token-create">
            {t('settings.createToken')}
          </Button>
        </div>
      </form>
      {created && (
        <div className="stack new-secret" data-testid="new-access-token-panel">
          <div className="callout callout-warning" role="alert">
            <strong>{t('apiKeys.newKeyWarningTitle')}</strong> {t('settings.tokenWarning')}
          </div>
          <CopyField value={created} testId="new-access-token" />
          <div>
            <Button size="sm" onClick={() => setCreated(null)}>
              {t('apiKeys.newKeyDone')}
            </Button>
          </div>
        </div>
      )}
      <Table columns={columns} rows={data?.accessTokens} rowKey={(k) => k.id} loading={fetching} error={error} onRetry={reload} empty={<EmptyState title={t('settings.noTokens')} />} testId="tokens-table" />
    </Card>
  );
}

export function SettingsPage() {
  const { t } = useI18n();
  return (
    <div className="page" data-testid="page-settings">
      <PageHeader title={t('settings.title')} description={t('settings.description')} />
      <ChangePasswordCard />
      <AccessTokensCard />
    </div>
  );
}
