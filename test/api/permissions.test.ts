import { readFileSync } from 'node:fs';
import Fastify, { type FastifyContextConfig } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerGuard, requireSiteAction } from '../../api/auth/guards.js';
import { OPERATOR_ACTIONS, OPERATOR_PERMISSIONS, operatorMay, permissionTables, SITE_ACTIONS, SITE_PERMISSIONS, siteRoleMay } from '../../api/auth/permissions.js';
import { README_PATH } from '../../dev/readme-section.js';
import { withPermissionTables } from '../../dev/permissions-table.js';
import { CustomerSiteOwnership, CustomerUser, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

// Walks the real route table: every customer route that names a site must declare a permission action and answer by
// the table (collaborators 403 on owner-only actions, through on the rest); admin-only operator actions refuse agents.

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Route { method: Method; url: string }

const AGENT = { email: 'agent@webmagic.test', name: 'Avery Agent', password: 'Agent-password-2026', role: 'agent' as const };
const OTHER_ID = '00000000-0000-4000-8000-000000000001';

/** Bodies that pass validation, so a request reaches the guard; a site-scoped route with a body needs one here. */
const BODIES: Record<string, object> = {
  'POST /api/v1/customer/sites/:siteId/domain': { domain: 'permissions-test.example.com' },
  'POST /api/v1/customer/sites/:siteId/edit-requests': { request: 'Change the phone number to 555-010-2233' },
  'POST /api/v1/customer/sites/:siteId/design-requests': { template: 'bold' },
  'POST /api/v1/customer/sites/:siteId/edit-requests/:id/reject': { reason: 'Not what I asked for' },
  'POST /api/v1/customer/sites/:siteId/photo-edits': { changes: [{ op: 'remove_photo', slot: 'logo' }] },
  'PATCH /api/v1/customer/sites/:siteId/bookings/:bookingId': { status: 'contacted' },
  'POST /api/v1/admin/experiments': { key: 'perm-test', slot: 'headline', goal: 'claim_started', variants: [{ name: 'a', weight: 1, content: 'A' }, { name: 'b', weight: 1, content: 'B' }] },
  'POST /api/v1/admin/experiments/:id/stop': {},
  // The owner asking to transfer to themselves is refused after the permission check, so nothing starts.
  'POST /api/v1/customer/sites/:siteId/transfer': { recipient_email: 'owner@example.com' },
  'POST /api/v1/admin/ownership/link': { site: 'no-such-site', customer: 'owner@example.com', reason: 'permissions test' },
  'POST /api/v1/admin/ownership/remove': { site_id: '00000000-0000-4000-8000-000000000000', reason: 'permissions test' },
  'POST /api/v1/admin/ownership/transfer': { site_id: '00000000-0000-4000-8000-000000000000', recipient_email: 'new@example.com', reason: 'permissions test' },
  'POST /api/v1/admin/ownership/transfer/cancel': { site_id: '00000000-0000-4000-8000-000000000000', reason: 'permissions test' },
  'POST /api/v1/customer/sites/:siteId/collaborators/invitations': { email: 'permissions-invitee@example.com' },
  'POST /api/v1/admin/privacy/visitor-erasures': { email: 'permissions-visitor@example.com', reason: 'permissions test' },
};

let api: TestApi;
const configs = new Map<string, FastifyContextConfig>();
let siteId: string;
let owner: string;
let collaborator: string;
let stranger: string;

/** Every route of the app (method and URL pattern), read from Fastify's own route table. */
function routeTable(): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of api.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]+)\))?$/u.exec(line);
    if (!match) continue;
    const depth = [...match[1]!].length / 4;
    stack.length = depth;
    const url = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(url);
    for (const method of (match[3] ?? '').split(', ')) {
      if (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) routes.push({ method: method as Method, url });
    }
  }
  return routes;
}

