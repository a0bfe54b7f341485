import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerUser, EditRequest, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { hashPassword } from '../../lib/auth/passwords.js';
import { expectAccessible, launchBrowser, signInOperator, signInOwner } from '../helpers/browser.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let browser: Browser;
let base: string;
let dataDir: string;
let siteId: string;
let ownerToken: string;
const OWNER = { email: 'joe.photos@example.com', password: 'Photos-owner-2026' };
const OPERATOR = { email: 'photos.agent@webmagic.test', name: 'Pat Photos', password: 'Operator-pass-2026', role: 'agent' as const };
const UUID = '[0-9a-f-]{36}';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'webmagic-photos-ui-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  stack = await startTestStack({ PORT: String(port), PUBLIC_BASE_URL: base, DATA_DIR: dataDir });
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  await seedOperator(stack.api.orm.em.fork(), OPERATOR);
  ownerToken = (await signedInOwner(stack.api, OWNER.email, ['plumber-joe'])).token;
  const em = stack.api.orm.em.fork();
  (await em.findOneOrFail(CustomerUser, { email: OWNER.email })).passwordHash = await hashPassword(OWNER.password);
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  Object.assign(site, { status: 'active', subscriptionStatus: 'active' });
  await em.flush();
  siteId = site.id;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const jpeg = () => sharp({ create: { width: 800, height: 500, channels: 3, background: '#2a6f97' } }).jpeg().toBuffer();

async function newPage(): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage();
}

describe('photos in the portal and the console', () => {
  it('an owner uploads a hero photo in the Photos panel, sees the readable refusal of an SVG, and places it as the hero', async () => {
    const page = await newPage();
    await signInOwner(page, base, OWNER);
    await page.goto(`${base}/account/edits?site_id=${siteId}`);
    const panel = page.getByRole('region', { name: 'Photos' });

    await panel.getByLabel('Photo file').setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') });
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel.getByRole('alert').filter({ hasText: 'SVG and other markup files are not accepted' }).waitFor();
    expect(await panel.getByLabel('Photo file').getAttribute('aria-invalid')).toBe('true');

    await panel.getByLabel('What is it?').selectOption('hero');
    await panel.getByLabel('Photo file').setInputFiles({ name: 'van.jpg', mimeType: 'image/jpeg', buffer: await jpeg() });
    await panel.getByLabel(/What the photo shows/).fill('Our van outside the shop');
    await panel.getByRole('button', { name: 'Upload' }).click();
    await panel.getByText('Uploaded van.jpg').waitFor();
    const thumbnail = panel.getByRole('img', { name: 'Our van outside the shop' });
    await thumbnail.waitFor();
    const src = await thumbnail.getAttribute('src');
    expect(src).toMatch(new RegExp(`^/_wm/photos/${UUID}/320\\.jpg$`));
    expect((await fetch(`${base}${src ?? ''}`)).headers.get('content-type')).toBe('image/jpeg');
    await expectAccessible(page, 'the Photos panel');

    await panel.getByRole('button', { name: 'Use as hero image: Our van outside the shop' }).click();
    await page.waitForURL(new RegExp(`/account/edits/${UUID}\\?site_id=${siteId}$`), { timeout: 30_000 });
    const editId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const edit = await stack.api.orm.em.fork().findOneOrFail(EditRequest, { id: editId });
    expect(edit.changes).toMatchObject([{ op: 'set_photo', slot: 'hero' }]);
    await page.context().close();
  }, 120_000);

  it('an owner attaches a photo on the ticket page, and an agent places it as the hero and gets the change request link', async () => {
    const ticket = await stack.api.app.inject({
      method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${ownerToken}` },
      payload: { subject: 'A photo for the top', description: 'I attached a photo of our van, thanks.' },
    });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const ticketId = ticket.json<{ id: string }>().id;
    const owner = await newPage();
    await signInOwner(owner, base, OWNER);
    await owner.goto(`${base}/account/support/${ticketId}`);
    const attach = owner.getByRole('region', { name: 'Send a photo' });
    await attach.getByLabel('Photo file').setInputFiles({ name: 'van.jpg', mimeType: 'image/jpeg', buffer: await jpeg() });
    await attach.getByLabel('What the photo shows').fill('The van, side view');
    await attach.getByRole('button', { name: 'Send photo' }).click();
    await attach.getByText('van.jpg is attached to your request.').waitFor();
    await owner.getByRole('region', { name: 'Photos you sent' }).getByRole('img', { name: 'The van, side view' }).waitFor();
    await owner.context().close();

    const page = await newPage();
    await signInOperator(page, base, OPERATOR);
    await page.goto(`${base}/console/tickets/${ticketId}`);
    const photos = page.getByRole('region', { name: 'Attached photos' });
    await photos.getByRole('img', { name: 'The van, side view' }).waitFor();
    await photos.getByLabel('Place on site as').selectOption('hero');
    await photos.getByRole('button', { name: 'Place on site' }).click();
    const link = photos.getByRole('link', { name: 'open the change request' });
    await link.waitFor({ timeout: 30_000 });
    const editId = /\/console\/edit-requests\/([0-9a-f-]{36})$/.exec((await link.getAttribute('href')) ?? '')?.[1];
    expect(editId).toBeTruthy();
    const edit = await stack.api.orm.em.fork().findOneOrFail(EditRequest, { id: editId ?? '' }, { populate: ['ticket'] });
    expect(edit.ticket?.id).toBe(ticketId);
    expect(edit.changes).toMatchObject([{ op: 'set_photo', slot: 'hero' }]);
    await page.context().close();
  }, 120_000);
});
