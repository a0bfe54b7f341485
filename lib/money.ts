/** Formats an amount in cents for people, e.g. 49500 USD → "$495" and 9550 → "$95.50". */
export function formatMoney(cents: number, currency: string): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(cents / 100);
}

/** Cents as the decimal amount the API exposes, e.g. 49500 → 495. */
export function centsToAmount(cents: number): number {
  return cents / 100;
}
