/**
 * Claude subscription usage windows: what Anthropic's unified rate-limit headers say about an
 * OAuth account's 5-hour and 7-day windows, as kept in the hot store (one hash per account,
 * `hotKeys.accountWindows`) by the proxies and read by the control plane. Utilization is an integer
 * in basis points (0.95 → 9500), parsed from the decimal string without floats; times are epoch ms.
 */

/** `allowed`, `allowed_warning` or `rejected` (any other word Anthropic sends is kept as is). */
export type UnifiedStatus = string;

export interface UsageWindow {
  /** Share of the window used, in basis points (10000 = 100 %). */
  utilizationBp: number;
  status: UnifiedStatus | null;
  /** When the window restarts (epoch ms), when known. */
  resetsAt: number | null;
}

export interface UsageWindows {
  fiveHour: UsageWindow | null;
  sevenDay: UsageWindow | null;
  /** The account's overall unified status. */
  status: UnifiedStatus | null;
  /** The overall reset (`anthropic-ratelimit-unified-reset`), epoch ms. */
  resetsAt: number | null;
  /** Which window the overall status stands for (`five_hour`, `seven_day`, …). */
  representativeClaim: string | null;
  /** Set while the account is rejected: nothing is sent to it before this (epoch ms). */
  pausedUntil: number | null;
  /** When a response last reported these (epoch ms). */
  updatedAt: number;
}

const PREFIX = 'anthropic-ratelimit-unified-';
export const FULL_WINDOW_BP = 10_000;
/** A reset further away than this is not believed (a garbled header must not park an account for months). */
const MAX_PAUSE_MS = 8 * 24 * 3600_000;

type HeaderBag = Record<string, string | string[] | undefined>;

function header(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined ? undefined : s.trim();
}

/**
 * A decimal string (`0.95`, `1`, `.5`, `0.12345`) as basis points, rounded half-up at the fifth
 * decimal; null for anything else. No floating point is involved.
 */
export function decimalToBasisPoints(s: string): number | null {
  const m = /^(\d{0,6})(?:\.(\d+))?$/.exec(s.trim());
  if (!m || (m[1] === '' && m[2] === undefined)) return null;
  const whole = m[1] === '' ? 0 : Number(m[1]);
  const frac = (m[2] ?? '').padEnd(5, '0');
  const bp = whole * FULL_WINDOW_BP + Number(frac.slice(0, 4)) + (Number(frac[4]) >= 5 ? 1 : 0);
  return bp;
}

