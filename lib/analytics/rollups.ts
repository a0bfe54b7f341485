/** The counters of the hourly roll-up (`analytics_hourly`), one column each. */
export const HOURLY_COLUMNS = [
  'visitors', 'sessions', 'page_views', 'bounces', 'duration_seconds', 'bot_views',
  'cta_call', 'cta_email', 'cta_claim', 'bookings', 'claims_started', 'checkouts_opened', 'purchases',
] as const;

/** One counter of the hourly roll-up. */
export type HourlyColumn = (typeof HOURLY_COLUMNS)[number];

/** Lower bounds (seconds) of the session-duration buckets the median is read from. */
export const DURATION_BUCKETS = [0, 10, 30, 60, 120, 180, 300, 600, 900, 1800, 3600] as const;

/** The duration bucket (its lower bound, as the dimension value) a session of this many seconds falls in. */
export function durationBucket(seconds: number): string {
  let bucket = 0;
  for (const bound of DURATION_BUCKETS) if (seconds >= bound) bucket = bound;
  return String(bucket);
}

/** The UTC hour (ISO string) a moment falls in: the roll-ups' time key. */
export function hourOf(at: Date): string {
  const hour = new Date(at);
  hour.setUTCMinutes(0, 0, 0);
  return hour.toISOString();
}

/** An hourly roll-up delta: the counters to add to one site's hour. */
export type HourlyDelta = { site_id: string; hour: string } & Partial<Record<HourlyColumn, number>>;

/** A dimension roll-up delta: sessions to add to one value (a UTM source, a landing path, a duration bucket…) in one site's hour. */
export interface DimensionDelta {
  site_id: string;
  hour: string;
  dimension: string;
  value: string;
  sessions: number;
}

/** Accumulates roll-up deltas in memory so a batch is written with one statement per roll-up (hourly totals; hourly and daily dimensions). */
export class RollupDeltas {
  readonly hourly = new Map<string, HourlyDelta>();
  readonly dimensions = new Map<string, DimensionDelta>();

  /** Adds `delta` to a counter of the site's hour (`at` is a moment, or an hour from {@link hourOf}). */
  add(siteId: string, at: Date | string, column: HourlyColumn, delta = 1): void {
    const hour = typeof at === 'string' ? at : hourOf(at);
    const key = `${siteId}|${hour}`;
    const row = this.hourly.get(key) ?? { site_id: siteId, hour };
    row[column] = (row[column] ?? 0) + delta;
    this.hourly.set(key, row);
  }

  /** Adds `delta` sessions to a dimension value of the site's hour; an absent or empty value counts nowhere. */
  dimension(siteId: string, hour: string, dimension: string, value: string | null, delta = 1): void {
    if (value === null || value === '') return;
    const key = `${siteId}|${hour}|${dimension}|${value}`;
    const row = this.dimensions.get(key) ?? { site_id: siteId, hour, dimension, value: value.slice(0, 255), sessions: 0 };
    row.sessions += delta;
    this.dimensions.set(key, row);
  }
}
