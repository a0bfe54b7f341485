import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerUser, EmailMessage, PurchaseHold, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { expectAccessible, launchBrowser, screenshot, signInOwner } from '../helpers/browser.js';
import { walkEmailLinks } from '../helpers/email-links.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';

let stack: TestStack;
let browser: Browser;
let base: string;
let joeSite: string;
const OWNER = { email: 'joe.edges@example.com', password: 'Edges-owner-2026' };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  // A returning owner: bought Plumber Joe's earlier, set a password and confirmed the address.
  joeSite = await buySite(stack, 'plumber-joe', OWNER.email);
  const em = stack.api.orm.em.fork();
  const owner = await em.findOneOrFail(CustomerUser, { email: OWNER.email });
  owner.passwordHash = await hashPassword(OWNER.password);
  owner.emailVerifiedAt = new Date();
  await em.flush();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE });
  return { context, page: await context.newPage() };
}

/** Screenshots of the page as a phone (390 px) and a desktop show it. */
async function shoot(page: Page, name: string): Promise<void> {
  await screenshot(page, `edges-${name}-phone`);
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `edges-${name}-desktop`);
  await page.setViewportSize(PHONE);
}

/** Claims a preview through the site's claim bar, as a visitor does; answers when the browser left for the checkout page (or the bar said why not). */
async function claimFromSite(page: Page, slug: string, claimant: { name: string; email: string }): Promise<void> {
  await page.goto(`${base}/sites/${slug}`);
  // On a phone the claim bar starts folded: open it as a visitor would.
  if (!(await page.locator('#claim-form input[name=name]').isVisible())) await page.getByText('Claim it', { exact: true }).click();
  await page.locator('#claim-form input[name=name]').fill(claimant.name);
  await page.locator('#claim-form input[name=email]').fill(claimant.email);
  await page.locator('#claim-form button').click();
}

const onCheckout = (page: Page) => page.getByRole('button', { name: 'Pay' }).waitFor({ timeout: 15_000 });
const openHolds = async (slug: string) => stack.api.orm.em.fork().count(PurchaseHold, { siteId: (await stack.api.orm.em.fork().findOneOrFail(Site, { slug })).id, releasedAt: null });
const purchase = (slug: string, claimant: { name: string; email: string }) => stack.api.app.inject({ method: 'POST', url: `/api/v1/sites/${slug}/purchase`, payload: claimant });

