import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerUser, DomainVerificationRecord, OperatorCase } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { startLocalDnsServer, type LocalDnsServer } from '../../lib/dns/local-server.js';
import { expectAccessible, launchBrowser, screenshot, signInOperator, signInOwner } from '../helpers/browser.js';
import { walkEmailLinks } from '../helpers/email-links.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';
import { eventually } from '../helpers/eventually.js';

let stack: TestStack;
let dns: LocalDnsServer;
let browser: Browser;
let base: string;
const OWNER = { email: 'joe@example.com', password: 'Operations-owner-2026' };
const OPERATOR = { email: 'ops@webmagic.test', name: 'Olivia Ops', password: 'Operator-pass-2026', role: 'agent' as const };
const DOMAIN = 'www.joe-plumbing.test';
const NEVER_POINTED = 'www.bob-roofing.test';
const TEMPLATES = ['domain_verified', 'domain_failed', 'domain_lapsed', 'operator_case', 'activation_reminder'] as const;
let joeSite: string;
let bobSite: string;

beforeAll(async () => {
  dns = await startLocalDnsServer({ port: await freePort() });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The domain checks ask the local DNS server. A new domain is checked at once and then only every 30 s, so the
  // journey's "check now" is what verifies it; one never pointed fails after 20 s; a served domain is re-checked
  // every second and lapses after 2 s without its records. The activation reminder goes out 2 s after a purchase.
  stack = await startTestStack({
    PORT: String(port), PUBLIC_BASE_URL: base,
    DNS_SERVERS: dns.address, DNS_TIMEOUT: '2s', DOMAIN_CNAME_TARGET: 'edge.webmagic.test',
    DOMAIN_VERIFY_TIMEOUT: '20s', DOMAIN_CHECK_MIN_INTERVAL: '30s', DOMAIN_CHECK_MAX_INTERVAL: '60s',
    DOMAIN_RECHECK_INTERVAL: '1s', DOMAIN_LAPSE_AFTER: '2s',
    ACTIVATION_DEADLINE: '1h', ACTIVATION_REMINDERS: '2s',
  });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  joeSite = await buySite(stack, 'plumber-joe', OWNER.email);
  bobSite = await buySite(stack, 'roofer-bob', OWNER.email);
  const token = await accessTokenFor(stack, OWNER.email);
  const em = stack.api.orm.em.fork();
  (await em.findOneOrFail(CustomerUser, { email: OWNER.email })).passwordHash = await hashPassword(OWNER.password);
  await em.flush();
  // A domain whose records never appear, so its verification fails while the journeys run.
  const connected = await stack.api.app.inject({
    method: 'POST', url: `/api/v1/customer/sites/${bobSite}/domain`,
    headers: { authorization: `Bearer ${token}` }, payload: { domain: NEVER_POINTED },
  });
  expect(connected.statusCode, connected.body).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
  await dns?.close();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['clipboard-read', 'clipboard-write'] });
  return { context, page: await context.newPage() };
}

/** What the clipboard holds after pressing one of the page's copy buttons. */
async function copy(page: Page, label: string): Promise<string> {
  await page.getByRole('button', { name: label }).click();
  return page.evaluate<string>('navigator.clipboard.readText()');
}

