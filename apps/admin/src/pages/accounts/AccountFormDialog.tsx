// Create / edit an upstream account. The platform picks which credential fields appear; each
// field shows its own validation message, and a server error naming a field lands under it.
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CREATE_ACCOUNT_MUTATION } from '../../graphql/mutations/create-account.ts';
import { UPDATE_ACCOUNT_MUTATION } from '../../graphql/mutations/update-account.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { Button } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Input, Select, Textarea } from '../../ui/Field.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorField, errorMessage } from '../../ui/error-message.ts';
import {
  PLATFORM_SPECS,
  SECRET_FIELDS,
  accountToForm,
  buildAccountInput,
  emptyAccountForm,
  validateAccountForm,
  type AccountFieldName,
  type AccountFormErrors,
  type AccountFormValues,
} from './account-form-model.ts';
import { PLATFORM_ENUMS, type PlatformEnum } from '../../graphql/enums.ts';
import type { Account } from '../../graphql/fragments/account-fields.ts';

const FIELD_LABELS: Record<AccountFieldName, MessageKey> = {
  name: 'accounts.field.name',
  platform: 'accounts.field.platform',
  baseUrl: 'accounts.field.baseUrl',
  apiKey: 'accounts.field.apiKey',
  accessToken: 'accounts.field.accessToken',
  refreshToken: 'accounts.field.refreshToken',
  region: 'accounts.field.region',
  accessKeyId: 'accounts.field.accessKeyId',
  secretAccessKey: 'accounts.field.secretAccessKey',
  sessionToken: 'accounts.field.sessionToken',
  deployment: 'accounts.field.deployment',
  apiVersion: 'accounts.field.apiVersion',
  priority: 'accounts.field.priority',
  concurrency: 'accounts.field.concurrency',
  probeIntervalSeconds: 'accounts.field.probeIntervalSeconds',
  models: 'accounts.field.models',
  modelMapping: 'accounts.field.modelMapping',
  egressProxy: 'accounts.field.egressProxy',
};

export function platformLabelKey(p: PlatformEnum): MessageKey {
  return `platform.${p}` as MessageKey;
}

export function AccountFormDialog({ account, onClose, onSaved }: { account: Account | null; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const mode = account ? 'edit' : 'create';
  const [values, setValues] = useState<AccountFormValues>(() => (account ? accountToForm(account) : emptyAccountForm()));
  const [errors, setErrors] = useState<AccountFormErrors>({});
  const [serverError, setServerError] = useState<{ field?: string; message: string } | null>(null);
  const [createState, create] = useMutation(CREATE_ACCOUNT_MUTATION);
  const [updateState, update] = useMutation(UPDATE_ACCOUNT_MUTATION);
  const platform = values.platform as PlatformEnum;
  const spec = PLATFORM_SPECS[platform];

  const set = (field: AccountFieldName) => (value: string) => {
    setValues((v) => (field === 'platform' ? { ...emptyAccountForm(value as PlatformEnum), name: v.name, priority: v.priority } : { ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
    if (serverError?.field === field) setServerError(null);
  };

  const fieldError = (field: AccountFieldName): string | null => {
    if (errors[field]) return t(errors[field]!);
    if (serverError?.field === field) return serverError.message;
    return null;
  };

  const field = (name: AccountFieldName, extra: { type?: string; placeholder?: string; hint?: string } = {}) => {
    const secret = SECRET_FIELDS.includes(name);
    return (
      <Input
        key={name}
        label={t(FIELD_LABELS[name])}
        value={values[name]}
        onValue={set(name)}
        required={spec.required.includes(name) && !(mode === 'edit' && secret)}
        type={secret ? 'password' : extra.type ?? 'text'}
        autoComplete={secret ? 'new-password' : 'off'}
        placeholder={name === 'baseUrl' ? spec.baseUrlPlaceholder : mode === 'edit' && secret ? t('accounts.keepSecret') : extra.placeholder}
        hint={extra.hint}
        error={fieldError(name)}
        testId={`account-${name}`}
      />
    );
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateAccountForm(values, mode);
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0) return;
    const result = account
      ? await update({ id: account.id, input: buildAccountInput(values, 'edit') })
      : await create({ input: buildAccountInput(values, 'create') });
    if (result.error) {
      setServerError({ field: errorField(result.error), message: errorMessage(result.error, t) });
      return;
    }
    toast.show(account ? t('accounts.updated') : t('accounts.created'));
    onSaved();
  }

  const busy = createState.fetching || updateState.fetching;
  const unplacedServerError = serverError && !(serverError.field && serverError.field in values) ? serverError.message : null;

  return (
    <Dialog
      open
      wide
      title={account ? t('accounts.editTitle', { name: account.name }) : t('accounts.createTitle')}
      onClose={onClose}
      testId="account-form"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" type="submit" form="account-form" loading={busy} testId="account-save">
            {account ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="account-form" className="form-grid" onSubmit={submit} noValidate>
        {field('name')}
        <Select
          label={t('accounts.field.platform')}
          value={platform}
          onValue={set('platform')}
          disabled={mode === 'edit'}
          options={PLATFORM_ENUMS.map((p) => ({ value: p, label: t(platformLabelKey(p)) }))}
          testId="account-platform"
        />
        {spec.fields.map((name) => field(name, name === 'apiVersion' ? { placeholder: '2024-10-21' } : name === 'region' ? { placeholder: 'us-east-1' } : {}))}
        {field('priority', { type: 'number', hint: t('accounts.priorityHint') })}
        {field('concurrency', { type: 'number', hint: t('accounts.concurrencyHint') })}
        {field('probeIntervalSeconds', { type: 'number', placeholder: '300', hint: t('accounts.probeIntervalHint') })}
        <div className="form-span">{field('models', { placeholder: 'claude-sonnet-4-5, claude-haiku-4-5', hint: t('accounts.modelsHint') })}</div>
        <div className="form-span">
          <Textarea
            label={t('accounts.field.modelMapping')}
            value={values.modelMapping}
            onValue={set('modelMapping')}
            rows={3}
            placeholder={'claude-3-5-sonnet=claude-sonnet-4-5'}
            hint={t('accounts.modelMappingHint')}
            error={fieldError('modelMapping')}
            testId="account-modelMapping"
          />
        </div>
        <div className="form-span">{field('egressProxy', { hint: t('accounts.egressProxyHint') })}</div>
        {unplacedServerError && (
          <div className="form-error form-span" role="alert" data-testid="account-form-error">
            {unplacedServerError}
          </div>
        )}
      </form>
    </Dialog>
  );
}
