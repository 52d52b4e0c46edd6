import { describe, expect, it } from 'vitest';
import { CsvNumber, csvCell, csvRow } from './csv.ts';

describe('csv', () => {
  it('quotes cells holding quotes, commas or line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('plain')).toBe('plain');
  });

  it('neutralises spreadsheet formulas with a leading quote', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('writes dates as ISO, numbers as they are, and ends lines with CRLF', () => {
    expect(csvRow([new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), 42, null, new CsvNumber('-1.500000')])).toBe('2026-01-02T03:04:05.006Z,42,,-1.500000\r\n');
  });
});
