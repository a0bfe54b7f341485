import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Booking, CustomerUser, ErasureRequest, Payment, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { expectAccessible, launchBrowser, SCREENSHOT_DIR, screenshot, signInOperator, signInOwner } from '../helpers/browser.js';
import { emailLinks } from '../helpers/email-links.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { accessTokenFor, activateSubscription, billingRows, buySite, stopSubscriptionWorkflows } from '../helpers/subscriptions.js';

let stack: TestStack;
let browser: Browser;
let base: string;
let siteId: string;
const OWNER = { email: 'maria.lopez@example.com', password: 'Owner-password-2026' };
const INVITEE = { email: 'ana.colaboradora@example.com', name: 'Ana Colaboradora', password: 'Collaborator-pass-2026' };
const OPERATOR = { email: 'lead@webmagic.test', name: 'Lena Lead', password: 'Operator-pass-2026', role: 'admin' as const };
const VIEWPORTS = [{ name: 'phone', width: 390, height: 844 }, { name: 'desktop', width: 1280, height: 900 }];
/** The pages this journey adds are also kept where the project's notes collect screenshots, when that folder exists. */
const NOTES_DIR = process.env.PRIVACY_SCREENSHOTS_DIR;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base, ERASURE_UNDO_WINDOW: '20s' });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  siteId = await buySite(stack, 'plumber-joe', OWNER.email);
  await activateSubscription(stack, await accessTokenFor(stack, OWNER.email), siteId);
  const em = stack.api.orm.em.fork();
  const owner = await em.findOneOrFail(CustomerUser, { email: OWNER.email });
  owner.passwordHash = await hashPassword(OWNER.password);
  await em.flush();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await stopSubscriptionWorkflows(stack);
  await stack?.stop();
});

