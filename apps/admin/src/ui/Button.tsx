import type { ButtonHTMLAttributes, ReactNode } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: 'sm' | 'md';
  loading?: boolean;
  icon?: ReactNode;
  testId?: string;
}

/** The one button. `loading` disables it and shows a spinner so double submits cannot happen. */
export function Button({ variant = 'secondary', size = 'md', loading, icon, testId, children, className, disabled, type, ...rest }: ButtonProps) {
  return (
    <button
      type={type ?? 'button'}
      className={`btn btn-${variant} btn-${size}${className ? ' ' + className : ''}`}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      data-testid={testId}
      {...rest}
    >
      {loading ? <span className="spinner spinner-sm" aria-hidden /> : icon}
      {children}
    </button>
  );
}
