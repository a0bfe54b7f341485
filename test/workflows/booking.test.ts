import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Booking, EmailMessage, OperatorCase } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { issueFormToken } from '../../lib/analytics/form-token.js';
import type { bookingWorkflow } from '../../workflows/booking.js';
import type { analyticsHousekeepingWorkflow } from '../../workflows/analytics-housekeeping.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { ensureAnalyticsHousekeepingSchedule } from '../../worker/schedules.js';
import { claimResult, openCheckout, pressCheckoutButton, siteIdOf } from '../helpers/claims.js';
import { resetDatabase } from '../helpers/env.js';
import { recordHistory } from '../helpers/record-history.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import type { Activities } from '../helpers/worker.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ PLATFORM_LEADS_EMAIL: 'leads@webmagic.test', BOOKING_MAX_CONFIRMATIONS_PER_RECIPIENT: '2' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.api.app.siteDirectory.clear();
  stack.postmark.reset();
});

async function submitBooking(slug: string, ip: string, fields: Record<string, string> = {}): Promise<string> {
  const res = await stack.api.app.inject({
    method: 'POST', url: `/api/v1/sites/${slug}/bookings`, remoteAddress: ip, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' },
    payload: { name: 'Luis Pérez', email: 'luis@example.com', phone: '+502 5555 1234', message: 'The sink leaks', form_token: issueFormToken(stack.api.config.analytics.salt, slug, Date.now() - 5000), ...fields },
  });
  expect(res.statusCode, res.body).toBe(202);
  const [row] = await stack.api.orm.em.fork().execute<{ id: string }[]>(`select id from bookings order by created_at desc limit 1`);
  return row!.id;
}

function crashAfterFirst(onCrash: () => void) {
  return (activities: Activities): Activities => {
    let crashed = false;
    return {
      ...activities,
      sendBookingEmail: async (input) => {
        const result = await activities.sendBookingEmail(input);
        if (!crashed) {
          crashed = true;
          onCrash();
          throw new Error('worker crashed right after sending');
        }
        return result;
      },
    };
  };
}

describe('booking workflow', () => {
  it('emails the platform inbox for a preview and the visitor, each exactly once, across a worker crash', async () => {
    let signalCrash!: () => void;
    const crashed = new Promise<void>((resolve) => (signalCrash = resolve));
    await stack.restartWorker(crashAfterFirst(signalCrash));
    const bookingId = await submitBooking('plumber-joe', '198.51.100.20');
    await crashed;
    await stack.restartWorker();

    const result = await stack.api.temporal.workflow.getHandle<typeof bookingWorkflow>(workflowIds.booking(bookingId)).result();
    expect(result.owner?.status).toBe('already_sent');
    expect(result.visitor?.status).toBe('sent');
    const sent = stack.postmark.sent();
    expect(sent.map((m) => m.To).sort()).toEqual(['leads@webmagic.test', 'luis@example.com']);
    expect(await stack.api.orm.em.fork().count(EmailMessage, { status: 'sent' })).toBe(2);
    const history = JSON.stringify((await stack.api.temporal.workflow.getHandle(workflowIds.booking(bookingId)).fetchHistory()).events);
    expect(history).not.toContain('luis@example.com');
    expect(history).not.toContain('The sink leaks');
  });

  it('emails the owner once the site is owned', async () => {
    await signedInOwner(stack.api, 'owner@example.com', ['roofer-bob']);
    await stack.api.orm.em.fork().execute(`update sites set status = 'owned' where slug = 'roofer-bob'`);
    const bookingId = await submitBooking('roofer-bob', '198.51.100.21');
    await stack.api.temporal.workflow.getHandle<typeof bookingWorkflow>(workflowIds.booking(bookingId)).result();
    expect(stack.postmark.sent().map((m) => m.To).sort()).toEqual(['luis@example.com', 'owner@example.com']);
  });
});

