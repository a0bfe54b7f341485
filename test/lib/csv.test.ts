import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from '../../lib/csv.js';

describe('CSV writing', () => {
  it('quotes commas, quotes and line breaks, and leaves plain text and numbers alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(-95.5)).toBe('-95.5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const risky of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tTAB', '\rCR']) expect(csvField(risky)).toMatch(/^"?'/);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('a=b')).toBe('a=b');
  });

  it('writes rows with CRLF and a byte-order mark that the parser reads back', () => {
    const rows = [['Name', 'Amount'], ['José, Jr.', 12.5], ['=cmd', null]] as const;
    const text = toCsv(rows);
    expect(text).toBe('\uFEFFName,Amount\r\n"José, Jr.",12.5\r\n\'=cmd,\r\n');
    expect(parseCsv(text)).toEqual([['Name', 'Amount'], ['José, Jr.', '12.5'], ["'=cmd", '']]);
  });
});
