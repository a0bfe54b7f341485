import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HOURLY_COLUMNS, RollupDeltas } from '../lib/analytics/rollups.js';
import { sessionise, visitorKeys, type BotHit, type CollectedHit, type Conversion, type SessionisedBatch, type StoredSession } from '../lib/analytics/sessionise.js';

/** The hits `storeHits` takes (defined beside the sessioniser). */
export type { BotHit, CollectedHit };

/** Event types the business processes emit, and the roll-up column each one counts in. */
export const SERVER_EVENT_COLUMNS = {
  booking_submitted: 'bookings',
  claim_started: 'claims_started',
  checkout_opened: 'checkouts_opened',
  purchase_completed: 'purchases',
} as const;

/** An event emitted by a business process rather than by the page script. */
export type ServerEventType = keyof typeof SERVER_EVENT_COLUMNS;

/** The dimension value under which a site's values past its daily cap are counted. */
export const OTHER_DIMENSION_VALUE = '(other)';

/** Dimensions whose values visitors choose (and so could invent without end); device and duration have a fixed set. */
const OPEN_DIMENSIONS = `'utm_source', 'utm_medium', 'utm_campaign', 'referrer', 'landing_path'`;

/** Limits of what a batch may add: distinct values per site, dimension and day (`ANALYTICS_MAX_DIMENSION_VALUES`), and the session timeout. */
export interface StoreLimits {
  sessionTimeoutMs: number;
  maxDimensionValues: number;
}

/**
 * Adds a batch's roll-up deltas to the hourly totals and the hourly and daily dimensions, one statement per roll-up.
 * A site has at most `maxDimensionValues` distinct values per open dimension (paths, referrers, UTM fields) and day
 * (plus `(other)`): a value the day
 * already has keeps counting under its own name, a new one past the cap counts under `(other)`, so made-up paths,
 * referrers or UTM values cannot grow the tables without bound.
 */
