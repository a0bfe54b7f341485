import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Utm } from '../lib/analytics/visitor.js';

/** A page view or click after anonymisation, ready to store. */
export interface CollectedHit {
  siteId: string;
  visitorId: string;
  truncatedIp: string;
  deviceClass: string;
  at: Date;
  type: 'page_view' | 'cta_click';
  path: string;
  /** What a click was on: `call`, `email` or `claim`. */
  target: string | null;
  referrerHost: string | null;
  utm: Utm;
}

/** A page view by a crawler or headless browser: only counted, never stored as a session. */
export interface BotHit {
  siteId: string;
  at: Date;
}

/** Event types the business processes emit, and the roll-up column each one counts in. */
export const SERVER_EVENT_COLUMNS = {
  booking_submitted: 'bookings',
  claim_started: 'claims_started',
  checkout_opened: 'checkouts_opened',
  purchase_completed: 'purchases',
} as const;

/** An event emitted by a business process rather than by the page script. */
export type ServerEventType = keyof typeof SERVER_EVENT_COLUMNS;

const CTA_COLUMNS: Record<string, string> = { call: 'cta_call', email: 'cta_email', claim: 'cta_claim' };

const HOURLY_COLUMNS = [
  'visitors', 'sessions', 'page_views', 'bounces', 'duration_seconds', 'bot_views',
  'cta_call', 'cta_email', 'cta_claim', 'bookings', 'claims_started', 'checkouts_opened', 'purchases',
] as const;
type HourlyColumn = (typeof HOURLY_COLUMNS)[number];

/** Lower bounds (seconds) of the session-duration buckets the median is read from. */
export const DURATION_BUCKETS = [0, 10, 30, 60, 120, 180, 300, 600, 900, 1800, 3600] as const;

function durationBucket(seconds: number): string {
  let bucket = 0;
  for (const bound of DURATION_BUCKETS) if (seconds >= bound) bucket = bound;
  return String(bucket);
}

function hourOf(at: Date): string {
  const hour = new Date(at);
  hour.setUTCMinutes(0, 0, 0);
  return hour.toISOString();
}

/** Accumulates roll-up deltas in memory so a batch is written with one statement per roll-up (hourly totals; hourly and daily dimensions). */
class RollupDeltas {
  readonly hourly = new Map<string, { site_id: string; hour: string } & Partial<Record<HourlyColumn, number>>>();
  readonly dimensions = new Map<string, { site_id: string; hour: string; dimension: string; value: string; sessions: number }>();

  add(siteId: string, at: Date | string, column: HourlyColumn, delta = 1): void {
    const hour = typeof at === 'string' ? at : hourOf(at);
    const key = `${siteId}|${hour}`;
    const row = this.hourly.get(key) ?? { site_id: siteId, hour };
    row[column] = (row[column] ?? 0) + delta;
    this.hourly.set(key, row);
  }

  dimension(siteId: string, hour: string, dimension: string, value: string | null, delta = 1): void {
    if (value === null || value === '') return;
    const key = `${siteId}|${hour}|${dimension}|${value}`;
    const row = this.dimensions.get(key) ?? { site_id: siteId, hour, dimension, value: value.slice(0, 255), sessions: 0 };
    row.sessions += delta;
    this.dimensions.set(key, row);
  }

  async write(em: EntityManager): Promise<void> {
    if (this.hourly.size > 0) {
      const rows = [...this.hourly.values()].map((r) => {
        const row: Record<string, string | number> = { site_id: r.site_id, hour: r.hour };
        for (const column of HOURLY_COLUMNS) row[column] = r[column] ?? 0;
        return row;
      });
      await em.execute(
        `insert into analytics_hourly (id, site_id, hour, ${HOURLY_COLUMNS.join(', ')})
         select gen_random_uuid(), site_id, hour, ${HOURLY_COLUMNS.join(', ')}
         from jsonb_to_recordset(?::jsonb) as x(site_id uuid, hour timestamptz, ${HOURLY_COLUMNS.map((c) => `${c} bigint`).join(', ')})
         order by site_id, hour
         on conflict (site_id, hour) do update set ${HOURLY_COLUMNS.map((c) => `${c} = analytics_hourly.${c} + excluded.${c}`).join(', ')}`,
        [JSON.stringify(rows)],
      );
    }
    const dims = [...this.dimensions.values()].filter((d) => d.sessions !== 0);
    if (dims.length > 0) {
      await em.execute(
        `with x as (select * from jsonb_to_recordset(?::jsonb) as x(site_id uuid, hour timestamptz, dimension text, value text, sessions int)),
         hourly as (
           insert into analytics_hourly_dimensions (id, site_id, hour, dimension, value, sessions)
           select gen_random_uuid(), site_id, hour, dimension, value, sessions from x
           order by site_id, hour, dimension, value
           on conflict (site_id, hour, dimension, value) do update set sessions = analytics_hourly_dimensions.sessions + excluded.sessions
         )
         insert into analytics_daily_dimensions (id, site_id, day, dimension, value, sessions)
         select gen_random_uuid(), site_id, date_trunc('day', hour, 'UTC') as day, dimension, value, sum(sessions)
         from x group by site_id, day, dimension, value having sum(sessions) <> 0
         order by site_id, day, dimension, value
         on conflict (site_id, day, dimension, value) do update set sessions = analytics_daily_dimensions.sessions + excluded.sessions`,
        [JSON.stringify(dims)],
      );
    }
  }
}

