import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Booking, CustomerUser, PurchaseHold, SupportTicket } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { issueFormToken } from '../../lib/analytics/form-token.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  api.app.siteDirectory.clear();
});

const json = (method: 'POST' | 'PUT', url: string, payload: object, headers: Record<string, string> = {}) => api.app.inject({ method, url, headers, payload });

describe('every single line a person types is refused at the API when it could not be stored, shown or emailed', () => {
  it('answers 400 for a line break, a control character or blank text in names, subjects and booking fields, and stores nothing', async () => {
    const { token } = await signedInOwner(api, 'owner@example.com', ['plumber-joe']);
    const bearer = { authorization: `Bearer ${token}` };
    const admin = { authorization: `Bearer ${api.config.auth.adminApiToken}` };
    const booking = (fields: object) => json('POST', '/api/v1/sites/plumber-joe/bookings', {
      name: 'Luis', email: 'luis@example.com', form_token: issueFormToken(api.config.analytics.salt, 'plumber-joe', Date.now() - 5000), ...fields,
    });
    const requests: [string, () => ReturnType<typeof json>][] = [
      ['purchase name with a line break', () => json('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'a@example.com', name: 'Ana\nBcc: x@example.com' })],
      ['purchase name with a carriage return', () => json('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'a@example.com', name: 'Ana\r' })],
      ['purchase name with a Unicode line separator', () => json('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'a@example.com', name: 'Ana\u2028López' })],
      ['purchase name of spaces only', () => json('POST', '/api/v1/sites/roofer-bob/purchase', { email: 'a@example.com', name: '   ' })],
      ['booking name with a line break', () => booking({ name: 'Luis\nPérez' })],
      ['booking name with a tab', () => booking({ name: 'Luis\tPérez' })],
      ['booking preferred time with a line break', () => booking({ preferred_time: 'Monday\r\nmorning' })],
      ['booking preferred time of spaces only', () => booking({ preferred_time: '  ' })],
      ['register name', () => json('POST', '/api/v1/customer/register', { email: 'n@example.com', password: 'Correct-Horse-7', full_name: 'N\nM' })],
      ['profile name', () => json('PUT', '/api/v1/customer/profile', { full_name: 'Owner\u0085x' }, bearer)],
      ['ticket subject', () => json('POST', '/api/v1/tickets', { subject: 'Help\nme', description: 'Please' }, bearer)],
      ['agent name', () => json('POST', '/api/v1/admin/tickets/8b1f2f8e-8b8a-4c1e-9d4a-0d6a4e1b2c3d/assign', { agent: 'Ann\nX' }, admin)],
    ];
    for (const [what, send] of requests) {
      const res = await send();
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      const body = res.json<{ error: string; message: string }>();
      expect(body.error, what).toBe('validation_failed');
      // A sentence for the person: blank reads as "fill it in", anything else as "on one line".
      expect(body.message, what).toMatch(what.includes('spaces only') ? /^Please fill in the / : /must be written on one line\.$/);
    }
    const em = api.orm.em.fork();
    expect(await em.count(Booking)).toBe(0);
    expect(await em.count(PurchaseHold)).toBe(0);
    expect(await em.count(SupportTicket)).toBe(0);
    expect((await em.findOneOrFail(CustomerUser, { email: 'owner@example.com' })).fullName).toBe('Owner');
  });

  it('still takes names with accents, apostrophes and inner spaces, as typed', async () => {
    const res = await json('POST', '/api/v1/sites/plumber-joe/bookings', {
      name: ' María José O\'Neil ', preferred_time: 'Tue 9–11 am', email: 'mj@example.com', form_token: issueFormToken(api.config.analytics.salt, 'plumber-joe', Date.now() - 5000),
    });
    expect([202, 503], res.body).toContain(res.statusCode);
  });
});