describe('portal operations in a real browser', () => {
  it('an owner connects a domain, publishes the records it shows, checks now and sees it verified', async () => {
    const { context, page } = await newPage();
    await signInOwner(page, base, OWNER);
    await page.goto(`${base}/account/subscription?site_id=${joeSite}`);
    await page.getByRole('link', { name: 'Domain', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: "Domain — Plumber Joe's" }).waitFor();
    expect(page.url()).toBe(`${base}/account/domain?site_id=${joeSite}`);
    await expectAccessible(page, 'domain page, nothing connected');

    // Bad input is refused with the API's own words, and nothing is recorded.
    await page.getByLabel('Domain name').fill('not a domain');
    await page.getByRole('button', { name: 'Connect domain', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    expect(await stack.api.orm.em.fork().count(DomainVerificationRecord, { site: joeSite })).toBe(0);

    await page.getByLabel('Domain name').fill(DOMAIN);
    await page.getByRole('button', { name: 'Connect domain', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'DNS records to create' }).waitFor();
    await page.getByText('Pending', { exact: true }).first().waitFor();
    await expectAccessible(page, 'domain page, records to create');
    const txtName = await copy(page, 'Copy the name of the TXT record');
    const token = await copy(page, 'Copy the value of the TXT record');
    const cnameName = await copy(page, 'Copy the name of the CNAME record');
    const target = await copy(page, 'Copy the value of the CNAME record');
    const record = await stack.api.orm.em.fork().findOneOrFail(DomainVerificationRecord, { site: joeSite });
    expect([txtName, token, cnameName, target]).toEqual([`_webmagic.${DOMAIN}`, record.token, DOMAIN, 'edge.webmagic.test']);

    dns.setRecords(txtName, { TXT: [token] });
    dns.setRecords(cnameName, { CNAME: [target] });
    await page.getByRole('button', { name: 'Check now' }).click();
    await page.getByText('We are checking the DNS records now').waitFor();
    await page.getByText('Verified', { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.getByText('Your website is served on this domain.').waitFor();
    await expect.poll(() => page.locator('dd', { hasText: 'Found' }).count()).toBeGreaterThan(0);
    await expectAccessible(page, 'domain page, verified');
    await screenshot(page, 'ops-1-domain-verified');

    await context.close();
  });

  it('a domain that never pointed here fails; another site\'s domain is refused (409); disconnecting asks first', async () => {
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(DomainVerificationRecord, { site: bobSite })).status, (status) => status === 'failed', 40_000);
    const { context, page } = await newPage();
    await signInOwner(page, base, OWNER);
    await page.goto(`${base}/account/domain?site_id=${bobSite}`);
    await page.getByRole('heading', { level: 1, name: 'Domain — Roofer Bob' }).waitFor();
    await page.getByText('Failed', { exact: true }).first().waitFor();
    await page.getByText('We did not find the records in time.').waitFor();

    await page.getByLabel('Domain name').fill(DOMAIN);
    await page.getByRole('button', { name: 'Connect domain', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(`This domain cannot be connected: ${DOMAIN} is already connected to another website`);
    expect(await stack.api.orm.em.fork().count(DomainVerificationRecord, { site: bobSite, domain: DOMAIN })).toBe(0);

    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Disconnect domain' }).click();
    expect(await stack.api.orm.em.fork().count(DomainVerificationRecord, { site: bobSite })).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Disconnect domain' }).click();
    await page.getByText(`${NEVER_POINTED} is disconnected`).waitFor();
    await page.getByRole('button', { name: 'Connect domain', exact: true }).waitFor();
    expect(await stack.api.orm.em.fork().count(DomainVerificationRecord, { site: bobSite })).toBe(0);
    await expectAccessible(page, 'domain page, disconnected');
    await screenshot(page, 'ops-2-domain-disconnected');
    await context.close();
  });

  it('an email that can never be sent becomes a case an agent resolves in the console', async () => {
    stack.postmark.markInactive('bounced@example.com');
    const registered = await stack.api.app.inject({ method: 'POST', url: '/api/v1/customer/register', payload: { email: 'bounced@example.com', password: 'Sturdy-pass-2026', full_name: 'Bounced Owner' } });
    expect(registered.statusCode, registered.body).toBeLessThan(300);
    const raised = await eventually(() => stack.api.orm.em.fork().findOne(OperatorCase, { kind: 'email_unsendable' }), (row) => row !== null, 30_000);

    const { context, page } = await newPage();
    await signInOperator(page, base, OPERATOR);
    await page.getByRole('link', { name: 'Needs attention' }).click();
    await page.getByRole('heading', { level: 1, name: 'Needs attention' }).waitFor();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Email unsendable' }) });
    await card.waitFor();
    expect(await card.textContent()).toContain(raised!.reason);
    expect(raised!.workflowId).toMatch(/^email:verify_email:/);
    expect(await card.getByRole('link', { name: /Temporal UI/ }).getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(raised!.workflowId!)}`);
    await expectAccessible(page, 'needs attention');

    await card.getByRole('button', { name: 'Mark resolved' }).click();
    expect((await stack.api.orm.em.fork().findOneOrFail(OperatorCase, raised!.id)).resolvedAt).toBeNull();
    await card.getByLabel('What did you do?').fill('Asked the owner for a working address by phone.');
    await card.getByRole('button', { name: 'Mark resolved' }).click();
    await page.getByText('The case "Email unsendable" is resolved.').waitFor();
    await page.getByText('Nothing needs attention.').waitFor();
    const resolved = await stack.api.orm.em.fork().findOneOrFail(OperatorCase, raised!.id);
    expect(resolved).toMatchObject({ resolution: 'Asked the owner for a working address by phone.', resolvedByName: OPERATOR.name });
    await expectAccessible(page, 'needs attention, resolved');
    await screenshot(page, 'ops-3-case-resolved');
    await context.close();
  });

  it('every link of the domain, operator-case and activation-reminder emails opens a page that answers 200 for its reader', async () => {
    // The served domain's records go away: it lapses, and the owner is told.
    dns.deleteRecords(`_webmagic.${DOMAIN}`);
    dns.deleteRecords(DOMAIN);
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(DomainVerificationRecord, { site: joeSite })).status, (status) => status === 'lapsed', 20_000);
    await eventually(async () => TEMPLATES.filter((t) => !stack.postmark.sent().some((m) => m.Tag === t)), (missing) => missing.length === 0, 30_000);
    const walked = await walkEmailLinks({
      postmark: stack.postmark,
      base,
      templates: TEMPLATES,
      readerFor: (path) => async () => {
        const { page } = await newPage();
        if (path.startsWith('/console')) await signInOperator(page, base, OPERATOR);
        else await signInOwner(page, base, OWNER);
        return page;
      },
    });
    expect(walked.sort()).toEqual([
      'activation_reminder /account/subscription',
      'domain_failed /account/domain',
      'domain_lapsed /account/domain',
      'domain_verified /account/domain',
      'operator_case /console/needs-attention',
    ]);
  });
});
