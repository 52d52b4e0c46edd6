// Form controls with a label, a hint and a field-level error message wired up for screen readers.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldShellProps {
  label?: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  required?: boolean;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}

function FieldShell({ label, hint, error, required, children }: FieldShellProps) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      {label && (
        <label className="field-label" htmlFor={id}>
          {label}
          {required && <span className="field-required" aria-hidden> *</span>}
        </label>
      )}
      {children(id, describedBy)}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

export interface InputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange'> {
  label?: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  testId?: string;
  onValue?(value: string): void;
  onChange?: InputHTMLAttributes<HTMLInputElement>['onChange'];
}

/** Text input; `onValue` receives the string value. */
export function Input({ label, hint, error, testId, onValue, onChange, required, className, ...rest }: InputProps) {
  return (
    <FieldShell label={label} hint={hint} error={error} required={required}>
      {(id, describedBy) => (
        <input
          id={id}
          className={`input${className ? ' ' + className : ''}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          required={required}
          onChange={(e) => {
            onChange?.(e);
            onValue?.(e.target.value);
          }}
          {...rest}
        />
      )}
    </FieldShell>
  );
}

export interface TextareaProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange'> {
  label?: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  testId?: string;
  onValue?(value: string): void;
}

export function Textarea({ label, hint, error, testId, onValue, required, ...rest }: TextareaProps) {
  return (
    <FieldShell label={label} hint={hint} error={error} required={required}>
      {(id, describedBy) => (
        <textarea
          id={id}
          className="input textarea"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          onChange={(e) => onValue?.(e.target.value)}
          {...rest}
        />
      )}
    </FieldShell>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange'> {
  label?: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  options: readonly SelectOption[];
  testId?: string;
  onValue?(value: string): void;
}

export function Select({ label, hint, error, options, testId, onValue, required, ...rest }: SelectProps) {
  return (
    <FieldShell label={label} hint={hint} error={error} required={required}>
      {(id, describedBy) => (
        <select
          id={id}
          className="input select"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          data-testid={testId}
          onChange={(e) => onValue?.(e.target.value)}
          {...rest}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** A checkbox with its label to the right. */
export function Checkbox({ label, checked, onChecked, testId, ariaLabel, disabled }: { label?: ReactNode; checked: boolean; onChecked(v: boolean): void; testId?: string; ariaLabel?: string; disabled?: boolean }) {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={checked} disabled={disabled} aria-label={ariaLabel} data-testid={testId} onChange={(e) => onChecked(e.target.checked)} />
      {label && <span>{label}</span>}
    </label>
  );
}
