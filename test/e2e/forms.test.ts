import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerSiteOwnership, CustomerUser, Site, SupportTicket } from '../../db/entities/index.js';
import { issueOneTimeToken } from '../../db/one-time-tokens.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { FIELD_LIMITS } from '../../lib/field-limits.js';
import { launchBrowser, screenshot, SCREENSHOT_DIR, signInOperator } from '../helpers/browser.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';

let stack: TestStack;
let browser: Browser;
let base: string;
let plumber: string;
let roofer: string;
const OWNER = { email: 'forms.owner@example.com', password: 'Forms-owner-2026' };
const OPERATOR = { email: 'forms.ops@webmagic.test', name: 'Fran Forms', password: 'Operator-pass-2026', role: 'admin' as const };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** What a person must never read: a validator's wording or a regular expression. */
const VALIDATOR_TEXT = /body\/|querystring\/|params\/|must match|must NOT have|pattern|must have required|\\S|\[0-9|\^\[/;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base, AI_CONFIDENCE_THRESHOLD: '1', BOOKING_MIN_FILL_TIME: '0s' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  const em = stack.api.orm.em.fork();
  const owner = em.create(CustomerUser, { email: OWNER.email, fullName: 'Forms Owner', passwordHash: await hashPassword(OWNER.password), emailVerifiedAt: new Date() });
  // Roofer Bob is the primary site though it is listed second, so "the current primary" is not simply the first site.
  for (const [slug, primary] of [['plumber-joe', false], ['roofer-bob', true]] as const) {
    const site = await em.findOneOrFail(Site, { slug });
    site.status = 'owned';
    em.create(CustomerSiteOwnership, { customer: owner, site, role: 'owner', isPrimary: primary, acquiredAt: new Date(Date.now() - (primary ? 0 : 60_000)) });
    if (primary) owner.primarySite = site;
  }
  await em.flush();
  plumber = (await em.findOneOrFail(Site, { slug: 'plumber-joe' })).id;
  roofer = (await em.findOneOrFail(Site, { slug: 'roofer-bob' })).id;
  await stack.api.app.siteChanges.sync();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
});

async function newPage(viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  return { context, page: await context.newPage() };
}

async function signedIn(viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await newPage(viewport);
  await opened.page.goto(`${base}/account/sign-in`);
  await opened.page.getByLabel('Email address').fill(OWNER.email);
  await opened.page.getByLabel('Password').fill(OWNER.password);
  await opened.page.getByRole('button', { name: 'Sign in' }).click();
  await opened.page.getByRole('heading', { level: 1, name: 'My sites' }).waitFor();
  return opened;
}

/** Fails when the visible text of the page holds validator wording. */
async function expectPlainWords(page: Page, label: string): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text.match(VALIDATOR_TEXT), `${label}: ${text}`).toBeNull();
}

/** The little of a form element the walk uses (the tests compile without the DOM library). */
interface FormLike {
  noValidate: boolean;
  checkValidity(): boolean;
  querySelector(selector: string): { value: string; dispatchEvent(event: Event): boolean } | null;
}

/** One bad input for a form: the values to type (by CSS selector inside the form). */
type BadInput = { label: string; values: Record<string, string> };

/**
 * Submits each bad input twice: once as a person would (the browser's own checks must stop it, since the form carries
 * the API's limits), and once with those checks switched off, so the API's answer is what the page shows. Either way
 * the page must speak plainly; the API's sentence must be on the page, beside its field when it names one.
 */
