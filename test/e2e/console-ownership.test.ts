import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerSiteOwnership, CustomerUser, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { emailLinks, walkEmailLinks } from '../helpers/email-links.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { renderEmail } from '../../lib/email/templates.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { expectAccessible, launchBrowser, screenshot, signInOperator, signInOwner } from '../helpers/browser.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';

let stack: TestStack;
let browser: Browser;
let base: string;
const OWNER = 'dana.reyes@example.com';
const RECIPIENT = 'rita.nuevo@example.com';
const OPERATOR = { email: 'lead@webmagic.test', name: 'Lena Lead', password: 'Operator-pass-2026', role: 'admin' as const };
/** Where the screenshots of the ownership pages are kept for people to look at. */
const SCREENS = process.env.OWNERSHIP_SCREENS_DIR;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  const sites = await stack.api.orm.em.fork().find(Site, {}, { fields: ['id'] });
  await Promise.all(sites.map(({ id }) => stack.api.temporal.workflow.getHandle(workflowIds.siteTransfer(id)).terminate('test finished').catch(() => undefined)));
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
});

/** A full-page screenshot: beside the other journeys, and in OWNERSHIP_SCREENS_DIR when set. */
async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  if (SCREENS) {
    await mkdir(SCREENS, { recursive: true });
    await page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
  }
}

async function search(page: Page, query: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search customers, sites, payments and tickets' }).fill(query);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByRole('heading', { level: 1, name: 'Search' }).waitFor();
}

/** Fills and sends one of the ownership forms (named by its heading) and waits for its success message. */
async function act(page: Page, form: string, fields: Record<string, string>, button: string, success: RegExp): Promise<void> {
  const region = page.getByRole('form', { name: form });
  for (const [label, value] of Object.entries(fields)) await region.getByLabel(label, { exact: true }).fill(value);
  await region.getByRole('button', { name: button }).click();
  await region.getByRole('status').getByText(success).waitFor();
}

const trail = (page: Page) => page.getByRole('region', { name: 'Ownership and audit trail' });
const primaryOf = async (email: string) => (await stack.api.orm.em.fork().findOneOrFail(CustomerUser, { email }, { populate: ['primarySite'] })).primarySite?.slug ?? null;

