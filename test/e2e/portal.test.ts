import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_TEMPLATES, renderEmail } from '../../lib/email/templates.js';
import { CustomerUser, Site, SupportTicket } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { expectAccessible, launchBrowser, screenshot, signInOperator, signInOwner } from '../helpers/browser.js';
import { emailLinks, walkEmailLinks } from '../helpers/email-links.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';
import { eventually } from '../helpers/eventually.js';

let stack: TestStack;
let browser: Browser;
let base: string;
const PASSWORD = 'Portal-owner-2026';
const OPERATOR = { email: 'ops@webmagic.test', name: 'Olivia Ops', password: 'Operator-pass-2026', role: 'admin' as const };

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Tickets wait for an agent (no AI answer is confident enough), an unanswered one escalates after a few seconds,
  // and a failed renewal suspends the site after a short grace period.
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base, AI_CONFIDENCE_THRESHOLD: '1', TICKET_SLA_NORMAL: '3s', TICKET_SLA_HIGH: '3s', TICKET_SLA_LOW: '3s', TICKET_SLA_URGENT: '3s', GRACE_PERIOD: '4s' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
});

/** The newest email of a template to an address, as the fake Postmark received it. */
async function mail(to: string, template: string): Promise<{ html: string; links: string[] }> {
  const found = await eventually(async () => stack.postmark.sent().filter((m) => m.Tag === template && String(m.To).includes(to)).at(-1), (m) => m !== undefined, 20_000);
  const html = found!.HtmlBody ?? '';
  return { html, links: emailLinks(html) };
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  return { context, page: await context.newPage() };
}

