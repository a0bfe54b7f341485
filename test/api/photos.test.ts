import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditEntry, CustomerSiteOwnership, CustomerUser, Photo, Site, TicketAction } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let dataDir: string;
const ADMIN = { authorization: 'Bearer dev-admin-token' };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'webmagic-photo-api-'));
  stack = await startTestStack({ DATA_DIR: dataDir, PHOTO_MAX_BYTES: String(2 * 1024 * 1024), EDIT_REMINDER_AFTER: '1h', EDIT_EXPIRY: '2h' });
}, 120_000);
afterAll(async () => {
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
});

function call(headers: Record<string, string>, method: 'GET' | 'POST', url: string, payload?: object | Buffer, contentType?: string): Promise<LightMyRequestResponse> {
  return stack.api.app.inject({ method, url, headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) }, ...(payload ? { payload } : {}) });
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An owner of an active Plumber Joe's, signed in. */
async function activeOwner() {
  const owner = await signedInOwner(stack.api, 'joe@example.com', ['plumber-joe']);
  const em = stack.api.orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  Object.assign(site, { status: 'active', subscriptionStatus: 'active' });
  await em.flush();
  return { ...owner, siteId: site.id };
}

const photo = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#2a6f97' } }).jpeg().toBuffer();

async function upload(token: string, siteId: string, kind: string, bytes: Buffer, contentType = 'image/jpeg') {
  return call(bearer(token), 'POST', `/api/v1/customer/sites/${siteId}/photos?kind=${kind}&alt=${encodeURIComponent('Our van outside the shop')}`, bytes, contentType);
}

/** The live page once it shows `text` (the page cache hears of a publish through PostgreSQL NOTIFY, a moment later). */
async function pageShowing(text: string): Promise<string> {
  return eventually(async () => (await call({}, 'GET', '/sites/plumber-joe')).body, (body) => body.includes(text), 30_000);
}

/** Waits for the edit's preview, approves it, and waits until it is live. */
async function approve(token: string, siteId: string, editId: string): Promise<void> {
  const url = `/api/v1/customer/sites/${siteId}/edit-requests/${editId}`;
  await eventually(async () => (await call(bearer(token), 'GET', url)).json<{ status: string }>().status, (s) => s === 'awaiting_approval', 60_000);
  const approved = await call(bearer(token), 'POST', `${url}/approve`);
  expect(approved.statusCode, approved.body).toBe(200);
  expect(approved.json()).toMatchObject({ status: 'published' });
}

describe('photos in the portal', () => {
  it('uploads a hero photo, serves its variants immutably, and shows it with srcset once the edit is approved', async () => {
    const { token, siteId } = await activeOwner();
    const uploaded = await upload(token, siteId, 'hero', await photo(1800, 1200));
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const hero = uploaded.json<{ id: string; widths: number[]; url: string; width: number; height: number }>();
    expect(hero).toMatchObject({ width: 1800, height: 1200, widths: [320, 640, 1024, 1600], url: `/_wm/photos/${hero.id}/1600.jpg` });

    for (const [file, type] of [['1600.jpg', 'image/jpeg'], ['640.webp', 'image/webp'], ['320.avif', 'image/avif']] as const) {
      const served = await call({}, 'GET', `/_wm/photos/${hero.id}/${file}`);
      expect(served.statusCode).toBe(200);
      expect(served.headers['content-type']).toBe(type);
      expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    // The same photo answers on a site's own host too.
    const onCustomHost = await stack.api.app.inject({ method: 'GET', url: `/_wm/photos/${hero.id}/1024.jpg`, headers: { host: 'www.joes-plumbing.example' } });
    expect(onCustomHost.statusCode).toBe(200);
    expect((await sharp(onCustomHost.rawPayload).metadata()).width).toBe(1024);
    expect((await call({}, 'GET', `/_wm/photos/${hero.id}/800.jpg`)).statusCode).toBe(404);
    const unknown = await call({}, 'GET', '/_wm/photos/00000000-0000-4000-8000-000000000000/320.jpg');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'photo_not_found' });

    const before = await call({}, 'GET', '/sites/plumber-joe');
    expect(before.body).not.toContain(hero.id);
    const edit = await call(bearer(token), 'POST', `/api/v1/customer/sites/${siteId}/photo-edits`, { changes: [{ op: 'set_photo', slot: 'hero', photoId: hero.id }] });
    expect(edit.statusCode, edit.body).toBe(201);
    await approve(token, siteId, edit.json<{ id: string }>().id);

    const page = await pageShowing(hero.id);
    expect(page).toContain(`<source type="image/avif" srcset="/_wm/photos/${hero.id}/320.avif 320w, /_wm/photos/${hero.id}/640.avif 640w, /_wm/photos/${hero.id}/1024.avif 1024w, /_wm/photos/${hero.id}/1600.avif 1600w"`);
    expect(page).toContain(`/_wm/photos/${hero.id}/1600.webp 1600w`);
    const img = /<img [^>]*>/.exec(page.slice(page.indexOf(hero.id) - 400))?.[0] ?? '';
    expect(img).toContain(`srcset="/_wm/photos/${hero.id}/320.jpg 320w`);
    expect(img).toContain('width="1600" height="1067"');
    expect(img).toContain('fetchpriority="high"');
    expect(img).toContain('alt="Our van outside the shop"');

    // Rollback: the previous version shows no photo again.
    expect((await call(bearer(token), 'POST', `/api/v1/customer/sites/${siteId}/versions/1/publish`)).statusCode).toBe(200);
    // The page cache hears of the change through PostgreSQL NOTIFY, so the old page may answer for a moment.
    const rolledBack = await eventually(async () => (await call({}, 'GET', '/sites/plumber-joe')).body, (body) => !body.includes(hero.id), 30_000);
    expect(rolledBack).toContain('Our services');
  });

  it('lazy-loads gallery photos with their size, and refuses a photo of another site', async () => {
    const { token, siteId } = await activeOwner();
    const gallery = (await upload(token, siteId, 'gallery', await photo(500, 500))).json<{ id: string }>().id;
    const edit = await call(bearer(token), 'POST', `/api/v1/customer/sites/${siteId}/photo-edits`, { changes: [{ op: 'add_gallery_photo', photoId: gallery }] });
    expect(edit.statusCode, edit.body).toBe(201);
    await approve(token, siteId, edit.json<{ id: string }>().id);
    const page = await pageShowing(`${gallery}/320.avif`);
    const img = /<img [^>]*>/.exec(page.slice(page.indexOf(`${gallery}/320.avif`)))?.[0] ?? '';
    expect(img).toContain('width="500" height="500"');
    expect(img).toContain('loading="lazy"');
    expect(img).toContain('decoding="async"');

    const other = await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'roofer-bob' });
    const em = stack.api.orm.em.fork();
    em.create(Photo, { site: other.id, kind: 'hero', width: 10, height: 10, variants: [], alt: null });
    await em.flush();
    const foreign = await em.fork().findOneOrFail(Photo, { site: other.id });
    const refused = await call(bearer(token), 'POST', `/api/v1/customer/sites/${siteId}/photo-edits`, { changes: [{ op: 'set_photo', slot: 'logo', photoId: foreign.id }] });
    expect(refused.statusCode).toBe(404);
    expect(refused.json()).toMatchObject({ error: 'photo_not_found' });
    const again = await call(bearer(token), 'POST', `/api/v1/customer/sites/${siteId}/photo-edits`, { changes: [{ op: 'add_gallery_photo', photoId: gallery }] });
    expect(again.statusCode).toBe(409);
  });

  it('refuses SVG (also sent as a JPEG), a file over the size limit, and uploads by collaborators', async () => {
    const { token, siteId } = await activeOwner();
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    for (const type of ['image/svg+xml', 'image/jpeg']) {
      const refused = await upload(token, siteId, 'logo', svg, type);
      expect(refused.statusCode).toBe(415);
      expect(refused.json()).toMatchObject({ error: 'photo_type_refused' });
    }
    const tooLarge = await upload(token, siteId, 'hero', Buffer.concat([await photo(64, 64), Buffer.alloc(2 * 1024 * 1024)]));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json<{ message: string }>().message).toContain('at most 2 MB');
    expect(await stack.api.orm.em.fork().count(Photo, {})).toBe(0);

    const helper = await signedInOwner(stack.api, 'helper@example.com', []);
    const em = stack.api.orm.em.fork();
    em.create(CustomerSiteOwnership, { customer: await em.findOneOrFail(CustomerUser, helper.customerId), site: siteId, role: 'collaborator', acquiredAt: new Date() });
    await em.flush();
    expect((await upload(helper.token, siteId, 'hero', await photo(64, 64))).statusCode).toBe(403);
    expect((await call(bearer(helper.token), 'GET', `/api/v1/customer/sites/${siteId}/photos`)).statusCode).toBe(200);
  });
});