async function walkForm(page: Page, form: string, submit: string, inputs: BadInput[]): Promise<void> {
  for (const input of inputs) {
    await page.locator(form).first().evaluate((element: FormLike, values) => {
      element.noValidate = true;
      for (const [field, value] of Object.entries(values)) {
        const control = element.querySelector(field);
        if (!control) throw new Error(`no field ${field}`);
        control.value = value;
        control.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }, input.values);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/') && !r.url().includes('/collect') && r.request().method() !== 'GET', { timeout: 15_000 }),
      page.locator(form).locator(submit).first().click(),
    ]);
    const body = (await answer.json().catch(() => ({}))) as { message?: string; field?: string };
    expect(answer.status(), `${form} ${input.label}`).toBeGreaterThanOrEqual(400);
    expect(body.message, `${form} ${input.label}`).toBeTruthy();
    await page.getByText(body.message ?? '', { exact: false }).first().waitFor({ timeout: 10_000 });
    await expectPlainWords(page, `${form} ${input.label}`);
    expect(await page.getByText(body.message ?? '', { exact: false }).count(), `${form} ${input.label}: said once`).toBe(1);
    if (body.field) {
      const control = page.locator(form).locator(`[name="${body.field}"], [aria-invalid="true"]`).first();
      expect(await control.getAttribute('aria-invalid'), `${form} ${input.label}: the field is marked`).toBe('true');
    }
  }
  await page.locator(form).first().evaluate((element: FormLike) => {
    element.noValidate = false;
  });
}

/** Whether the browser's own checks stop this form as it stands. */
async function browserRefuses(page: Page, form: string): Promise<boolean> {
  return page.locator(form).first().evaluate((element: FormLike) => !element.checkValidity());
}

const tooLong = (n: number) => 'x'.repeat(n + 1);