function call(route: Route, headers: Record<string, string>) {
  const url = route.url.replace(':siteId', siteId).replace(':report', 'mrr-history').replace(/:(n)\b/u, '1').replace(/:[A-Za-z]+/gu, OTHER_ID);
  const payload = BODIES[`${route.method} ${route.url}`];
  return api.app.inject({ method: route.method, url, headers, ...(payload === undefined ? {} : { payload }) });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const siteScoped = () => routeTable().filter((r) => r.url.startsWith('/api/v1/') && !r.url.startsWith('/api/v1/admin/') && r.url.includes(':siteId'));
const operatorRoutes = () => routeTable().filter((r) => r.url.startsWith('/api/v1/admin/') && !r.url.startsWith('/api/v1/admin/session'));

beforeAll(async () => {
  api = await createTestApi();
  // Records what each route declares, before its guard runs (onRequest comes first).
  api.app.addHook('onRequest', async (request) => {
    configs.set(`${request.method} ${request.routeOptions.url}`, request.routeOptions.config);
  });
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  await seedOperator(api.orm.em.fork(), AGENT);
  owner = (await signedInOwner(api, 'owner@example.com', ['plumber-joe'])).token;
  stranger = (await signedInOwner(api, 'stranger@example.com', ['roofer-bob'])).token;
  const helper = await signedInOwner(api, 'helper@example.com', []);
  collaborator = helper.token;
  const em = api.orm.em.fork();
  siteId = (await em.findOneOrFail(Site, { slug: 'plumber-joe' })).id;
  em.create(CustomerSiteOwnership, { customer: await em.findOneOrFail(CustomerUser, helper.customerId), site: siteId, role: 'collaborator', isPrimary: false, acquiredAt: new Date() });
  await em.flush();
});
afterAll(() => api.close());

describe('the permission table', () => {
  it('gives owners every site action, never gives collaborators billing, domain, transfer, removal or collaborators, and gives admins every operator action', () => {
    expect([...SITE_PERMISSIONS.owner].sort()).toEqual(Object.keys(SITE_ACTIONS).sort());
    for (const action of ['billing.manage', 'domain.manage', 'site.transfer', 'site.remove', 'collaborators.manage', 'bookings.update', 'edits.decide'] as const) {
      expect(siteRoleMay('collaborator', action), action).toBe(false);
    }
    for (const action of ['analytics.read', 'bookings.read', 'tickets.open', 'site.read'] as const) expect(siteRoleMay('collaborator', action), action).toBe(true);
    expect([...OPERATOR_PERMISSIONS.admin].sort()).toEqual(Object.keys(OPERATOR_ACTIONS).sort());
    for (const action of ['experiments.manage', 'analytics.platform', 'money.read', 'money.manage', 'ownership.manage'] as const) expect(operatorMay('agent', action), action).toBe(false);
  });

  it('matches the README tables (regenerate them with `node --import tsx dev/permissions-table.ts`)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme, 'README.md is stale: run npm run docs:permissions').toBe(withPermissionTables(readme));
    expect(readme).toContain(permissionTables());
  });

  it('stops a customer folder from starting with a site-scoped route that declares no action', async () => {
    const app = Fastify();
    await expect(app.register(async (folder) => {
      folder.addHook('onRoute', requireSiteAction);
      folder.addHook('preHandler', customerGuard);
      folder.get('/sites/:siteId/forgotten', async () => ({}));
    })).rejects.toThrow(/GET \/sites\/:siteId\/forgotten names a site but declares no permission action/u);
    await app.close();
  });
});

