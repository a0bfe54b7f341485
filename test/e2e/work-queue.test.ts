import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerUser, EditRequest, Site, SupportTicket } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { expectAccessible, launchBrowser, screenshot, signInOperator, signInOwner } from '../helpers/browser.js';
import { walkEmailLinks } from '../helpers/email-links.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { signedInOwner } from '../helpers/owners.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;
let base: string;
let siteId: string;
let customerId: string;
let bearer: Record<string, string>;
let businessName: string;
const OWNER = { email: 'joe@example.com', password: 'Owner-password-2026', name: 'Joe Rivera' };
const OPERATOR = { email: 'ops@webmagic.test', name: 'Olivia Ops', password: 'Operator-pass-2026', role: 'agent' as const };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Every ticket waits for an agent: no AI answer is confident enough.
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base, AI_CONFIDENCE_THRESHOLD: '1' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  const owner = await signedInOwner(stack.api, OWNER.email, ['plumber-joe']);
  customerId = owner.customerId;
  bearer = { authorization: `Bearer ${owner.token}` };
  const em = stack.api.orm.em.fork();
  (await em.findOneOrFail(CustomerUser, customerId)).fullName = OWNER.name;
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' }, { populate: ['business'] });
  Object.assign(site, { status: 'active', subscriptionStatus: 'active' });
  await em.flush();
  siteId = site.id;
  businessName = site.business.name;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function newPage(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  return { context, page: await context.newPage() };
}

async function openTicket(subject: string, description: string): Promise<string> {
  const res = await stack.api.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: bearer, payload: { subject, description, site_id: siteId } });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, id)).status, (s) => s === 'awaiting_agent', 30_000);
  return id;
}

/** Fails when the page is wider than the window (something forces a sideways scroll). */
async function expectNoSidewaysScroll(page: Page, label: string): Promise<void> {
  const widths = await page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
  expect(widths.scroll, `${label} at ${page.viewportSize()?.width} px is ${widths.scroll} px wide`).toBeLessThanOrEqual(widths.client);
}

/** The same page at phone width: no sideways scroll, and a screenshot of each width. */
async function atBothWidths(page: Page, label: string, name: string): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await expectNoSidewaysScroll(page, label);
  await screenshot(page, `queue-${name}-desktop`);
  await page.setViewportSize(PHONE);
  await expectNoSidewaysScroll(page, label);
  await screenshot(page, `queue-${name}-phone`);
  await page.setViewportSize(DESKTOP);
}

const navLink = (page: Page) => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: /^Work queue/ });

