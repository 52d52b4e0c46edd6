// Create or edit an API key with its limits. On create, the full key comes back once and is
// handed to NewKeyDialog by the caller.
import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CREATE_API_KEY_MUTATION } from '../../graphql/mutations/create-api-key.ts';
import { UPDATE_API_KEY_MUTATION } from '../../graphql/mutations/update-api-key.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import { Button } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Checkbox, Input } from '../../ui/Field.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { CopyField } from '../../ui/CopyField.tsx';
import { errorField, errorMessage } from '../../ui/error-message.ts';
import { isoDay } from '../../ui/format.ts';
import { platformLabelKey } from '../accounts/AccountFormDialog.tsx';
import { apiKeyToForm, buildApiKeyInput, emptyApiKeyForm, validateApiKeyForm, type ApiKeyFormErrors, type ApiKeyFormValues } from './api-key-form-model.ts';
import { PLATFORM_ENUMS } from '../../graphql/enums.ts';
import type { ApiKey } from '../../graphql/fragments/api-key-fields.ts';

export function ApiKeyFormDialog({ apiKey, onClose, onCreated, onSaved }: { apiKey: ApiKey | null; onClose(): void; onCreated(fullKey: string): void; onSaved(): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [values, setValues] = useState<ApiKeyFormValues>(() => (apiKey ? apiKeyToForm(apiKey) : emptyApiKeyForm()));
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
    const input = buildApiKeyInput(values);
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