/** Screenshots one page at a phone's and a desktop's width. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await screenshot(page, `${name}-${viewport.name}`);
    if (NOTES_DIR) {
      await mkdir(NOTES_DIR, { recursive: true });
      await copyFile(path.join(SCREENSHOT_DIR, `${name}-${viewport.name}.png`), path.join(NOTES_DIR, `${name}-${viewport.name}.png`));
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function ownerPage(): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  await signInOwner(page, base, OWNER);
  return page;
}

const latest = (tag: string) => stack.postmark.sent().filter((m) => m.Tag === tag).at(-1);

describe('collaborators', () => {
  it('the owner invites by email, the invitee creates an account from the link, sees analytics and is refused billing and domain', async () => {
    const owner = await ownerPage();
    await owner.getByRole('link', { name: /^Collaborators/ }).first().click();
    await owner.getByRole('heading', { level: 1, name: /^Collaborators of/ }).waitFor();
    await owner.getByLabel('Their email address').fill(INVITEE.email);
    await owner.getByRole('button', { name: 'Send invitation' }).click();
    await owner.getByRole('status').getByText(`We emailed an invitation to ${INVITEE.email}`).waitFor();
    await owner.getByRole('region', { name: 'Pending invitations' }).getByText(INVITEE.email, { exact: true }).waitFor();
    await expectAccessible(owner, 'collaborators page');
    await shoot(owner, 'collaborators');

    const mail = await eventually(async () => latest('collaborator_invitation'), (m) => m !== undefined);
    const [link] = emailLinks(mail!.HtmlBody ?? '');
    const invitee = await (await browser.newContext()).newPage();
    await invitee.goto(link!);
    await invitee.getByRole('heading', { level: 1, name: /^Join / }).waitFor();
    expect(invitee.url()).not.toContain('token=');
    await expectAccessible(invitee, 'invitation page');
    await shoot(invitee, 'invitation');
    await invitee.getByLabel('Your name').fill(INVITEE.name);
    await invitee.getByLabel('Choose a password').fill(INVITEE.password);
    await invitee.getByRole('button', { name: 'Create my account and accept' }).click();
    await invitee.getByRole('heading', { level: 1, name: 'My sites' }).waitFor();
    await invitee.getByText('Collaborator', { exact: true }).first().waitFor();
    const nav = invitee.getByRole('navigation', { name: 'Account' });
    for (const hidden of ['Billing', 'Domain', 'Collaborators']) expect(await nav.getByRole('link', { name: hidden }).count(), hidden).toBe(0);
    expect(await invitee.getByRole('main').getByRole('link', { name: /^(Billing|Domain|Collaborators)/ }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Analytics' }).click();
    await invitee.getByRole('heading', { level: 1, name: /Analytics/ }).waitFor();
    expect(await invitee.getByRole('alert').count()).toBe(0);

    const token = await eventually(async () => {
      const login = await stack.api.app.inject({ method: 'POST', url: '/api/v1/customer/login', payload: { email: INVITEE.email, password: INVITEE.password } });
      return login.json<{ access_token?: string }>().access_token;
    }, (t) => t !== undefined);
    const asInvitee = (url: string) => stack.api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect((await asInvitee(`/api/v1/customer/sites/${siteId}/domain`)).statusCode).toBe(403);
    expect((await asInvitee(`/api/v1/customer/sites/${siteId}/payments`)).statusCode).toBe(403);
    expect((await asInvitee(`/api/v1/subscriptions/status?site_id=${siteId}`)).statusCode).toBe(403);
    expect((await asInvitee(`/api/v1/customer/sites/${siteId}/analytics`)).statusCode).toBe(200);
    await invitee.goto(`${base}/account/domain?site_id=${siteId}`);
    await invitee.getByRole('alert').getByText(/Only the site’s owner can/).waitFor();

    await owner.reload();
    const current = owner.getByRole('region', { name: 'Collaborators', exact: true });
    await current.getByText(`(${INVITEE.email})`, { exact: false }).waitFor();
    await current.getByRole('button', { name: `Remove ${INVITEE.name}` }).click();
    await owner.getByRole('status').getByText(`${INVITEE.name} no longer collaborates on this site.`).waitFor();
    expect((await asInvitee(`/api/v1/customer/sites/${siteId}/analytics`)).statusCode).toBe(403);
    await owner.context().close();
    await invitee.context().close();
  });
});

describe('privacy requests', () => {
  it('the owner downloads and reads the export, asks for deletion, undoes it, asks again and the account is erased', async () => {
    const page = await ownerPage();
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Privacy' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^webmagic-data-\d{4}-\d{2}-\d{2}\.zip$/);
    const files = unzipSync(new Uint8Array(await readFile((await download.path()))));
    expect(strFromU8(files['README.txt']!)).toContain('profile.json');
    expect(JSON.parse(strFromU8(files['profile.json']!))).toMatchObject({ email: OWNER.email });
    expect(JSON.parse(strFromU8(files['payments.json']!))).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'purchase' }), expect.objectContaining({ kind: 'subscription' })]));
    expect(JSON.parse(strFromU8(files['sites.json']!))).toEqual([expect.objectContaining({ slug: 'plumber-joe', role: 'owner' })]);
    await expectAccessible(page, 'privacy page');
    await shoot(page, 'privacy');

    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByText('Your account is scheduled for deletion on').waitFor();
    await shoot(page, 'privacy-pending');
    const scheduled = await eventually(async () => latest('erasure_scheduled'), (m) => m !== undefined);
    const [undoLink] = emailLinks(scheduled!.HtmlBody ?? '');
    expect(undoLink).toBe(`${base}/account/privacy`);
    await page.goto(undoLink!);
    await page.getByRole('button', { name: 'Undo the deletion' }).click();
    await page.getByRole('status').getByText('The deletion is undone').waitFor();

    await page.reload();
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('button', { name: 'Undo the deletion' }).waitFor();
    const owner = await stack.api.orm.em.fork().findOneOrFail(CustomerUser, { email: OWNER.email });
    const request = await eventually(() => stack.api.orm.em.fork().findOne(ErasureRequest, { customer: owner.id, status: 'pending' }), (r) => r !== null);
    await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(ErasureRequest, request!.id)).status, (s) => s === 'completed', 90_000);

    expect(latest('erasure_completed')?.To).toBe(OWNER.email);
    expect((await billingRows(stack, siteId)).subscription.status).toBe('cancelled');
    const erased = await stack.api.orm.em.fork().findOneOrFail(CustomerUser, owner.id);
    expect(erased).toMatchObject({ isActive: false, fullName: request!.pseudonym });
    expect(await stack.api.orm.em.fork().count(Payment, { customer: owner.id })).toBe(2);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.context().close();
  });

  it('an admin erases a site visitor from the console', async () => {
    const em = stack.api.orm.em.fork();
    em.create(Booking, { site: await em.findOneOrFail(Site, siteId), kind: 'contact', name: 'Luis Visitante', email: 'luis.visitante@example.com', message: 'Call me' });
    await em.flush();
    const page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signInOperator(page, base, OPERATOR);
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { level: 1, name: 'Privacy requests' }).waitFor();
    await page.getByLabel('Visitor’s email address').fill('luis.visitante@example.com');
    await page.getByLabel('Reason (how they asked)').fill('Asked by email on 6 December');
    await page.getByRole('button', { name: 'Erase this visitor’s data' }).click();
    await page.getByRole('status').getByText(/The erasure runs now/).waitFor();
    await eventually(async () => {
      await page.reload();
      return page.getByRole('region', { name: 'Visitor erasures' }).getByText('Completed').count();
    }, (n) => n === 1, 30_000);
    expect(await stack.api.orm.em.fork().count(Booking, { email: 'luis.visitante@example.com' })).toBe(0);
    await expectAccessible(page, 'console privacy page');
    await shoot(page, 'console-privacy');
    await page.context().close();
  });
});
