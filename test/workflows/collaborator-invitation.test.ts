import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createInvitation } from '../../db/collaborators.js';
import { AuditEntry, CollaboratorInvitation, CustomerSiteOwnership, CustomerUser, Site } from '../../db/entities/index.js';
import type { FakePostmark } from '../../lib/postmark/fake.js';
import { acceptInvitationUpdate, cancelInvitationUpdate, invitationStartOptions } from '../../workflows/collaborator-invitation/contract.js';
import { collaboratorInvitationWorkflow } from '../../workflows/collaborator-invitation/workflow.js';
import { testConfig } from '../helpers/env.js';
import { recordHistory } from '../helpers/record-history.js';
import { useTimeSkippingWorker } from '../helpers/worker.js';

const DAY = 24 * 3_600_000;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let postmark: FakePostmark;
const worker = useTimeSkippingWorker('invitations');
const { taskQueue, started } = worker;
beforeAll(() => {
  ({ env, orm, postmark } = worker.harness);
});

/** Joe owns Plumber Joe's and invites Ana; answers the invitation, its workflow and the site. */
async function invite() {
  const em = orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  const owner = em.create(CustomerUser, { email: 'joe@example.com', fullName: 'Joe Owner', emailVerifiedAt: new Date() });
  em.create(CustomerSiteOwnership, { customer: owner, site, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  await em.flush();
  const invitation = await createInvitation(em, { siteId: site.id, email: 'ana@example.com', inviter: owner, expiresAt: new Date(Date.now() + 7 * DAY), serverKey: testConfig().auth.jwtSecret });
  const handle = await env.client.workflow.start(collaboratorInvitationWorkflow, { ...invitationStartOptions(invitation.id, 7 * DAY), taskQueue });
  started.push(handle);
  return { invitation, handle, site, owner };
}

const statusOf = async (id: string) => (await orm.em.fork().findOneOrFail(CollaboratorInvitation, id)).status;
const actions = async () => (await orm.em.fork().find(AuditEntry, {}, { orderBy: { createdAt: 'asc' } })).map((a) => a.action);

describe('collaborator invitation workflow', () => {
  it('emails the link and makes the invitee a collaborator when they accept', async () => {
    const { invitation, handle, site } = await invite();
    await expect.poll(() => postmark.sent().map((m) => m.Tag)).toEqual(['collaborator_invitation']);
    expect(postmark.sent()[0]?.TextBody).toMatch(/\/account\/invitation\?token=[A-Za-z0-9_-]{43}/);
    const ana = orm.em.fork().create(CustomerUser, { email: 'ana@example.com', fullName: 'Ana Invitee', emailVerifiedAt: new Date() });
    await orm.em.fork().persist(ana).flush();

    const answer = await handle.executeUpdate(acceptInvitationUpdate, { args: [{ customerId: ana.id }] });
    expect(answer).toEqual({ status: 'accepted', acceptedBy: ana.id });
    expect(await handle.result()).toEqual(answer);
    const role = await orm.em.fork().findOneOrFail(CustomerSiteOwnership, { customer: ana.id, site: site.id });
    expect(role).toMatchObject({ role: 'collaborator', isPrimary: true });
    expect(await statusOf(invitation.id)).toBe('accepted');
    expect(await actions()).toEqual(['collaborator.invited', 'collaborator.accepted']);
    await expect(handle.executeUpdate(cancelInvitationUpdate, { args: [{ customerId: ana.id, name: 'x' }] })).rejects.toThrow();
    await recordHistory(handle, 'invitation-accepted', { closed: true });
  });

  it('expires after 7 days: nobody is added and the link stops working', async () => {
    const { invitation, handle, site } = await invite();
    expect(await handle.result()).toEqual({ status: 'expired', acceptedBy: null });
    expect(await statusOf(invitation.id)).toBe('expired');
    expect(await orm.em.fork().count(CustomerSiteOwnership, { site: site.id, role: 'collaborator' })).toBe(0);
    expect(await actions()).toEqual(['collaborator.invited', 'collaborator.invitation_expired']);
    await recordHistory(handle, 'invitation-expired', { closed: true });
  });

  it('is closed when the owner cancels it, and refuses a later acceptance', async () => {
    const { invitation, handle, owner } = await invite();
    const answer = await handle.executeUpdate(cancelInvitationUpdate, { args: [{ customerId: owner.id, name: owner.fullName }] });
    expect(answer.status).toBe('cancelled');
    expect(await statusOf(invitation.id)).toBe('cancelled');
    await expect(handle.executeUpdate(acceptInvitationUpdate, { args: [{ customerId: owner.id }] })).rejects.toThrow();
    expect(await actions()).toEqual(['collaborator.invited', 'collaborator.invitation_cancelled']);
  });
});
