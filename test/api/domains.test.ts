import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainVerificationRecord, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';

let api: TestApi;
let joe: { customerId: string; token: string };
let bob: { customerId: string; token: string };
let joeSite: string;
let bobSite: string;

beforeAll(async () => {
  api = await createTestApi({ SITES_DOMAIN: 'webmagic.site', DOMAIN_CNAME_TARGET: 'edge.webmagic.test', DOMAIN_A_RECORDS: '203.0.113.10,203.0.113.11' });
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  joe = await signedInOwner(api, 'joe@example.com', ['plumber-joe']);
  bob = await signedInOwner(api, 'bob@example.com', ['roofer-bob']);
  const em = api.orm.em.fork();
  joeSite = (await em.findOneOrFail(Site, { slug: 'plumber-joe' })).id;
  bobSite = (await em.findOneOrFail(Site, { slug: 'roofer-bob' })).id;
  await em.nativeUpdate(Site, {}, { status: 'active' });
});

const call = (method: 'GET' | 'POST' | 'DELETE', siteId: string, token: string, path = '', payload?: object) =>
  api.app.inject({ method, url: `/api/v1/customer/sites/${siteId}/domain${path}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });

describe('POST /api/v1/customer/sites/:siteId/domain', () => {
  it('normalises the name, answers the records to create and starts the domain workflow', async () => {
    const res = await call('POST', joeSite, joe.token, '', { domain: 'WWW.Example-Plumber.TEST.' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ domain: string; status: string; redirect_from: string; records: { type: string; name: string; value: string }[] }>();
    expect(body).toMatchObject({ domain: 'www.example-plumber.test', status: 'pending', serving_domain: null, redirect_from: 'example-plumber.test' });
    const txt = body.records.find((r) => r.type === 'TXT');
    expect(txt?.name).toBe('_webmagic.www.example-plumber.test');
    expect(txt?.value).toMatch(/^webmagic-verify-[\w-]{32}$/);
    expect(body.records).toContainEqual(expect.objectContaining({ type: 'CNAME', name: 'www.example-plumber.test', value: 'edge.webmagic.test' }));

    const described = await api.temporal.workflow.getHandle(workflowIds.customDomain(joeSite)).describe();
    expect(described.type).toBe('customDomainWorkflow');
    expect(described.status.name).toBe('RUNNING');

    const again = await call('POST', joeSite, joe.token, '', { domain: 'www.example-plumber.test' });
    expect(again.statusCode).toBe(200);
    expect(again.json<{ records: { value: string }[] }>().records[0]?.value).toBe(txt?.value);
    await api.temporal.workflow.getHandle(workflowIds.customDomain(joeSite)).terminate('test over');
  });

  it('asks for A records for an apex', async () => {
    const res = await call('POST', joeSite, joe.token, '', { domain: 'example-plumber.test' });
    expect(res.statusCode).toBe(201);
    const records = res.json<{ records: { type: string; name: string; value: string }[] }>().records;
    expect(records.filter((r) => r.type === 'A' && r.name === 'example-plumber.test').map((r) => r.value)).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(records.some((r) => r.type === 'CNAME' && r.name === 'example-plumber.test')).toBe(false);
    await api.temporal.workflow.getHandle(workflowIds.customDomain(joeSite)).terminate('test over');
  });

  it('refuses bad names with 400 and stores nothing', async () => {
    for (const [domain, error] of [['10.0.0.1', 'ip_not_allowed'], ['*.example.com', 'wildcard_not_allowed'], ['joe.webmagic.site', 'platform_host'], ['edge.webmagic.test', 'platform_host'], ['http://x.com/', 'invalid_domain']]) {
      const res = await call('POST', joeSite, joe.token, '', { domain });
      expect(res.statusCode, domain).toBe(400);
      expect(res.json()).toMatchObject({ error });
    }
    expect((await call('POST', joeSite, joe.token, '', {})).statusCode).toBe(400);
    expect(await api.orm.em.fork().count(DomainVerificationRecord, {})).toBe(0);
  });

  it('refuses a domain another site serves (or its apex/www counterpart) with 409', async () => {
    await api.orm.em.fork().nativeUpdate(Site, { id: joeSite }, { customDomain: 'www.example-plumber.test' });
    for (const domain of ['www.example-plumber.test', 'example-plumber.test']) {
      const res = await call('POST', bobSite, bob.token, '', { domain });
      expect(res.statusCode, domain).toBe(409);
      expect(res.json()).toMatchObject({ error: 'domain_taken' });
    }
    expect(await api.orm.em.fork().count(DomainVerificationRecord, {})).toBe(0);
  });

  it("keeps owners off each other's sites", async () => {
    expect((await call('POST', bobSite, joe.token, '', { domain: 'www.stolen.test' })).statusCode).toBe(403);
    expect((await call('GET', bobSite, joe.token)).statusCode).toBe(403);
    expect((await call('DELETE', bobSite, joe.token)).statusCode).toBe(403);
    expect((await call('POST', bobSite, joe.token, '/check')).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'GET', url: `/api/v1/customer/sites/${joeSite}/domain` })).statusCode).toBe(401);
  });
});

describe('GET, check and DELETE …/domain', () => {
  it('shows the status, asks for a check, and disconnects at once', async () => {
    expect((await call('GET', joeSite, joe.token)).statusCode).toBe(404);
    await call('POST', joeSite, joe.token, '', { domain: 'www.example-plumber.test' });
    expect((await call('GET', joeSite, joe.token)).json()).toMatchObject({ domain: 'www.example-plumber.test', status: 'pending' });
    expect((await call('POST', joeSite, joe.token, '/check')).statusCode).toBe(202);

    // Verified (as the workflow would have done): served, and listed as the site's address.
    await api.orm.em.fork().nativeUpdate(Site, { id: joeSite }, { customDomain: 'www.example-plumber.test' });
    await api.app.siteChanges.sync();
    expect((await api.app.inject({ method: 'GET', url: '/', headers: { host: 'www.example-plumber.test' } })).statusCode).toBe(200);
    const mySites = await api.app.inject({ method: 'GET', url: '/api/v1/customer/my-sites', headers: { authorization: `Bearer ${joe.token}` } });
    expect(mySites.json()).toMatchObject({ sites: [{ site_url: 'http://www.example-plumber.test', custom_domain: 'www.example-plumber.test' }] });

    const removed = await call('DELETE', joeSite, joe.token);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ removed: ['www.example-plumber.test'] });
    await api.app.siteChanges.sync();
    expect((await api.app.inject({ method: 'GET', url: '/', headers: { host: 'www.example-plumber.test' } })).statusCode).toBe(404);
    expect((await call('GET', joeSite, joe.token)).statusCode).toBe(404);
    const described = await api.temporal.workflow.getHandle(workflowIds.customDomain(joeSite)).describe();
    expect(described.status.name).not.toBe('FAILED');
  });
});
