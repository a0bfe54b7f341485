import type { EntityManager } from '@mikro-orm/postgresql';
import { splitIntoDaysAndHours } from '../lib/analytics/range.js';
import { DURATION_BUCKETS } from '../lib/analytics/rollups.js';

/** Totals over a date range, read from the hourly roll-ups. */
export interface AnalyticsTotals {
  visitors: number;
  sessions: number;
  pageViews: number;
  bounces: number;
  durationSeconds: number;
  botViews: number;
  ctaCall: number;
  ctaEmail: number;
  ctaClaim: number;
  bookings: number;
  claimsStarted: number;
  checkoutsOpened: number;
  purchases: number;
}

/** A dashboard: totals, derived rates, top dimension values and the two funnels. */
export interface AnalyticsReport {
  totals: AnalyticsTotals;
  bounceRate: number;
  medianSessionSeconds: number;
  averageSessionSeconds: number;
  bookingConversionRate: number;
  top: Record<'utm_source' | 'utm_medium' | 'utm_campaign' | 'referrer' | 'landing_path' | 'device', { value: string; sessions: number }[]>;
  funnels: {
    claim: { step: string; count: number; rate: number }[];
    contact: { step: string; count: number; rate: number }[];
  };
  /** One entry per UTC day of the range, days without visits included. */
  daily: { date: string; visitors: number; sessions: number; pageViews: number }[];
}

const TOTALS_SQL = `coalesce(sum(visitors), 0)::int as visitors, coalesce(sum(sessions), 0)::int as sessions, coalesce(sum(page_views), 0)::int as "pageViews",
  coalesce(sum(bounces), 0)::int as bounces, coalesce(sum(duration_seconds), 0)::float8 as "durationSeconds", coalesce(sum(bot_views), 0)::int as "botViews",
  coalesce(sum(cta_call), 0)::int as "ctaCall", coalesce(sum(cta_email), 0)::int as "ctaEmail", coalesce(sum(cta_claim), 0)::int as "ctaClaim",
  coalesce(sum(bookings), 0)::int as bookings, coalesce(sum(claims_started), 0)::int as "claimsStarted",
  coalesce(sum(checkouts_opened), 0)::int as "checkoutsOpened", coalesce(sum(purchases), 0)::int as purchases`;

const TOP_DIMENSIONS = ['utm_source', 'utm_medium', 'utm_campaign', 'referrer', 'landing_path', 'device'] as const;