interface SessionState {
  id: string;
  siteId: string;
  visitorId: string;
  startedAt: Date;
  lastSeenAt: Date;
  pageViews: number;
  isNew: boolean;
  touched: boolean;
}

/** Marks the running experiments' assignments of these visitors converted when the event is the experiment's goal. */
async function recordConversions(em: EntityManager, conversions: { visitor_id: string; goal: string; at: string }[]): Promise<void> {
  if (conversions.length === 0) return;
  await em.execute(
    `update experiment_assignments a set converted_at = x.at
     from jsonb_to_recordset(?::jsonb) as x(visitor_id text, goal text, at timestamptz), experiments e
     where a.experiment_id = e.id and e.status = 'running' and e.goal = x.goal and a.visitor_id = x.visitor_id
       and a.converted_at is null and a.created_at <= x.at`,
    [JSON.stringify(conversions)],
  );
}

/**
 * Stores a batch of hits in one transaction: sessionises them (a visitor's session continues while hits arrive
 * within `sessionTimeoutMs`; UTM, referrer and landing page come from the session's first hit), inserts the events
 * and adds their counts to the hourly roll-ups. Visitors are locked with advisory locks, so concurrent batches from
 * several API instances cannot split one session in two.
 */
export async function storeHits(em: EntityManager, hits: readonly CollectedHit[], bots: readonly BotHit[], sessionTimeoutMs: number): Promise<void> {
  if (hits.length === 0 && bots.length === 0) return;
  const ordered = [...hits].sort((a, b) => a.at.getTime() - b.at.getTime());
  await em.transactional(async (tx) => {
    const rollups = new RollupDeltas();
    for (const bot of bots) rollups.add(bot.siteId, bot.at, 'bot_views');
    const keys = [...new Set(ordered.map((h) => `${h.siteId}|${h.visitorId}`))].sort();
    const sessions = new Map<string, SessionState>();
    const loaded: SessionState[] = [];
    if (keys.length > 0) {
      await tx.execute(`select pg_advisory_xact_lock(hashtextextended(k, 0)) from jsonb_array_elements_text(?::jsonb) as k order by k`, [JSON.stringify(keys)]);
      const pairs = keys.map((k) => ({ site_id: k.split('|')[0], visitor_id: k.split('|')[1] }));
      const rows = await tx.execute<{ id: string; site_id: string; visitor_id: string; started_at: Date; last_seen_at: Date; page_views: number }[]>(
        `select distinct on (s.site_id, s.visitor_id) s.id, s.site_id, s.visitor_id, s.started_at, s.last_seen_at, s.page_views
         from visitor_sessions s join jsonb_to_recordset(?::jsonb) as k(site_id uuid, visitor_id text) on s.site_id = k.site_id and s.visitor_id = k.visitor_id
         order by s.site_id, s.visitor_id, s.last_seen_at desc`,
        [JSON.stringify(pairs)],
      );
      for (const r of rows) {
        const state = {
          id: r.id, siteId: r.site_id, visitorId: r.visitor_id, startedAt: new Date(r.started_at), lastSeenAt: new Date(r.last_seen_at),
          pageViews: r.page_views, isNew: false, touched: false,
        };
        sessions.set(`${r.site_id}|${r.visitor_id}`, state);
        loaded.push(state);
      }
    }

    const created: SessionState[] = [];
    const newSessionRows: Record<string, unknown>[] = [];
    const events: Record<string, unknown>[] = [];
    const conversions: { visitor_id: string; goal: string; at: string }[] = [];
    for (const hit of ordered) {
      const key = `${hit.siteId}|${hit.visitorId}`;
      let session = sessions.get(key);
      if (!session || hit.at.getTime() - session.lastSeenAt.getTime() > sessionTimeoutMs) {
        const returning = session !== undefined;
        session = { id: randomUUID(), siteId: hit.siteId, visitorId: hit.visitorId, startedAt: hit.at, lastSeenAt: hit.at, pageViews: 0, isNew: true, touched: true };
        sessions.set(key, session);
        created.push(session);
        const hour = hourOf(hit.at);
        const utm = hit.type === 'page_view' ? hit.utm : { source: null, medium: null, campaign: null, term: null, content: null };
        newSessionRows.push({
          id: session.id, site_id: hit.siteId, visitor_id: hit.visitorId, landing_path: hit.path,
          utm_source: utm.source, utm_medium: utm.medium, utm_campaign: utm.campaign, utm_term: utm.term, utm_content: utm.content,
          referrer: hit.type === 'page_view' ? hit.referrerHost : null, ip_truncated: hit.truncatedIp, device_class: hit.deviceClass, started_at: hit.at.toISOString(),
        });
        rollups.add(hit.siteId, hour, 'sessions');
        rollups.add(hit.siteId, hour, 'bounces');
        if (!returning) rollups.add(hit.siteId, hour, 'visitors');
        rollups.dimension(hit.siteId, hour, 'utm_source', utm.source);
        rollups.dimension(hit.siteId, hour, 'utm_medium', utm.medium);
        rollups.dimension(hit.siteId, hour, 'utm_campaign', utm.campaign);
        rollups.dimension(hit.siteId, hour, 'referrer', hit.type === 'page_view' ? hit.referrerHost : null);
        rollups.dimension(hit.siteId, hour, 'landing_path', hit.path);
        rollups.dimension(hit.siteId, hour, 'device', hit.deviceClass);
        rollups.dimension(hit.siteId, hour, 'duration', durationBucket(0));
      } else if (hit.at > session.lastSeenAt) {
        const startHour = hourOf(session.startedAt);
        const before = Math.floor((session.lastSeenAt.getTime() - session.startedAt.getTime()) / 1000);
        const after = Math.floor((hit.at.getTime() - session.startedAt.getTime()) / 1000);
        rollups.add(session.siteId, startHour, 'duration_seconds', after - before);
        if (durationBucket(before) !== durationBucket(after)) {
          rollups.dimension(session.siteId, startHour, 'duration', durationBucket(before), -1);
          rollups.dimension(session.siteId, startHour, 'duration', durationBucket(after), 1);
        }
        session.lastSeenAt = hit.at;
        session.touched = true;
      }
      if (hit.type === 'page_view') {
        session.pageViews += 1;
        session.touched = true;
        rollups.add(hit.siteId, hit.at, 'page_views');
        if (session.pageViews === 2) rollups.add(hit.siteId, hourOf(session.startedAt), 'bounces', -1);
      } else {
        const column = hit.target ? CTA_COLUMNS[hit.target] : undefined;
        if (column) rollups.add(hit.siteId, hit.at, column as HourlyColumn);
        conversions.push({ visitor_id: hit.visitorId, goal: `cta_click:${hit.target ?? ''}`, at: hit.at.toISOString() });
      }
      events.push({
        id: randomUUID(), site_id: hit.siteId, session_id: session.id, visitor_id: hit.visitorId, type: hit.type, path: hit.path,
        properties: hit.target ? { target: hit.target } : null, at: hit.at.toISOString(),
      });
    }

    if (newSessionRows.length > 0) {
      const finals = new Map(created.map((s) => [s.id, s]));
      const rows = newSessionRows.map((r) => ({ ...r, last_seen_at: finals.get(r.id as string)!.lastSeenAt.toISOString(), page_views: finals.get(r.id as string)!.pageViews }));
      await tx.execute(
        `insert into visitor_sessions (id, site_id, visitor_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, landing_path, ip_truncated, started_at, last_seen_at, device_class, page_views)
         select id, site_id, visitor_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, landing_path, ip_truncated, started_at, last_seen_at, device_class, page_views
         from jsonb_to_recordset(?::jsonb) as x(id uuid, site_id uuid, visitor_id text, utm_source text, utm_medium text, utm_campaign text, utm_term text, utm_content text,
           referrer text, landing_path text, ip_truncated text, started_at timestamptz, last_seen_at timestamptz, device_class text, page_views int)`,
        [JSON.stringify(rows)],
      );
    }
    const updated = loaded.filter((s) => s.touched);
    if (updated.length > 0) {
      await tx.execute(
        `update visitor_sessions v set last_seen_at = x.last_seen_at, page_views = x.page_views
         from jsonb_to_recordset(?::jsonb) as x(id uuid, last_seen_at timestamptz, page_views int) where v.id = x.id`,
        [JSON.stringify(updated.map((s) => ({ id: s.id, last_seen_at: s.lastSeenAt.toISOString(), page_views: s.pageViews })))],
      );
    }
    if (events.length > 0) {
      await tx.execute(
        `insert into analytics_events (id, site_id, session_id, visitor_id, type, path, properties, at)
         select id, site_id, session_id, visitor_id, type, path, properties, at
         from jsonb_to_recordset(?::jsonb) as x(id uuid, site_id uuid, session_id uuid, visitor_id text, type text, path text, properties jsonb, at timestamptz)`,
        [JSON.stringify(events)],
      );
    }
    await rollups.write(tx);
    await recordConversions(tx, conversions);
  });
}