describe('booking emails cannot be abused or lost', () => {
  it('confirms to the visitor in fixed words naming the business only, never with what the visitor wrote', async () => {
    const bookingId = await submitBooking('plumber-joe', '198.51.100.22', { name: 'Cheap pills at spam.example', message: 'Visit spam.example now' });
    await stack.api.temporal.workflow.getHandle<typeof bookingWorkflow>(workflowIds.booking(bookingId)).result();
    const confirmation = stack.postmark.sent().find((m) => m.To === 'luis@example.com')!;
    const written = `${confirmation.Subject}\n${confirmation.TextBody}\n${confirmation.HtmlBody}`;
    expect(written).toContain("Plumber Joe's");
    expect(written).not.toContain('spam.example');
    expect(written).not.toContain('Cheap pills');
    // The owner (here the platform inbox) still reads every word of the lead.
    expect(stack.postmark.sent().find((m) => m.To === 'leads@webmagic.test')!.TextBody).toContain('Visit spam.example now');
  });

  it('sends one address at most the configured number of confirmations per hour across all sites; every lead still reaches its owner', async () => {
    const ids = [
      await submitBooking('plumber-joe', '198.51.100.30'),
      await submitBooking('roofer-bob', '198.51.100.31'),
      await submitBooking('plumber-joe', '198.51.100.32', { email: 'LUIS@example.com' }),
      await submitBooking('roofer-bob', '198.51.100.33'),
    ];
    const results = await Promise.all(ids.map((id) => stack.api.temporal.workflow.getHandle<typeof bookingWorkflow>(workflowIds.booking(id)).result()));
    expect(results.filter((r) => r.visitor !== null)).toHaveLength(2);
    expect(results.every((r) => r.owner?.status === 'sent')).toBe(true);
    const sent = stack.postmark.sent();
    expect(sent.filter((m) => m.To.toLowerCase() === 'luis@example.com')).toHaveLength(2);
    expect(sent.filter((m) => m.To === 'leads@webmagic.test')).toHaveLength(4);
    expect(await stack.api.orm.em.fork().count(Booking)).toBe(4);
  });

  it('emails the owner a lead whose text was stored before the single-line rule, and raises no operator case', async () => {
    const em = stack.api.orm.em.fork();
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const booking = em.create(Booking, {
      site: siteId, kind: 'booking', name: 'Eve\r\nBcc: victim@example.com', email: 'eve@example.com', phone: null, preferredTime: 'Monday\nmorning', message: 'Call me',
    });
    await em.flush();
    const handle = await stack.api.temporal.workflow.start('bookingWorkflow', {
      workflowId: workflowIds.booking(booking.id), taskQueue: stack.config.temporal.taskQueue, args: [{ bookingId: booking.id }],
    });
    const result = await handle.result() as Awaited<ReturnType<typeof bookingWorkflow>>;
    expect(result.owner?.status).toBe('sent');
    expect(result.visitor?.status).toBe('sent');
    const lead = stack.postmark.sent().find((m) => m.To === 'leads@webmagic.test')!;
    expect(lead.TextBody).toContain('Eve Bcc: victim@example.com');
    expect(lead.TextBody).toContain('Monday morning');
    expect(lead.Subject).not.toMatch(/[\r\n]/);
    expect(await em.count(OperatorCase)).toBe(0);
  });
});

describe('claim funnel events', () => {
  it('records claim_started, checkout_opened and purchase_completed once each for a purchase', async () => {
    const siteId = await siteIdOf(stack, 'plumber-joe');
    const claimant = { email: 'buyer@example.com', name: 'Buyer' };
    const checkout = await openCheckout(stack, 'plumber-joe', claimant);
    await openCheckout(stack, 'plumber-joe', claimant);
    await pressCheckoutButton(checkout, 'pay');
    expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
    const counts = await stack.api.orm.em.fork().execute<{ type: string; n: number }[]>(`select type, count(*)::int as n from analytics_events group by type order by type`);
    expect(counts).toEqual([{ type: 'checkout_opened', n: 1 }, { type: 'claim_started', n: 2 }, { type: 'purchase_completed', n: 1 }]);
    const [rolled] = await stack.api.orm.em.fork().execute<{ claims: number; checkouts: number; purchases: number }[]>(
      `select sum(claims_started)::int as claims, sum(checkouts_opened)::int as checkouts, sum(purchases)::int as purchases from analytics_hourly`,
    );
    expect(rolled).toEqual({ claims: 2, checkouts: 1, purchases: 1 });
  });
});

describe('purchase holds', () => {
  it('keep a keyed digest of the client address, never the address, and still count per address', async () => {
    const ask = (slug: string, email: string) => stack.api.app.inject({
      method: 'POST', url: `/api/v1/sites/${slug}/purchase`, remoteAddress: '2001:db8:7:7::1', payload: { email, name: 'Buyer' },
    });
    expect((await ask('plumber-joe', 'one@example.com')).statusCode).toBe(200);
    const [row] = await stack.api.orm.em.fork().execute<{ client_ip: string }[]>(`select client_ip from purchase_holds`);
    expect(row!.client_ip).toMatch(/^purchase-hold:[A-Za-z0-9_-]{43}$/);
    expect(row!.client_ip).not.toContain('2001');
  });
});

