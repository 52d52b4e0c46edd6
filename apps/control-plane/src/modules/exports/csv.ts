/**
 * CSV cells per RFC 4180 (CRLF line ends; a cell holding a quote, comma, CR or LF is quoted and its
 * quotes doubled). Text that a spreadsheet would run as a formula (first character = + - @, or a
 * tab/CR that some programs skip before one) is prefixed with a single quote: an exported model
 * name or user agent must never execute in the reader's spreadsheet. Numbers and money strings
 * pass as they are (a negative amount stays a number, not a formula).
 */
export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell's text. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A cell that is already a number in text form (money, rates): never neutralised, since "-1.500000" is data. */
export class CsvNumber {
  constructor(readonly text: string) {}
}

/** One CSV line, CRLF-terminated. */
export function csvRow(values: readonly (CsvValue | CsvNumber)[]): string {
  return `${values.map((v) => (v instanceof CsvNumber ? v.text : csvCell(v))).join(',')}\r\n`;
}
