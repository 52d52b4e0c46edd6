// Modal dialog and side drawer built on <dialog>-like semantics without the element's quirks:
// Escape and a backdrop click close them, focus moves inside on open.
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider.tsx';

interface OverlayProps {
  open: boolean;
  title: ReactNode;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  wide?: boolean;
}

function useOverlay(open: boolean, onClose: () => void) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    const focusable = panel.current?.querySelector<HTMLElement>('input, select, textarea, button:not(.overlay-close)');
    (focusable ?? panel.current)?.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose]);
  return panel;
}

function CloseButton({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="overlay-close" aria-label={t('common.close')} onClick={onClose}>
      <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
        <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
    </button>
  );
}

/** Centered modal. */
export function Dialog({ open, title, onClose, children, footer, testId, wide }: OverlayProps) {
  const panel = useOverlay(open, onClose);
  if (!open) return null;
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`dialog${wide ? ' dialog-wide' : ''}`} role="dialog" aria-modal="true" aria-label={typeof title === 'string' ? title : undefined} data-testid={testId} ref={panel} tabIndex={-1}>
        <header className="dialog-header">
          <h2>{title}</h2>
          <CloseButton onClose={onClose} />
        </header>
        <div className="dialog-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </div>
  );
}

/** Panel sliding in from the right; full width on phones. */
export function Drawer({ open, title, onClose, children, footer, testId }: OverlayProps) {
  const panel = useOverlay(open, onClose);
  if (!open) return null;
  return (
    <div className="overlay overlay-drawer" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="drawer" role="dialog" aria-modal="true" data-testid={testId} ref={panel} tabIndex={-1}>
        <header className="dialog-header">
          <h2>{title}</h2>
          <CloseButton onClose={onClose} />
        </header>
        <div className="drawer-body">{children}</div>
        {footer && <footer className="dialog-footer">{footer}</footer>}
      </div>
    </div>
  );
}
