// Create or edit an API key with its limits. On create, the full key comes back once and is
// handed to NewKeyDialog by the caller.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACCOUNT_GROUPS_QUERY } from '../../graphql/queries/account-groups.ts';
import { ACCOUNTS_QUERY } from '../../graphql/queries/accounts.ts';
import { CREATE_API_KEY_MUTATION } from '../../graphql/mutations/create-api-key.ts';
import { UPDATE_API_KEY_MUTATION } from '../../graphql/mutations/update-api-key.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Checkbox, Input, Select, Textarea } from '../../ui/Field.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { CopyField } from '../../ui/CopyField.tsx';
import { errorField, errorMessage } from '../../ui/error-message.ts';
import { isoDay } from '../../ui/format.ts';
import { platformLabelKey } from '../accounts/AccountFormDialog.tsx';
import {
  apiKeyToForm, buildApiKeyInput, emptyApiKeyForm, validateApiKeyForm, type ApiKeyFormErrors, type ApiKeyFormValues, type BindingKind, type KeyBinding,
} from './api-key-form-model.ts';
import { CLIENT_FAMILIES, PLATFORM_ENUMS } from '../../graphql/enums.ts';
import type { ApiKey } from '../../graphql/fragments/api-key-fields.ts';

/**
 * `binding` is given only in an admin's editor (the All keys tab): it then shows and sends the key's
 * account binding; users never see or send one.
 */
export function ApiKeyFormDialog({ apiKey, binding, onClose, onCreated, onSaved }: {
  apiKey: ApiKey | null; binding?: KeyBinding; onClose(): void; onCreated(fullKey: string): void; onSaved(): void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const canBind = binding !== undefined;
  const [values, setValues] = useState<ApiKeyFormValues>(() => (apiKey ? apiKeyToForm(apiKey, binding ?? null) : emptyApiKeyForm()));
  const [errors, setErrors] = useState<ApiKeyFormErrors>({});
  const [serverError, setServerError] = useState<{ field?: string; message: string } | null>(null);
  const [createState, create] = useMutation(CREATE_API_KEY_MUTATION);
  const [updateState, update] = useMutation(UPDATE_API_KEY_MUTATION);

  const set = <K extends keyof ApiKeyFormValues>(field: K) => (value: ApiKeyFormValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
    if (serverError?.field === field) setServerError(null);
  };
  const err = (field: keyof ApiKeyFormValues) => (errors[field] ? t(errors[field]!) : serverError?.field === field ? serverError.message : null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateApiKeyForm(values, isoDay(0));
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length) return;
    const input = buildApiKeyInput(values, canBind);
    if (apiKey) {
      const result = await update({ id: apiKey.id, input });
      if (result.error) return setServerError({ field: errorField(result.error), message: errorMessage(result.error, t) });
      toast.show(t('apiKeys.updated'));
      onSaved();
    } else {
      const result = await create({ input });
      if (!result.data) return setServerError({ field: errorField(result.error), message: errorMessage(result.error, t) });
      onCreated(result.data.createApiKey.key);
    }
  }

  const platforms = values.allowedPlatforms;
  const clients = values.allowedClients;
  const generalError = serverError && !(serverError.field && serverError.field in values) ? serverError.message : null;

  return (
    <Dialog
      open
      wide
      title={apiKey ? t('apiKeys.editTitle', { name: apiKey.name }) : t('apiKeys.createTitle')}
      onClose={onClose}
      testId="api-key-form"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" type="submit" form="api-key-form" loading={createState.fetching || updateState.fetching} testId="api-key-save">
            {apiKey ? t('common.save') : t('common.create')}
          </Button>
        </>
      }
    >
      <form id="api-key-form" className="form-grid" onSubmit={submit} noValidate>
        <div className="form-span">
          <Input label={t('apiKeys.field.name')} value={values.name} onValue={set('name')} required error={err('name')} testId="api-key-name" />
        </div>
        <fieldset className="form-span fieldset">
          <legend>{t('apiKeys.field.allowedPlatforms')}</legend>
          <div className="checkbox-grid">
            {PLATFORM_ENUMS.map((p) => (
              <Checkbox
                key={p}
                label={t(platformLabelKey(p))}
                checked={platforms.includes(p)}
                onChecked={(on) => set('allowedPlatforms')(on ? [...platforms, p] : platforms.filter((x) => x !== p))}
                testId={`api-key-platform-${p}`}
              />
            ))}
          </div>
          <div className="field-hint">{t('apiKeys.allowedPlatformsHint')}</div>
        </fieldset>
        <div className="form-span">
          <Input label={t('apiKeys.field.allowedModels')} value={values.allowedModels} onValue={set('allowedModels')} placeholder="claude-sonnet-4-5, gpt-4o" hint={t('apiKeys.allowedModelsHint')} error={err('allowedModels')} testId="api-key-models" />
        </div>
        <div className="form-span">
          <Textarea label={t('apiKeys.field.modelMapping')} value={values.modelMapping} onValue={set('modelMapping')} rows={3} placeholder="sonnet=claude-sonnet-4-5" hint={t('apiKeys.modelMappingHint')} error={err('modelMapping')} testId="api-key-model-mapping" />
        </div>
        <fieldset className="form-span fieldset">
          <legend>{t('apiKeys.field.allowedClients')}</legend>
          <div className="checkbox-grid">
            {CLIENT_FAMILIES.map((c) => (
              <Checkbox
                key={c}
                label={t(`client.${c}`)}
                checked={clients.includes(c)}
                onChecked={(on) => set('allowedClients')(on ? [...clients, c] : clients.filter((x) => x !== c))}
                testId={`api-key-client-${c}`}
              />
            ))}
          </div>
          <div className="field-hint">{t('apiKeys.allowedClientsHint')}</div>
        </fieldset>
        {canBind && <BindingFields values={values} set={set} err={err} />}
        <Input label={t('apiKeys.field.rpm')} value={values.rpm} onValue={set('rpm')} inputMode="numeric" placeholder={t('apiKeys.unlimited')} error={err('rpm')} testId="api-key-rpm" />
        <Input label={t('apiKeys.field.tpm')} value={values.tpm} onValue={set('tpm')} inputMode="numeric" placeholder={t('apiKeys.unlimited')} error={err('tpm')} testId="api-key-tpm" />
        <Input label={t('apiKeys.field.concurrency')} value={values.concurrency} onValue={set('concurrency')} inputMode="numeric" placeholder={t('apiKeys.unlimited')} error={err('concurrency')} testId="api-key-concurrency" />
        <Input label={t('apiKeys.field.expiresAt')} type="date" value={values.expiresAt} onValue={set('expiresAt')} hint={t('apiKeys.expiresHint')} error={err('expiresAt')} testId="api-key-expires" />
        <Input label={t('apiKeys.field.dailyCostLimit')} value={values.dailyCostLimit} onValue={set('dailyCostLimit')} inputMode="decimal" placeholder={t('apiKeys.unlimited')} hint="USD" error={err('dailyCostLimit')} testId="api-key-daily-limit" />
        <Input label={t('apiKeys.field.totalCostLimit')} value={values.totalCostLimit} onValue={set('totalCostLimit')} inputMode="decimal" placeholder={t('apiKeys.unlimited')} hint="USD" error={err('totalCostLimit')} testId="api-key-total-limit" />
        {generalError && (
          <div className="form-error form-span" role="alert" data-testid="api-key-form-error">
            {generalError}
          </div>
        )}
      </form>
    </Dialog>
  );
}

