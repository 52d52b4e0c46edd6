// Loading, empty and error states, so every page shows the same thing in the same situation.
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { Button } from './Button.tsx';
import { errorMessage } from './error-message.ts';

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="spinner-row" role="status">
      <span className="spinner" aria-hidden />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

/** Grey placeholder bars shaped like the content that is loading. */
export function Skeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div className="skeleton" aria-busy="true" role="status">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-bar" style={{ width: `${90 - ((i * 17) % 35)}%` }} />
      ))}
    </div>
  );
}

export function EmptyState({ title, description, action, testId }: { title?: ReactNode; description?: ReactNode; action?: ReactNode; testId?: string }) {
  const { t } = useI18n();
  return (
    <div className="empty-state" data-testid={testId ?? 'empty-state'}>
      <svg width="40" height="40" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
        <path d="M3 7l9-4 9 4-9 4-9-4z" />
        <path d="M3 12l9 4 9-4M3 17l9 4 9-4" />
      </svg>
      <div className="empty-title">{title ?? t('common.empty')}</div>
      {description && <div className="empty-description">{description}</div>}
      {action}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: CombinedError | Error | string; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="error-state" role="alert" data-testid="error-state">
      <div className="error-title">{t('common.errorTitle')}</div>
      <div className="error-description">{errorMessage(error, t)}</div>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </div>
  );
}
