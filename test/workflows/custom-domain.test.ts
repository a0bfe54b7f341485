import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDomainActivities } from '../../activities/domains.js';
import type { SendEmailInput } from '../../activities/email.js';
import { CustomerSiteOwnership, CustomerUser, DomainVerificationRecord, Site } from '../../db/entities/index.js';
import { openOrm } from '../../db/orm.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import type { AppConfig } from '../../lib/config.js';
import { startLocalDnsServer, type LocalDnsServer } from '../../lib/dns/local-server.js';
import { createDnsResolver } from '../../lib/dns/resolver.js';
import { checkDomainNowSignal, customDomainStateQuery, domainConnectedSignal } from '../../workflows/custom-domain/contract.js';
import { customDomainWorkflow } from '../../workflows/custom-domain/workflow.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { resetDatabase, testConfig } from '../helpers/env.js';
import { waitUntilIdle } from '../helpers/idle-run.js';
import { freePort } from '../helpers/ports.js';
import { createTimeSkippingEnv } from '../helpers/time-skipping.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DOMAIN = 'www.example-plumber.test';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let orm: MikroORM;
let config: AppConfig;
let dns: LocalDnsServer;
const emails: SendEmailInput[] = [];
const taskQueue = `domains-${randomUUID()}`;

beforeAll(async () => {
  dns = await startLocalDnsServer({ port: await freePort() });
  config = testConfig({ DNS_SERVERS: dns.address, DNS_TIMEOUT: '2s', DOMAIN_CNAME_TARGET: 'edge.webmagic.test', DOMAIN_A_RECORDS: '203.0.113.10' });
  orm = await openOrm(config.database);
  env = await createTimeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: {
      ...createDomainActivities({ orm, config, dns: createDnsResolver(config.dns) }),
      async sendEmail(input: SendEmailInput) {
        emails.push(input);
        return { status: 'sent' as const, messageId: randomUUID() };
      },
    },
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await orm?.close();
  await dns?.close();
});
beforeEach(async () => {
  emails.length = 0;
  dns.deleteRecords(DOMAIN);
  dns.deleteRecords(`_webmagic.${DOMAIN}`);
  await resetDatabase(orm);
  await seedDemoSites(orm.em.fork(), config.pricing);
});

/** An owned, active site with a pending domain row, as the connect endpoint leaves it. */
async function connectedSite(): Promise<{ siteId: string; recordId: string; token: string }> {
  const em = orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  site.status = 'active';
  const customer = em.create(CustomerUser, { email: 'joe@example.com', fullName: 'Joe Pipes', emailVerifiedAt: new Date() });
  em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  const token = `webmagic-verify-${randomUUID()}`;
  const record = em.create(DomainVerificationRecord, { site, domain: DOMAIN, token, status: 'pending', expiresAt: new Date(Date.now() + 3 * DAY) });
  await em.flush();
  return { siteId: site.id, recordId: record.id, token };
}

function publishRecords(token: string): void {
  dns.setRecords(`_webmagic.${DOMAIN}`, { TXT: [token] });
  dns.setRecords(DOMAIN, { CNAME: ['edge.webmagic.test'] });
}

async function start(siteId: string, recordId: string) {
  return env.client.workflow.signalWithStart(customDomainWorkflow, {
    workflowId: workflowIds.customDomain(siteId),
    taskQueue,
    args: [{ siteId, settings: config.domains }],
    signal: domainConnectedSignal,
    signalArgs: [{ recordId }],
  });
}

async function row(recordId: string) {
  return orm.em.fork().findOneOrFail(DomainVerificationRecord, { id: recordId }, { populate: ['site'] });
}

/**
 * Waits until the workflow has emailed its verification and sits on its daily timer. The time-skipping server keeps
 * time locked for an activity still running when its workflow is terminated, so later tests' sleeps would crawl.
 */
async function settled(handle: WorkflowHandle<typeof customDomainWorkflow>): Promise<void> {
  await waitUntilIdle(handle);
  expect((await handle.query(customDomainStateQuery)).lastOutcome).toBe('verified');
}

