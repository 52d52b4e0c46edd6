/**
 * Audit records keep before/after images of what changed, but never a secret: any field whose
 * name says it holds a password, token, key or credential is replaced by a fixed mask (the
 * "…Hint"/"…Prefix" display fields stay, they are made for showing).
 */
const SECRET_NAME = /(password|secret|token|credential|authorization|apikey|keyhash|egressproxy|verifier|cookie)/i;
const DISPLAY_NAME = /(hint|prefix)$/i;
export const MASK = '[redacted]';

/** A JSON-safe deep copy of `value` with secret fields masked. */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (depth > 6) return '[…]';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'function') continue;
      out[k] = SECRET_NAME.test(k) && !DISPLAY_NAME.test(k) ? (v === null || v === undefined ? null : MASK) : maskSecrets(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