describe('ownership operations in the console', () => {
  it('search → customer → link a site → remove the primary one (re-elected) → transfer accepted by the recipient from the email', async () => {
    await buySite(stack, 'roofer-bob', OWNER);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInOperator(page, base, OPERATOR);

    await search(page, 'dana.reyes');
    await page.getByRole('region', { name: /^Customers/ }).getByRole('link').first().click();
    await page.getByRole('heading', { level: 2, name: 'Ownership actions' }).waitFor();
    await act(page, 'Link a site to this customer', { 'Site (slug or id)': 'plumber-joe', Reason: 'Paid by bank transfer, receipt 4411' }, 'Link the site', /is now in/);
    await trail(page).getByText(/Linked site plumber-joe to dana\.reyes@example\.com/).waitFor();
    await trail(page).getByText('Reason: Paid by bank transfer, receipt 4411').waitFor();
    await page.getByRole('region', { name: 'Sites of this customer' }).getByRole('cell', { name: /plumber-joe/ }).waitFor();
    await expectAccessible(page, 'customer page with ownership actions');
    await shot(page, 'console-customer-linked-phone');
    expect(await primaryOf(OWNER)).toBe('roofer-bob');

    // Removing the primary site: the oldest remaining one (the linked plumber-joe) becomes primary.
    await page.getByRole('region', { name: 'Sites of this customer' }).getByRole('link', { name: /Roofer/ }).click();
    await page.getByRole('heading', { level: 2, name: 'Ownership actions' }).waitFor();
    // The remove form goes with the owner; what happened is said above the forms.
    const removeForm = page.getByRole('form', { name: `Remove from ${OWNER}’s account` });
    await removeForm.getByLabel('Reason', { exact: true }).fill('Sold the roofing business');
    await removeForm.getByRole('button', { name: 'Remove the site' }).click();
    await page.getByRole('region', { name: 'Ownership actions' }).getByRole('status').getByText(/was removed/).first().waitFor();
    await page.getByRole('form', { name: 'Link this site to a customer' }).waitFor();
    await trail(page).getByText(/Removed site roofer-bob from dana\.reyes@example\.com’s account; subscription cancelled/).waitFor();
    await shot(page, 'console-site-removed-phone');
    expect(await primaryOf(OWNER)).toBe('plumber-joe');
    await eventually(async () => stack.postmark.sent().map((m) => m.Tag), (tags) => tags.includes('site_linked') && tags.includes('site_removed'));
    // The owner opens the links of the "site linked" email signed in.
    const em = stack.api.orm.em.fork();
    Object.assign(await em.findOneOrFail(CustomerUser, { email: OWNER }), { passwordHash: await hashPassword('Dana-password-2026'), emailVerifiedAt: new Date() });
    await em.flush();
    const reader = (owner: { email: string; password: string } | null) => async () => {
      const opened = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      if (owner) await signInOwner(opened, base, owner);
      return opened;
    };
    expect(await walkEmailLinks({
      postmark: stack.postmark, base, templates: ['site_linked'], readerFor: (path) => reader(path.startsWith('/account') ? { email: OWNER, password: 'Dana-password-2026' } : null),
    })).toEqual(['site_linked /account/subscription']);

    // Transfer plumber-joe to Rita on the owner's request.
    const joe = await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' });
    await page.goto(`${base}/console/sites/${joe.id}`);
    await act(page, 'Transfer to another person', { 'Recipient email': RECIPIENT, Reason: 'Owner asked by phone (ticket 77)' }, 'Send the invitation', /was emailed/);
    await page.getByRole('status').getByText(`A transfer to ${RECIPIENT} is waiting for them to accept`, { exact: false }).waitFor();
    await page.getByRole('form', { name: 'Cancel the pending transfer' }).waitFor();
    await expectAccessible(page, 'site page with a pending transfer');
    await shot(page, 'console-site-transfer-pending-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, 'console-site-transfer-pending-desktop');

    const invitation = await eventually(async () => stack.postmark.sent().find((m) => m.Tag === 'site_transfer_invitation'), (m) => m !== undefined, 20_000);
    const link = emailLinks(invitation!.HtmlBody ?? '').find((l) => l.includes('/account/transfer'))!;
    const recipient = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const rita = await recipient.newPage();
    await rita.goto(link);
    await rita.getByRole('heading', { level: 1, name: 'Accept a website' }).waitFor();
    await rita.getByText('is transferring', { exact: false }).waitFor();
    expect(rita.url()).not.toContain('token=');
    await expectAccessible(rita, 'accept page');
    await shot(rita, 'portal-accept-transfer-phone');
    await rita.getByLabel('Choose a password for your account').fill('Rita-new-password-2026');
    await rita.getByRole('button', { name: /^Accept/ }).click();
    await rita.getByRole('heading', { level: 1, name: /Billing/ }).waitFor();
    await rita.getByRole('button', { name: 'Activate subscription' }).waitFor();
    await shot(rita, 'portal-billing-after-transfer-phone');
    const owners = await stack.api.orm.em.fork().find(CustomerSiteOwnership, { site: joe.id }, { populate: ['customer'] });
    expect(owners.map((o) => `${o.customer.email}:${o.role}`)).toEqual([`${RECIPIENT}:owner`]);
    expect(await primaryOf(OWNER)).toBeNull();

    // The new owner's own transfer page: nothing pending, the form to offer it on.
    await rita.goto(`${base}/account/site-transfer?site_id=${joe.id}`);
    await rita.getByRole('heading', { level: 2, name: 'Transfer to another person' }).waitFor();
    await expectAccessible(rita, 'owner transfer page');
    await shot(rita, 'portal-site-transfer-phone');
    await rita.setViewportSize({ width: 1280, height: 900 });
    await shot(rita, 'portal-site-transfer-desktop');

    await eventually(async () => stack.postmark.sent().map((m) => m.Tag), (tags) => tags.includes('site_transfer_welcome') && tags.includes('site_transfer_accepted'));
    expect(await walkEmailLinks({
      postmark: stack.postmark, base, templates: ['site_transfer_welcome'],
      readerFor: (path) => reader(path.startsWith('/account') ? { email: RECIPIENT, password: 'Rita-new-password-2026' } : null),
    })).toEqual(['site_transfer_welcome /account/subscription']);
    // The emails without a link stay so (a link added later would have to be walked here).
    for (const rendered of [
      renderEmail('site_removed', { name: 'A', siteTitle: 'S', removedAt: '2026-01-01' }),
      renderEmail('site_transfer_accepted', { name: 'A', siteTitle: 'S', recipient: 'b@example.com', paidUntil: '2026-01-01' }),
      renderEmail('site_transfer_expired', { name: 'A', siteTitle: 'S', recipient: 'b@example.com' }),
    ]) expect(rendered.htmlBody).not.toContain('href=');

    await page.reload();
    await trail(page).getByText(/Accepted the transfer of the site from dana\.reyes@example\.com to rita\.nuevo@example\.com/).waitFor();
    await shot(page, 'console-site-transferred-desktop');
    await context.close();
    await recipient.close();
  });
});
