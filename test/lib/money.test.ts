import { describe, expect, it } from 'vitest';
import { centsToAmount, formatMoney } from '../../lib/money.js';

describe('formatMoney', () => {
  it('formats minor units in the currency, dropping cents from whole amounts', () => {
    expect(formatMoney(49_500, 'USD')).toBe('$495');
    expect(formatMoney(9_505, 'USD')).toBe('$95.05');
    expect(formatMoney(9_550, 'USD')).toBe('$95.50');
    expect(formatMoney(49_500, 'GTQ')).toBe('GTQ\u00a0495');
    expect(formatMoney(500, 'JPY')).toBe('¥500');
  });

  it('refuses fractional cents and unknown currencies', () => {
    expect(() => formatMoney(1.5, 'USD')).toThrow(RangeError);
    expect(() => formatMoney(100, 'XXXX')).toThrow(RangeError);
  });
});

describe('centsToAmount', () => {
  it('gives the decimal amount', () => {
    expect(centsToAmount(49_500)).toBe(495);
    expect(centsToAmount(9_550)).toBe(95.5);
  });
});
