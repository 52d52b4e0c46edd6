import type { IncomingHttpHeaders } from 'node:http';

export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 60_000;
export const DEFAULT_SERVER_ERROR_COOLDOWN_MS = 30_000;
const MAX_COOLDOWN_MS = 24 * 3600_000;

/**
 * How long an account should rest after a 429/529, from what the upstream said (see
 * {@link explicitCooldownUntil}; else `bodyReset`, a reset its error body named, capped like the
 * headers), falling back to 60 s for 429/529 and 30 s otherwise. Returns the epoch ms the cooldown ends.
 */
export function cooldownUntil(status: number | null, headers: IncomingHttpHeaders, now: number, bodyReset: number | null = null): number {
  const said = explicitCooldownUntil(headers, now) ?? (bodyReset !== null && bodyReset > now ? Math.min(bodyReset, now + MAX_COOLDOWN_MS) : null);
  if (said !== null) return said;
  const rateLimited = status === 429 || status === 529;
  return now + (rateLimited ? DEFAULT_RATE_LIMIT_COOLDOWN_MS : DEFAULT_SERVER_ERROR_COOLDOWN_MS);
}

/**
 * The rest the upstream asked for explicitly: `retry-after` (seconds or HTTP date),
 * `anthropic-ratelimit-unified-reset` (epoch seconds or ISO date), OpenAI's
 * `x-ratelimit-reset-requests|tokens` (durations like `6m0s`, `20ms`); the latest of them,
 * capped at 24 h. Null when no header names a future time.
 */
export function explicitCooldownUntil(headers: IncomingHttpHeaders, now: number): number | null {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const candidates: number[] = [];
  const ra = h('retry-after');
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) candidates.push(now + Math.ceil(Number(ra) * 1000));
    else {
      const t = Date.parse(ra);
      if (Number.isFinite(t)) candidates.push(t);
    }
  }
  const unified = h('anthropic-ratelimit-unified-reset');
  if (unified) {
    const n = Number(unified);
    if (Number.isFinite(n) && n > 0) candidates.push(n < 1e12 ? n * 1000 : n);
    else {
      const t = Date.parse(unified);
      if (Number.isFinite(t)) candidates.push(t);
    }
  }
  for (const name of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const d = h(name);
    const ms = d ? parseDuration(d) : null;
    if (ms !== null) candidates.push(now + ms);
  }
  const valid = candidates.filter((t) => t > now);
  return valid.length > 0 ? Math.min(Math.max(...valid), now + MAX_COOLDOWN_MS) : null;
}

/** `1h2m3.5s`, `6m0s`, `20ms`, `3` (seconds) → ms; null when unparseable. */
export function parseDuration(s: string): number | null {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.ceil(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
    matched += m[0];
  }
  return matched.length === t.length && matched.length > 0 ? Math.ceil(total) : null;
}
