/**
 * Anthropic's unified rate-limit headers, which Claude subscription (OAuth) traffic carries on
 * every response, 429s included. Utilization is a decimal string (share of the window, `0.95`),
 * resets are unix seconds on the wire and epoch ms here.
 */
export interface MockUnifiedWindow {
  utilization: string;
  status?: 'allowed' | 'allowed_warning' | 'rejected';
  resetsAt: number;
}

export interface MockUnifiedRateLimit {
  /** The overall status (default `allowed`). */
  status?: 'allowed' | 'allowed_warning' | 'rejected';
  fiveHour?: MockUnifiedWindow;
  sevenDay?: MockUnifiedWindow;
  /** The overall reset (epoch ms); default the representative window's. */
  resetsAt?: number;
  /** Default `five_hour`. */
  claim?: 'five_hour' | 'seven_day';
}

const PREFIX = 'anthropic-ratelimit-unified-';

export function unifiedRateLimitHeaders(opts: MockUnifiedRateLimit): Record<string, string> {
  const secs = (ms: number) => String(Math.floor(ms / 1000));
  const claim = opts.claim ?? 'five_hour';
  const h: Record<string, string> = { [`${PREFIX}status`]: opts.status ?? 'allowed' };
  const reset = opts.resetsAt ?? (claim === 'seven_day' ? opts.sevenDay : opts.fiveHour)?.resetsAt;
  if (reset !== undefined) h[`${PREFIX}reset`] = secs(reset);
  for (const [tag, w] of [['5h', opts.fiveHour], ['7d', opts.sevenDay]] as const) {
    if (!w) continue;
    h[`${PREFIX}${tag}-status`] = w.status ?? 'allowed';
    h[`${PREFIX}${tag}-reset`] = secs(w.resetsAt);
    h[`${PREFIX}${tag}-utilization`] = w.utilization;
  }
  h[`${PREFIX}representative-claim`] = claim;
  h[`${PREFIX}fallback-percentage`] = '0.5';
  h[`${PREFIX}overage-status`] = 'rejected';
  return h;
}

/** The error message of a Claude subscription whose usage limit is reached: the reset as unix seconds after a `|`. */
export function claudeUsageLimitMessage(resetsAt: number): string {
  return `Claude AI usage limit reached|${Math.floor(resetsAt / 1000)}`;
}