describe('photos on support tickets', () => {
  it('a customer attaches a photo, an agent places it as the logo, the owner approves and the site shows it', async () => {
    const { token, siteId, customerId } = await activeOwner();
    const ticket = await call(bearer(token), 'POST', '/api/v1/tickets', { subject: 'Our logo', description: 'I attached our logo, thanks.' });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const ticketId = ticket.json<{ id: string }>().id;
    const logo = await sharp({ create: { width: 400, height: 200, channels: 4, background: '#ffffff00' } }).png().toBuffer();
    const attached = await call(bearer(token), 'POST', `/api/v1/tickets/${ticketId}/photos`, logo, 'application/octet-stream');
    expect(attached.statusCode, attached.body).toBe(201);
    const photoId = attached.json<{ id: string; kind: string }>().id;
    expect(attached.json()).toMatchObject({ kind: 'ticket', ticket_id: ticketId });

    const agentView = await call(ADMIN, 'GET', `/api/v1/admin/tickets/${ticketId}`);
    expect(agentView.json<{ photos: { id: string }[] }>().photos.map((p) => p.id)).toEqual([photoId]);
    const placed = await call(ADMIN, 'POST', `/api/v1/admin/tickets/${ticketId}/photos/${photoId}/place`, { slot: 'logo' });
    expect(placed.statusCode, placed.body).toBe(201);
    const editId = placed.json<{ id: string; ticket_id: string }>().id;
    expect(placed.json()).toMatchObject({ ticket_id: ticketId });
    const unknown = await call(ADMIN, 'POST', `/api/v1/admin/tickets/${ticketId}/photos/00000000-0000-4000-8000-000000000000/place`, { slot: 'hero' });
    expect(unknown.statusCode).toBe(404);

    await approve(token, siteId, editId);
    const page = await pageShowing(photoId);
    expect(page).toContain(`<picture class="logo"><source type="image/avif" srcset="/_wm/photos/${photoId}/320.avif 320w, /_wm/photos/${photoId}/400.avif 400w"`);

    const em = stack.api.orm.em.fork();
    expect((await em.find(TicketAction, { ticket: ticketId })).map((a) => [a.action, a.detail?.includes(photoId)])).toEqual([['place_photo', true]]);
    const audit = await em.find(AuditEntry, { action: 'photo.placed' });
    expect(audit.map((a) => [a.siteId, a.customerId, a.details.photoId, a.details.slot])).toEqual([[siteId, customerId, photoId, 'logo']]);
  });
});