/** A conversion emitted by a business process (booking, claim, checkout, purchase). */
export interface ServerEvent {
  siteId: string;
  type: ServerEventType;
  /** The visitor whose session the event belongs to, when the request came from their browser. */
  visitorId?: string | null;
  /** Makes the event idempotent: a second record with the same key changes nothing. */
  dedupeKey?: string;
  properties?: Record<string, unknown>;
  at?: Date;
}

/**
 * Records a business-process event once (per dedupe key), attaches it to the visitor's open session when there is
 * one, counts it in the hourly roll-up and in the visitor's running experiments. Runs in the caller's transaction
 * when `em` is inside one.
 */
export async function recordServerEvent(em: EntityManager, event: ServerEvent, sessionTimeoutMs: number): Promise<boolean> {
  const at = event.at ?? new Date();
  const run = async (tx: EntityManager) => {
    let sessionId: string | null = null;
    if (event.visitorId) {
      const [open] = await tx.execute<{ id: string }[]>(
        `select id from visitor_sessions where site_id = ? and visitor_id = ? and last_seen_at >= ? order by last_seen_at desc limit 1`,
        [event.siteId, event.visitorId, new Date(at.getTime() - sessionTimeoutMs).toISOString()],
      );
      sessionId = open?.id ?? null;
    }
    const inserted = await tx.execute<{ id: string }[]>(
      `insert into analytics_events (id, site_id, session_id, visitor_id, type, properties, at, dedupe_key)
       values (?, ?, ?, ?, ?, ?::jsonb, ?, ?) on conflict (dedupe_key) do nothing returning id`,
      [randomUUID(), event.siteId, sessionId, event.visitorId ?? null, event.type, event.properties ? JSON.stringify(event.properties) : null, at.toISOString(), event.dedupeKey ?? null],
    );
    if (inserted.length === 0) return false;
    const rollups = new RollupDeltas();
    rollups.add(event.siteId, at, SERVER_EVENT_COLUMNS[event.type]);
    await rollups.write(tx);
    if (event.visitorId) await recordConversions(tx, [{ visitor_id: event.visitorId, goal: event.type, at: at.toISOString() }]);
    return true;
  };
  return em.isInTransaction() ? run(em) : em.transactional(run);
}