/** Admins: which accounts serve the key — its owner's default (none), one group, or listed accounts. */
function BindingFields({ values, set, err }: {
  values: ApiKeyFormValues;
  set: <K extends keyof ApiKeyFormValues>(field: K) => (value: ApiKeyFormValues[K]) => void;
  err: (field: keyof ApiKeyFormValues) => string | null;
}) {
  const { t } = useI18n();
  const [groups] = useQuery({ query: ACCOUNT_GROUPS_QUERY });
  const [accounts] = useQuery({ query: ACCOUNTS_QUERY });
  const kinds: BindingKind[] = ['none', 'group', 'accounts'];
  const ids = values.accountIds;
  return (
    <fieldset className="form-span fieldset">
      <legend>{t('apiKeys.field.binding')}</legend>
      <Select
        label={t('apiKeys.field.bindingKind')}
        value={values.bindingKind}
        onValue={(v) => set('bindingKind')(v as BindingKind)}
        options={kinds.map((k) => ({ value: k, label: t(`apiKeys.binding.${k}`) }))}
        testId="api-key-binding-kind"
      />
      {values.bindingKind === 'group' && (
        <Select
          label={t('apiKeys.field.accountGroup')}
          value={values.accountGroupId}
          onValue={set('accountGroupId')}
          options={[{ value: '', label: '—' }, ...(groups.data?.accountGroups ?? []).map((g) => ({ value: g.id, label: g.name }))]}
          error={err('accountGroupId')}
          testId="api-key-binding-group"
        />
      )}
      {values.bindingKind === 'accounts' && (
        <>
          <div className="checkbox-grid">
            {(accounts.data?.accounts ?? []).map((a) => (
              <Checkbox
                key={a.id}
                label={a.name}
                checked={ids.includes(a.id)}
                onChecked={(on) => set('accountIds')(on ? [...ids, a.id] : ids.filter((x) => x !== a.id))}
                testId={`api-key-binding-account-${a.id}`}
              />
            ))}
          </div>
          {err('accountIds') && <div className="field-error">{err('accountIds')}</div>}
        </>
      )}
      <div className="field-hint">{t('apiKeys.bindingHint')}</div>
    </fieldset>
  );
}

/** Shows a just-created key once, read-only with a Copy button and a clear warning. */
export function NewKeyDialog({ fullKey, onClose }: { fullKey: string; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Dialog
      open
      title={t('apiKeys.newKeyTitle')}
      onClose={onClose}
      testId="new-api-key-dialog"
      footer={
        <Button variant="primary" onClick={onClose} testId="new-api-key-done">
          {t('apiKeys.newKeyDone')}
        </Button>
      }
    >
      <div className="stack">
        <div className="callout callout-warning" role="alert">
          <strong>{t('apiKeys.newKeyWarningTitle')}</strong> {t('apiKeys.newKeyWarning')}
        </div>
        <CopyField value={fullKey} testId="new-api-key" />
      </div>
    </Dialog>
  );
}
