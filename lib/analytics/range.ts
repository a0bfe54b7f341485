const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const ceilTo = (at: Date, unit: number) => new Date(Math.ceil(at.getTime() / unit) * unit);
const floorTo = (at: Date, unit: number) => new Date(Math.floor(at.getTime() / unit) * unit);

/** A half-open interval [from, to); empty when `from` is not before `to`. */
export interface Interval {
  from: Date;
  to: Date;
}

/**
 * Splits the hour buckets that start in [from, to) into whole UTC days and the hours left over at either edge, so a
 * range is read from daily roll-ups where it covers full days and from hourly ones at its partial-day edges. Always
 * gives one day interval and two hour intervals (any of them may be empty), so the reading statement keeps one shape.
 */
export function splitIntoDaysAndHours(from: Date, to: Date): { days: Interval; hours: [Interval, Interval] } {
  const firstHour = ceilTo(from, HOUR_MS);
  const endHour = ceilTo(to, HOUR_MS);
  const firstDay = ceilTo(firstHour, DAY_MS);
  const endDay = floorTo(endHour, DAY_MS);
  if (firstDay >= endDay) return { days: { from: firstHour, to: firstHour }, hours: [{ from: firstHour, to: endHour }, { from: endHour, to: endHour }] };
  return { days: { from: firstDay, to: endDay }, hours: [{ from: firstHour, to: firstDay }, { from: endDay, to: endHour }] };
}
