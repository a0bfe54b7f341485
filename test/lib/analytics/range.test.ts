import { describe, expect, it } from 'vitest';
import { splitIntoDaysAndHours } from '../../../lib/analytics/range.js';

const d = (iso: string) => new Date(iso);
const span = (from: string, to: string) => ({ from: d(from), to: d(to) });

describe('splitIntoDaysAndHours', () => {
  it('takes whole UTC days from the days and the partial first and last days by hour, rounding edges up to the next hour bucket', () => {
    expect(splitIntoDaysAndHours(d('2026-11-01T07:20:00Z'), d('2026-11-04T15:40:00Z'))).toEqual({
      days: span('2026-11-02T00:00:00Z', '2026-11-04T00:00:00Z'),
      hours: [span('2026-11-01T08:00:00Z', '2026-11-02T00:00:00Z'), span('2026-11-04T00:00:00Z', '2026-11-04T16:00:00Z')],
    });
  });

  it('leaves the hour intervals empty for a range of whole days', () => {
    expect(splitIntoDaysAndHours(d('2026-11-01T00:00:00Z'), d('2026-11-03T00:00:00Z'))).toEqual({
      days: span('2026-11-01T00:00:00Z', '2026-11-03T00:00:00Z'),
      hours: [span('2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'), span('2026-11-03T00:00:00Z', '2026-11-03T00:00:00Z')],
    });
  });

  it('reads a range without a whole day by hour only, also across midnight', () => {
    expect(splitIntoDaysAndHours(d('2026-11-01T03:30:00Z'), d('2026-11-01T20:00:00Z'))).toEqual({
      days: span('2026-11-01T04:00:00Z', '2026-11-01T04:00:00Z'),
      hours: [span('2026-11-01T04:00:00Z', '2026-11-01T20:00:00Z'), span('2026-11-01T20:00:00Z', '2026-11-01T20:00:00Z')],
    });
    const midnight = splitIntoDaysAndHours(d('2026-11-01T23:30:00Z'), d('2026-11-02T01:30:00Z'));
    expect(midnight.hours[0]).toEqual(span('2026-11-02T00:00:00Z', '2026-11-02T02:00:00Z'));
    expect(midnight.days.from).toEqual(midnight.days.to);
  });
});