/** Polls the database in real time (the test server's clock does not move meanwhile). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`never reached the expected state; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('domain:<siteId> workflow against the local DNS server (time-skipping)', () => {
  it('verifies within the back-off after the records appear at hour 5, serves the domain and emails its address', async () => {
    const { siteId, recordId, token } = await connectedSite();
    const startedAt = await env.currentTimeMs();
    const handle = await start(siteId, recordId);
    await env.sleep(5 * HOUR);
    expect((await row(recordId)).status).toBe('pending');
    expect((await row(recordId)).site.customDomain).toBeNull();

    publishRecords(token);
    await env.sleep(HOUR + 60_000);
    const verified = await eventually(() => row(recordId), (r) => r.status === 'verified');
    expect(verified.site.customDomain).toBe(DOMAIN);
    const after = verified.verifiedAt!.getTime() - startedAt;
    expect(after).toBeGreaterThanOrEqual(5 * HOUR);
    expect(after).toBeLessThanOrEqual(6 * HOUR + 60_000);
    expect(verified.lastSeen).toMatchObject({ tokenFound: true, pointsToPlatform: true, cname: ['edge.webmagic.test'] });
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ template: 'domain_verified', to: 'joe@example.com', idempotencyKey: `domain:${recordId}:verified` });
    expect(emails[0]?.model).toMatchObject({ domain: DOMAIN, siteUrl: `http://${DOMAIN}`, domainUrl: `http://webmagic.test/account/domain?site_id=${siteId}` });
    await settled(handle);
    await handle.terminate('test over');
  });

  it('fails after 72 hours without proof and emails what DNS showed', async () => {
    const { siteId, recordId } = await connectedSite();
    dns.setRecords(DOMAIN, { A: ['198.51.100.7'] });
    const startedAt = await env.currentTimeMs();
    const handle = await start(siteId, recordId);
    expect(await handle.result()).toBe('failed');
    expect((await env.currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(72 * HOUR);
    const failed = await row(recordId);
    expect(failed.status).toBe('failed');
    expect(failed.site.customDomain).toBeNull();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ template: 'domain_failed', to: 'joe@example.com' });
    expect(emails[0]?.model).toMatchObject({ domain: DOMAIN, recordName: `_webmagic.${DOMAIN}`, domainUrl: `http://webmagic.test/account/domain?site_id=${siteId}` });
    expect(String((emails[0]?.model as { found: string }).found)).toContain('no TXT record and addresses 198.51.100.7');
  });

  it('checks at once when the owner asks, instead of waiting for the next back-off', async () => {
    const { siteId, recordId, token } = await connectedSite();
    const handle = await start(siteId, recordId);
    await env.sleep(2 * HOUR);
    await eventually(() => row(recordId), (r) => r.checkedAt !== null);
    publishRecords(token);
    await handle.signal(checkDomainNowSignal);
    const verified = await eventually(() => row(recordId), (r) => r.status === 'verified');
    expect(verified.site.customDomain).toBe(DOMAIN);
    await settled(handle);
    await handle.terminate('test over');
  });

  it('stops serving a verified domain whose records stay missing for 3 days, and emails the owner', async () => {
    const { siteId, recordId, token } = await connectedSite();
    publishRecords(token);
    const handle = await start(siteId, recordId);
    await eventually(() => row(recordId), (r) => r.status === 'verified');
    const verifiedAt = await env.currentTimeMs();
    dns.deleteRecords(DOMAIN);
    dns.deleteRecords(`_webmagic.${DOMAIN}`);

    await env.sleep(3 * DAY + HOUR);
    const stillServed = await row(recordId);
    expect(stillServed.site.customDomain).toBe(DOMAIN);
    expect(stillServed.missingSince).not.toBeNull();

    await env.sleep(DAY);
    const lapsed = await eventually(() => row(recordId), (r) => r.status === 'lapsed');
    expect((await env.currentTimeMs()) - verifiedAt).toBeGreaterThanOrEqual(4 * DAY);
    expect(await handle.result()).toBe('lapsed');
    expect(lapsed.site.customDomain).toBeNull();
    expect(emails.map((e) => e.template)).toEqual(['domain_verified', 'domain_lapsed']);
    expect(emails[1]?.model).toMatchObject({ domain: DOMAIN, siteUrl: 'http://webmagic.test/sites/plumber-joe', domainUrl: `http://webmagic.test/account/domain?site_id=${siteId}` });
  });
});
