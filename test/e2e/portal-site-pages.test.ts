import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Booking, CustomerUser, EditRequest } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { expectAccessible, launchBrowser, screenshot } from '../helpers/browser.js';
import { emailLinks, walkEmailLinks } from '../helpers/email-links.js';
import { resetDatabase } from '../helpers/env.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';
import { eventually } from '../helpers/eventually.js';

let stack: TestStack;
let browser: Browser;
let base: string;
let plumber: string;
let roofer: string;
const OWNER = 'joe.pages@example.com';
const PASSWORD = 'Portal-owner-2026';
/** What a person's browser says; the headless one counts as a bot, whose views analytics keeps apart. */
const PERSON_UA = (n: number) => `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/13${n}.0.0.0 Safari/537.36`;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // A drafted change is reminded of after two seconds and discarded after 45, so both emails are really sent;
  // the contact form takes an immediate submission.
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base, EDIT_REMINDER_AFTER: '2s', EDIT_EXPIRY: '45s', BOOKING_MIN_FILL_TIME: '0s' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  plumber = await buySite(stack, 'plumber-joe', OWNER);
  await activateSubscription(stack, await accessTokenFor(stack, OWNER), plumber);
  roofer = await buySite(stack, 'roofer-bob', OWNER);
  const em = stack.api.orm.em.fork();
  const owner = await em.findOneOrFail(CustomerUser, { email: OWNER });
  owner.passwordHash = await hashPassword(PASSWORD);
  await em.flush();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
});

async function newPage(userAgent?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, ...(userAgent ? { userAgent } : {}) });
  return { context, page: await context.newPage() };
}

async function signedIn(): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await newPage();
  await opened.page.goto(`${base}/account/sign-in`);
  await opened.page.getByLabel('Email address').fill(OWNER);
  await opened.page.getByLabel('Password').fill(PASSWORD);
  await opened.page.getByRole('button', { name: 'Sign in' }).click();
  await opened.page.getByRole('heading', { level: 1, name: 'My sites' }).waitFor();
  return opened;
}

