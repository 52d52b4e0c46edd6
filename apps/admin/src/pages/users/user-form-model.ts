// Pure validation for the user forms (mirrors the server's rules so errors show before a round trip).
import type { MessageKey } from '../../i18n/en.ts';

/** Same rule as the control plane's USERNAME_PATTERN. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/;
export const PASSWORD_MIN = 8;
/** Default MAX_PRICE_RATE; the server has the final word and names the field if it disagrees. */
export const MAX_PRICE_RATE = 100;

/** A price rate: decimal > 0, ≤ MAX_PRICE_RATE, at most 4 decimals. Returns an error key or null. */
export function validatePriceRate(value: string): MessageKey | null {
  const v = value.trim();
  if (!v) return 'validation.required';
  if (!/^\d+(\.\d+)?$/.test(v)) return 'validation.rateFormat';
  if ((v.split('.')[1] ?? '').length > 4) return 'validation.rateDecimals';
  const [i, f = ''] = v.split('.');
  const tenThousandths = BigInt(i) * 10_000n + BigInt(f.padEnd(4, '0') || '0');
  if (tenThousandths <= 0n) return 'validation.rateRange';
  if (tenThousandths > BigInt(MAX_PRICE_RATE) * 10_000n) return 'validation.rateRange';
  return null;
}

export function validateUsername(value: string): MessageKey | null {
  if (!value.trim()) return 'validation.required';
  return USERNAME_PATTERN.test(value.trim()) ? null : 'validation.username';
}

/** Password for a new user (required) or an edit (blank = unchanged). */
export function validatePassword(value: string, required: boolean): MessageKey | null {
  if (!value) return required ? 'validation.required' : null;
  if (value.length < PASSWORD_MIN) return 'validation.passwordLength';
  if (value.length > 128) return 'validation.tooLong';
  return null;
}
