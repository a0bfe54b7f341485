import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerSiteOwnership, CustomerUser, EditRequest, Site, SiteVersion } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase } from '../helpers/env.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { eventually } from '../helpers/eventually.js';

let stack: TestStack;
const ADMIN = { authorization: 'Bearer dev-admin-token' };

beforeAll(async () => {
  stack = await startTestStack({ EDIT_REMINDER_AFTER: '1h', EDIT_EXPIRY: '2h' });
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
});

function call(token: string | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object): Promise<LightMyRequestResponse> {
  return stack.api.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
}

/** An owner of an active (subscribed) Plumber Joe's, signed in. */
async function activeOwner(email = 'joe@example.com', slug = 'plumber-joe') {
  const owner = await signedInOwner(stack.api, email, [slug]);
  const em = stack.api.orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug });
  Object.assign(site, { status: 'active', subscriptionStatus: 'active' });
  await em.flush();
  return { ...owner, siteId: site.id };
}

async function addVersion(siteId: string, number: number, phone: string): Promise<void> {
  const em = stack.api.orm.em.fork();
  const site = await em.findOneOrFail(Site, siteId, { populate: ['currentVersion'] });
  const content = { ...site.currentVersion!.content, contact: { phone } };
  const version = em.create(SiteVersion, { site, versionNumber: number, content, createdBy: 'admin', publishedAt: new Date(), changeSummary: `phone ${phone}` });
  site.currentVersion = version;
  await em.flush();
}

const page = (slug: string) => stack.api.app.inject({ method: 'GET', url: `/sites/${slug}` });
const previewLink = () => /\/preview\/([A-Za-z0-9_-]{43})/.exec(stack.postmark.sent().find((m) => m.Tag === 'edit_preview_ready')?.TextBody ?? '')?.[1];