/**
 * Rate-limit counters, sign-in sessions and webhook deliveries, half of them past their end: a window that ended, a
 * session whose every token expired, a delivery older than WEBHOOK_INBOX_RETENTION go; a back-off, a session with one
 * live token (its expired first token included), a recent, a parked and a pending delivery stay.
 */
async function seedExpiredState(em: EntityManager): Promise<void> {
  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000);
  for (const [key, windowEndsAt, blockedUntil] of [['ended', hoursFromNow(-1), null], ['backing-off', hoursFromNow(-1), hoursFromNow(1)], ['open-window', hoursFromNow(1), null]] as const) {
    await em.execute(`insert into rate_limit_counters (key, count, window_ends_at, blocked_until) values (?, 3, ?, ?)`, [key, windowEndsAt, blockedUntil]);
  }
  const [customer] = await em.execute<{ id: string }[]>(`insert into customer_users (id, created_at, updated_at, email, full_name) values (gen_random_uuid(), now(), now(), 'sessions@example.com', 'Sessions') returning id`);
  const [ended, live] = [randomUUID(), randomUUID()];
  for (const [hash, family, expiresAt] of [['ended-first', ended, hoursFromNow(-48)], ['ended-last', ended, hoursFromNow(-24)], ['live-first', live, hoursFromNow(-24)], ['live-now', live, hoursFromNow(24)]] as const) {
    await em.execute(`insert into refresh_tokens (id, created_at, customer_id, token_hash, family_id, expires_at) values (gen_random_uuid(), now(), ?, ?, ?, ?)`, [customer!.id, hash, family, expiresAt]);
  }
  const retention = stack.config.webhookRelay.inboxRetentionMs;
  for (const [id, processedAt, parkedAt] of [
    ['delivered-long-ago', new Date(Date.now() - retention - 3_600_000), null], ['delivered-lately', hoursFromNow(-1), null],
    ['parked-long-ago', null, new Date(Date.now() - retention - 3_600_000)], ['pending', null, null],
  ] as const) {
    await em.execute(
      `insert into webhook_events (id, provider, provider_event_id, type, payload, received_at, processed_at, parked_at) values (gen_random_uuid(), 'recurrente', ?, 'payment_intent.succeeded', '{}', now(), ?, ?)`,
      [id, processedAt, parkedAt],
    );
  }
}