/** Median from bucket counts, interpolating linearly inside the bucket that holds the middle session. */
export function medianFromBuckets(counts: ReadonlyMap<number, number>): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  const half = total / 2;
  let seen = 0;
  for (let i = 0; i < DURATION_BUCKETS.length; i++) {
    const lower = DURATION_BUCKETS[i]!;
    const count = counts.get(lower) ?? 0;
    if (count > 0 && seen + count >= half) {
      const upper = DURATION_BUCKETS[i + 1] ?? lower;
      return Math.round(lower + ((half - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return DURATION_BUCKETS[DURATION_BUCKETS.length - 1] ?? 0;
}

const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** How many values each top list shows. */
const TOP_LIMIT = 10;

/**
 * Sessions per dimension value over the range: whole UTC days from the daily roll-up, the partial days at the edges
 * from the hourly one; each dimension's top values only, except the duration buckets the median needs in full.
 */
const DIMENSIONS_SQL = (site: string) => `select coalesce(json_agg(json_build_object('dimension', dimension, 'value', value, 'sessions', sessions) order by dimension, sessions desc, value), '[]')
  from (
    select dimension, value, sessions, row_number() over (partition by dimension order by sessions desc, value) as rank
    from (
      select dimension, value, sum(sessions)::int as sessions from (
        select dimension, value, sessions from analytics_daily_dimensions where day >= ? and day < ?${site}
        union all
        select dimension, value, sessions from analytics_hourly_dimensions where ((hour >= ? and hour < ?) or (hour >= ? and hour < ?))${site}
      ) d group by dimension, value having sum(sessions) > 0
    ) s
  ) r where rank <= ? or dimension = 'duration'`;

/** Visitors, sessions and views per UTC day of the range (days without visits are absent). */
const DAILY_SQL = (site: string) => `select coalesce(json_agg(json_build_object('date', date, 'visitors', visitors, 'sessions', sessions, 'pageViews', page_views) order by date), '[]')
  from (
    select to_char(hour at time zone 'UTC', 'YYYY-MM-DD') as date, sum(visitors)::int as visitors, sum(sessions)::int as sessions, sum(page_views)::int as page_views
    from analytics_hourly where hour >= ? and hour < ?${site} group by 1
  ) d`;

/** Sessions per funnel step over the range; each step counts only sessions that also did every step before it. */
interface FunnelCounts {
  visits: number;
  contacts: number;
  bookings: number;
  claimClicks: number;
  checkouts: number;
  purchases: number;
}

/**
 * Funnel steps per session, from the raw sessions started in the range and their events (read by the site-and-time
 * index): a session that clicked "call" twice and booked counts once as a contact and once as a booking, so no step
 * can exceed the one before it. The roll-ups count events, which is right for totals and wrong for a funnel.
 */
const FUNNEL_SQL = (site: string) => `with steps as (
    select session_id,
      bool_or((type = 'cta_click' and properties->>'target' in ('call', 'email')) or type = 'booking_submitted') as contacted,
      bool_or(type = 'booking_submitted') as booked,
      bool_or(type = 'cta_click' and properties->>'target' = 'claim') as claimed,
      bool_or(type = 'checkout_opened') as checked_out,
      bool_or(type = 'purchase_completed') as purchased
    from analytics_events where at >= ? and session_id is not null${site}
    group by session_id
  )
  select count(*)::int as visits, count(*) filter (where s.contacted)::int as contacts, count(*) filter (where s.contacted and s.booked)::int as bookings,
    count(*) filter (where s.claimed)::int as "claimClicks", count(*) filter (where s.claimed and s.checked_out)::int as checkouts,
    count(*) filter (where s.claimed and s.checked_out and s.purchased)::int as purchases
  from visitor_sessions v left join steps s on s.session_id = v.id
  where v.started_at >= ? and v.started_at < ?${site.replace('site_id', 'v.site_id')}`;

/** The dashboard of one site (or of every site when `siteId` is null) between `from` (inclusive) and `to` (exclusive), in one statement. */
export async function analyticsReport(em: EntityManager, siteId: string | null, from: Date, to: Date): Promise<AnalyticsReport> {
  const site = siteId ? ' and site_id = ?' : '';
  const scoped = (...bounds: Date[]) => [...bounds.map((b) => b.toISOString()), ...(siteId ? [siteId] : [])];
  const { days: wholeDays, hours } = splitIntoDaysAndHours(from, to);
  const [row] = await em.execute<(AnalyticsTotals & { dimensions: { dimension: string; value: string; sessions: number }[]; days: AnalyticsReport['daily'] })[]>(
    `select t.*, (${DIMENSIONS_SQL(site)}) as dimensions, (${DAILY_SQL(site)}) as days
     from (select ${TOTALS_SQL} from analytics_hourly where hour >= ? and hour < ?${site}) t`,
    [...scoped(wholeDays.from, wholeDays.to), ...scoped(hours[0].from, hours[0].to, hours[1].from, hours[1].to), TOP_LIMIT, ...scoped(from, to), ...scoped(from, to)],
  );
  const { dimensions: dims, days, ...t } = row!;
  const top = Object.fromEntries(TOP_DIMENSIONS.map((d) => [d, dims.filter((r) => r.dimension === d).map(({ value, sessions }) => ({ value, sessions }))])) as AnalyticsReport['top'];
  const buckets = new Map(dims.filter((r) => r.dimension === 'duration').map((r) => [Number(r.value), r.sessions]));
  const [funnel] = await em.execute<FunnelCounts[]>(FUNNEL_SQL(site), [...scoped(from), ...scoped(from, to)]);
  const f = funnel ?? { visits: 0, contacts: 0, bookings: 0, claimClicks: 0, checkouts: 0, purchases: 0 };
  return {
    totals: t,
    bounceRate: rate(t.bounces, t.sessions),
    medianSessionSeconds: medianFromBuckets(buckets),
    averageSessionSeconds: rate(t.durationSeconds, t.sessions),
    bookingConversionRate: rate(t.bookings, t.sessions),
    top,
    funnels: {
      claim: [
        { step: 'visits', count: f.visits, rate: f.visits === 0 ? 0 : 1 },
        { step: 'claim_bar_clicks', count: f.claimClicks, rate: rate(f.claimClicks, f.visits) },
        { step: 'checkouts_opened', count: f.checkouts, rate: rate(f.checkouts, f.visits) },
        { step: 'purchases', count: f.purchases, rate: rate(f.purchases, f.visits) },
      ],
      contact: [
        { step: 'visits', count: f.visits, rate: f.visits === 0 ? 0 : 1 },
        { step: 'contacts', count: f.contacts, rate: rate(f.contacts, f.visits) },
        { step: 'bookings', count: f.bookings, rate: rate(f.bookings, f.visits) },
      ],
    },
    daily: utcDays(from, to).map((date) => days.find((d) => d.date === date) ?? { date, visitors: 0, sessions: 0, pageViews: 0 }),
  };
}

/** The UTC dates (`YYYY-MM-DD`) from `from`'s day to the day of the last instant before `to`. */
function utcDays(from: Date, to: Date): string[] {
  const dates: string[] = [];
  const last = new Date(to.getTime() - 1).toISOString().slice(0, 10);
  for (let day = new Date(from.toISOString().slice(0, 10)); ; day = new Date(day.getTime() + 86_400_000)) {
    const date = day.toISOString().slice(0, 10);
    dates.push(date);
    if (date >= last) return dates;
  }
}

/** Per-site KPIs for the admin overview. */
export interface SiteKpis {
  siteId: string;
  slug: string;
  visitors: number;
  visitorsPerMonth: number;
  sessions: number;
  bookings: number;
  bookingConversionRate: number;
  averageSessionSeconds: number;
  purchases: number;
}

/** Every site's KPIs over the range, busiest first. */
export async function siteKpis(em: EntityManager, from: Date, to: Date, limit = 100): Promise<SiteKpis[]> {
  const months = Math.max((to.getTime() - from.getTime()) / (30 * 86_400_000), 1 / 30);
  const rows = await em.execute<{ siteId: string; slug: string; visitors: number; sessions: number; bookings: number; durationSeconds: number; purchases: number }[]>(
    `select h.site_id as "siteId", s.slug, sum(h.visitors)::int as visitors, sum(h.sessions)::int as sessions, sum(h.bookings)::int as bookings,
       sum(h.duration_seconds)::float8 as "durationSeconds", sum(h.purchases)::int as purchases
     from analytics_hourly h join sites s on s.id = h.site_id
     where h.hour >= ? and h.hour < ? group by h.site_id, s.slug order by visitors desc, s.slug limit ?`,
    [from.toISOString(), to.toISOString(), limit],
  );
  return rows.map((r) => ({
    siteId: r.siteId,
    slug: r.slug,
    visitors: r.visitors,
    visitorsPerMonth: r.visitors / months,
    sessions: r.sessions,
    bookings: r.bookings,
    bookingConversionRate: rate(r.bookings, r.sessions),
    averageSessionSeconds: rate(r.durationSeconds, r.sessions),
    purchases: r.purchases,
  }));
}