describe('versions API', () => {
  it('lists versions with the live one marked, shows content, and rolls back by changing only the live pointer', async () => {
    const { token, siteId } = await activeOwner();
    await addVersion(siteId, 2, '(555) 010-2233');
    const before = await page('plumber-joe');
    expect(before.body).toContain('(555) 010-2233');

    const list = await call(token, 'GET', `/api/v1/customer/sites/${siteId}/versions`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json<{ versions: { number: number; live: boolean }[] }>().versions.map((v) => [v.number, v.live])).toEqual([[2, true], [1, false]]);
    const one = await call(token, 'GET', `/api/v1/customer/sites/${siteId}/versions/2`);
    expect(one.json()).toMatchObject({ number: 2, content: { contact: { phone: '(555) 010-2233' } } });

    const rollback = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/versions/1/publish`);
    expect(rollback.statusCode, rollback.body).toBe(200);
    expect(rollback.json()).toMatchObject({ number: 1, live: true });
    expect(await stack.api.orm.em.fork().count(SiteVersion, { site: siteId })).toBe(2);
    const after = await page('plumber-joe');
    expect(after.body).not.toContain('(555) 010-2233');
    expect(after.body).toContain('+1 512-555-0187');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('answers 404 for an unknown site or version and 403 for someone else’s site', async () => {
    const { token } = await activeOwner();
    const other = await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'roofer-bob' });
    expect((await call(token, 'GET', `/api/v1/customer/sites/${other.id}/versions`)).statusCode).toBe(403);
    expect((await call(token, 'POST', `/api/v1/customer/sites/${other.id}/versions/1/publish`)).statusCode).toBe(403);
    expect((await call(token, 'POST', `/api/v1/customer/sites/${other.id}/edit-requests`, { request: 'change phone to 555-010-2233' })).statusCode).toBe(403);
    const missing = await call(token, 'GET', '/api/v1/customer/sites/00000000-0000-4000-8000-000000000000/versions');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'site_not_found' });
    expect((await call(null, 'GET', `/api/v1/customer/sites/${other.id}/versions`)).statusCode).toBe(401);
  });

  it('lets collaborators read but not publish or ask for edits', async () => {
    const { siteId } = await activeOwner();
    await addVersion(siteId, 2, '(555) 010-2233');
    const collaborator = await signedInOwner(stack.api, 'helper@example.com', []);
    const em = stack.api.orm.em.fork();
    em.create(CustomerSiteOwnership, { customer: await em.findOneOrFail(CustomerUser, collaborator.customerId), site: siteId, role: 'collaborator', acquiredAt: new Date() });
    await em.flush();
    expect((await call(collaborator.token, 'GET', `/api/v1/customer/sites/${siteId}/versions`)).statusCode).toBe(200);
    const publish = await call(collaborator.token, 'POST', `/api/v1/customer/sites/${siteId}/versions/1/publish`);
    expect(publish.statusCode).toBe(403);
    expect(publish.json()).toMatchObject({ error: 'owner_only' });
    expect((await call(collaborator.token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests`, { request: 'change the phone to 555-010-2233' })).statusCode).toBe(403);
    expect((await stack.api.orm.em.fork().findOneOrFail(Site, siteId, { populate: ['currentVersion'] })).currentVersion!.versionNumber).toBe(2);
  });

  it('refuses edits on a site without an active subscription with 402 subscription_inactive', async () => {
    const { token, siteId } = await signedInOwner(stack.api, 'unpaid@example.com', ['plumber-joe']).then(async (o) => ({ ...o, siteId: (await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' })).id }));
    const res = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests`, { request: 'please change our phone number to (555) 010-2233' });
    expect(res.statusCode).toBe(402);
    expect(res.json()).toMatchObject({ error: 'subscription_inactive' });
    expect(await stack.api.orm.em.fork().count(EditRequest, {})).toBe(0);
  });
});

describe('edit requests API', () => {
  it('drafts, serves the private preview only with its token, publishes on approval and answers 409 to a second approve', async () => {
    const { token, siteId } = await activeOwner();
    const created = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests`, { request: 'Change the headline to "Plumbing done right"' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const url = `/api/v1/customer/sites/${siteId}/edit-requests/${id}`;
    await eventually(async () => (await call(token, 'GET', url)).json<{ status: string }>().status, (s) => s === 'awaiting_approval');
    const token43 = (await eventually(async () => previewLink(), (t) => t !== undefined))!;

    const preview = await stack.api.app.inject({ method: 'GET', url: `/preview/${token43}` });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Plumbing done right');
    expect(preview.headers['cache-control']).toBe('no-store');
    expect(preview.headers['x-robots-tag']).toContain('noindex');
    expect(preview.body).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(preview.body).toContain('Preview of your requested change');
    expect(preview.body).toContain(`href="${stack.api.config.publicBaseUrl}/account/edits/${id}?site_id=${siteId}">Back to your request</a>`);
    expect((await page('plumber-joe')).body).not.toContain('noindex');
    const tampered = `${token43.slice(0, -1)}${token43.endsWith('A') ? 'B' : 'A'}`;
    expect((await stack.api.app.inject({ method: 'GET', url: `/preview/${tampered}` })).statusCode).toBe(404);
    expect((await page('plumber-joe')).body).not.toContain('Plumbing done right');

    const list = await call(token, 'GET', `/api/v1/customer/sites/${siteId}/edit-requests`);
    expect(list.json<{ edit_requests: { id: string; preview_version: number }[] }>().edit_requests).toMatchObject([{ id, preview_version: 2 }]);
    // The owner's portal gets the same private link the email carries, while the draft awaits approval.
    expect((await call(token, 'GET', url)).json<{ preview_url: string }>().preview_url).toBe(`${stack.api.config.publicBaseUrl}/preview/${token43}`);

    const approved = await call(token, 'POST', `${url}/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'published', version_number: 2 });
    expect((await page('plumber-joe')).body).toContain('Plumbing done right');
    expect((await stack.api.app.inject({ method: 'GET', url: `/preview/${token43}` })).statusCode).toBe(404);

    const again = await call(token, 'POST', `${url}/approve`);
    expect(again.statusCode).toBe(409);
    const reject = await call(token, 'POST', `${url}/reject`, { reason: 'too late' });
    expect(reject.statusCode).toBe(409);
    expect(reject.json()).toMatchObject({ error: 'edit_request_not_open' });
    expect((await call(token, 'GET', url)).json()).toMatchObject({ status: 'published', decision: 'approved', preview_url: null, live_version: 2, rolled_back: false });

    // Putting version 1 live again rolls this change back, and the request says so.
    expect((await call(token, 'POST', `/api/v1/customer/sites/${siteId}/versions/1/publish`)).statusCode).toBe(200);
    expect((await call(token, 'GET', url)).json()).toMatchObject({ status: 'published', live_version: 1, rolled_back: true });
    expect((await call(token, 'GET', `/api/v1/customer/sites/${siteId}/edit-requests`)).json()).toMatchObject({ edit_requests: [{ id, rolled_back: true }] });
  });

  it('stops serving the preview once the request expires', async () => {
    const { token, siteId } = await activeOwner();
    const created = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests`, { request: 'Make the buttons purple' });
    const id = created.json<{ id: string }>().id;
    const link = (await eventually(async () => previewLink(), (t) => t !== undefined))!;
    expect((await stack.api.app.inject({ method: 'GET', url: `/preview/${link}` })).statusCode).toBe(200);
    await stack.api.orm.em.fork().nativeUpdate(EditRequest, { id }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await stack.api.app.inject({ method: 'GET', url: `/preview/${link}` })).statusCode).toBe(404);
  });

  it('lets an agent draft by hand what the editor did not understand, then follows the same approval path', async () => {
    const { token, siteId } = await activeOwner();
    const created = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests`, { request: 'Please add a banner saying we are hiring' });
    const id = created.json<{ id: string }>().id;
    const queue = await eventually(async () => (await stack.api.app.inject({ method: 'GET', url: '/api/v1/admin/edit-requests', headers: ADMIN })).json<{ edit_requests: { id: string }[] }>(), (q) => q.edit_requests.length === 1);
    expect(queue.edit_requests[0]?.id).toBe(id);

    const live = (await stack.api.orm.em.fork().findOneOrFail(Site, siteId, { populate: ['currentVersion'] })).currentVersion!.content;
    const bad = await stack.api.app.inject({ method: 'PUT', url: `/api/v1/admin/edit-requests/${id}/draft`, headers: ADMIN, payload: { content: { ...live, theme: { primaryColor: 'red', accentColor: '#000000' } }, summary: 'x' } });
    expect(bad.statusCode).toBe(400);
    const drafted = await stack.api.app.inject({ method: 'PUT', url: `/api/v1/admin/edit-requests/${id}/draft`, headers: ADMIN, payload: { content: { ...live, tagline: 'We are hiring plumbers!' }, summary: 'Hiring tagline' } });
    expect(drafted.statusCode, drafted.body).toBe(200);
    expect(drafted.json()).toMatchObject({ status: 'awaiting_approval', version_number: 2 });
    expect(await stack.api.orm.em.fork().findOneOrFail(SiteVersion, { site: siteId, versionNumber: 2 })).toMatchObject({ createdBy: 'admin', publishedAt: null });
    const approved = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests/${id}/approve`);
    expect(approved.json()).toMatchObject({ status: 'published' });
    expect((await page('plumber-joe')).body).toContain('We are hiring plumbers!');
  });
});

describe('template and theme changes', () => {
  it('drafts the design an owner picks, previews it privately, publishes it on approval and rolls it back', async () => {
    const { token, siteId } = await activeOwner();
    expect((await page('plumber-joe')).body).toContain('data-template="classic"');
    const refused = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/design-requests`, { template: 'bold', primary_color: '#93c5fd' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'theme_contrast', field: 'primary_color' });
    expect(refused.json<{ message: string }>().message).toMatch(/^The primary colour #93c5fd is too light/);
    const same = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/design-requests`, { template: 'classic' });
    expect(same.json()).toMatchObject({ code: 'no_change' });
    expect(await stack.api.orm.em.fork().count(EditRequest, {})).toBe(0);

    const created = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/design-requests`, { template: 'bold', radius: 'round', accent_color: '#1D4ED8' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const url = `/api/v1/customer/sites/${siteId}/edit-requests/${id}`;
    await eventually(async () => (await call(token, 'GET', url)).json<{ status: string }>().status, (s) => s === 'awaiting_approval');
    const link = (await eventually(async () => previewLink(), (t) => t !== undefined))!;
    const preview = await stack.api.app.inject({ method: 'GET', url: `/preview/${link}` });
    expect(preview.body).toContain('data-template="bold"');
    expect(preview.body).toContain('--accent:#1d4ed8');
    expect(preview.body).toContain('--rb:999px');
    expect((await page('plumber-joe')).body).toContain('data-template="classic"');

    expect((await call(token, 'POST', `${url}/approve`)).json()).toMatchObject({ status: 'published', version_number: 2 });
    expect((await page('plumber-joe')).body).toContain('data-template="bold"');
    expect((await call(token, 'GET', `/api/v1/customer/sites/${siteId}/versions/2`)).json()).toMatchObject({ summary: 'Template → bold; corners → round; accent colour → #1d4ed8' });
    expect((await call(token, 'POST', `/api/v1/customer/sites/${siteId}/versions/1/publish`)).statusCode).toBe(200);
    expect((await page('plumber-joe')).body).toContain('data-template="classic"');
  });

  it('reads "use the fresh template" in a written request, and hands a drafted colour that fails the contrast rule to an agent', async () => {
    const { token, siteId } = await activeOwner();
    const created = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests`, { request: 'Please use the fresh template and make the corners square' });
    const url = `/api/v1/customer/sites/${siteId}/edit-requests/${created.json<{ id: string }>().id}`;
    await eventually(async () => (await call(token, 'GET', url)).json<{ status: string }>().status, (s) => s === 'awaiting_approval');
    expect((await call(token, 'POST', `${url}/approve`)).json()).toMatchObject({ status: 'published' });
    const live = await page('plumber-joe');
    expect(live.body).toContain('data-template="fresh"');
    expect(live.body).toContain('--r:2px');

    const sky = await call(token, 'POST', `/api/v1/customer/sites/${siteId}/edit-requests`, { request: 'Make the header sky blue' });
    const skyUrl = `/api/v1/customer/sites/${siteId}/edit-requests/${sky.json<{ id: string }>().id}`;
    const edit = await eventually(async () => (await stack.api.orm.em.fork().findOneOrFail(EditRequest, sky.json<{ id: string }>().id)), (e) => e.status === 'needs_agent');
    expect(edit.previewVersion).toBeNull();
    expect((await call(token, 'GET', skyUrl)).json()).toMatchObject({ status: 'needs_agent' });
    const [agentQueue] = (await stack.api.app.inject({ method: 'GET', url: '/api/v1/admin/edit-requests', headers: ADMIN })).json<{ edit_requests: { id: string }[] }>().edit_requests;
    expect(agentQueue?.id).toBe(edit.id);
    const current = (await stack.api.orm.em.fork().findOneOrFail(Site, siteId, { populate: ['currentVersion'] })).currentVersion!.content;
    const draft = await stack.api.app.inject({ method: 'PUT', url: `/api/v1/admin/edit-requests/${edit.id}/draft`, headers: ADMIN, payload: { content: { ...current, theme: { ...current.theme, primaryColor: '#0ea5e9' } }, summary: 'Sky blue' } });
    expect(draft.statusCode).toBe(400);
    expect(draft.json()).toMatchObject({ code: 'theme_contrast', field: 'content.theme.primaryColor' });
  });
});