describe('the edges of claiming, billing and editing, in a real browser', () => {
  it('Cancel on the checkout page releases the site at once and says so; so does a declined card', async () => {
    const ana = await newPage();
    await claimFromSite(ana.page, 'la-plumbing-pros', { name: 'Ana Claimant', email: 'ana@example.com' });
    await onCheckout(ana.page);
    await ana.page.getByRole('button', { name: 'Cancel' }).click();
    await ana.page.getByRole('heading', { level: 1, name: 'Your claim was cancelled' }).waitFor({ timeout: 20_000 });
    await ana.page.getByText('No payment was made, and LA Plumbing Pros is available again').waitFor();
    expect(ana.page.url()).not.toContain('token=');
    expect(await openHolds('la-plumbing-pros')).toBe(0);
    await expectAccessible(ana.page, 'claim cancelled');
    await shoot(ana.page, 'claim-cancelled');
    await ana.context.close();

    // Someone else claims it right away and reaches the checkout, where they are declined.
    const bob = await newPage();
    await claimFromSite(bob.page, 'la-plumbing-pros', { name: 'Bob Claimant', email: 'bob@example.com' });
    await onCheckout(bob.page);
    await bob.page.getByRole('button', { name: 'Decline card' }).click();
    await bob.page.getByRole('heading', { name: 'Payment declined' }).waitFor();
    await bob.context.close();

    // The declined claim lets go of the site as soon as the provider's event arrives, not two hours later.
    await eventually(async () => (await purchase('la-plumbing-pros', { name: 'Cleo Claimant', email: 'cleo@example.com' })).statusCode, (status) => status === 200, 20_000);
    const cleo = await newPage();
    await claimFromSite(cleo.page, 'la-plumbing-pros', { name: 'Cleo Claimant', email: 'cleo@example.com' });
    await onCheckout(cleo.page);
    // She pays: as a new owner she is sent to the set-password email first.
    await cleo.page.getByRole('button', { name: 'Pay' }).click();
    await cleo.page.getByRole('heading', { level: 1, name: 'Your site is ready' }).waitFor({ timeout: 20_000 });
    await cleo.page.getByText('Set your password with the link we emailed you').waitFor();
    await shoot(cleo.page, 'welcome-new-owner');
    await cleo.context.close();
  });

  it('a returning owner who buys a second site is asked to sign in, then to activate the subscription by its deadline', async () => {
    const { context, page } = await newPage();
    await claimFromSite(page, 'roofer-bob', { name: 'Joe Owner', email: OWNER.email });
    await onCheckout(page);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your site is ready' }).waitFor({ timeout: 20_000 });
    const landing = await page.locator('main').textContent();
    expect(landing).toContain('Sign in to your dashboard with your WebMagic account');
    expect(landing).not.toMatch(/set your password|emailed you a link/i);
    const bob = await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'roofer-bob' });
    const deadline = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(new Date(bob.purchasedAt!.getTime() + stack.api.config.subscription.activationDeadlineMs));
    expect(landing).toContain(`by ${deadline}`);
    await expectAccessible(page, 'landing page, returning owner');
    await shoot(page, 'welcome-returning-owner');

    // The receipt says the same; no set-password email is sent for this purchase.
    const receipt = await eventually(() => stack.api.orm.em.fork().findOne(EmailMessage, { template: 'purchase_confirmation', toAddress: OWNER.email }, { orderBy: { createdAt: 'desc' } }), (m) => (m?.model as { siteTitle?: string } | undefined)?.siteTitle === 'Roofer Bob', 20_000);
    expect(receipt!.model).toMatchObject({ account: 'existing' });
    expect(await stack.api.orm.em.fork().count(EmailMessage, { template: 'welcome_set_password', toAddress: OWNER.email })).toBe(1);

    await page.getByRole('link', { name: 'Sign in to your dashboard' }).click();
    await page.getByLabel('Email address').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My sites' }).waitFor();
    const reminder = page.getByRole('status').filter({ hasText: 'Activate your monthly subscription' });
    await reminder.getByText(`Roofer Bob: activate by ${deadline}`).waitFor();
    await reminder.getByText(`Plumber Joe's: activate by`).waitFor();
    const card = page.locator('.card', { hasText: 'Roofer Bob' });
    expect(await card.locator('.facts div', { hasText: 'Activate by' }).textContent()).toContain(deadline);
    await expectAccessible(page, 'my sites, activation pending');
    await shoot(page, 'my-sites-activate-by');
    await card.getByRole('link', { name: 'Activate subscription for Roofer Bob' }).click();
    await page.getByRole('heading', { level: 1, name: 'Billing — Roofer Bob' }).waitFor();
    await page.getByText(`Activate the subscription by ${deadline}`).waitFor();
    await page.getByRole('button', { name: 'Activate subscription' }).waitFor();
    await shoot(page, 'billing-activate-by');
    await context.close();
  });

  it('the private preview carries a banner with approve for the owner, opens in a new tab; a rollback is confirmed and shown on the request', async () => {
    const token = await accessTokenFor(stack, OWNER.email);
    await activateSubscription(stack, token, joeSite);
    const { context, page } = await newPage();
    await signInOwner(page, base, OWNER);
    await page.goto(`${base}/account/edits?site_id=${joeSite}`);
    await page.getByLabel('What should change on your site?').fill('Change the headline to "Pipes fixed today"');
    await page.getByRole('button', { name: 'Ask for this change' }).click();
    await page.getByRole('heading', { level: 1, name: 'Change request' }).waitFor();
    const requestUrl = page.url();
    const link = page.getByRole('link', { name: /Open the private preview/ });
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('target')).toBe('_blank');

    const [preview] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await preview.getByRole('heading', { name: 'Preview of your requested change' }).waitFor();
    expect(preview.url()).toMatch(/\/preview\/[A-Za-z0-9_-]{43}$/);
    expect((await fetch(preview.url())).headers.get('x-robots-tag')).toContain('noindex');
    expect(await preview.locator('meta[name=robots]').getAttribute('content')).toBe('noindex, nofollow');
    await preview.getByText('Pipes fixed today').first().waitFor();
    const back = preview.getByRole('link', { name: 'Back to your request' });
    expect(await back.getAttribute('href')).toBe(requestUrl);
    await preview.getByRole('button', { name: 'Approve and publish' }).waitFor();
    await shoot(preview, 'preview-banner');
    await preview.getByText('Not right? Reject it').click();
    await preview.getByLabel('Tell us what to fix').waitFor();
    await preview.getByRole('button', { name: 'Reject preview' }).waitFor();
    await shoot(preview, 'preview-banner-reject-open');
    await preview.getByRole('button', { name: 'Approve and publish' }).click();
    await preview.getByText('Your change is live: version 2 is published.').waitFor();
    expect(await (await fetch(`${base}/sites/plumber-joe`)).text()).toContain('Pipes fixed today');
    await back.click();
    await preview.getByRole('heading', { level: 1, name: 'Change request' }).waitFor();
    await preview.getByText('Published', { exact: true }).first().waitFor();
    await preview.close();

    await page.goto(`${base}/account/edits?site_id=${joeSite}`);
    const versions = page.getByRole('region', { name: 'Versions' });
    await versions.getByRole('button', { name: 'Roll back to version 1' }).click();
    const question = page.getByRole('alertdialog', { name: 'Roll back to version 1?' });
    await question.getByText('Version 2 (').waitFor();
    await shoot(page, 'rollback-confirm');
    await question.getByRole('button', { name: 'Keep version 2' }).click();
    expect(await (await fetch(`${base}/sites/plumber-joe`)).text()).toContain('Pipes fixed today');
    await versions.getByRole('button', { name: 'Roll back to version 1' }).click();
    await question.getByRole('button', { name: 'Yes, roll back to version 1' }).click();
    await page.getByText('Version 1 is live now. The change of version 2 is rolled back').waitFor();
    expect(await (await fetch(`${base}/sites/plumber-joe`)).text()).not.toContain('Pipes fixed today');
    const listed = page.getByRole('region', { name: 'Your change requests' }).locator('.card', { hasText: 'Pipes fixed today' });
    await listed.getByText('Rolled back', { exact: true }).waitFor();
    await expectAccessible(page, 'changes after a rollback');
    await listed.getByRole('link').click();
    await page.getByText('This change was rolled back: version 1 is live again').waitFor();
    await expectAccessible(page, 'request rolled back');
    await shoot(page, 'request-rolled-back');
    await context.close();
  });

  it('"Cancel now" names what is lost before, says the site is offline after, and the email says the same', async () => {
    const { context, page } = await newPage();
    await signInOwner(page, base, OWNER);
    await page.goto(`${base}/account/subscription?site_id=${joeSite}`);
    await page.getByRole('heading', { level: 1, name: "Billing — Plumber Joe's" }).waitFor();
    await page.getByRole('button', { name: 'Cancel now' }).click();
    const question = page.getByRole('alertdialog', { name: 'Cancel now and take the site offline?' });
    await question.getByText("Plumber Joe's goes offline at once:").waitFor();
    await question.getByText('the days left are not refunded.').waitFor();
    await expectAccessible(page, 'billing, cancel now asked');
    await shoot(page, 'billing-cancel-now-confirm');
    await question.getByRole('button', { name: 'Keep my subscription' }).click();
    expect((await fetch(`${base}/sites/plumber-joe`)).status).toBe(200);

    await page.getByRole('button', { name: 'Cancel now' }).click();
    await question.getByRole('button', { name: 'Yes, cancel now' }).click();
    await page.getByText("Your subscription is cancelled. Plumber Joe's is offline now").waitFor({ timeout: 20_000 });
    await page.locator('.card', { hasText: 'Subscription' }).getByText('Cancelled', { exact: true }).waitFor();
    expect((await fetch(`${base}/sites/plumber-joe`)).status).toBe(410);
    await expectAccessible(page, 'billing, cancelled now');
    await shoot(page, 'billing-cancelled-now');

    const sent = await eventually(async () => stack.postmark.sent().find((m) => m.Tag === 'subscription_ended' && String(m.To).includes(OWNER.email)), (m) => m !== undefined, 20_000);
    expect(sent!.TextBody).toContain("Plumber Joe's is offline now");
    expect(sent!.TextBody).not.toContain('stays online');
    expect(stack.postmark.sent().filter((m) => m.Tag === 'subscription_cancelled')).toEqual([]);
    await context.close();
    // Its link leads the owner to the billing page, where the site can be brought back.
    const walked = await walkEmailLinks({
      postmark: stack.postmark,
      base,
      templates: ['subscription_ended'],
      readerFor: () => async () => {
        const reader = await newPage();
        await signInOwner(reader.page, base, OWNER);
        return reader.page;
      },
    });
    expect(walked).toEqual(['subscription_ended /account/subscription']);
  });
});
