import { useI18n } from '../i18n/I18nProvider.tsx';
import { Button } from './Button.tsx';
import { Dialog } from './Dialog.tsx';

/** "Are you sure?" for destructive actions. */
export function ConfirmDialog({ title, message, confirmLabel, busy, onConfirm, onClose }: { title: string; message: string; confirmLabel?: string; busy?: boolean; onConfirm(): void; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      testId="confirm-dialog"
      footer={
        <>
          <Button variant="ghost" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button variant="danger" loading={busy} onClick={onConfirm} testId="confirm-ok">
            {confirmLabel ?? t('common.delete')}
          </Button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
