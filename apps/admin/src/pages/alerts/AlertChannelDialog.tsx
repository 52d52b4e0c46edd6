// Create or edit an alert channel. The URL and secret are write-only: the API never returns
// them, so when editing, empty fields mean "keep what is stored".
import { useState } from 'react';
import { useMutation } from 'urql';
import { CREATE_ALERT_CHANNEL_MUTATION } from '../../graphql/mutations/create-alert-channel.ts';
import { UPDATE_ALERT_CHANNEL_MUTATION } from '../../graphql/mutations/update-alert-channel.ts';
import { ALERT_CHANNEL_KINDS, ALERT_EVENT_TYPES, type AlertChannelKind, type AlertEventType } from '../../graphql/enums.ts';
import type { AlertChannel } from '../../graphql/fragments/alert-channel-fields.ts';
import { useI18n } from '../../i18n/I18nProvider.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { Button } from '../../ui/Button.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { Checkbox, Input, Select } from '../../ui/Field.tsx';
import { useToast } from '../../ui/Toast.tsx';
import { errorMessage } from '../../ui/error-message.ts';

interface Draft {
  name: string;
  kind: AlertChannelKind;
  url: string;
  secret: string;
  events: AlertEventType[];
  enabled: boolean;
}

type DraftErrors = Partial<Record<'name' | 'url' | 'secret' | 'events', MessageKey>>;

/** A random 32-character secret for a new webhook channel (the operator copies it to the receiver). */
export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, '').slice(0, 32)}`;
}

/** Client-side checks mirroring the API's (the server re-checks, e.g. metadata addresses). */
export function validateAlertDraft(d: Draft, editing: boolean): DraftErrors {
  const errors: DraftErrors = {};
  if (!d.name.trim()) errors.name = 'validation.required';
  else if (d.name.trim().length > 128) errors.name = 'validation.tooLong';
  if (d.url.trim() || !editing) {
    if (!/^https?:\/\/[^\s]+$/i.test(d.url.trim())) errors.url = 'validation.url';
  }
  if (d.kind === 'WEBHOOK' && !editing && d.secret.trim().length < 16) errors.secret = 'alerts.needSecret';
  if (d.kind === 'WEBHOOK' && editing && d.secret.trim() && d.secret.trim().length < 16) errors.secret = 'alerts.needSecret';
  if (d.events.length === 0) errors.events = 'alerts.needEvents';
  return errors;
}

const signable = (k: AlertChannelKind) => k === 'WEBHOOK' || k === 'FEISHU' || k === 'DINGTALK';

export function AlertChannelDialog({ channel, onDone, onClose }: { channel: AlertChannel | null; onDone(): void; onClose(): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const editing = channel !== null;
  const [draft, setDraft] = useState<Draft>(() =>
    channel
      ? { name: channel.name, kind: channel.kind, url: '', secret: '', events: channel.events, enabled: channel.enabled }
      : { name: '', kind: 'WEBHOOK', url: '', secret: randomSecret(), events: ['ACCOUNT_ERROR', 'OAUTH_REFRESH_FAILED', 'KEY_BUDGET'], enabled: true },
  );
  const [errors, setErrors] = useState<DraftErrors>({});
  const [createState, create] = useMutation(CREATE_ALERT_CHANNEL_MUTATION);
  const [updateState, update] = useMutation(UPDATE_ALERT_CHANNEL_MUTATION);
  const set = <K extends keyof Draft>(k: K) => (v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  // A webhook needs a secret, so one is generated; Feishu and DingTalk bots have their own (or none),
  // so a generated one must not follow the operator to those kinds.
  const changeKind = (kind: AlertChannelKind) =>
    setDraft((d) => ({ ...d, kind, secret: kind === 'WEBHOOK' ? d.secret || randomSecret() : d.secret.startsWith('whsec_') ? '' : d.secret }));
  const toggleEvent = (e: AlertEventType, on: boolean) => set('events')(on ? [...draft.events, e] : draft.events.filter((x) => x !== e));

  async function save() {
    const found = validateAlertDraft(draft, editing);
    setErrors(found);
    if (Object.keys(found).length) return;
    const secret = signable(draft.kind) ? draft.secret.trim() || null : null;
    const result = channel
      ? await update({ id: channel.id, input: { name: draft.name.trim(), url: draft.url.trim() || null, secret, events: draft.events, enabled: draft.enabled } })
      : await create({ input: { name: draft.name.trim(), kind: draft.kind, url: draft.url.trim(), secret, events: draft.events, enabled: draft.enabled } });
    if (result.error) return toast.show(errorMessage(result.error, t), 'error');
    toast.show(t('alerts.saved', { name: draft.name.trim() }));
    onDone();
  }

  const err = (k: keyof DraftErrors) => (errors[k] ? t(errors[k]!) : null);
  const secretHint = editing ? t('alerts.secretKeep') : draft.kind === 'WEBHOOK' ? t('alerts.secretWebhook') : t('alerts.secretOptional');
  return (
    <Dialog
      open
      wide
      title={editing ? t('alerts.editTitle') : t('alerts.createTitle')}
      onClose={onClose}
      testId="alert-channel-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="primary" type="submit" form="alert-channel-form" loading={createState.fetching || updateState.fetching} testId="alert-channel-save">
            {t('common.save')}
          </Button>
        </>
      }
    >
      <form id="alert-channel-form" className="form-grid" onSubmit={(e) => { e.preventDefault(); void save(); }} noValidate>
        <Input label={t('alerts.name')} value={draft.name} onValue={set('name')} error={err('name')} required testId="alert-channel-name" />
        <Select
          label={t('alerts.kind')}
          value={draft.kind}
          disabled={editing}
          onValue={(v) => changeKind(v as AlertChannelKind)}
          options={ALERT_CHANNEL_KINDS.map((k) => ({ value: k, label: t(`alerts.kind.${k}`) }))}
          testId="alert-channel-kind"
        />
        <div className="form-span">
          <Input
            label={t('alerts.url')}
            value={draft.url}
            onValue={set('url')}
            error={err('url')}
            required={!editing}
            placeholder={editing ? channel.urlHint : 'https://'}
            hint={editing ? t('alerts.urlKeep', { hint: channel.urlHint }) : undefined}
            testId="alert-channel-url"
          />
        </div>
        {signable(draft.kind) && (
          <div className="form-span row">
            <div style={{ flex: 1 }}>
              <Input label={t('alerts.secret')} value={draft.secret} onValue={set('secret')} error={err('secret')} hint={secretHint} className="mono" testId="alert-channel-secret" />
            </div>
            <Button size="sm" variant="ghost" onClick={() => set('secret')(randomSecret())}>
              {t('alerts.generateSecret')}
            </Button>
          </div>
        )}
        <fieldset className="form-span fieldset" data-testid="alert-channel-events">
          <legend>{t('alerts.events')}</legend>
          <div className="checkbox-grid">
            {ALERT_EVENT_TYPES.map((e) => (
              <Checkbox key={e} label={t(`alerts.event.${e}`)} checked={draft.events.includes(e)} onChecked={(on) => toggleEvent(e, on)} testId={`alert-event-${e}`} />
            ))}
          </div>
          {errors.events && (
            <div className="field-error" role="alert">
              {t(errors.events)}
            </div>
          )}
        </fieldset>
        <div className="form-span">
          <Checkbox label={t('alerts.enabled')} checked={draft.enabled} onChecked={set('enabled')} testId="alert-channel-enabled" />
        </div>
      </form>
    </Dialog>
  );
}