describe('admin preview sites', () => {
  const site = (slug: string) => ({
    slug, title: 'Ana’s Salon', business: { name: 'Ana’s Salon', category: 'salon', phone: '+1 555 010 9999' },
    content: { headline: 'Cuts and colour', tagline: 'Walk-ins welcome', about: 'A neighbourhood salon.', services: ['Cuts', 'Colour'], callToAction: 'Book now', theme: { primaryColor: '#7c3aed', accentColor: '#db2777' } },
  });

  it('creates one preview site that the hosting route shows, and refuses a taken slug', async () => {
    const res = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: ADMIN, payload: site('ana-salon') });
    expect(res.statusCode, res.body).toBe(201);
    expect((await page('ana-salon')).body).toContain('Cuts and colour');
    expect((await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: ADMIN, payload: site('ana-salon') })).statusCode).toBe(409);
    expect((await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites', payload: site('other') })).statusCode).toBe(401);
  });

  it('imports JSON and CSV row by row and reports the rows it refused', async () => {
    const json = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites/import', headers: ADMIN, payload: { sites: [site('one-salon'), { ...site('bad-colour'), content: { ...site('x').content, theme: { primaryColor: 'red', accentColor: '#000000' } } }, site('plumber-joe')] } });
    expect(json.statusCode, json.body).toBe(200);
    const report = json.json<{ created: { slug: string }[]; rejected: { row: number; error: string }[] }>();
    expect(report.created.map((c) => c.slug)).toEqual(['one-salon']);
    expect(report.rejected.map((r) => [r.row, r.error])).toEqual([[2, 'invalid_row'], [3, 'slug_taken']]);

    const csv = [
      'slug,title,name,category,phone,email,address,city,hours,headline,tagline,about,services,call_to_action,primary_color,accent_color',
      'csv-bakery,Luna Bakery,Luna Bakery,bakery,+1 555 010 1111,hi@luna.example,1 Main St,Austin,Mon–Fri=7am–3pm,"Fresh bread, daily",Since 1999,Family bakery.,Bread|Cakes,Order now,#92400e,#ca8a04',
      'Bad Slug,X,X,bakery,,,,,,H,T,A,S,C,#000000,#ffffff',
    ].join('\n');
    const res = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites/import.csv', headers: { ...ADMIN, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: [{ row: 1, slug: 'csv-bakery' }], rejected: [{ row: 2, error: 'invalid_row' }] });
    const bakery = await page('csv-bakery');
    expect(bakery.body).toContain('Fresh bread, daily');
    expect(bakery.body).toContain('7am–3pm');
  });

  it('takes the template and theme from the import, fills the rest from the category preset, and refuses a failing theme', async () => {
    const { content } = site('x');
    const created = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: ADMIN, payload: { ...site('preset-salon'), content } });
    expect(created.statusCode, created.body).toBe(201);
    const salon = await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'preset-salon' }, { populate: ['currentVersion'] });
    expect(salon.currentVersion!.content).toMatchObject({ template: 'fresh', theme: { primaryColor: '#7c3aed', accentColor: '#db2777', font: 'friendly', radius: 'round' } });

    const chosen = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: ADMIN, payload: { ...site('bold-salon'), content: { ...content, template: 'bold', theme: { ...content.theme, font: 'classic' } } } });
    expect(chosen.statusCode, chosen.body).toBe(201);
    expect((await page('bold-salon')).body).toContain('data-template="bold"');
    expect((await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'bold-salon' }, { populate: ['currentVersion'] })).currentVersion!.content.theme).toMatchObject({ font: 'classic', radius: 'square' });

    const failing = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites', headers: ADMIN, payload: { ...site('pale-salon'), content: { ...content, theme: { primaryColor: '#fda4af', accentColor: '#db2777' } } } });
    expect(failing.statusCode).toBe(400);
    expect(failing.json()).toMatchObject({ code: 'theme_contrast', field: 'content.theme.primaryColor' });
    expect(failing.json<{ message: string }>().message).toContain('#fda4af');
    expect(await stack.api.orm.em.fork().count(Site, { slug: 'pale-salon' })).toBe(0);

    const csv = [
      'slug,title,name,category,phone,email,address,city,headline,tagline,about,services,call_to_action,template,font,radius,primary_color,accent_color',
      'csv-roofer,Peak Roofing,Peak Roofing,roofing contractor,,,,,Roofs,Fast,Local crew.,Repairs,Call us,,,,,',
      'csv-dentist,Smile,Smile Dental,dentist,,,,,Smiles,Gentle,Since 2001.,Cleanings,Book,fresh,classic,square,#0f766e,#1d4ed8',
      'csv-pale,Pale,Pale Cafe,cafe,,,,,Coffee,Warm,Beans.,Espresso,Visit,,,,#fde68a,#713f12',
    ].join('\n');
    const res = await stack.api.app.inject({ method: 'POST', url: '/api/v1/admin/sites/import.csv', headers: { ...ADMIN, 'content-type': 'text/csv' }, payload: csv });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<{ created: unknown[]; rejected: { row: number; error: string; message: string }[] }>();
    expect(report.created).toMatchObject([{ row: 1, slug: 'csv-roofer' }, { row: 2, slug: 'csv-dentist' }]);
    expect(report.rejected).toMatchObject([{ row: 3, error: 'theme_contrast' }]);
    expect(report.rejected[0]?.message).toContain('#fde68a');
    const stored = async (slug: string) => (await stack.api.orm.em.fork().findOneOrFail(Site, { slug }, { populate: ['currentVersion'] })).currentVersion!.content;
    expect(await stored('csv-roofer')).toMatchObject({ template: 'bold', theme: { primaryColor: '#7c2d12', accentColor: '#fbbf24', font: 'modern', radius: 'square' } });
    expect(await stored('csv-dentist')).toMatchObject({ template: 'fresh', theme: { primaryColor: '#0f766e', accentColor: '#1d4ed8', font: 'classic', radius: 'square' } });
  });

  it('publishes any version by hand', async () => {
    const siteId = (await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'roofer-bob' })).id;
    await addVersion(siteId, 2, '(555) 010-4444');
    const res = await stack.api.app.inject({ method: 'POST', url: `/api/v1/admin/sites/${siteId}/versions/1/publish`, headers: ADMIN });
    expect(res.statusCode, res.body).toBe(200);
    expect((await page('roofer-bob')).body).not.toContain('(555) 010-4444');
  });
});
