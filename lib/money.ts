/**
 * Formats an amount in the currency's minor unit for people; whole amounts drop the cents:
 * formatMoney(49500, 'USD') → "$495", formatMoney(9505, 'USD') → "$95.05".
 */
export function formatMoney(cents: number, currency: string): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amount must be an integer number of minor units, got ${cents}`);
  const fractionDigits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const whole = cents % 10 ** fractionDigits === 0;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: whole ? 0 : fractionDigits }).format(cents / 10 ** fractionDigits);
}

/** Cents as the decimal amount the API exposes, e.g. 49500 → 495. */
export function centsToAmount(cents: number): number {
  return cents / 100;
}
