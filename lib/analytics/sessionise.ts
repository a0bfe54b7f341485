import { randomUUID } from 'node:crypto';
import { durationBucket, hourOf, RollupDeltas, type HourlyColumn } from './rollups.js';
import type { Utm } from './visitor.js';

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

/** A visitor's latest stored session, as it was before the batch. */
export interface StoredSession {
  id: string;
  siteId: string;
  visitorId: string;
  startedAt: Date;
  lastSeenAt: Date;
  pageViews: number;
}

/** A session the batch opens; UTM, referrer and landing page come from its first hit. */
export interface NewSession extends StoredSession {
  landingPath: string;
  utm: Utm;
  referrer: string | null;
  truncatedIp: string;
  deviceClass: string;
}

/** A stored session the batch continued: its new last-seen time and page-view count. */
export interface SessionProgress {
  id: string;
  lastSeenAt: Date;
  pageViews: number;
}

/** A hit as an event of its session. */
export interface SessionEvent {
  id: string;
  siteId: string;
  sessionId: string;
  visitorId: string;
  type: CollectedHit['type'];
  path: string;
  target: string | null;
  at: Date;
}

/** A visitor reaching a goal (e.g. `cta_click:call`), for the experiments that count it. */
export interface Conversion {
  siteId: string;
  visitorId: string;
  goal: string;
  at: Date;
}

/** What storing a batch writes: the sessions it opens and continues, its events, conversions and roll-up deltas. */
export interface SessionisedBatch {
  created: NewSession[];
  continued: SessionProgress[];
  events: SessionEvent[];
  conversions: Conversion[];
  rollups: RollupDeltas;
}

const CTA_COLUMNS: Record<string, HourlyColumn> = { call: 'cta_call', email: 'cta_email', claim: 'cta_claim' };

const NO_UTM: Utm = { source: null, medium: null, campaign: null, term: null, content: null };

/** The key a visitor's sessions are found and locked by. */
const visitorKey = (siteId: string, visitorId: string) => `${siteId}|${visitorId}`;

/** The distinct visitors of a batch as sorted `siteId|visitorId` keys (the order their locks are taken in). */
export function visitorKeys(hits: readonly CollectedHit[]): string[] {
  return [...new Set(hits.map((h) => visitorKey(h.siteId, h.visitorId)))].sort();
}

/** Opens a session at this hit and counts it (and its visitor, when new) in the roll-ups of the hit's hour. */
function openSession(hit: CollectedHit, id: string, returning: boolean, rollups: RollupDeltas): NewSession {
  const hour = hourOf(hit.at);
  const utm = hit.type === 'page_view' ? hit.utm : NO_UTM;
  const referrer = hit.type === 'page_view' ? hit.referrerHost : null;
  rollups.add(hit.siteId, hour, 'sessions');
  rollups.add(hit.siteId, hour, 'bounces');
  if (!returning) rollups.add(hit.siteId, hour, 'visitors');
  rollups.dimension(hit.siteId, hour, 'utm_source', utm.source);
  rollups.dimension(hit.siteId, hour, 'utm_medium', utm.medium);
  rollups.dimension(hit.siteId, hour, 'utm_campaign', utm.campaign);
  rollups.dimension(hit.siteId, hour, 'referrer', referrer);
  rollups.dimension(hit.siteId, hour, 'landing_path', hit.path);
  rollups.dimension(hit.siteId, hour, 'device', hit.deviceClass);
  rollups.dimension(hit.siteId, hour, 'duration', durationBucket(0));
  return {
    id, siteId: hit.siteId, visitorId: hit.visitorId, startedAt: hit.at, lastSeenAt: hit.at, pageViews: 0,
    landingPath: hit.path, utm, referrer, truncatedIp: hit.truncatedIp, deviceClass: hit.deviceClass,
  };
}

/** Moves a session's last-seen time to `at`, adding the longer duration (and its bucket move) to the hour it started in. */
function extendSession(session: StoredSession, at: Date, rollups: RollupDeltas): void {
  const startHour = hourOf(session.startedAt);
  const before = Math.floor((session.lastSeenAt.getTime() - session.startedAt.getTime()) / 1000);
  const after = Math.floor((at.getTime() - session.startedAt.getTime()) / 1000);
  rollups.add(session.siteId, startHour, 'duration_seconds', after - before);
  if (durationBucket(before) !== durationBucket(after)) {
    rollups.dimension(session.siteId, startHour, 'duration', durationBucket(before), -1);
    rollups.dimension(session.siteId, startHour, 'duration', durationBucket(after), 1);
  }
  session.lastSeenAt = at;
}

/** Counts the hit itself: a page view (a session's second one is no longer a bounce) or a click and the conversion it is. */
function countHit(hit: CollectedHit, session: StoredSession, rollups: RollupDeltas, conversions: Conversion[]): void {
  if (hit.type === 'page_view') {
    session.pageViews += 1;
    rollups.add(hit.siteId, hit.at, 'page_views');
    if (session.pageViews === 2) rollups.add(hit.siteId, hourOf(session.startedAt), 'bounces', -1);
    return;
  }
  const column = hit.target ? CTA_COLUMNS[hit.target] : undefined;
  if (column) rollups.add(hit.siteId, hit.at, column);
  conversions.push({ siteId: hit.siteId, visitorId: hit.visitorId, goal: `cta_click:${hit.target ?? ''}`, at: hit.at });
}

/**
 * Sorts a batch of hits into sessions: a visitor's session (the stored one, or one opened earlier in the batch)
 * continues while hits arrive within `sessionTimeoutMs` of its last one, otherwise a new one starts. Bots are only
 * counted. Pure: `stored` is not changed, and ids come from `newId`.
 */
export function sessionise(
  hits: readonly CollectedHit[],
  bots: readonly BotHit[],
  stored: readonly StoredSession[],
  sessionTimeoutMs: number,
  newId: () => string = randomUUID,
): SessionisedBatch {
  const batch: SessionisedBatch = { created: [], continued: [], events: [], conversions: [], rollups: new RollupDeltas() };
  for (const bot of bots) batch.rollups.add(bot.siteId, bot.at, 'bot_views');
  const working = new Map(stored.map((s) => [s.id, { ...s }]));
  const sessions = new Map<string, StoredSession>([...working.values()].map((s) => [visitorKey(s.siteId, s.visitorId), s]));
  const continued = new Set<string>();
  for (const hit of [...hits].sort((a, b) => a.at.getTime() - b.at.getTime())) {
    const key = visitorKey(hit.siteId, hit.visitorId);
    let session = sessions.get(key);
    let touched = hit.type === 'page_view';
    if (!session || hit.at.getTime() - session.lastSeenAt.getTime() > sessionTimeoutMs) {
      const opened = openSession(hit, newId(), session !== undefined, batch.rollups);
      batch.created.push(opened);
      sessions.set(key, opened);
      session = opened;
    } else if (hit.at > session.lastSeenAt) {
      extendSession(session, hit.at, batch.rollups);
      touched = true;
    }
    if (touched && working.has(session.id)) continued.add(session.id);
    countHit(hit, session, batch.rollups, batch.conversions);
    batch.events.push({ id: newId(), siteId: hit.siteId, sessionId: session.id, visitorId: hit.visitorId, type: hit.type, path: hit.path, target: hit.target, at: hit.at });
  }
  batch.continued = [...working.values()].filter((s) => continued.has(s.id)).map((s) => ({ id: s.id, lastSeenAt: s.lastSeenAt, pageViews: s.pageViews }));
  return batch;
}