describe('every form speaks plainly with every kind of bad input', () => {
  it('claim bar and contact form on hosted pages', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/sites/la-plumbing-pros`);
    await page.getByText('Claim it', { exact: true }).click();
    const claim = page.locator('#claim');
    await claim.getByLabel('Your name').fill('');
    expect(await browserRefuses(page, '#claim-form')).toBe(true);
    expect(await claim.getByLabel('Your name').getAttribute('maxlength')).toBe(String(FIELD_LIMITS.personName));
    await walkForm(page, '#claim-form', 'button', [
      { label: 'empty', values: { '[name=name]': '  ', '[name=email]': 'joe@example.com' } },
      { label: 'too long', values: { '[name=name]': tooLong(FIELD_LIMITS.personName), '[name=email]': 'joe@example.com' } },
      { label: 'bad email', values: { '[name=name]': 'Joe', '[name=email]': 'joe-at-example' } },
      { label: 'missing email', values: { '[name=name]': 'Joe', '[name=email]': '' } },
    ]);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/forms-claim-bar-error-phone.png` });

    await page.goto(`${base}/sites/plumber-joe`);
    await walkForm(page, 'form[data-wm-booking]', 'button[type=submit]', [
      { label: 'empty name', values: { '[name=name]': '   ', '[name=email]': 'ana@example.com' } },
      { label: 'too long', values: { '[name=name]': 'Ana', '[name=email]': 'ana@example.com', '[name=message]': tooLong(FIELD_LIMITS.contactMessage) } },
      { label: 'bad email', values: { '[name=name]': 'Ana', '[name=email]': 'ana@' } },
      { label: 'bad phone', values: { '[name=name]': 'Ana', '[name=email]': '', '[name=phone]': 'call me!' } },
    ]);
    await screenshot(page, 'forms-contact-error-phone');
    await context.close();
  });

  it('sign-in, forgotten password and a reset link', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/account/sign-in`);
    await walkForm(page, 'form', 'button[type=submit]', [
      { label: 'empty', values: { '#email': '', '#password': '' } },
      { label: 'bad email', values: { '#email': 'owner@', '#password': 'whatever' } },
      { label: 'too long', values: { '#email': 'owner@example.com', '#password': tooLong(FIELD_LIMITS.password.max) } },
    ]);
    await screenshot(page, 'forms-sign-in-error-phone');
    await page.goto(`${base}/account/forgot-password`);
    await walkForm(page, 'form', 'button[type=submit]', [
      { label: 'empty', values: { '#email': '' } },
      { label: 'bad email', values: { '#email': 'nobody at all' } },
    ]);

    const em = stack.api.orm.em.fork();
    const owner = await em.findOneOrFail(CustomerUser, { email: OWNER.email });
    const { token } = await issueOneTimeToken(em, owner, 'reset_password');
    await page.goto(`${base}/account/reset-password?token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await walkForm(page, 'form', 'button[type=submit]', [
      { label: 'empty', values: { '#new-password': '' } },
      { label: 'weak', values: { '#new-password': 'aaaaaaaaaaaa' } },
      { label: 'too long', values: { '#new-password': tooLong(FIELD_LIMITS.password.max) } },
    ]);
    await screenshot(page, 'forms-reset-error-phone');
    await context.close();
  });

  it('profile, support ticket, reply and change request in the portal', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/account/profile`);
    await page.getByLabel('Full name').waitFor();
    await walkForm(page, 'form:has(#full-name)', 'button[type=submit]', [
      { label: 'empty', values: { '#full-name': '   ' } },
      { label: 'too long', values: { '#full-name': tooLong(FIELD_LIMITS.fullName) } },
      { label: 'bad phone', values: { '#full-name': 'Forms Owner', '#phone': 'ask my assistant' } },
      { label: 'two lines', values: { '#full-name': 'Forms\u0007Owner', '#phone': '' } },
    ]);
    await page.getByText('The phone number must be', { exact: false }).waitFor({ state: 'detached' }).catch(() => undefined);
    await screenshot(page, 'forms-profile-error-phone');
    await walkForm(page, 'form:has(#new-password)', 'button[type=submit]', [
      { label: 'empty', values: { '#current-password': '', '#new-password': '' } },
      { label: 'short', values: { '#current-password': OWNER.password, '#new-password': 'short' } },
    ]);

    await page.goto(`${base}/account/support?site_id=${plumber}`);
    await page.getByLabel('Subject').waitFor();
    await walkForm(page, 'form:has(#ticket-subject)', 'button[type=submit]', [
      { label: 'empty', values: { '#ticket-subject': '  ', '#ticket-description': 'Help' } },
      { label: 'too long', values: { '#ticket-subject': tooLong(FIELD_LIMITS.ticketSubject), '#ticket-description': 'Help' } },
      { label: 'blank description', values: { '#ticket-subject': 'Hours', '#ticket-description': ' \n ' } },
    ]);
    await screenshot(page, 'forms-support-error-phone');
    await page.getByLabel('Subject').fill('Opening hours');
    await page.getByLabel('How can we help?').fill('Please show our Sunday hours.');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('heading', { level: 1, name: 'Opening hours' }).waitFor();
    await walkForm(page, 'form:has(#reply)', 'button[type=submit]', [
      { label: 'blank', values: { '#reply': '   ' } },
      { label: 'too long', values: { '#reply': tooLong(FIELD_LIMITS.ticketText) } },
    ]);

    await page.goto(`${base}/account/edits?site_id=${plumber}`);
    await page.getByLabel('What should change on your site?').waitFor();
    await walkForm(page, 'form:has(#edit-request)', 'button[type=submit]', [
      { label: 'blank', values: { '#edit-request': '  ' } },
      { label: 'too long', values: { '#edit-request': tooLong(FIELD_LIMITS.editRequest) } },
    ]);
    await screenshot(page, 'forms-change-request-error-phone');
    await context.close();
  });

  it('console sign-in, search, reply and assignment', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/console/sign-in`);
    await walkForm(page, 'form', 'button[type=submit]', [
      { label: 'empty', values: { '#email': '', '#password': '' } },
      { label: 'bad email', values: { '#email': 'ops@', '#password': 'x' } },
    ]);
    await screenshot(page, 'forms-console-sign-in-error-phone');
    await signInOperator(page, base, OPERATOR);
    const ticket = await eventually(() => stack.api.orm.em.fork().findOne(SupportTicket, { subject: 'Opening hours' }), (t) => t !== null, 20_000);
    await page.goto(`${base}/console/tickets/${ticket!.id}`);
    await page.getByLabel('Reply to the customer').waitFor();
    await walkForm(page, 'form:has(#agent-reply)', 'button[type=submit]', [
      { label: 'blank', values: { '#agent-reply': '  ' } },
      { label: 'too long', values: { '#agent-reply': tooLong(FIELD_LIMITS.ticketText) } },
    ]);
    await walkForm(page, 'form:has(#assign-to)', 'button[type=submit]', [
      { label: 'blank', values: { '#assign-to': ' ' } },
      { label: 'too long', values: { '#assign-to': tooLong(FIELD_LIMITS.agentName) } },
    ]);
    await screenshot(page, 'forms-console-ticket-error-phone');
    await page.goto(`${base}/console/search?q=x`);
    await page.getByText('Type at least 2 characters to search.').waitFor();
    await expectPlainWords(page, 'console search');
    await context.close();
  });
});

