import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OperatorCase } from '../../db/entities/index.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

let api: TestApi;
const admin = () => ({ authorization: `Bearer ${api.config.auth.adminApiToken}` });

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(() => resetDatabase(api.orm));

async function raise(key: string) {
  const em = api.orm.em.fork();
  const row = em.create(OperatorCase, { key, kind: 'refund_refused', reason: `refund of ${key} refused`, workflowId: 'claim:x', payload: { paymentIntentId: key } });
  await em.flush();
  return row.id;
}

describe('GET /api/v1/admin/needs-attention', () => {
  it('lists open cases oldest first, resolves one with what was done, and hides it afterwards', async () => {
    const first = await raise('pa_1');
    await raise('pa_2');
    const listed = await api.app.inject({ method: 'GET', url: '/api/v1/admin/needs-attention', headers: admin() });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ cases: { key?: string; reason: string }[] }>().cases.map((c) => c.reason)).toEqual(['refund of pa_1 refused', 'refund of pa_2 refused']);

    const resolved = await api.app.inject({ method: 'POST', url: `/api/v1/admin/needs-attention/${first}/resolve`, headers: admin(), payload: { resolution: 'refunded by hand at the provider' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ id: first, resolution: 'refunded by hand at the provider', resolved_by: 'admin API token' });
    expect((await api.app.inject({ method: 'POST', url: `/api/v1/admin/needs-attention/${first}/resolve`, headers: admin(), payload: { resolution: 'again' } })).statusCode).toBe(409);

    const open = await api.app.inject({ method: 'GET', url: '/api/v1/admin/needs-attention', headers: admin() });
    expect(open.json<{ cases: unknown[] }>().cases).toHaveLength(1);
    const all = await api.app.inject({ method: 'GET', url: '/api/v1/admin/needs-attention?include_resolved=true', headers: admin() });
    expect(all.json<{ cases: unknown[] }>().cases).toHaveLength(2);
  });

  it('refuses callers without the admin token and bad input with 4xx', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/admin/needs-attention' })).statusCode).toBe(401);
    const id = await raise('pa_3');
    expect((await api.app.inject({ method: 'POST', url: `/api/v1/admin/needs-attention/${id}/resolve`, headers: admin(), payload: {} })).statusCode).toBe(400);
    expect((await api.app.inject({ method: 'POST', url: '/api/v1/admin/needs-attention/not-a-uuid/resolve', headers: admin(), payload: { resolution: 'x' } })).statusCode).toBe(400);
    expect((await api.app.inject({ method: 'POST', url: '/api/v1/admin/needs-attention/00000000-0000-4000-8000-000000000000/resolve', headers: admin(), payload: { resolution: 'x' } })).statusCode).toBe(404);
  });

  it('accepts the console\'s operator session, asks for its CSRF token to resolve, and records the operator', async () => {
    await seedOperator(api.orm.em.fork(), { email: 'ops@webmagic.test', name: 'Olivia Ops', password: 'Operator-pass-2026', role: 'agent' });
    const session = await api.app.inject({ method: 'POST', url: '/api/v1/admin/session', payload: { email: 'ops@webmagic.test', password: 'Operator-pass-2026' } });
    expect(session.statusCode, session.body).toBe(200);
    const cookie = String(session.headers['set-cookie']).split(';')[0]!;
    const csrf = session.json<{ csrf_token: string }>().csrf_token;
    const id = await raise('pa_4');

    const listed = await api.app.inject({ method: 'GET', url: '/api/v1/admin/needs-attention', headers: { cookie } });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json<{ cases: { id: string }[] }>().cases.map((c) => c.id)).toEqual([id]);
    const withoutCsrf = await api.app.inject({ method: 'POST', url: `/api/v1/admin/needs-attention/${id}/resolve`, headers: { cookie }, payload: { resolution: 'refunded by hand' } });
    expect(withoutCsrf.statusCode).toBe(403);
    expect((await api.orm.em.fork().findOneOrFail(OperatorCase, id)).resolvedAt).toBeNull();

    const resolved = await api.app.inject({ method: 'POST', url: `/api/v1/admin/needs-attention/${id}/resolve`, headers: { cookie, 'x-csrf-token': csrf }, payload: { resolution: 'refunded by hand' } });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ resolution: 'refunded by hand', resolved_by: 'Olivia Ops' });
    const row = await api.orm.em.fork().findOneOrFail(OperatorCase, id, { populate: ['resolvedBy'] });
    expect(row.resolvedBy?.email).toBe('ops@webmagic.test');
  });
});