describe('the agents\' work queue in a real browser', () => {
  it('lists an edit request the editor handed to a person with its deadline, counts it in the navigation, and the agent drafts it', async () => {
    const created = await stack.api.app.inject({ method: 'POST', url: `/api/v1/customer/sites/${siteId}/edit-requests`, headers: bearer, payload: { request: 'Please add a banner saying we are hiring' } });
    const editId = created.json<{ id: string }>().id;
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(EditRequest, editId)).status, (s) => s === 'needs_agent', 30_000);
    await openTicket('Booking form broken', 'The booking form on our site does not send anything.');

    const { context, page } = await newPage();
    await signInOperator(page, base, OPERATOR);
    await expect.poll(() => navLink(page).textContent()).toMatch(/Work queue\s*2\b/);
    await navLink(page).click();
    await page.getByRole('heading', { level: 1, name: 'Work queue' }).waitFor();
    const item = page.locator('.work-item', { hasText: 'Please add a banner saying we are hiring' });
    await item.waitFor();
    await expect.poll(() => item.textContent()).toMatch(/Edit for a person.*Due /);
    await expect.poll(() => item.textContent()).toContain(businessName);
    await page.locator('.work-item', { hasText: 'Booking form broken' }).waitFor();
    await expectAccessible(page, 'work queue');
    await atBothWidths(page, 'work queue', 'work-queue');

    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Edit requests' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit requests' }).waitFor();
    await expectAccessible(page, 'edit requests');
    await atBothWidths(page, 'edit requests', 'edit-requests');
    await page.getByRole('link', { name: 'Please add a banner saying we are hiring' }).click();
    await page.getByRole('heading', { level: 1, name: 'Edit request' }).waitFor();
    expect(await page.getByRole('link', { name: OWNER.name }).getAttribute('href')).toBe(`/console/customers/${customerId}`);
    expect(await page.getByRole('link', { name: businessName }).getAttribute('href')).toBe(`/console/sites/${siteId}`);
    await expectAccessible(page, 'edit request');
    await atBothWidths(page, 'edit request', 'edit-request');

    await page.getByLabel('Tagline').fill('We are hiring plumbers!');
    await page.getByLabel('What you changed, for the owner').fill('Hiring tagline');
    await page.getByRole('button', { name: 'Send the preview to the owner' }).click();
    await page.getByText('Your draft is saved; the owner gets a private preview to approve.').waitFor();
    await page.getByText('Awaiting approval', { exact: true }).waitFor();
    await navLink(page).click();
    await page.getByRole('heading', { level: 1, name: 'Work queue' }).waitFor();
    await page.locator('.work-item', { hasText: 'Booking form broken' }).waitFor();
    expect(await page.locator('.work-item', { hasText: 'Please add a banner' }).count()).toBe(0);
    await expect.poll(() => navLink(page).textContent()).toMatch(/Work queue\s*1\b/);
    await context.close();
  });

  it('an agent answers an edit request in words; the owner is emailed and reads the answer on the request page', async () => {
    const created = await stack.api.app.inject({ method: 'POST', url: `/api/v1/customer/sites/${siteId}/edit-requests`, headers: bearer, payload: { request: 'Please add a banner saying we are closed in August' } });
    const editId = created.json<{ id: string }>().id;
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(EditRequest, editId)).status, (s) => s === 'needs_agent', 30_000);
    const { context, page } = await newPage(PHONE);
    await signInOperator(page, base, OPERATOR);
    await page.goto(`${base}/console/edit-requests/${editId}`);
    await page.getByRole('heading', { level: 1, name: 'Edit request' }).waitFor();
    await page.getByLabel('Your answer').fill('We added the August closure to your opening hours instead of a banner.');
    await page.getByRole('button', { name: 'Send answer' }).click();
    await page.getByText('Your answer was sent to the owner.').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Answered by Olivia Ops' }).waitFor();
    await expectAccessible(page, 'edit request, answered');
    await context.close();

    await eventually(async () => stack.postmark.sent().some((m) => m.Tag === 'edit_answered'), (sent) => sent, 30_000);
    const reader = async () => {
      const opened = await newPage(PHONE);
      await signInOwner(opened.page, base, OWNER);
      return opened.page;
    };
    const walked = await walkEmailLinks({ postmark: stack.postmark, base, templates: ['edit_answered'], readerFor: () => reader });
    expect(walked).toEqual([`edit_answered /account/edits/${editId}`]);
    const owner = await newPage(PHONE);
    await signInOwner(owner.page, base, OWNER);
    await owner.page.goto(`${base}/account/edits/${editId}?site_id=${siteId}`);
    await owner.page.getByRole('heading', { level: 2, name: 'From the WebMagic team' }).waitFor();
    await owner.page.getByText('We added the August closure to your opening hours instead of a banner.').waitFor();
    await atBothWidths(owner.page, 'owner\'s change request', 'owner-edit-answered');
    await owner.context.close();
  });

  it('the ticket page names the customer and the business, labels authors as people, and shows the AI draft only while new', async () => {
    const ticketId = await openTicket('Photos missing', 'The photos on my home page are gone.');
    const { context, page } = await newPage();
    await signInOperator(page, base, OPERATOR);
    await page.goto(`${base}/console/tickets/${ticketId}`);
    await page.getByRole('heading', { level: 1, name: 'Photos missing' }).waitFor();
    expect(await page.getByRole('link', { name: OWNER.name }).getAttribute('href')).toBe(`/console/customers/${customerId}`);
    expect(await page.getByRole('link', { name: businessName }).getAttribute('href')).toBe(`/console/sites/${siteId}`);
    await page.getByText(OWNER.email).waitFor();
    await page.getByRole('heading', { name: 'AI draft' }).waitFor();
    await atBothWidths(page, 'ticket page', 'ticket');

    await page.getByLabel('Reply to the customer').fill('We restored the photos; please check again.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('Your reply was sent to the customer.').waitFor();
    await page.locator('.message-agent .message-meta', { hasText: 'Olivia Ops' }).waitFor({ timeout: 20_000 });
    const authors = await page.locator('.message-meta strong').allTextContents();
    expect(authors[0]).toBe(OWNER.name);
    expect(authors).toContain('Olivia Ops (WebMagic team)');
    // Steps the platform posted itself (the site edit this ticket started) read as such; never a role code.
    expect(authors.filter((a) => a !== OWNER.name && a !== 'Olivia Ops (WebMagic team)')).toEqual(authors.filter((a) => a === 'WebMagic (automatic message)'));
    expect(await page.getByRole('heading', { name: 'AI draft' }).count()).toBe(0);
    await expectAccessible(page, 'console ticket');
    await atBothWidths(page, 'ticket page after the reply', 'ticket-answered');
    await context.close();
  });

  it('the "Open" filter lists every ticket not resolved or closed', async () => {
    const waiting = await openTicket('Invoice please', 'Please send me an invoice.');
    const answered = await openTicket('Logo too small', 'Can the logo be bigger?');
    const resolved = await openTicket('Old question', 'Never mind.');
    const admin = { authorization: `Bearer ${stack.api.config.auth.adminApiToken}` };
    await stack.api.app.inject({ method: 'POST', url: `/api/v1/admin/tickets/${answered}/reply`, headers: admin, payload: { body: 'Done.' } });
    await stack.api.app.inject({ method: 'POST', url: `/api/v1/admin/tickets/${resolved}/resolve`, headers: admin });
    await eventually(async () => (await stack.api.orm.em.fork().find(SupportTicket, { id: { $in: [answered, resolved] } })).map((t) => t.status).sort(), (s) => s.join() === 'awaiting_customer,resolved', 30_000);

    const { context, page } = await newPage(PHONE);
    await signInOperator(page, base, OPERATOR);
    await page.getByLabel('Show tickets').selectOption('open');
    await page.getByRole('link', { name: 'Logo too small' }).waitFor();
    await page.getByRole('link', { name: 'Invoice please' }).waitFor();
    expect(await page.getByRole('link', { name: 'Old question' }).count()).toBe(0);
    expect(page.url()).toBe(`${base}/console?status=open`);
    expect(waiting).not.toBe(answered);
    await expectAccessible(page, 'ticket queue, open');
    await atBothWidths(page, 'ticket queue', 'ticket-queue-open');
    await context.close();
  });

  it('an owner asks us to check the domain; it lands in the work queue as a domain check', async () => {
    const owner = await newPage(PHONE);
    await signInOwner(owner.page, base, OWNER);
    await owner.page.goto(`${base}/account/domain?site_id=${siteId}`);
    await owner.page.getByRole('heading', { level: 2, name: 'Stuck? Ask us to check' }).waitFor();
    await owner.page.getByRole('button', { name: 'Ask us to check' }).click();
    await owner.page.getByText(/We asked the team to check your domain setup\. A person answers by/).waitFor();
    await expectAccessible(owner.page, 'domain page, check asked');
    await atBothWidths(owner.page, 'domain page', 'domain-asked');
    await owner.context.close();

    const { context, page } = await newPage();
    await signInOperator(page, base, OPERATOR);
    await page.goto(`${base}/console/queue?kind=domain_check`);
    const item = page.locator('.work-item', { hasText: 'Please help me connect my domain' });
    await item.waitFor();
    await expect.poll(() => item.textContent()).toMatch(/Domain check.*Due /);
    await context.close();
  });
});
