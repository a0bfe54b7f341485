import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { requestCustomerErasure } from '../../db/erasure.js';
import { AuditEntry, CustomerSiteOwnership, CustomerUser, ErasureRequest, RefreshToken, Site, SupportTicket } from '../../db/entities/index.js';
import type { FakePostmark } from '../../lib/postmark/fake.js';
import { erasureStartOptions, erasureStateQuery, undoErasureUpdate } from '../../workflows/account-erasure/contract.js';
import { accountErasureWorkflow } from '../../workflows/account-erasure/workflow.js';
import { eventually } from '../helpers/eventually.js';
import { recordHistory } from '../helpers/record-history.js';
import { useTimeSkippingWorker } from '../helpers/worker.js';

const DAY = 24 * 3_600_000;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let postmark: FakePostmark;
const worker = useTimeSkippingWorker('erasure');
const { taskQueue, started } = worker;
beforeAll(() => {
  ({ env, orm, postmark } = worker.harness);
});

/** Zelda owns Plumber Joe's, has a session and a ticket, and asks for her account to be deleted. */
async function requestDeletion() {
  const em = orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  const customer = em.create(CustomerUser, { email: 'zelda.q@example.com', fullName: 'Zelda Quintanilla', phone: '+502 5555 0199', emailVerifiedAt: new Date() });
  em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  em.create(SupportTicket, { site, customer, subject: 'Call Zelda Quintanilla back', description: 'My number is +502 5555 0199' });
  em.create(RefreshToken, { customer, tokenHash: randomUUID(), familyId: randomUUID(), expiresAt: new Date(Date.now() + DAY) });
  await em.flush();
  const actor = { kind: 'customer' as const, id: customer.id, name: customer.fullName };
  const request = await requestCustomerErasure(em, customer.id, new Date(Date.now() + 7 * DAY), actor);
  const handle = await env.client.workflow.start(accountErasureWorkflow, { ...erasureStartOptions(request.id, 7 * DAY), taskQueue });
  started.push(handle);
  return { customer, request, handle, actor };
}

const tags = () => postmark.sent().map((m) => m.Tag);

describe('account erasure workflow', () => {
  it('is undone within the 7-day window: nothing is erased and the request is closed', async () => {
    const { customer, request, handle, actor } = await requestDeletion();
    await expect.poll(tags).toEqual(['erasure_scheduled']);
    await env.sleep(3 * DAY);
    const answer = await handle.executeUpdate(undoErasureUpdate, { args: [actor] });
    expect(answer.stage).toBe('cancelled');
    expect(await handle.result()).toEqual({ stage: 'cancelled', summary: null });
    expect(await orm.em.fork().findOneOrFail(ErasureRequest, request.id)).toMatchObject({ status: 'cancelled' });
    expect(await orm.em.fork().findOneOrFail(CustomerUser, customer.id)).toMatchObject({ email: 'zelda.q@example.com', isActive: true });
    expect(await orm.em.fork().count(RefreshToken, { customer: customer.id, revokedAt: null })).toBe(1);
    expect(tags()).toEqual(['erasure_scheduled']);
    await recordHistory(handle, 'erasure-undone', { closed: true });
  });

  it('erases after 7 days: sessions revoked, the person told first, then name, email and free text gone, audit pseudonymised', async () => {
    const { customer, request, handle } = await requestDeletion();
    const final = await handle.result();
    expect(final.stage).toBe('completed');
    expect(tags()).toEqual(['erasure_scheduled', 'erasure_completed']);
    expect(postmark.sent()[1]?.To).toBe('zelda.q@example.com');
    const em = orm.em.fork();
    const erased = await em.findOneOrFail(CustomerUser, customer.id);
    expect(erased).toMatchObject({ fullName: `erased-${request.id.slice(0, 8)}`, phone: null, isActive: false, passwordHash: null });
    expect(erased.email).toMatch(/@erased\.invalid$/);
    expect(await em.count(RefreshToken, { customer: customer.id, revokedAt: null })).toBe(0);
    expect((await em.findOneOrFail(SupportTicket, { customer: customer.id })).description).toBe('[erased]');
    const audit = JSON.stringify(await em.find(AuditEntry, {}));
    expect(audit).not.toContain('Zelda');
    expect(audit).not.toContain('zelda.q@example.com');
    expect((await em.findOneOrFail(ErasureRequest, request.id)).status).toBe('completed');
    await expect(handle.executeUpdate(undoErasureUpdate, { args: [{ kind: 'customer', id: customer.id, name: 'x' }] })).rejects.toThrow();
    await recordHistory(handle, 'erasure-completed', { closed: true });
  });

  it('refuses an undo once erasing began', async () => {
    const { handle, actor } = await requestDeletion();
    await eventually(() => handle.query(erasureStateQuery), (s) => s.stage === 'pending');
    await handle.result();
    await expect(handle.executeUpdate(undoErasureUpdate, { args: [actor] })).rejects.toThrow();
  });
});