describe('small things people notice', () => {
  it('support preselects the site of the page; the site selector shows the primary and moves only when the choice is committed', async () => {
    const { context, page } = await signedIn();
    // No site named: the pages are about the primary site, and the selector says which one that is.
    await page.goto(`${base}/account/support`);
    await page.getByRole('heading', { level: 1, name: /Support — Roofer Bob/ }).waitFor();
    expect(await page.locator('#site-selector').inputValue()).toBe(roofer);
    expect(await page.locator('#site-selector option:checked').textContent()).toBe('Roofer Bob (primary)');
    expect(await page.locator('#ticket-site').inputValue()).toBe(roofer);

    await page.goto(`${base}/account/support?site_id=${plumber}`);
    await page.getByRole('heading', { level: 1, name: /Support — Plumber Joe/ }).waitFor();
    expect(await page.locator('#ticket-site').inputValue()).toBe(plumber);
    await page.getByText('Your primary site is Roofer Bob.').waitFor();

    const selector = page.locator('#site-selector');
    await selector.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(300);
    expect(new URL(page.url()).searchParams.get('site_id')).toBe(plumber);
    await selector.selectOption(roofer);
    expect(new URL(page.url()).searchParams.get('site_id')).toBe(plumber);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /Support — Roofer Bob/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('site_id')).toBe(roofer);
    await screenshot(page, 'forms-support-selector-phone');

    for (const path of ['/account', '/account/profile']) {
      await page.goto(`${base}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await page.locator('#site-selector').count(), path).toBe(0);
    }
    await context.close();
  });

  it('rates an answer with one click', async () => {
    const token = await accessTokenFor(stack, OWNER.email);
    const opened = await stack.api.app.inject({
      method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` }, payload: { subject: 'Rate me', description: 'A question', site_id: plumber },
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json<{ id: string }>().id;
    await stack.api.orm.em.fork().nativeUpdate(SupportTicket, { id }, { csatRequestedAt: new Date() });
    const { context, page } = await signedIn();
    await page.goto(`${base}/account/support/${id}`);
    await page.getByRole('heading', { name: 'How helpful was our answer?' }).waitFor();
    await screenshot(page, 'forms-rating-phone');
    await page.getByRole('button', { name: '5 out of 5' }).click();
    await page.getByText('Thank you for your rating.').waitFor();
    const rated = await stack.api.orm.em.fork().findOneOrFail(SupportTicket, { id });
    expect(rated.csatRating).toBe(5);
    await context.close();
  });

  it('shows funnel steps that never pass the step before', async () => {
    const call = { type: 'cta_click', path: '/sites/plumber-joe', target: 'call' };
    const collect = (events: unknown[], ip: string) => stack.api.app.inject({
      method: 'POST', url: '/api/v1/collect', payload: JSON.stringify({ site: 'plumber-joe', events }), remoteAddress: ip,
      headers: {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'content-type': 'text/plain',
        origin: new URL(stack.api.config.publicBaseUrl).origin,
      },
    });
    await collect([{ type: 'page_view', path: '/sites/plumber-joe' }, call, call, { ...call, target: 'email' }], '198.51.100.41');
    await collect([{ type: 'page_view', path: '/sites/plumber-joe' }], '203.0.113.42');
    await stack.api.app.analyticsCollector.flush();
    const { context, page } = await signedIn();
    await page.goto(`${base}/account/analytics?site_id=${plumber}`);
    const funnel = page.locator('table', { hasText: 'Funnel' });
    await funnel.waitFor();
    const cells = await Promise.all((await funnel.locator('tbody tr').all()).map((row) => row.locator('th, td').allInnerTexts()));
    expect(cells.map((row) => row[0])).toEqual(['Visits', 'Contacts', 'Bookings']);
    const counts = cells.map((row) => Number(row[1]));
    expect(counts).toEqual([2, 1, 0]);
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeLessThanOrEqual(counts[i - 1]!);
    for (const row of cells) expect(Number((row[2] ?? '').replace('%', ''))).toBeLessThanOrEqual(100);
    await screenshot(page, 'forms-analytics-funnel-phone');
    await context.close();
  });

  it('answers an HTML 404 page to an unknown address under a page route', async () => {
    const { context, page } = await newPage();
    for (const path of ['/portal/nonsense', '/console/nonsense', '/account/nonsense', '/sites/plumber-joe/nonsense']) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(404);
      expect(res?.headers()['content-type'], path).toContain('text/html');
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      expect(await page.locator('body').innerText(), path).not.toContain('"error"');
    }
    await screenshot(page, 'forms-not-found-phone');
    await context.close();
  });

  it('keeps the claim bar small and labelled on a phone, and the contact form easy to touch', async () => {
    const { context, page } = await newPage();
    await page.goto(`${base}/sites/la-plumbing-pros`);
    const bar = page.locator('#claim');
    const box = await bar.boundingBox();
    expect(box!.height, 'closed claim bar height').toBeLessThanOrEqual(PHONE.height * 0.12);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/forms-claim-bar-closed-phone.png` });
    await page.getByText('Claim it', { exact: true }).click();
    await bar.getByLabel('Your name').waitFor();
    await bar.getByLabel('Your email').waitFor();
    await page.screenshot({ path: `${SCREENSHOT_DIR}/forms-claim-bar-open-phone.png` });

    await page.goto(`${base}/sites/plumber-joe`);
    const form = page.locator('form[data-wm-booking]');
    for (const control of await form.locator('input:not([name=website]), textarea, button').all()) {
      const size = await control.boundingBox();
      expect(size!.height, await control.getAttribute('name') ?? 'button').toBeGreaterThanOrEqual(44);
    }
    const border = await form.locator('input[name=name]').evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopWidth: string } }).getComputedStyle(e).borderTopWidth);
    expect(border).not.toBe('0px');
    await form.screenshot({ path: `${SCREENSHOT_DIR}/forms-contact-phone.png` });
    await context.close();
  });

  it('says once, on its own page, that a reset link was already used', async () => {
    const em = stack.api.orm.em.fork();
    const owner = await em.findOneOrFail(CustomerUser, { email: OWNER.email });
    const { token } = await issueOneTimeToken(em, owner, 'reset_password');
    const { context, page } = await newPage();
    await page.goto(`${base}/account/reset-password?token=${token}`);
    await page.getByLabel('New password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Choose a new password' }).click();
    await page.getByRole('heading', { level: 1, name: 'My sites' }).waitFor();
    await page.goto(`${base}/account/reset-password?token=${token}`);
    await page.getByRole('heading', { level: 1, name: 'This link was already used' }).waitFor();
    const text = await page.locator('main').innerText();
    expect(text.match(/already/g)?.length).toBe(2);
    expect(await page.locator('input').count()).toBe(0);
    await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
    await screenshot(page, 'forms-used-link-phone');
    await context.close();
  });

  it('looks right on a desktop screen too', async () => {
    const { context, page } = await signedIn(DESKTOP);
    const shots: [string, string][] = [
      ['forms-claim-bar-desktop', '/sites/la-plumbing-pros'],
      ['forms-contact-desktop', '/sites/plumber-joe#contact-form'],
      ['forms-support-desktop', `/account/support?site_id=${plumber}`],
      ['forms-profile-desktop', '/account/profile'],
      ['forms-analytics-desktop', `/account/analytics?site_id=${plumber}`],
      ['forms-not-found-desktop', '/portal/nonsense'],
      ['forms-used-link-desktop', '/account/reset-password?token=not-a-real-token'],
    ];
    for (const [name, path] of shots) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState('networkidle');
      if (name === 'forms-profile-desktop') {
        await page.getByLabel('Phone (optional)').fill('ask my assistant');
        await page.getByRole('button', { name: 'Save details' }).click();
        await page.locator('.field-error').waitFor();
      }
      await screenshot(page, name);
    }
    await context.close();
  });
});