describe('owner portal and agent console in a real browser', () => {
  it('claim → pay on the checkout → landing page → set password from the email → My Sites shows the site', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/sites/plumber-joe`);
    await page.getByText('Claim it', { exact: true }).click();
    await page.locator('#claim').getByLabel('Your name').fill('Joe Owner');
    await page.locator('#claim-form input[name=email]').fill('joe@example.com');
    await page.locator('#claim-form button').click();
    await page.getByRole('button', { name: 'Pay' }).click();

    await page.waitForURL(/\/account\/welcome\?claim=claim%3A/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 20_000 }).toMatch(/Payment received|Your site is ready/);
    await page.getByRole('heading', { level: 1, name: 'Your site is ready' }).waitFor({ timeout: 20_000 });
    // A new owner is sent to the set-password email first, then to activate the subscription by its deadline.
    await page.getByText('Set your password with the link we emailed you').waitFor();
    await page.getByText(/Activate the monthly subscription to keep the site online — by/).waitFor();
    await expectAccessible(page, 'landing page');

    const welcome = await mail('joe@example.com', 'welcome_set_password');
    const link = welcome.links.find((href) => href.includes('/account/set-password?token='));
    expect(link).toBeTruthy();
    await page.goto(link!);
    await page.getByRole('heading', { level: 1, name: 'Set your password' }).waitFor();
    expect(page.url()).toBe(`${base}/account/set-password`);
    await expectAccessible(page, 'set password');
    await page.getByLabel('New password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Set your password' }).click();

    await page.getByRole('heading', { level: 1, name: 'My sites' }).waitFor();
    const card = page.locator('.card', { hasText: "Plumber Joe's" });
    await expect.poll(() => card.textContent()).toContain('Primary');
    expect(await card.textContent()).toContain('Pending activation');
    await expectAccessible(page, 'my sites');
    // The refresh token is an HttpOnly cookie scoped to the customer API; a reload keeps the owner signed in.
    const cookies = await context.cookies(`${base}/api/v1/customer/refresh`);
    expect(cookies.find((c) => c.name === 'wm_refresh')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/v1/customer' });
    expect(await page.evaluate('document.cookie')).toBe('');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'My sites' }).waitFor();
    await screenshot(page, '1-claim-to-my-sites');
    await context.close();
  });

  it('a two-site owner opening a ticket must pick the site', async () => {
    await signedInOwner(stack.api, 'two@example.com', ['roofer-bob', 'la-plumbing-pros']);
    const em = stack.api.orm.em.fork();
    const owner = await em.findOneOrFail(CustomerUser, { email: 'two@example.com' });
    owner.passwordHash = await hashPassword(PASSWORD);
    await em.flush();
    const { context, page } = await newPage();
    await signInOwner(page, base, { email: 'two@example.com', password: PASSWORD });
    await page.getByRole('link', { name: 'Support', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Support/ }).waitFor();
    await expectAccessible(page, 'support');
    await page.getByLabel('Subject').fill('Opening hours');
    await page.getByLabel('How can we help?').fill('Please change our Saturday opening hours to 9am-1pm.');
    // The form names the site the page is about; with no site chosen it asks for one.
    expect(await page.getByLabel('Which site is this about?').inputValue()).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByLabel('Which site is this about?').selectOption({ label: 'Choose a site…' });
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('choose the site this request is about').waitFor();
    await expectAccessible(page, 'support form asking for the site');
    expect(await stack.api.orm.em.fork().count(SupportTicket)).toBe(0);

    await page.getByLabel('Which site is this about?').selectOption({ label: 'Roofer Bob' });
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { level: 1, name: 'Opening hours' }).waitFor();
    const ticket = await stack.api.orm.em.fork().findOneOrFail(SupportTicket, { subject: 'Opening hours' }, { populate: ['site'] });
    expect(ticket.site.slug).toBe('roofer-bob');
    expect(page.url()).toContain(`/account/support/${ticket.id}`);
    await expectAccessible(page, 'ticket thread');
    await screenshot(page, '2-two-site-owner-ticket');
    await context.close();
  });

  it('payment fails → the email\'s link opens the billing page → reactivate on the checkout', async () => {
    const siteId = await siteIdOf('plumber-joe');
    const token = await accessTokenFor(stack, 'joe@example.com');
    const providerId = await activateSubscription(stack, token, siteId);
    await stack.recurrente.renewSubscription(providerId, 'failed');
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(Site, siteId)).status, (status) => status === 'suspended', 20_000);

    const failed = await mail('joe@example.com', 'payment_failed');
    const link = failed.links.find((href) => href.includes('/account/subscription?site_id='));
    expect(link).toBe(`${base}/account/subscription?site_id=${siteId}`);
    const { context, page } = await newPage();
    await page.goto(link!);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Email address').fill('joe@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: "Billing — Plumber Joe's" }).waitFor();
    expect(page.url()).toBe(link);
    await page.getByText('Suspended', { exact: true }).first().waitFor();
    await page.getByText('Website purchase').first().waitFor();
    await expectAccessible(page, 'billing');

    await page.getByRole('button', { name: 'Reactivate subscription' }).click();
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL(/\/account\/subscription\?site_id=.*&activated=1/);
    await page.getByText('your payment was received').waitFor();
    await page.locator('.card', { hasText: 'Subscription' }).getByText('Active', { exact: true }).waitFor({ timeout: 20_000 });
    expect((await stack.api.orm.em.fork().findOneOrFail(Site, siteId)).status).toBe('active');
    await screenshot(page, '3-payment-failed-reactivated');
    await context.close();
  });

  it('an agent answers a ticket in the console and the owner sees the reply', async () => {
    const token = await accessTokenFor(stack, 'two@example.com');
    const opened = await stack.api.app.inject({
      method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` },
      payload: { subject: 'Booking form broken', description: 'The booking form on our site does not send anything.', site_id: await siteIdOf('la-plumbing-pros') },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const ticketId = opened.json<{ id: string }>().id;
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(SupportTicket, ticketId)).status, (status) => status === 'awaiting_agent');

    const agent = await newPage();
    await signInOperator(agent.page, base, OPERATOR);
    await expectAccessible(agent.page, 'console queue');
    await agent.page.getByRole('link', { name: 'Booking form broken' }).click();
    await agent.page.getByRole('heading', { level: 1, name: 'Booking form broken' }).waitFor();
    await agent.page.getByText('AI draft').waitFor();
    await expectAccessible(agent.page, 'console ticket');
    const temporalLink = await agent.page.getByRole('link', { name: /Temporal UI/ }).getAttribute('href');
    expect(temporalLink).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(`ticket:${ticketId}`)}`);
    await agent.page.getByRole('button', { name: 'Assign' }).click();
    await agent.page.getByText('Assigned to Olivia Ops.').waitFor();
    await agent.page.getByLabel('Reply to the customer').fill('We fixed the booking form; please try again.');
    await agent.page.getByRole('button', { name: 'Send reply' }).click();
    await agent.page.getByText('Your reply was sent to the customer.').waitFor();
    await agent.page.getByText('Olivia Ops: reply').waitFor();
    await screenshot(agent.page, '4a-agent-replied');

    const answered = await mail('two@example.com', 'ticket_answered');
    const threadLink = answered.links.find((href) => href.endsWith(`/account/support/${ticketId}`));
    expect(threadLink).toBeTruthy();
    const { context, page } = await newPage();
    await signInOwner(page, base, { email: 'two@example.com', password: PASSWORD });
    await page.goto(threadLink!);
    await page.getByRole('heading', { level: 1, name: 'Booking form broken' }).waitFor();
    await page.getByText('We fixed the booking form; please try again.').waitFor();
    await expect.poll(() => page.locator('.message-agent .message-meta').textContent()).toContain('WebMagic support');
    await screenshot(page, '4b-owner-sees-reply');
    await context.close();
    await agent.context.close();
  });

  it('every portal and console page passes the accessibility scan', async () => {
    const anonymous = await newPage();
    for (const path of ['/account/sign-in', '/account/forgot-password', '/account/reset-password?token=abc', '/account/verify-email?token=abc', '/console/sign-in', '/account/no-such-page']) {
      await anonymous.page.goto(`${base}${path}`);
      await anonymous.page.locator('h1').waitFor();
      await expectAccessible(anonymous.page, path);
    }
    await anonymous.context.close();

    const owner = await newPage();
    await signInOwner(owner.page, base, { email: 'two@example.com', password: PASSWORD });
    await expectAccessible(owner.page, 'my sites (two sites, selector)');
    for (const [path, heading] of [['/account/profile', 'Profile'], [`/account/subscription?site_id=${await siteIdOf('roofer-bob')}`, /^Billing/], [`/account/support?site_id=${await siteIdOf('roofer-bob')}`, /^Support/]] as const) {
      await owner.page.goto(`${base}${path}`);
      await owner.page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await expectAccessible(owner.page, path);
    }
    await owner.context.close();

    const agent = await newPage();
    await signInOperator(agent.page, base, OPERATOR);
    await agent.page.goto(`${base}/console/statistics`);
    await agent.page.getByRole('heading', { name: 'Subscriptions by status' }).waitFor();
    expect(await agent.page.locator('svg.chart rect.chart-bar').count()).toBeGreaterThan(0);
    await expectAccessible(agent.page, 'statistics');
    await screenshot(agent.page, '5-statistics');
    await agent.context.close();
  });

  it('every link in every email template opens a page that answers 200 for its reader', async () => {
    // Emails the journeys did not send yet: a registration (verify_email) and a forgotten password (password_reset).
    await stack.api.app.inject({ method: 'POST', url: '/api/v1/customer/register', payload: { email: 'new@example.com', password: 'New-owner-pass-1', full_name: 'New Owner' } });
    await stack.api.app.inject({ method: 'POST', url: '/api/v1/customer/forgot-password', payload: { email: 'joe@example.com' } });
    const readers: Record<string, () => Promise<Page>> = {
      owner: async () => (await newPage()).page,
      'two@example.com': async () => {
        const { page } = await newPage();
        await signInOwner(page, base, { email: 'two@example.com', password: PASSWORD });
        return page;
      },
      'joe@example.com': async () => {
        const { page } = await newPage();
        await signInOwner(page, base, { email: 'joe@example.com', password: PASSWORD });
        return page;
      },
      agent: async () => {
        const { page } = await newPage();
        await signInOperator(page, base, OPERATOR);
        return page;
      },
    };
    // Templates without any link; checked by rendering them, so a link added later is walked too.
    const linkless = [
      renderEmail('subscription_activated', { name: 'A', siteTitle: 'S', amount: '$1.00', nextBillingDate: '2026-01-01' }),
      renderEmail('subscription_cancelled', { name: 'A', siteTitle: 'S', endsAt: '2026-01-01' }),
    ];
    for (const rendered of linkless) expect(rendered.htmlBody).not.toContain('href=');
    // Emails walked by the other browser tests, whose stacks send them: the edit and booking emails in
    // test/e2e/portal-site-pages.test.ts (short edit reminder and expiry), the domain, operator-case and activation
    // reminder emails in test/e2e/portal-operations.test.ts (local DNS server, short domain and activation timers), the
    // email of a subscription cancelled now in test/e2e/customer-edges.test.ts, an agent's answer to an edit request in
    // test/e2e/work-queue.test.ts.
    const walkedInSitePagesTest = ['booking_received', 'booking_confirmation', 'edit_preview_ready', 'edit_reminder', 'edit_published', 'edit_expired'];
    const walkedInOperationsTest = ['domain_verified', 'domain_failed', 'domain_lapsed', 'operator_case', 'activation_reminder'];
    // The ownership emails in test/e2e/console-ownership.test.ts (the invitation is opened there; the others have no link or are walked).
    const walkedInOwnershipTest = ['site_linked', 'site_removed', 'site_transfer_invitation', 'site_transfer_accepted', 'site_transfer_expired', 'site_transfer_welcome'];
    // The invitation and erasure emails in test/e2e/collaborators-privacy.test.ts (a short erasure window); erasure_completed has no link.
    const walkedInPrivacyTest = ['collaborator_invitation', 'erasure_scheduled', 'erasure_completed'];
    const walkedElsewhere = [...walkedInSitePagesTest, ...walkedInOperationsTest, ...walkedInOwnershipTest, ...walkedInPrivacyTest, 'subscription_ended', 'edit_answered'];
    const withLinks = EMAIL_TEMPLATES.filter((t) => t !== 'subscription_activated' && t !== 'subscription_cancelled' && !walkedElsewhere.includes(t));
    expect([...withLinks, ...walkedElsewhere, 'subscription_activated', 'subscription_cancelled'].sort()).toEqual([...EMAIL_TEMPLATES].sort());
    await eventually(async () => withLinks.filter((t) => !stack.postmark.sent().some((m) => m.Tag === t)), (missing) => missing.length === 0, 20_000);

    const walked = await walkEmailLinks({
      postmark: stack.postmark,
      base,
      templates: withLinks,
      readerFor: (path, to) => readers[path.startsWith('/console') ? 'agent' : path.startsWith('/account/subscription') || path.startsWith('/account/support') ? to : 'owner'] ?? readers.owner!,
    });
    expect(walked.length).toBeGreaterThanOrEqual(withLinks.length);
  });
});

async function siteIdOf(slug: string): Promise<string> {
  return (await stack.api.orm.em.fork().findOneOrFail(Site, { slug })).id;
}