/** Unix seconds (or ms, or an ISO date) as epoch ms; null when unreadable. */
export function parseResetTime(s: string | undefined): number | null {
  if (!s) return null;
  if (/^\d+(\.\d+)?$/.test(s)) {
    const n = Number(s.split('.')[0]);
    return n > 0 ? (n < 1e12 ? n * 1000 : n) : null;
  }
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

function windowFrom(headers: HeaderBag, tag: '5h' | '7d'): UsageWindow | null {
  const util = header(headers, `${PREFIX}${tag}-utilization`);
  const status = header(headers, `${PREFIX}${tag}-status`) ?? null;
  const resetsAt = parseResetTime(header(headers, `${PREFIX}${tag}-reset`));
  const bp = util === undefined ? null : decimalToBasisPoints(util);
  if (bp === null && status === null && resetsAt === null) return null;
  return { utilizationBp: bp ?? 0, status, resetsAt };
}

/**
 * Reads the unified rate-limit headers of one response; null when it carries none (not a
 * subscription account). `pausedUntil` is set when the overall status is `rejected`: the overall
 * reset, else the latest reset of a rejected window, else the latest window reset — never in the
 * past, never more than 8 days ahead.
 */
export function parseUnifiedRateLimit(headers: HeaderBag, now: number): UsageWindows | null {
  const status = header(headers, `${PREFIX}status`) ?? null;
  const fiveHour = windowFrom(headers, '5h');
  const sevenDay = windowFrom(headers, '7d');
  const resetsAt = parseResetTime(header(headers, `${PREFIX}reset`));
  if (status === null && fiveHour === null && sevenDay === null && resetsAt === null) return null;
  let pausedUntil: number | null = null;
  if (status === 'rejected') {
    const windows = [fiveHour, sevenDay].filter((w): w is UsageWindow => w !== null && w.resetsAt !== null);
    const rejected = windows.filter((w) => w.status === 'rejected');
    const from = resetsAt !== null ? [resetsAt] : (rejected.length ? rejected : windows).map((w) => w.resetsAt as number);
    const until = from.length ? Math.max(...from) : null;
    if (until !== null && until > now) pausedUntil = Math.min(until, now + MAX_PAUSE_MS);
  }
  return { fiveHour, sevenDay, status, resetsAt, representativeClaim: header(headers, `${PREFIX}representative-claim`) ?? null, pausedUntil, updatedAt: now };
}

/**
 * The reset a Claude subscription's 429 names in its error body when it carries no unified headers:
 * the message `Claude AI usage limit reached|<unix seconds>` (the form Claude Code and relays such as
 * claude-relay-service read), found anywhere in the body text. Epoch ms, capped 8 days ahead; null
 * when the body has no such message or its time is not in the future.
 */
export function parseUsageLimitReset(body: string, now: number): number | null {
  const m = /usage limit reached\|(\d{9,13})/i.exec(body);
  const until = m ? parseResetTime(m[1]) : null;
  return until !== null && until > now ? Math.min(until, now + MAX_PAUSE_MS) : null;
}

/** Whether a response carries any of Anthropic's unified rate-limit headers. */
export function hasUnifiedRateLimitHeaders(headers: HeaderBag): boolean {
  return Object.keys(headers).some((name) => name.startsWith(PREFIX));
}

const str = (n: number | null) => (n === null ? '' : String(n));
const num = (s: string | undefined) => (s === undefined || s === '' || !/^\d+$/.test(s) ? null : Number(s));

/** The hash fields a state is stored as (every field written each time, '' for null). */
export function encodeUsageWindows(w: UsageWindows): Record<string, string> {
  const win = (tag: string, x: UsageWindow | null) => ({
    [`${tag}.bp`]: x ? String(x.utilizationBp) : '', [`${tag}.status`]: x?.status ?? '', [`${tag}.reset`]: str(x?.resetsAt ?? null),
  });
  return {
    status: w.status ?? '', reset: str(w.resetsAt), claim: w.representativeClaim ?? '', pausedUntil: str(w.pausedUntil), updatedAt: String(w.updatedAt),
    ...win('5h', w.fiveHour), ...win('7d', w.sevenDay),
  };
}

/** The state back from its hash; null for an empty or foreign hash. */
export function decodeUsageWindows(h: Record<string, string>): UsageWindows | null {
  const updatedAt = num(h.updatedAt);
  if (updatedAt === null) return null;
  const win = (tag: string): UsageWindow | null => {
    const bp = num(h[`${tag}.bp`]);
    return bp === null ? null : { utilizationBp: bp, status: h[`${tag}.status`] || null, resetsAt: num(h[`${tag}.reset`]) };
  };
  return {
    fiveHour: win('5h'), sevenDay: win('7d'), status: h.status || null, resetsAt: num(h.reset), representativeClaim: h.claim || null,
    pausedUntil: num(h.pausedUntil), updatedAt,
  };
}

/**
 * The state as it stands at `now`: a window whose reset has passed has started over (0 %, status
 * unknown, reset unknown), a pause whose time has passed is over.
 */
export function currentUsageWindows(w: UsageWindows, now: number): UsageWindows {
  const cur = (x: UsageWindow | null): UsageWindow | null => (x && x.resetsAt !== null && x.resetsAt <= now ? { utilizationBp: 0, status: null, resetsAt: null } : x);
  const paused = w.pausedUntil !== null && w.pausedUntil > now;
  return { ...w, fiveHour: cur(w.fiveHour), sevenDay: cur(w.sevenDay), pausedUntil: paused ? w.pausedUntil : null, status: !paused && w.status === 'rejected' ? null : w.status };
}

/** What is left of the tighter window at `now`, in basis points (a full window when nothing is known). */
export function remainingWindowBp(w: UsageWindows | null, now: number): number {
  if (!w) return FULL_WINDOW_BP;
  const c = currentUsageWindows(w, now);
  const used = Math.max(c.fiveHour?.utilizationBp ?? 0, c.sevenDay?.utilizationBp ?? 0);
  return Math.max(0, FULL_WINDOW_BP - used);
}
