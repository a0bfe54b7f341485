import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditEntry, CollaboratorInvitation, Site } from '../../db/entities/index.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { resetDatabase } from '../helpers/env.js';
import { eventually } from '../helpers/eventually.js';
import { signedInOwner } from '../helpers/owners.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(stack.api.orm);
  await seedDemoSites(stack.api.orm.em.fork(), stack.api.config.pricing);
  stack.postmark.reset();
});

function call(token: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object): Promise<LightMyRequestResponse> {
  return stack.api.app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
}

/** The token of the newest invitation email to `to`. */
async function invitationToken(to: string): Promise<string> {
  const mail = await eventually(async () => stack.postmark.sent().filter((m) => m.Tag === 'collaborator_invitation' && m.To === to).at(-1), (m) => m !== undefined);
  return /invitation\?token=([A-Za-z0-9_-]{43})/.exec(mail?.TextBody ?? '')?.[1] ?? '';
}

describe('collaborators', () => {
  it('owner invites, a new person accepts by creating an account, reads analytics, is refused billing and domain, and is removed', async () => {
    const owner = await signedInOwner(stack.api, 'joe@example.com', ['plumber-joe']);
    const siteId = (await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' })).id;
    const base = `/api/v1/customer/sites/${siteId}/collaborators`;
    expect((await call(owner.token, 'POST', `${base}/invitations`, { email: 'not-an-email' })).statusCode).toBe(400);
    expect((await call(owner.token, 'POST', `${base}/invitations`, { email: 'joe@example.com' })).json()).toMatchObject({ error: 'already_collaborating' });
    const invited = await call(owner.token, 'POST', `${base}/invitations`, { email: 'Ana@Example.com' });
    expect(invited.statusCode, invited.body).toBe(201);
    expect(invited.json()).toMatchObject({ collaborators: [], invitations: [{ email: 'ana@example.com' }] });
    expect((await call(owner.token, 'POST', `${base}/invitations`, { email: 'ana@example.com' })).json()).toMatchObject({ error: 'invitation_pending' });

    const token = await invitationToken('ana@example.com');
    const lookup = await call(null, 'POST', '/api/v1/customer/invitations/lookup', { token });
    expect(lookup.json()).toMatchObject({ inviter_name: 'Owner', email: 'ana@example.com', has_account: false });
    expect((await call(null, 'POST', '/api/v1/customer/invitations/accept-new', { token, full_name: 'Ana', password: 'short' })).statusCode).toBe(400);
    const accepted = await call(null, 'POST', '/api/v1/customer/invitations/accept-new', { token, full_name: 'Ana Collaborator', password: 'Collaborator-pass-2026' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const ana = accepted.json<{ access_token: string; user: { id: string } }>();
    expect((await call(null, 'POST', '/api/v1/customer/invitations/accept-new', { token, full_name: 'Ana', password: 'Collaborator-pass-2026' })).json()).toMatchObject({ error: 'invalid_token' });

    expect((await call(ana.access_token, 'GET', `/api/v1/customer/sites/${siteId}/analytics`)).statusCode).toBe(200);
    expect((await call(ana.access_token, 'GET', `/api/v1/customer/sites/${siteId}/domain`)).json()).toMatchObject({ error: 'owner_only' });
    expect((await call(ana.access_token, 'GET', `/api/v1/customer/sites/${siteId}/payments`)).statusCode).toBe(403);
    expect((await call(ana.access_token, 'GET', base)).statusCode).toBe(403);
    const mySites = (await call(ana.access_token, 'GET', '/api/v1/customer/my-sites')).json<{ sites: { role: string }[] }>();
    expect(mySites.sites).toEqual([expect.objectContaining({ role: 'collaborator' })]);

    const people = (await call(owner.token, 'GET', base)).json<unknown>();
    expect(people).toMatchObject({ collaborators: [{ customer_id: ana.user.id, name: 'Ana Collaborator', email: 'ana@example.com' }], invitations: [] });
    const removed = await call(owner.token, 'DELETE', `${base}/${ana.user.id}`);
    expect(removed.json()).toMatchObject({ collaborators: [] });
    expect((await call(ana.access_token, 'GET', `/api/v1/customer/sites/${siteId}/analytics`)).json()).toMatchObject({ error: 'site_not_owned' });
    expect((await call(owner.token, 'DELETE', `${base}/${ana.user.id}`)).statusCode).toBe(404);
    const audit = await stack.api.orm.em.fork().find(AuditEntry, { siteId }, { orderBy: { createdAt: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['collaborator.invited', 'collaborator.accepted', 'collaborator.removed']);
  });

  it('an existing account accepts signed in, only with the invited address; the owner can cancel a pending invitation', async () => {
    const owner = await signedInOwner(stack.api, 'joe@example.com', ['plumber-joe']);
    const siteId = (await stack.api.orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' })).id;
    const base = `/api/v1/customer/sites/${siteId}/collaborators`;
    const other = await signedInOwner(stack.api, 'other@example.com', []);
    const bea = await signedInOwner(stack.api, 'bea@example.com', []);
    await call(owner.token, 'POST', `${base}/invitations`, { email: 'bea@example.com' });
    const token = await invitationToken('bea@example.com');
    expect((await call(null, 'POST', '/api/v1/customer/invitations/lookup', { token })).json()).toMatchObject({ has_account: true });
    expect((await call(null, 'POST', '/api/v1/customer/invitations/accept-new', { token, full_name: 'Bea', password: 'Collaborator-pass-2026' })).json()).toMatchObject({ error: 'account_exists' });
    expect((await call(other.token, 'POST', '/api/v1/customer/invitations/accept', { token })).json()).toMatchObject({ error: 'invitation_for_someone_else' });
    const accepted = await call(bea.token, 'POST', '/api/v1/customer/invitations/accept', { token });
    expect(accepted.json()).toEqual({ site_id: siteId });

    await call(owner.token, 'POST', `${base}/invitations`, { email: 'cy@example.com' });
    const [pending] = await stack.api.orm.em.fork().find(CollaboratorInvitation, { email: 'cy@example.com' });
    const cancelled = await call(owner.token, 'DELETE', `${base}/invitations/${pending!.id}`);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ invitations: [] });
    const cyToken = await invitationToken('cy@example.com');
    expect((await call(null, 'POST', '/api/v1/customer/invitations/lookup', { token: cyToken })).json()).toMatchObject({ error: 'invalid_token' });
    expect((await call(owner.token, 'DELETE', `${base}/invitations/${pending!.id}`)).statusCode).toBe(404);
  });
});
