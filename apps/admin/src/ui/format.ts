// Display formatting. USD amounts arrive as decimal strings and are rounded as strings (BigInt),
// so no float ever touches a money value, not even for display.

/** Rounds a decimal string half-up to `digits` fraction digits, as a string. */
export function roundDecimal(value: string, digits: number): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!m) return value;
  const [, sign, intPart = '', fracPart = ''] = m;
  const scaled = BigInt((intPart || '0') + fracPart.padEnd(digits + 1, '0').slice(0, digits + 1));
  const rounded = (scaled + 5n) / 10n;
  const s = rounded.toString().padStart(digits + 1, '0');
  const whole = s.slice(0, s.length - digits) || '0';
  const frac = digits > 0 ? '.' + s.slice(s.length - digits) : '';
  const isZero = rounded === 0n;
  return (sign && !isZero ? '-' : '') + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + frac;
}

/**
 * "$1,234.57" for amounts of a cent or more; small amounts keep up to 6 decimals ("$0.000123")
 * because single requests often cost fractions of a cent.
 */
export function formatUsd(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const trimmed = value.trim();
  if (!/^-?\d*(\.\d*)?$/.test(trimmed)) return value;
  const neg = trimmed.startsWith('-');
  const abs = trimmed.replace(/^-/, '');
  const [intPart = '', fracPart = ''] = abs.split('.');
  const belowCent = /^0*$/.test(intPart) && fracPart.padEnd(2, '0').startsWith('00') && /[1-9]/.test(fracPart);
  const shown = belowCent ? roundDecimal(abs, 6).replace(/0+$/, '').replace(/\.$/, '') : roundDecimal(abs, 2);
  const isZero = !/[1-9]/.test(shown);
  return (neg && !isZero ? '-$' : '$') + shown;
}

/**
 * A price exactly as configured: up to 6 decimals, trailing zeros trimmed but at least two kept
 * ("$0.025", "$3.00", "$0.000125"). Price tables must never round a price to cents.
 */
export function formatUsdExact(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const trimmed = value.trim();
  if (!/^-?\d*(\.\d*)?$/.test(trimmed)) return value;
  const neg = trimmed.startsWith('-');
  const six = roundDecimal(trimmed.replace(/^-/, ''), 6);
  const shown = six.replace(/(\.\d\d\d*?)0+$/, '$1');
  const isZero = !/[1-9]/.test(shown);
  return (neg && !isZero ? '-$' : '$') + shown;
}

/** A decimal string without trailing fraction zeros, for editing: "4.000000" → "4", "0.080000" → "0.08". */
export function trimDecimalZeros(value: string): string {
  return /^-?\d+\.\d*$/.test(value) ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

/** IPv4-mapped IPv6 ("::ffff:127.0.0.1") → plain IPv4; other addresses unchanged; null → "—". */
export function formatIp(ip: string | null | undefined): string {
  if (!ip) return '—';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip.trim());
  return mapped ? mapped[1] : ip;
}

/** 1234567 → "1,234,567"; large numbers compact with `compact`: "1.2M". */
export function formatNumber(value: number | null | undefined, compact = false): string {
  if (value === null || value === undefined) return '—';
  if (compact && Math.abs(value) >= 10_000) {
    const units: [number, string][] = [[1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
    for (const [size, unit] of units) if (Math.abs(value) >= size) return (value / size).toFixed(value / size >= 100 ? 0 : 1).replace(/\.0$/, '') + unit;
  }
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** ISO timestamp → "2025-03-04 14:05:09" in the browser's time zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Milliseconds → "850 ms" / "2.4 s". */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A fraction 0..1 → "42.5%". */
export function formatShare(share: number): string {
  const pct = share * 100;
  return `${pct.toFixed(pct >= 10 ? 0 : 1)}%`;
}

/** Local date as YYYY-MM-DD, `daysAgo` days before today. */
export function isoDay(daysAgo = 0, from = new Date()): string {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() - daysAgo);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** YYYY-MM-DD → the day after, YYYY-MM-DD. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return isoDay(-1, new Date(y, m - 1, d));
}

/** YYYY-MM-DD → ISO timestamp of local midnight starting that day. */
export function startOfLocalDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d).toISOString();
}