/** Asks for a change through the API, as the owner. */
async function requestEdit(siteId: string, text: string): Promise<string> {
  const res = await stack.api.app.inject({
    method: 'POST', url: `/api/v1/customer/sites/${siteId}/edit-requests`,
    headers: { authorization: `Bearer ${await accessTokenFor(stack, OWNER)}` }, payload: { request: text },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

const hosted = async (slug: string) => (await fetch(`${base}/sites/${slug}`)).text();
const sent = (template: string) => stack.postmark.sent().filter((m) => m.Tag === template);

describe('the owner portal pages of one site in a real browser', () => {
  it('a site without an active subscription cannot be changed: the page says so and links to billing', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/account/edits?site_id=${roofer}`);
    await page.getByRole('heading', { level: 1, name: 'Changes — Roofer Bob' }).waitFor();
    await page.getByLabel('What should change on your site?').fill('Change the headline to "Roofs that last"');
    await page.getByRole('button', { name: 'Ask for this change' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('Changes need an active subscription').waitFor();
    expect(await alert.getByRole('link', { name: 'go to billing' }).getAttribute('href')).toBe(`/account/subscription?site_id=${roofer}`);
    expect(await stack.api.orm.em.fork().count(EditRequest, { site: roofer })).toBe(0);
    await expectAccessible(page, 'changes page, subscription inactive');
    await context.close();

    // With the subscription active, a change is drafted and left unanswered: its reminder and expiry emails follow.
    await activateSubscription(stack, await accessTokenFor(stack, OWNER), roofer);
    await requestEdit(roofer, 'Change the headline to "Roofs that last"');
  });

  it('request a change → open the draft → approve → the new version is live → a second answer is refused → roll back', async () => {
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Changes', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: "Changes — Plumber Joe's" }).waitFor();
    await page.getByText('No change requests yet.').waitFor();
    await expectAccessible(page, 'changes page');
    await page.getByLabel('What should change on your site?').fill('Change the headline to "Plumbing done right"');
    await page.getByRole('button', { name: 'Ask for this change' }).click();

    await page.getByRole('heading', { level: 1, name: 'Change request' }).waitFor();
    const requestUrl = page.url();
    expect(requestUrl).toMatch(new RegExp(`/account/edits/[0-9a-f-]{36}\\?site_id=${plumber}$`));
    await page.getByRole('button', { name: 'Approve and publish' }).waitFor({ timeout: 20_000 });
    await expectAccessible(page, 'change request awaiting approval');
    const previewUrl = await page.getByRole('link', { name: /Open the private preview/ }).getAttribute('href');
    expect(previewUrl).toMatch(new RegExp(`^${base}/preview/[A-Za-z0-9_-]{43}$`));
    const [preview] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: /Open the private preview/ }).click()]);
    await preview.getByText('Plumbing done right').first().waitFor();
    expect(await hosted('plumber-joe')).not.toContain('Plumbing done right');
    await preview.close();

    // A second tab on the same request answers after the first one approved.
    const stale = await context.newPage();
    await stale.goto(requestUrl);
    await stale.getByRole('button', { name: 'Approve and publish' }).waitFor();
    await page.getByRole('button', { name: 'Approve and publish' }).click();
    await page.getByText('Your change is live: version 2 is published.').waitFor();
    expect(await hosted('plumber-joe')).toContain('Plumbing done right');
    await stale.getByRole('button', { name: 'Approve and publish' }).click();
    await stale.getByRole('alert').getByText('This change was already decided, so your answer was not applied.').waitFor();
    await expectAccessible(stale, 'change request answered twice');
    await stale.close();

    await page.getByRole('link', { name: /All changes and versions/ }).click();
    const versions = page.getByRole('region', { name: 'Versions' });
    await versions.locator('.card', { hasText: 'Version 2' }).getByText('Live', { exact: true }).waitFor();
    await versions.getByRole('button', { name: 'Roll back to version 1' }).click();
    await page.getByRole('alertdialog', { name: 'Roll back to version 1?' }).getByRole('button', { name: 'Yes, roll back to version 1' }).click();
    await page.getByText('Version 1 is live now.').waitFor();
    await versions.locator('.card', { hasText: 'Version 1' }).getByText('Live', { exact: true }).waitFor();
    expect(await versions.getByRole('button', { name: 'Publish version 2' }).count()).toBe(1);
    expect(await hosted('plumber-joe')).not.toContain('Plumbing done right');
    await expectAccessible(page, 'changes page after rollback');
    await screenshot(page, 'site-pages-1-edit-approved-and-rolled-back');
    await context.close();
  });

  it('a visitor writes through the hosted site\'s form → the owner sees it on the bookings page and marks it contacted', async () => {
    const visitor = await newPage();
    await visitor.page.goto(`${base}/sites/plumber-joe`);
    const form = visitor.page.locator('form[data-wm-booking]');
    await form.getByLabel('Your name').fill('Vera Visitor');
    await form.getByLabel('Email').fill('vera@example.com');
    await form.getByLabel('Preferred time').fill('Tuesday morning');
    await form.getByLabel('Message').fill('The kitchen sink leaks.');
    await form.getByRole('button', { name: 'Send' }).click();
    await form.getByText('Thank you! Your message was sent.').waitFor();
    await visitor.context.close();

    const received = await eventually(async () => sent('booking_received').at(-1), (m) => m !== undefined, 20_000);
    expect(emailLinks(received!.HtmlBody ?? '')).toContain(`${base}/account/bookings?site_id=${plumber}`);
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Bookings', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: "Bookings — Plumber Joe's" }).waitFor();
    const card = page.locator('.card', { hasText: 'Vera Visitor' });
    for (const text of ['vera@example.com', 'Tuesday morning', 'The kitchen sink leaks.']) await card.getByText(text, { exact: true }).waitFor();
    await card.locator('.badge', { hasText: 'New' }).waitFor();
    await expectAccessible(page, 'bookings');
    await card.getByLabel('Mark Vera Visitor’s request as').selectOption('contacted');
    await card.getByRole('button', { name: /^Save/ }).click();
    await page.getByText('Vera Visitor’s request is marked contacted.').waitFor();
    await card.locator('.badge', { hasText: 'Contacted' }).waitFor();
    expect((await stack.api.orm.em.fork().findOneOrFail(Booking, { name: 'Vera Visitor' })).status).toBe('contacted');
    await screenshot(page, 'site-pages-2-booking-marked');
    await context.close();
  });

  it('the analytics page shows the visits that were collected', async () => {
    const first = await newPage(PERSON_UA(1));
    await first.page.goto(`${base}/sites/roofer-bob?utm_source=newsletter&utm_campaign=spring`);
    const second = await newPage(PERSON_UA(2));
    // The reload waits for the first view's own beacon: one sent while the page unloads leaves without the visitor's user agent.
    const beacon = second.page.waitForRequest((r) => r.url().endsWith('/api/v1/collect'));
    await second.page.goto(`${base}/sites/roofer-bob`);
    await beacon;
    await second.page.reload();
    const report = async () => (await stack.api.app.inject({
      method: 'GET', url: `/api/v1/customer/sites/${roofer}/analytics`, headers: { authorization: `Bearer ${await accessTokenFor(stack, OWNER)}` },
    })).json<{ totals: { visitors: number; sessions: number; pageViews: number } }>().totals;
    expect(await eventually(report, (t) => t.pageViews >= 3, 20_000)).toMatchObject({ visitors: 2, sessions: 2, pageViews: 3 });
    await first.context.close();
    await second.context.close();

    const { context, page } = await signedIn();
    await page.goto(`${base}/account/analytics?site_id=${roofer}`);
    await page.getByRole('heading', { level: 1, name: 'Analytics — Roofer Bob' }).waitFor();
    const figure = (label: string) => page.locator('.stat', { has: page.getByRole('heading', { name: label, exact: true }) }).locator('.figure');
    await figure('Unique visitors').waitFor();
    expect(await figure('Unique visitors').textContent()).toBe('2');
    expect(await figure('Sessions').textContent()).toBe('2');
    expect(await figure('Page views').textContent()).toBe('3');
    expect(await figure('Bookings').textContent()).toBe('0');
    expect(await page.getByRole('table', { name: 'Sources (utm_source)' }).getByRole('row', { name: 'newsletter 1' }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Campaigns (utm_campaign)' }).getByRole('row', { name: 'spring 1' }).count()).toBe(1);
    // Thirty days back from now span 31 dates; the last one, today, holds both visitors.
    expect(await page.locator('svg.daily-chart rect.chart-bar').count()).toBe(31);
    expect(await page.getByRole('img', { name: /^Visitors per day from .*: 2 in total, at most 2 on one day$/ }).count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Visitors per day' }).locator('tbody tr').last().locator('td').textContent()).toBe('2');
    await expectAccessible(page, 'analytics');

    await page.getByLabel('Period').selectOption({ label: 'Last 7 days' });
    await expect.poll(() => page.locator('svg.daily-chart rect.chart-bar').count()).toBe(8);
    expect(await figure('Unique visitors').textContent()).toBe('2');
    await screenshot(page, 'site-pages-3-analytics');
    await context.close();
  });

  it('every link of the edit and booking emails opens a page that answers 200 for its reader', async () => {
    // A fresh draft whose preview is still open when its links are walked: wait for its reminder.
    const reminders = sent('edit_reminder').length;
    await requestEdit(roofer, 'Change the headline to "Roofs done right"');
    await eventually(async () => sent('edit_reminder').length, (n) => n > reminders, 20_000);
    // The change asked for in the first test was left unanswered: it expires.
    await eventually(async () => sent('edit_expired').length, (n) => n > 0, 60_000);

    const templates = ['edit_preview_ready', 'edit_reminder', 'edit_published', 'edit_expired', 'booking_received', 'booking_confirmation'];
    const walked = await walkEmailLinks({
      postmark: stack.postmark,
      base,
      templates,
      readerFor: (path) => (path.startsWith('/account') ? async () => (await signedIn()).page : async () => (await newPage()).page),
    });
    // Each edit email links to its request's portal page; the preview ones also to the preview, published to the site.
    for (const template of templates.filter((t) => t.startsWith('edit_'))) expect(walked).toContainEqual(expect.stringMatching(new RegExp(`^${template} /account/edits/[0-9a-f-]{36}$`)));
    expect(walked).toEqual(expect.arrayContaining([
      expect.stringMatching(/^edit_preview_ready \/preview\//),
      expect.stringMatching(/^edit_reminder \/preview\//),
      'edit_published /sites/plumber-joe',
      'booking_received /account/bookings',
      'booking_confirmation /sites/plumber-joe',
    ]));
  });
});