async function writeRollups(em: EntityManager, rollups: RollupDeltas, maxDimensionValues = Number.MAX_SAFE_INTEGER): Promise<void> {
  if (rollups.hourly.size > 0) {
    const rows = [...rollups.hourly.values()].map((r) => {
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
  const dims = [...rollups.dimensions.values()].filter((d) => d.sessions !== 0);
  if (dims.length > 0) {
    await em.execute(
      `with x as (
         select site_id, hour, date_trunc('day', hour, 'UTC') as day, dimension, value, sessions
         from jsonb_to_recordset(?::jsonb) as x(site_id uuid, hour timestamptz, dimension text, value text, sessions int)
       ),
       seen as (
         select v.*, exists (select 1 from analytics_daily_dimensions d where d.site_id = v.site_id and d.day = v.day and d.dimension = v.dimension and d.value = v.value) as present
         from (select distinct site_id, day, dimension, value from x) v
       ),
       ranked as (
         select s.*, row_number() over (partition by s.site_id, s.day, s.dimension, s.present order by s.value) as rank,
           (select count(*) from analytics_daily_dimensions d where d.site_id = s.site_id and d.day = s.day and d.dimension = s.dimension) as held
         from seen s
       ),
       capped as (
         select x.site_id, x.hour, x.day, x.dimension,
           case when r.present or x.dimension not in (${OPEN_DIMENSIONS}) or x.value = '${OTHER_DIMENSION_VALUE}' or r.held + r.rank <= ? then x.value else '${OTHER_DIMENSION_VALUE}' end as value,
           sum(x.sessions)::int as sessions
         from x join ranked r using (site_id, day, dimension, value)
         group by 1, 2, 3, 4, 5
       ),
       hourly as (
         insert into analytics_hourly_dimensions (id, site_id, hour, dimension, value, sessions)
         select gen_random_uuid(), site_id, hour, dimension, value, sessions from capped
         order by site_id, hour, dimension, value
         on conflict (site_id, hour, dimension, value) do update set sessions = analytics_hourly_dimensions.sessions + excluded.sessions
       )
       insert into analytics_daily_dimensions (id, site_id, day, dimension, value, sessions)
       select gen_random_uuid(), site_id, day, dimension, value, sum(sessions)
       from capped group by site_id, day, dimension, value having sum(sessions) <> 0
       order by site_id, day, dimension, value
       on conflict (site_id, day, dimension, value) do update set sessions = analytics_daily_dimensions.sessions + excluded.sessions`,
      [JSON.stringify(dims), maxDimensionValues],
    );
  }
}

/**
 * Marks the running experiments' assignments of these visitors converted when the event is the experiment's goal,
 * only for a visitor who actually saw the variant: a session of theirs with a collected page view was open when the
 * variant was served (seen within one session timeout before the assignment, or after it). A goal sent for an assignment asked for
 * without a page view (a script fishing for the variant it wants) counts for nothing.
 */
async function recordConversions(em: EntityManager, conversions: readonly Conversion[], sessionTimeoutMs: number): Promise<void> {
  if (conversions.length === 0) return;
  await em.execute(
    `update experiment_assignments a set converted_at = x.at
     from jsonb_to_recordset(?::jsonb) as x(site_id uuid, visitor_id text, goal text, at timestamptz), experiments e
     where a.experiment_id = e.id and e.status = 'running' and e.goal = x.goal and a.visitor_id = x.visitor_id
       and a.converted_at is null and a.created_at <= x.at
       and exists (
         select 1 from visitor_sessions s where s.site_id = x.site_id and s.visitor_id = a.visitor_id and s.page_views > 0
           and s.last_seen_at >= a.created_at - ? * interval '1 millisecond' and s.started_at <= x.at
       )`,
    [JSON.stringify(conversions.map((c) => ({ site_id: c.siteId, visitor_id: c.visitorId, goal: c.goal, at: c.at.toISOString() }))), sessionTimeoutMs],
  );
}

/** Locks the batch's visitors (advisory locks, in key order) and loads each one's latest stored session. */
async function lockAndLoadSessions(tx: EntityManager, keys: readonly string[]): Promise<StoredSession[]> {
  if (keys.length === 0) return [];
  await tx.execute(`select pg_advisory_xact_lock(hashtextextended(k, 0)) from jsonb_array_elements_text(?::jsonb) as k order by k`, [JSON.stringify(keys)]);
  const pairs = keys.map((k) => ({ site_id: k.split('|')[0], visitor_id: k.split('|')[1] }));
  const rows = await tx.execute<{ id: string; site_id: string; visitor_id: string; started_at: Date; last_seen_at: Date; page_views: number }[]>(
    `select distinct on (s.site_id, s.visitor_id) s.id, s.site_id, s.visitor_id, s.started_at, s.last_seen_at, s.page_views
     from visitor_sessions s join jsonb_to_recordset(?::jsonb) as k(site_id uuid, visitor_id text) on s.site_id = k.site_id and s.visitor_id = k.visitor_id
     order by s.site_id, s.visitor_id, s.last_seen_at desc`,
    [JSON.stringify(pairs)],
  );
  return rows.map((r) => ({
    id: r.id, siteId: r.site_id, visitorId: r.visitor_id, startedAt: new Date(r.started_at), lastSeenAt: new Date(r.last_seen_at), pageViews: r.page_views,
  }));
}

/** Inserts the sessions a batch opened, moves on the ones it continued, and inserts its events. */
async function writeSessionsAndEvents(tx: EntityManager, batch: SessionisedBatch): Promise<void> {
  if (batch.created.length > 0) {
    const rows = batch.created.map((s) => ({
      id: s.id, site_id: s.siteId, visitor_id: s.visitorId, landing_path: s.landingPath,
      utm_source: s.utm.source, utm_medium: s.utm.medium, utm_campaign: s.utm.campaign, utm_term: s.utm.term, utm_content: s.utm.content,
      referrer: s.referrer, ip_truncated: s.truncatedIp, device_class: s.deviceClass, started_at: s.startedAt.toISOString(),
      last_seen_at: s.lastSeenAt.toISOString(), page_views: s.pageViews,
    }));
    await tx.execute(
      `insert into visitor_sessions (id, site_id, visitor_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, landing_path, ip_truncated, started_at, last_seen_at, device_class, page_views)
       select id, site_id, visitor_id, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, landing_path, ip_truncated, started_at, last_seen_at, device_class, page_views
       from jsonb_to_recordset(?::jsonb) as x(id uuid, site_id uuid, visitor_id text, utm_source text, utm_medium text, utm_campaign text, utm_term text, utm_content text,
         referrer text, landing_path text, ip_truncated text, started_at timestamptz, last_seen_at timestamptz, device_class text, page_views int)`,
      [JSON.stringify(rows)],
    );
  }
  if (batch.continued.length > 0) {
    await tx.execute(
      `update visitor_sessions v set last_seen_at = x.last_seen_at, page_views = x.page_views
       from jsonb_to_recordset(?::jsonb) as x(id uuid, last_seen_at timestamptz, page_views int) where v.id = x.id`,
      [JSON.stringify(batch.continued.map((s) => ({ id: s.id, last_seen_at: s.lastSeenAt.toISOString(), page_views: s.pageViews })))],
    );
  }
  if (batch.events.length > 0) {
    const rows = batch.events.map((e) => ({
      id: e.id, site_id: e.siteId, session_id: e.sessionId, visitor_id: e.visitorId, type: e.type, path: e.path,
      properties: e.target ? { target: e.target } : null, at: e.at.toISOString(),
    }));
    await tx.execute(
      `insert into analytics_events (id, site_id, session_id, visitor_id, type, path, properties, at)
       select id, site_id, session_id, visitor_id, type, path, properties, at
       from jsonb_to_recordset(?::jsonb) as x(id uuid, site_id uuid, session_id uuid, visitor_id text, type text, path text, properties jsonb, at timestamptz)`,
      [JSON.stringify(rows)],
    );
  }
}

/**
 * Stores a batch of hits in one transaction: sessionises them (see {@link sessionise}), inserts the sessions and
 * events and adds their counts to the hourly roll-ups. Visitors are locked with advisory locks, so concurrent batches
 * from several API instances cannot split one session in two.
 */
export async function storeHits(em: EntityManager, hits: readonly CollectedHit[], bots: readonly BotHit[], limits: number | StoreLimits): Promise<void> {
  if (hits.length === 0 && bots.length === 0) return;
  const { sessionTimeoutMs, maxDimensionValues } = typeof limits === 'number' ? { sessionTimeoutMs: limits, maxDimensionValues: undefined } : limits;
  await em.transactional(async (tx) => {
    const stored = await lockAndLoadSessions(tx, visitorKeys(hits));
    const batch = sessionise(hits, bots, stored, sessionTimeoutMs);
    await writeSessionsAndEvents(tx, batch);
    await writeRollups(tx, batch.rollups, maxDimensionValues);
    await recordConversions(tx, batch.conversions, sessionTimeoutMs);
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
    await writeRollups(tx, rollups);
    if (event.visitorId) await recordConversions(tx, [{ siteId: event.siteId, visitorId: event.visitorId, goal: event.type, at }], sessionTimeoutMs);
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

/** Deletes hourly and daily dimension rows (paths, referrers, UTM values, devices) older than the cut-off, in batches; the hourly totals stay. */
export async function purgeOldDimensions(em: EntityManager, olderThan: Date, batchSize = 10_000): Promise<number> {
  let deleted = 0;
  for (const [table, column] of [['analytics_hourly_dimensions', 'hour'], ['analytics_daily_dimensions', 'day']] as const) {
    for (;;) {
      const result = await em.execute<{ affectedRows: number }>(
        `delete from ${table} where id in (select id from ${table} where ${column} < ? limit ?)`, [olderThan.toISOString(), batchSize], 'run',
      );
      deleted += result.affectedRows;
      if (result.affectedRows < batchSize) break;
    }
  }
  return deleted;
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
