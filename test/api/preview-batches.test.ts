import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { EmailSuppression, Photo, PreviewBatchPhoto, PreviewListing, Site, SiteVersion } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { unsubscribeToken } from '../../lib/outreach-token.js';
import { createMailer } from '../../lib/postmark/mailer.js';
import { webhookAuthorization } from '../../lib/postmark/webhooks.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { embellishedNames, failingNames } from '../helpers/preview-generator.js';
import { recordHistory } from '../helpers/record-history.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
const ADMIN = { authorization: 'Bearer dev-admin-token' };

beforeAll(async () => {
  stack = await startTestStack({ PREVIEW_BATCH_CONCURRENCY: '3', PREVIEW_GENERATION_RATE: '50', PREVIEW_BATCH_CONTINUE_EVERY: '4' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  failingNames.clear();
  embellishedNames.clear();
});

interface Report { batch_id: string | null; workflow_id: string | null; accepted: number; duplicates: number; refused: number; unused_photos: string[]; rows: { row: number; outcome: string; name: string | null; position: number | null; field: string | null; reason: string | null }[] }
interface Batch { id: string; status: string; accepted: number; counts: { done: number; failed: number; held: number; pending: number; cancelled: number }; problems: { position: number; name: string; status: string; reason: string }[]; sites: { slug: string; name: string }[] }

function call(method: 'GET' | 'POST', url: string, payload?: object | string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return stack.api.app.inject({ method, url, headers: { ...ADMIN, ...headers }, ...(payload === undefined ? {} : { payload }) });
}

const listing = (n: number, extra: Record<string, unknown> = {}) => ({ name: `Business ${n}`, category: 'Plumber', address: `${n} Main St`, city: 'Antigua', phone: `+502 5555-${String(1000 + n)}`, ...extra });
const batch = async (id: string) => (await call('GET', `/api/v1/admin/preview-batches/${id}`)).json<Batch>();
const settled = (id: string) => eventually(() => batch(id), (b) => b.status !== 'running' && b.counts.pending === 0, 60_000);

describe('preview batches', () => {
  it('reports every row: accepted, duplicate of a business or an earlier row, or refused with its reason', async () => {
    const response = await call('POST', '/api/v1/admin/preview-batches', {
      name: 'Report check',
      listings: [
        listing(1),
        { ...listing(2), phone: '+1 (512) 555-0187' },
        { ...listing(3), name: 'Plumber Joe’s', address: '88 Riverside Dr', city: 'Austin' },
        { ...listing(4), phone: '502-5555-1001' },
        { ...listing(5), phone: undefined },
        { ...listing(6), email: 'nope' },
        { ...listing(7), name: 'Business 1', address: '1 main st.' },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json<Report>();
    expect(report).toMatchObject({ accepted: 1, duplicates: 4, refused: 2, workflow_id: workflowIds.previewBatch(report.batch_id ?? '') });
    expect(report.rows.map((r) => [r.row, r.outcome, r.field])).toEqual([
      [1, 'accepted', null], [2, 'duplicate', null], [3, 'duplicate', null], [4, 'duplicate', null], [5, 'refused', 'phone'], [6, 'refused', 'email'], [7, 'duplicate', null],
    ]);
    expect(report.rows[1]!.reason).toBe('A business with the phone number +1 (512) 555-0187 already exists.');
    expect(report.rows[2]!.reason).toContain('already exists');
    expect(report.rows[3]!.reason).toBe('The same business as row 1 (same phone number).');
    expect(report.rows[4]!.reason).toBe('The phone number is missing.');
    expect(report.rows[6]!.reason).toBe('The same business as row 1 (same name and address).');
    // A later import finds the listing waiting in this batch.
    const again = (await call('POST', '/api/v1/admin/preview-batches', { name: 'Again', listings: [listing(1)] })).json<Report>();
    expect(again).toMatchObject({ batch_id: null, accepted: 0, duplicates: 1 });
  });

  it('takes CSV, and refuses a CSV whose header lacks a required column, saying which', async () => {
    const csv = 'name,category,address,city,phone,services\nCasa Verde,Gardener,2 Av,Antigua,5555 3001,Lawns|Hedges\nBad,Gardener,3 Av,Antigua,,\n';
    const response = await call('POST', '/api/v1/admin/preview-batches/import.csv?name=CSV%20batch', csv, { 'content-type': 'text/csv' });
    expect(response.statusCode).toBe(201);
    expect(response.json<Report>().rows.map((r) => [r.row, r.outcome, r.reason])).toEqual([[2, 'accepted', null], [3, 'refused', 'The phone number is missing.']]);
    const bad = await call('POST', '/api/v1/admin/preview-batches/import.csv?name=x', 'name,city\nA,B\n', { 'content-type': 'text/csv' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'invalid_csv', message: 'The CSV header lacks the columns category, address, phone.' });
  });

  it('takes photos with the listings: the first a listing names is its hero, the rest its gallery, in every size on the page', async () => {
    const jpeg = async (background: string) => (await sharp({ create: { width: 1200, height: 800, channels: 3, background } }).jpeg().toBuffer()).toString('base64');
    const photos = [
      { name: 'front.jpg', data: await jpeg('#2a6f97') }, { name: 'van.jpg', data: await jpeg('#a33b20') }, { name: 'team.jpg', data: await jpeg('#3a7d44') },
      { name: 'garden.jpg', data: await jpeg('#6b8e23') },
      { name: 'logo.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64') },
      { name: 'spare.jpg', data: await jpeg('#555555') },
    ];
    const csv = [
      'name,category,address,city,phone,photos',
      'Casa Verde,Gardener,2 Av,Antigua,5555 3001,front.jpg|team.jpg|garden.jpg',
      'Taller Rojo,Mechanic,3 Av,Antigua,5555 3002,van.jpg',
      'Pan Caliente,Bakery,6 Av,Antigua,5555 3005,',
      'Vidrios Sol,Glazier,4 Av,Antigua,5555 3003,logo.svg',
      'Pan Dulce,Bakery,5 Av,Antigua,5555 3004,missing.jpg',
    ].join('\n');
    // Taller Rojo's generation fails: its photo is kept for a retry.
    failingNames.add('Taller Rojo');
    const response = await call('POST', '/api/v1/admin/preview-batches', { name: 'With photos', csv, photos });
    expect(response.statusCode, response.body).toBe(201);
    const report = response.json<Report>();
    expect(report.rows.map((r) => [r.row, r.outcome, r.field])).toEqual([[2, 'accepted', null], [3, 'accepted', null], [4, 'accepted', null], [5, 'refused', 'photos'], [6, 'refused', 'photos']]);
    expect(report.rows[3]!.reason).toMatch(/^The photo "logo\.svg" cannot be used: SVG and other markup files are not accepted/);
    expect(report.rows[4]!.reason).toBe('The photo "missing.jpg" was not uploaded with the batch; upload it with the listings, or leave it out.');
    expect(report.unused_photos).toEqual(['spare.jpg']);

    const done = await settled(report.batch_id!);
    expect(done.counts).toMatchObject({ done: 2, failed: 1, held: 0 });
    const em = stack.api.orm.em.fork();
    const site = await em.findOneOrFail(Site, { title: 'Casa Verde' }, { populate: ['currentVersion'] });
    const placed = await em.find(Photo, { site }, { orderBy: { kind: 'desc' } });
    expect(placed.map((p) => [p.kind, p.width, p.height])).toEqual([['hero', 1200, 800], ['gallery', 1200, 800], ['gallery', 1200, 800]]);
    const content = (await em.findOneOrFail(SiteVersion, site.currentVersion!.id)).content;
    const hero = placed.find((p) => p.kind === 'hero')!;
    expect(content.photos?.hero).toBe(hero.id);
    expect(content.photos?.gallery).toHaveLength(2);
    const page = await stack.api.app.inject({ url: `/sites/${site.slug}` });
    expect(page.body).toContain(`/_wm/photos/${hero.id}/1024.avif`);
    for (const id of content.photos!.gallery!) expect(page.body).toContain(`/_wm/photos/${id}/`);
    const image = await stack.api.app.inject({ url: `/_wm/photos/${hero.id}/640.jpg` });
    expect(image.statusCode).toBe(200);
    expect(await sharp(image.rawPayload).metadata()).toMatchObject({ format: 'jpeg', width: 640 });
    expect(await em.count(Photo, { site: { title: 'Pan Caliente' } })).toBe(0);
    // The batch settled: the originals are deleted from the store, but for the one the failed listing names.
    const files = async () => (await em.fork().find(PreviewBatchPhoto, { batch: report.batch_id! }, { orderBy: { name: 'asc' } })).map((f) => ({ name: f.name, deleted: f.deletedAt !== null, key: f.storageKey }));
    expect((await files()).map((f) => [f.name, f.deleted])).toEqual([['front.jpg', true], ['garden.jpg', true], ['team.jpg', true], ['van.jpg', false]]);
    for (const f of await files()) expect(await stack.api.app.photos.exists(f.key)).toBe(!f.deleted);

    failingNames.delete('Taller Rojo');
    const position = report.rows[1]!.position!;
    expect((await call('POST', `/api/v1/admin/preview-batches/${report.batch_id}/listings/${position}/retry`)).statusCode).toBe(200);
    await eventually(() => batch(report.batch_id!), (b) => b.counts.done === 3 && b.status !== 'running', 60_000);
    expect(await em.fork().count(Photo, { site: { title: 'Taller Rojo' }, kind: 'hero' })).toBe(1);
    expect(await eventually(files, (all) => all.every((f) => f.deleted))).toHaveLength(4);
    await recordHistory(stack.api.temporal.workflow.getHandle(workflowIds.previewBatch(report.batch_id!)), 'preview-batch-photos');
  });

  it('refuses an import with two files of one name, with listings given twice, or with a file that is not base64, and stores nothing', async () => {
    const data = (await sharp({ create: { width: 20, height: 20, channels: 3, background: '#000000' } }).jpeg().toBuffer()).toString('base64');
    const twice = await call('POST', '/api/v1/admin/preview-batches', { name: 'x', listings: [listing(1, { photos: ['a.jpg'] })], photos: [{ name: 'a.jpg', data }, { name: 'a.jpg', data }] });
    expect([twice.statusCode, twice.json<{ error: string }>().error]).toEqual([400, 'duplicate_photo_name']);
    const both = await call('POST', '/api/v1/admin/preview-batches', { name: 'x', listings: [listing(1)], csv: 'name\n' });
    expect([both.statusCode, both.json<{ error: string }>().error]).toEqual([400, 'listings_missing']);
    const notBase64 = await call('POST', '/api/v1/admin/preview-batches', { name: 'x', listings: [listing(1)], photos: [{ name: 'a.jpg', data: 'not base64!' }] });
    expect([notBase64.statusCode, notBase64.json<{ message: string }>().message]).toEqual([400, expect.stringContaining('"a.jpg" is not base64')]);
    expect(await stack.api.orm.em.fork().count(PreviewListing)).toBe(0);
  });

  it('generates every listing once, holds what the gate refuses, records failures, and retries one', async () => {
    failingNames.add('Business 3');
    // The generator writes an award into this one's about text, as an embellishing model would; the real gate holds it.
    embellishedNames.add('Antigua Pipes');
    const listings = [listing(1), listing(2), listing(3), { ...listing(4), name: 'Antigua Pipes' }, listing(5), { ...listing(6), name: 'Business 1', address: 'Elsewhere 9', city: 'Mixco' }, listing(7), listing(8), listing(9)];
    const report = (await call('POST', '/api/v1/admin/preview-batches', { name: 'Main batch', listings })).json<Report>();
    expect(report.accepted).toBe(9);
    const done = await settled(report.batch_id!);
    expect(done).toMatchObject({ status: 'completed', counts: { done: 7, failed: 1, held: 1, pending: 0, cancelled: 0 } });
    expect(done.problems).toEqual([
      { position: 3, row: 3, name: 'Business 3', city: 'Antigua', status: 'failed', reason: 'The content generator did not answer for Business 3.', attempts: 3 },
      { position: 4, row: 4, name: 'Antigua Pipes', city: 'Antigua', status: 'held', reason: expect.stringMatching(/award/i) as string, attempts: 1 },
    ]);
    // Same name, other business (in another town): a unique slug with its town; the held listing has no site.
    expect(done.sites.map((s) => s.slug).sort()).toEqual(['business-1', 'business-1-mixco', 'business-2', 'business-5', 'business-7', 'business-8', 'business-9']);
    const em = stack.api.orm.em.fork();
    expect(await em.count(Site, { title: 'Antigua Pipes' })).toBe(0);
    const queue = (await call('GET', '/api/v1/admin/work-queue')).json<{ items: { kind: string; title: string; url: string }[] }>();
    expect(queue.items.filter((i) => i.kind === 'preview_held')).toEqual([expect.objectContaining({ title: 'Antigua Pipes, Antigua', url: `/console/batches/${report.batch_id}#listing-4` })]);

    expect((await call('POST', `/api/v1/admin/preview-batches/${report.batch_id}/listings/4/retry`)).statusCode).toBe(409);
    failingNames.delete('Business 3');
    expect((await call('POST', `/api/v1/admin/preview-batches/${report.batch_id}/listings/3/retry`)).statusCode).toBe(200);
    const retried = await eventually(() => batch(report.batch_id!), (b) => b.counts.done === 8, 60_000);
    expect(retried.problems.map((p) => p.status)).toEqual(['held']);
    expect(await em.count(Site, { title: { $like: 'Business %' } })).toBe(8);
    expect(await em.count(PreviewListing, { site: { $ne: null } })).toBe(8);
    await recordHistory(stack.api.temporal.workflow.getHandle(workflowIds.previewBatch(report.batch_id!)), 'preview-batch-retried');
  });

  it('cancels a batch: previews made stay, the rest are cancelled', async () => {
    await stack.restartWorker();
    const listings = Array.from({ length: 40 }, (_, i) => listing(100 + i));
    const report = (await call('POST', '/api/v1/admin/preview-batches', { name: 'Cancelled batch', listings })).json<Report>();
    await eventually(() => batch(report.batch_id!), (b) => b.counts.done >= 1, 60_000);
    const cancelled = await call('POST', `/api/v1/admin/preview-batches/${report.batch_id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    const final = await settled(report.batch_id!);
    expect(final.status).toBe('cancelled');
    expect(final.counts.done + final.counts.cancelled).toBe(40);
    expect(final.counts.cancelled).toBeGreaterThan(0);
    expect(await stack.api.orm.em.fork().count(Site, { title: { $like: 'Business 1%' } })).toBe(final.counts.done);
    expect((await call('POST', `/api/v1/admin/preview-batches/${report.batch_id}/cancel`)).statusCode).toBe(409);
    await recordHistory(stack.api.temporal.workflow.getHandle(workflowIds.previewBatch(report.batch_id!)), 'preview-batch-cancelled');
  });

  it('takes Postmark\'s bounce, complaint and subscription-change webhooks into the suppression list; wrong credentials change nothing', async () => {
    const webhook = (body: object, authorization = webhookAuthorization(stack.config.postmark.webhookSecret)) => stack.api.app.inject({
      method: 'POST', url: '/api/v1/webhooks/postmark', headers: { authorization }, payload: body,
    });
    const suppressions = async () => (await stack.api.orm.em.fork().find(EmailSuppression, {}, { orderBy: { email: 'asc' } })).map((s) => [s.email, s.reason]);
    const hard = { RecordType: 'Bounce', Type: 'HardBounce', TypeCode: 1, Email: 'Gone@Example.com', Inactive: true, MessageStream: 'outreach', ID: 42 };
    for (const authorization of ['', webhookAuthorization('not-the-secret-at-all-0123'), 'Bearer x']) {
      const refused = await webhook(hard, authorization);
      expect([refused.statusCode, refused.json<{ error: string }>().error]).toEqual([401, 'webhook_unauthorized']);
    }
    expect(await suppressions()).toEqual([]);
    expect((await webhook(hard)).json()).toEqual({ received: true, suppressed: true });
    expect((await webhook({ RecordType: 'Bounce', Type: 'SoftBounce', Email: 'busy@example.com', Inactive: false })).json()).toEqual({ received: true, suppressed: false });
    expect((await webhook({ RecordType: 'SpamComplaint', Type: 'SpamComplaint', Email: 'angry@example.com' })).json()).toEqual({ received: true, suppressed: true });
    expect((await webhook({ RecordType: 'SubscriptionChange', Recipient: 'left@example.com', SuppressSending: true, SuppressionReason: 'ManualSuppression' })).json()).toEqual({ received: true, suppressed: true });
    expect((await webhook({ RecordType: 'Delivery', Recipient: 'fine@example.com' })).json()).toEqual({ received: true, suppressed: false });
    expect(await suppressions()).toEqual([['angry@example.com', 'spam_complaint'], ['gone@example.com', 'bounced'], ['left@example.com', 'unsubscribed']]);

    // The fake Postmark reports a bounce of a message it accepted the way Postmark does: over HTTP, with the URL's credentials.
    const mailer = createMailer({ serverToken: stack.config.postmark.serverToken, apiHost: stack.postmark.host, useHttps: false, from: stack.config.outreach.from });
    await mailer.send({ to: 'later-bounce@example.com', subject: 'Your preview', htmlBody: '<p>Hi</p>', textBody: 'Hi', messageStream: 'outreach' });
    expect(await stack.postmark.bounce('later-bounce@example.com')).toBe(200);
    expect(await suppressions()).toContainEqual(['later-bounce@example.com', 'bounced']);
  });

  it('unsubscribes in one click with a signed token, and from the page; a forged token changes nothing', async () => {
    const token = unsubscribeToken(stack.api.config.outreach.unsubscribeSecret, 'Owner@Example.com');
    const oneClick = await stack.api.app.inject({
      method: 'POST', url: `/api/v1/outreach/unsubscribe?token=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.statusCode).toBe(200);
    const em = stack.api.orm.em.fork();
    expect(await em.findOne(EmailSuppression, 'owner@example.com')).toMatchObject({ reason: 'unsubscribed' });
    const forged = `${token.split('.')[0]}.AAAA`;
    expect((await stack.api.app.inject({ method: 'POST', url: `/api/v1/outreach/unsubscribe?token=${forged}` })).statusCode).toBe(400);

    const other = unsubscribeToken(stack.api.config.outreach.unsubscribeSecret, 'second@example.com');
    const page = await stack.api.app.inject({ method: 'GET', url: `/unsubscribe?token=${encodeURIComponent(other)}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('second@example.com');
    expect(await em.count(EmailSuppression, { email: 'second@example.com' })).toBe(0);
    const confirmed = await stack.api.app.inject({ method: 'POST', url: '/unsubscribe', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(other)}` });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('You are unsubscribed');
    expect(await em.count(EmailSuppression, { email: 'second@example.com' })).toBe(1);
  });
});
