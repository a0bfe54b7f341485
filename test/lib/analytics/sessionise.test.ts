import { describe, expect, it } from 'vitest';
import { sessionise, visitorKeys, type CollectedHit, type StoredSession } from '../../../lib/analytics/sessionise.js';

const TIMEOUT = 30 * 60_000;
const t0 = new Date('2026-11-20T10:05:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const NO_UTM = { source: null, medium: null, campaign: null, term: null, content: null };

function hit(visitorId: string, minutes: number, extra: Partial<CollectedHit> = {}): CollectedHit {
  return {
    siteId: 'site-1', visitorId, truncatedIp: '198.51.100.0', deviceClass: 'mobile', at: at(minutes), type: 'page_view', path: '/', target: null,
    referrerHost: null, utm: NO_UTM, ...extra,
  };
}

/** Ids `id-1`, `id-2`, … in the order they are asked for. */
function counter(): () => string {
  let next = 0;
  return () => `id-${++next}`;
}

describe('sessionise', () => {
  it('continues a session within the timeout, takes UTM and landing page from its first hit, and opens a new one after', () => {
    const batch = sessionise([
      hit('v1', 80, { path: '/later', utm: { ...NO_UTM, source: 'bing' } }),
      hit('v1', 0, { path: '/', utm: { ...NO_UTM, source: 'newsletter' }, referrerHost: 'google.com' }),
      hit('v1', 20, { path: '/prices', utm: { ...NO_UTM, source: 'google' } }),
    ], [], [], TIMEOUT, counter());

    expect(batch.created.map((s) => [s.utm.source, s.landingPath, s.referrer, s.pageViews, s.startedAt, s.lastSeenAt])).toEqual([
      ['newsletter', '/', 'google.com', 2, at(0), at(20)],
      ['bing', '/later', null, 1, at(80), at(80)],
    ]);
    expect(batch.continued).toEqual([]);
    expect(batch.events.map((e) => [e.sessionId, e.path])).toEqual([['id-1', '/'], ['id-1', '/prices'], ['id-4', '/later']]);
    const hourly = [...batch.rollups.hourly.values()];
    expect(hourly).toEqual([
      { site_id: 'site-1', hour: '2026-11-20T10:00:00.000Z', sessions: 1, bounces: 0, visitors: 1, page_views: 2, duration_seconds: 20 * 60 },
      { site_id: 'site-1', hour: '2026-11-20T11:00:00.000Z', sessions: 1, bounces: 1, page_views: 1 },
    ]);
  });

  it('continues the visitor\'s stored session without changing it, and moves its duration bucket in the hour it started', () => {
    const stored: StoredSession = { id: 'stored', siteId: 'site-1', visitorId: 'v1', startedAt: at(0), lastSeenAt: at(0), pageViews: 1 };
    const batch = sessionise([hit('v1', 5)], [], [stored], TIMEOUT, counter());

    expect(batch.created).toEqual([]);
    expect(batch.continued).toEqual([{ id: 'stored', lastSeenAt: at(5), pageViews: 2 }]);
    expect(stored.lastSeenAt).toEqual(at(0));
    expect(batch.rollups.hourly.get('site-1|2026-11-20T10:00:00.000Z')).toEqual({ site_id: 'site-1', hour: '2026-11-20T10:00:00.000Z', duration_seconds: 300, page_views: 1, bounces: -1 });
    expect([...batch.rollups.dimensions.values()].map((d) => [d.dimension, d.value, d.sessions])).toEqual([['duration', '0', -1], ['duration', '300', 1]]);
  });

  it('counts a returning visitor\'s new session but not the visitor again', () => {
    const stored: StoredSession = { id: 'stored', siteId: 'site-1', visitorId: 'v1', startedAt: at(0), lastSeenAt: at(0), pageViews: 1 };
    const batch = sessionise([hit('v1', 120)], [], [stored], TIMEOUT, counter());

    expect(batch.created).toHaveLength(1);
    expect(batch.continued).toEqual([]);
    expect(batch.rollups.hourly.get('site-1|2026-11-20T12:00:00.000Z')).toMatchObject({ sessions: 1 });
    expect(batch.rollups.hourly.get('site-1|2026-11-20T12:00:00.000Z')?.visitors).toBeUndefined();
  });

  it('counts clicks by target as conversions without UTM, and bots only as bot views', () => {
    const batch = sessionise(
      [hit('v2', 1, { type: 'cta_click', target: 'call', utm: { ...NO_UTM, source: 'google' }, referrerHost: 'google.com' })],
      [{ siteId: 'site-1', at: at(2) }],
      [],
      TIMEOUT,
      counter(),
    );

    expect(batch.created[0]).toMatchObject({ utm: NO_UTM, referrer: null, pageViews: 0 });
    expect(batch.conversions).toEqual([{ siteId: 'site-1', visitorId: 'v2', goal: 'cta_click:call', at: at(1) }]);
    expect(batch.events[0]).toMatchObject({ type: 'cta_click', target: 'call' });
    expect(batch.rollups.hourly.get('site-1|2026-11-20T10:00:00.000Z')).toMatchObject({ bot_views: 1, cta_call: 1, sessions: 1, bounces: 1, visitors: 1 });
  });

  it('lists the batch\'s visitors once each, in lock order', () => {
    expect(visitorKeys([hit('b', 0), hit('a', 1), hit('b', 2)])).toEqual(['site-1|a', 'site-1|b']);
  });
});
