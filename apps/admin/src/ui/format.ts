// Display formatting in the UI's language through Intl (NumberFormat, DateTimeFormat). USD amounts
// arrive as exact decimal strings and never become floats, not even for display: they are rounded
// as strings (BigInt), then drawn with the symbols, sign placement and digit grouping that Intl
// uses for the locale, keeping every digit of the string.
import type { Locale } from '../i18n/I18nProvider.tsx';

/** BCP 47 tag behind each UI language. */
const LOCALE_TAGS: Record<Locale, string> = { en: 'en-US', zh: 'zh-CN' };

// The UI language, set by I18nProvider while it renders (before any page formats a value), so the
// formatters keep their one-argument call sites; tests pass a locale explicitly.
let currentLocale: Locale = 'en';

/** Makes `locale` the default of every formatter here (called by I18nProvider). */
export function setFormatLocale(locale: Locale): void {
  currentLocale = locale;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** One cached Intl.NumberFormat per locale and option set. */
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(LOCALE_TAGS[locale], options)));
  return format;
}

/** Splits an integer digit string into groups the way `parts` (Intl's rendering of 1234567.5) does. */
function groupDigits(digits: string, parts: Intl.NumberFormatPart[]): string {
  const sizes = parts.filter((p) => p.type === 'integer').map((p) => p.value.length);
  const separator = parts.find((p) => p.type === 'group')?.value;
  const primary = sizes[sizes.length - 1];
  const secondary = sizes.length > 2 ? sizes[sizes.length - 2] : primary;
  if (!separator || digits.length <= primary) return digits;
  const groups = [digits.slice(-primary)];
  let rest = digits.slice(0, -primary);
  for (; rest.length > secondary; rest = rest.slice(0, -secondary)) groups.unshift(rest.slice(-secondary));
  if (rest) groups.unshift(rest);
  return groups.join(separator);
}

/**
 * A plain decimal string ("-1234.50") drawn as Intl draws numbers (or USD amounts with `usd`) in
 * `locale`: Intl gives the sign, currency symbol, separators and group sizes from a sample value;
 * the digits are the string's own, every one of them.
 */
export function formatDecimalString(value: string, locale: Locale = currentLocale, usd = false): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return value;
  const [, sign, whole, fraction = ''] = m;
  const sample = numberFormat(locale, usd ? { style: 'currency', currency: 'USD' } : { minimumFractionDigits: 1 }).formatToParts(sign ? -1234567.5 : 1234567.5);
  let out = '';
  let wholeDone = false;
  for (const part of sample) {
    if (part.type === 'integer' || part.type === 'group') {
      if (!wholeDone) out += groupDigits(whole, sample);
      wholeDone = true;
    } else if (part.type === 'decimal') {
      if (fraction) out += part.value + fraction;
    } else if (part.type !== 'fraction') out += part.value;
  }
  return out;
}

/** Rounds a decimal string half-up to `digits` fraction digits, as a plain string ("-1234.57"). */
export function roundDecimal(value: string, digits: number): string {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (!m) return value;
  const [, sign, intPart = '', fracPart = ''] = m;
  const scaled = BigInt((intPart || '0') + fracPart.padEnd(digits + 1, '0').slice(0, digits + 1));
  const rounded = (scaled + 5n) / 10n;
  const s = rounded.toString().padStart(digits + 1, '0');
  const whole = s.slice(0, s.length - digits) || '0';
  const frac = digits > 0 ? '.' + s.slice(s.length - digits) : '';
  return (sign && rounded !== 0n ? '-' : '') + whole + frac;
}

const DECIMAL = /^-?\d*(\.\d*)?$/;

/**
 * "$1,234.57" (en) / "US$1,234.57" (zh) for amounts of a cent or more; small amounts keep up to 6
 * decimals ("$0.000123") because single requests often cost fractions of a cent.
 */
export function formatUsd(value: string | null | undefined, locale: Locale = currentLocale): string {
  if (value === null || value === undefined || value === '') return '—';
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return value;
  const neg = trimmed.startsWith('-');
  const abs = trimmed.replace(/^-/, '');
  const [intPart = '', fracPart = ''] = abs.split('.');
  const belowCent = /^0*$/.test(intPart) && fracPart.padEnd(2, '0').startsWith('00') && /[1-9]/.test(fracPart);
  const subCent = belowCent ? roundDecimal(abs, 6).replace(/0+$/, '').replace(/\.$/, '') : '';
  // Below a millionth rounds to nothing: show it as zero cents, not as a bare "0".
  const shown = /[1-9]/.test(subCent) ? subCent : roundDecimal(abs, 2);
  const isZero = !/[1-9]/.test(shown);
  return formatDecimalString((neg && !isZero ? '-' : '') + shown, locale, true);
}

/**
 * A price exactly as configured: up to 6 decimals, trailing zeros trimmed but at least two kept
 * ("$0.025", "$3.00", "$0.000125"). Price tables must never round a price to cents.
 */
export function formatUsdExact(value: string | null | undefined, locale: Locale = currentLocale): string {
  if (value === null || value === undefined || value === '') return '—';
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return value;
  const neg = trimmed.startsWith('-');
  const six = roundDecimal(trimmed.replace(/^-/, ''), 6);
  const shown = six.replace(/(\.\d\d\d*?)0+$/, '$1');
  const isZero = !/[1-9]/.test(shown);
  return formatDecimalString((neg && !isZero ? '-' : '') + shown, locale, true);
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

/** 1234567 → "1,234,567"; with `compact`, numbers from 10,000 up are short: "1.2M" (en), "123万" (zh). */
export function formatNumber(value: number | null | undefined, compact = false, locale: Locale = currentLocale): string {
  if (value === null || value === undefined) return '—';
  if (compact && Math.abs(value) >= 10_000) return numberFormat(locale, { notation: 'compact' }).format(value);
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** ISO timestamp → date and time to the second in `locale` ("03/04/2025, 14:05:09", "2025/03/04 14:05:09"), browser time zone unless `timeZone`. */
export function formatDateTime(iso: string | null | undefined, locale: Locale = currentLocale, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const key = `${locale}|${timeZone ?? ''}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone };
    dateTimeFormats.set(key, (format = new Intl.DateTimeFormat(LOCALE_TAGS[locale], options)));
  }
  return format.format(d);
}

/** Milliseconds → "850 ms" / "2.4 sec" (en), "850毫秒" / "2.4秒" (zh). */
export function formatLatency(ms: number | null | undefined, locale: Locale = currentLocale): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return numberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 }).format(ms);
  return numberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(ms / 1000);
}

/** A fraction 0..1 → "43%"; below 10 % one decimal: "5.0%". */
export function formatShare(share: number, locale: Locale = currentLocale): string {
  const digits = share * 100 >= 10 ? 0 : 1;
  return numberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(share);
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
