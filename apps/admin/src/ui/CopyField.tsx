// A read-only field with a Copy button: used for secrets shown once (new API keys, tokens) and
// for OAuth URLs. Falls back to selecting the text when the clipboard API is unavailable (http).
import { useRef, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { Button } from './Button.tsx';

export function CopyField({ value, testId }: { value: string; testId?: string }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  async function copy() {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      document.execCommand?.('copy');
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <div className="copy-field">
      <input ref={input} className="input mono" readOnly value={value} data-testid={testId} onFocus={(e) => e.target.select()} aria-label={t('common.copyField')} />
      <Button onClick={() => void copy()} testId={testId ? `${testId}-copy` : undefined}>
        {copied ? t('common.copied') : t('common.copy')}
      </Button>
    </div>
  );
}