describe('site-scoped customer routes', () => {
  it('each declare an action, and answer collaborators by the table: 403 owner_only with a sentence, or through', async () => {
    const routes = siteScoped();
    expect(routes.length).toBeGreaterThan(15);
    const seen: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;
      const res = await call(route, bearer(collaborator));
      const action = configs.get(key)?.action;
      expect(action, `${key} declares no action`).toBeDefined();
      seen.push(`${key} ${action} ${res.statusCode}`);
      expect(res.statusCode, `${key}: ${res.body}`).not.toBe(400);
      if (siteRoleMay('collaborator', action!)) {
        expect(res.statusCode, `${key}: ${res.body}`).not.toBe(403);
        expect(res.statusCode, `${key}: ${res.body}`).toBeLessThan(500);
      } else {
        expect(res.statusCode, key).toBe(403);
        const body = res.json<{ error: string; message: string }>();
        expect(body.error, key).toBe('owner_only');
        expect(body.message, key).toMatch(/^Only the site’s owner can .+\.$/u);
      }
    }
    // Domain management, bookings changes and billing were open to collaborators before the table.
    expect(seen.filter((s) => s.includes('domain.manage') || s.includes('bookings.update') || s.includes('billing.manage')).every((s) => s.endsWith(' 403'))).toBe(true);
  });

  it('let the owner through and keep other customers out with 403 site_not_owned', async () => {
    for (const route of siteScoped()) {
      const key = `${route.method} ${route.url}`;
      const mine = await call(route, bearer(owner));
      expect(mine.statusCode, `${key}: ${mine.body}`).not.toBe(403);
      expect(mine.statusCode, `${key}: ${mine.body}`).toBeLessThan(500);
      const theirs = await call(route, bearer(stranger));
      expect(theirs.statusCode, key).toBe(403);
      expect(theirs.json(), key).toMatchObject({ error: 'site_not_owned' });
    }
  });

  it('check the same table where the site is named in the body or query (subscriptions, new tickets)', async () => {
    for (const [method, url] of [['POST', '/activate'], ['POST', '/cancel'], ['POST', '/reactivate']] as const) {
      const res = await api.app.inject({ method, url: `/api/v1/subscriptions${url}`, headers: bearer(collaborator), payload: { site_id: siteId } });
      expect(res.statusCode, url).toBe(403);
      expect(res.json(), url).toMatchObject({ error: 'owner_only' });
    }
    const status = await api.app.inject({ method: 'GET', url: `/api/v1/subscriptions/status?site_id=${siteId}`, headers: bearer(collaborator) });
    expect(status.statusCode).toBe(403);
    // Without a site_id, a collaborator holds no site billing is allowed on.
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/subscriptions/status', headers: bearer(collaborator) })).json()).toMatchObject({ error: 'no_site' });
    const ticket = await api.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: bearer(collaborator), payload: { subject: 'Help', description: 'The map is wrong', site_id: siteId } });
    expect(ticket.statusCode, ticket.body).toBe(201);
  });
});

describe('operator routes', () => {
  it('refuse agents the admin actions with 403 admin_role_required, and let admins (the admin token) through', async () => {
    const signIn = await api.app.inject({ method: 'POST', url: '/api/v1/admin/session', payload: { email: AGENT.email, password: AGENT.password } });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const agent = { cookie: String(signIn.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': signIn.json<{ csrf_token: string }>().csrf_token };
    const admin = bearer(api.config.auth.adminApiToken);
    const refused: string[] = [];
    for (const route of operatorRoutes()) {
      const key = `${route.method} ${route.url}`;
      const asAgent = await call(route, agent);
      const action = configs.get(key)?.operatorAction ?? 'support.work';
      if (operatorMay('agent', action)) {
        expect(asAgent.statusCode, `${key}: ${asAgent.body}`).not.toBe(403);
        continue;
      }
      refused.push(route.url);
      expect(asAgent.statusCode, `${key}: ${asAgent.body}`).toBe(403);
      const body = asAgent.json<{ error: string; message: string }>();
      expect(body.error, key).toBe('admin_role_required');
      expect(body.message, key).toMatch(/^Only operators with the admin role can .+\.$/u);
      const asAdmin = await call(route, admin);
      expect(asAdmin.statusCode, `${key}: ${asAdmin.body}`).not.toBe(403);
      expect(asAdmin.statusCode, `${key}: ${asAdmin.body}`).toBeLessThan(500);
    }
    expect(refused).toEqual(expect.arrayContaining([
      '/api/v1/admin/analytics', '/api/v1/admin/experiments', '/api/v1/admin/experiments/:id/start', '/api/v1/admin/experiments/:id/stop',
      '/api/v1/admin/purchase-statistics', '/api/v1/admin/subscription-statistics',
    ]));
  });
});