describe('analytics housekeeping', () => {
  it('creates its schedule once and deletes raw data and unused photos past retention, keeping the hourly and daily roll-ups, and state that ended', async () => {
    const client = stack.api.temporal;
    const config = { ...stack.config, temporal: { ...stack.config.temporal } };
    expect(await ensureAnalyticsHousekeepingSchedule(client, config)).toBe('created');
    expect(await ensureAnalyticsHousekeepingSchedule(client, config)).toBe('exists');
    await client.schedule.getHandle(workflowIds.analyticsHousekeeping()).delete();

    const siteId = await siteIdOf(stack, 'plumber-joe');
    const em = stack.api.orm.em.fork();
    const old = new Date(Date.now() - stack.config.analytics.retentionMs - 86_400_000).toISOString();
    for (const [id, at] of [['00000000-0000-4000-8000-000000000001', old], ['00000000-0000-4000-8000-000000000002', new Date().toISOString()]] as const) {
      await em.execute(`insert into visitor_sessions (id, site_id, visitor_id, landing_path, started_at, last_seen_at) values (?, ?, 'v', '/', ?, ?)`, [id, siteId, at, at]);
      await em.execute(`insert into analytics_events (id, site_id, session_id, type, at) values (gen_random_uuid(), ?, ?, 'page_view', ?)`, [siteId, id, at]);
    }
    await em.execute(`insert into analytics_hourly (id, site_id, hour, sessions) values (gen_random_uuid(), ?, date_trunc('hour', ?::timestamptz), 1)`, [siteId, old]);
    await em.execute(`insert into analytics_hourly_dimensions (id, site_id, hour, dimension, value, sessions) values (gen_random_uuid(), ?, date_trunc('hour', ?::timestamptz), 'device', 'mobile', 1)`, [siteId, old]);
    await em.execute(`insert into analytics_daily_dimensions (id, site_id, day, dimension, value, sessions) values (gen_random_uuid(), ?, date_trunc('day', ?::timestamptz, 'UTC'), 'device', 'mobile', 1)`, [siteId, old]);
    // Dimension rows past their own (longer) retention go; ended purchase holds go a week after their checkout ended.
    const ancient = new Date(Date.now() - stack.config.analytics.dimensionRetentionMs - 86_400_000).toISOString();
    await em.execute(`insert into analytics_hourly_dimensions (id, site_id, hour, dimension, value, sessions) values (gen_random_uuid(), ?, date_trunc('hour', ?::timestamptz), 'path', '/old', 1)`, [siteId, ancient]);
    await em.execute(`insert into analytics_daily_dimensions (id, site_id, day, dimension, value, sessions) values (gen_random_uuid(), ?, date_trunc('day', ?::timestamptz, 'UTC'), 'path', '/old', 1)`, [siteId, ancient]);
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    for (const [email, expiresAt, releasedAt] of [
      ['ended-long-ago@example.com', daysAgo(9), daysAgo(8)], ['expired-long-ago@example.com', daysAgo(8), null],
      ['released-lately@example.com', daysAgo(9), daysAgo(2)], ['open@example.com', new Date(Date.now() + 3_600_000), null],
    ] as const) {
      await em.execute(`insert into purchase_holds (id, created_at, site_id, email, client_ip, expires_at, released_at) values (gen_random_uuid(), now(), gen_random_uuid(), ?, 'purchase-hold:x', ?, ?)`, [email, expiresAt, releasedAt]);
    }
    await seedExpiredState(em);
    // Photos past PHOTO_RETENTION go unless a version places them; a recent upload stays.
    const oldUpload = new Date(Date.now() - stack.config.photos.retentionMs - 86_400_000).toISOString();
    const placed = '00000000-0000-4000-8000-0000000000a1';
    for (const [id, at] of [['00000000-0000-4000-8000-0000000000a0', oldUpload], [placed, oldUpload], ['00000000-0000-4000-8000-0000000000a2', new Date().toISOString()]] as const) {
      await em.execute(`insert into photos (id, created_at, site_id, kind, width, height, variants) values (?, ?, ?, 'gallery', 10, 10, '[]')`, [id, at, siteId]);
    }
    await em.execute(`update site_versions set content = jsonb_set(content, '{photos}', jsonb_build_object('gallery', jsonb_build_array(?::text))) where site_id = ?`, [placed, siteId]);
    const handle = await client.workflow.start<typeof analyticsHousekeepingWorkflow>('analyticsHousekeepingWorkflow', {
      workflowId: `${workflowIds.analyticsHousekeeping()}-test-${Date.now()}`, taskQueue: stack.config.temporal.taskQueue, args: [],
    });
    expect(await handle.result()).toEqual({ events: 1, sessions: 1, dimensions: 2, holds: 2, expired: { rateLimits: 1, refreshTokens: 2, inbox: 1 }, photos: 1 });
    await recordHistory(handle, 'analytics-housekeeping-expired-state-and-photos');
    expect((await em.execute<{ key: string }[]>(`select key from rate_limit_counters order by key`)).map((r) => r.key)).toEqual(['backing-off', 'open-window']);
    expect((await em.execute<{ token_hash: string }[]>(`select token_hash from refresh_tokens order by token_hash`)).map((r) => r.token_hash)).toEqual(['live-first', 'live-now']);
    expect((await em.execute<{ provider_event_id: string }[]>(`select provider_event_id from webhook_events order by provider_event_id`)).map((r) => r.provider_event_id))
      .toEqual(['delivered-lately', 'parked-long-ago', 'pending']);
    expect((await em.execute<{ id: string }[]>(`select id from photos order by id`)).map((r) => r.id)).toEqual([placed, '00000000-0000-4000-8000-0000000000a2']);
    expect((await em.execute<{ email: string }[]>(`select email from purchase_holds order by email`)).map((r) => r.email)).toEqual(['open@example.com', 'released-lately@example.com']);
    const left = await em.execute<{ n: number }[]>(`select (select count(*) from visitor_sessions)::int + (select count(*) from analytics_events)::int as n`);
    expect(left[0]!.n).toBe(2);
    const rollups = await em.execute<{ n: number }[]>(`select (select count(*) from analytics_hourly)::int + (select count(*) from analytics_hourly_dimensions)::int + (select count(*) from analytics_daily_dimensions)::int as n`);
    expect(rollups[0]!.n).toBe(3);
  });
});