/** Deletes raw sessions and events (and their bookings' session links) older than the cut-off; the hourly and daily roll-ups stay. */
export async function purgeRawAnalytics(em: EntityManager, olderThan: Date, batchSize = 10_000): Promise<{ events: number; sessions: number }> {
  let events = 0;
  let sessions = 0;
  for (;;) {
    const result = await em.execute<{ affectedRows: number }>(
      `delete from analytics_events where id in (select id from analytics_events where at < ? limit ?)`, [olderThan.toISOString(), batchSize], 'run',
    );
    events += result.affectedRows;
    if (result.affectedRows < batchSize) break;
  }
  for (;;) {
    const result = await em.execute<{ affectedRows: number }>(
      `delete from visitor_sessions where id in (select id from visitor_sessions where last_seen_at < ? limit ?)`, [olderThan.toISOString(), batchSize], 'run',
    );
    sessions += result.affectedRows;
    if (result.affectedRows < batchSize) break;
  }
  return { events, sessions };
}

/**
 * Records a site's purchase once (keyed by the site: a preview is bought once), attributed to the visitor whose
 * checkout was opened last, so experiments with the purchase as their goal count it.
 */
export async function recordPurchaseCompleted(em: EntityManager, siteId: string, at: Date, sessionTimeoutMs: number): Promise<boolean> {
  const [last] = await em.execute<{ visitor_id: string | null }[]>(
    `select visitor_id from analytics_events where site_id = ? and type = 'checkout_opened' order by at desc limit 1`, [siteId],
  );
  return recordServerEvent(em, { siteId, type: 'purchase_completed', visitorId: last?.visitor_id ?? null, dedupeKey: `purchase_completed:${siteId}`, at }, sessionTimeoutMs);
}
