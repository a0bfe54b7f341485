import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry, CustomerSiteOwnership, CustomerUser, OneTimeToken, Site } from '../../db/entities/index.js';
import type { FakePostmark } from '../../lib/postmark/fake.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { acceptTransferUpdate, transferStartOptions, transferStateQuery } from '../../workflows/site-transfer/contract.js';
import { siteTransferWorkflow } from '../../workflows/site-transfer/workflow.js';
import { eventually } from '../helpers/eventually.js';
import { recordHistory } from '../helpers/record-history.js';
import { useTimeSkippingWorker } from '../helpers/worker.js';

const DAY = 24 * 3_600_000;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let postmark: FakePostmark;
const worker = useTimeSkippingWorker('transfers');
const { taskQueue, started } = worker;
beforeAll(() => {
  ({ env, orm, postmark } = worker.harness);
});

/** Plumber Joe's, owned by Olive (her only site); Rita owns roofer-bob already. */
async function ownedSite(): Promise<{ siteId: string; oliveId: string; ritaId: string }> {
  const em = orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  const bob = await em.findOneOrFail(Site, { slug: 'roofer-bob' });
  Object.assign(site, { status: 'active', subscriptionStatus: 'active' });
  const olive = em.create(CustomerUser, { email: 'olive@example.com', fullName: 'Olive Owner', primarySite: site });
  em.create(CustomerSiteOwnership, { customer: olive, site, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  const rita = em.create(CustomerUser, { email: 'rita@example.com', fullName: 'Rita Recipient', primarySite: bob });
  em.create(CustomerSiteOwnership, { customer: rita, site: bob, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  await em.flush();
  return { siteId: site.id, oliveId: olive.id, ritaId: rita.id };
}

async function startTransfer(siteId: string, fromCustomerId: string, recipientEmail: string) {
  const start = transferStartOptions({
    transferId: randomUUID(), siteId, slug: 'plumber-joe', fromCustomerId, recipientEmail, requestedBy: { kind: 'customer', id: fromCustomerId, name: 'Olive Owner' },
    reason: null, expiresInMs: 7 * DAY, publicBaseUrl: 'http://webmagic.test',
  });
  const handle = await env.client.workflow.start(siteTransferWorkflow, { ...start, taskQueue });
  started.push(handle);
  return handle;
}

const owners = async (siteId: string) => (await orm.em.fork().find(CustomerSiteOwnership, { site: siteId }, { populate: ['customer'] })).map((o) => `${o.customer.email}:${o.role}:${o.isPrimary}`);
const actions = async (siteId: string) => (await orm.em.fork().find(AuditEntry, { siteId }, { orderBy: { createdAt: 'asc' } })).map((a) => `${a.action} by ${a.actorName}`);
const tags = () => postmark.sent().map((m) => `${m.Tag} → ${String(m.To)}`);

describe('site transfer workflow', () => {
  it('invites the recipient, and on acceptance moves the site to them and tells both people', async () => {
    const { siteId, ritaId } = await ownedSite();
    const olive = (await ownedSiteOwner(siteId))!;
    const handle = await startTransfer(siteId, olive, 'rita@example.com');
    await expect.poll(tags, { timeout: 20_000 }).toEqual(['site_transfer_invitation → rita@example.com']);
    expect(postmark.sent()[0]?.TextBody).toMatch(new RegExp(`http://webmagic\\.test/account/transfer\\?site=${siteId}&token=[A-Za-z0-9_-]{20,}`));
    expect(await orm.em.fork().count(OneTimeToken, { customer: ritaId, purpose: 'accept_transfer', usedAt: null })).toBe(1);

    await expect(handle.executeUpdate(acceptTransferUpdate, { args: [{ recipientCustomerId: olive }] })).rejects.toThrow();
    const view = await handle.executeUpdate(acceptTransferUpdate, { args: [{ recipientCustomerId: ritaId }] });
    expect(view).toMatchObject({ status: 'accepted', recipientEmail: 'rita@example.com', siteTitle: "Plumber Joe's", fromName: 'Olive Owner' });
    expect(await owners(siteId)).toEqual(['rita@example.com:owner:false']);
    const oliveAfter = await orm.em.fork().findOneOrFail(CustomerUser, olive);
    expect(oliveAfter.primarySite).toBeNull();
    expect(await handle.result()).toMatchObject({ status: 'accepted' });
    await expect.poll(tags, { timeout: 20_000 }).toEqual([
      'site_transfer_invitation → rita@example.com', 'site_transfer_accepted → olive@example.com', 'site_transfer_welcome → rita@example.com',
    ]);
    expect(await actions(siteId)).toEqual(['site.transfer_requested by Olive Owner', 'site.transfer_accepted by Rita Recipient']);
    await recordHistory(handle, 'site-transfer-accepted', { closed: true });
  });

  it('expires after 7 days without an answer: nothing changes, the link stops working, the owner is told', async () => {
    const { siteId, ritaId } = await ownedSite();
    const olive = (await ownedSiteOwner(siteId))!;
    const handle = await startTransfer(siteId, olive, 'rita@example.com');
    await eventually(() => handle.query(transferStateQuery), (v) => v.siteTitle !== null);
    await env.sleep(6 * DAY);
    expect((await handle.query(transferStateQuery)).status).toBe('pending');
    await env.sleep(DAY + 60_000);
    expect(await handle.result()).toMatchObject({ status: 'expired' });
    expect(await owners(siteId)).toEqual(['olive@example.com:owner:true']);
    expect(await orm.em.fork().count(OneTimeToken, { customer: ritaId, purpose: 'accept_transfer', usedAt: null })).toBe(0);
    await expect.poll(tags, { timeout: 20_000 }).toEqual(['site_transfer_invitation → rita@example.com', 'site_transfer_expired → olive@example.com']);
    expect(await actions(siteId)).toEqual(['site.transfer_requested by Olive Owner', 'site.transfer_expired by WebMagic']);
    await recordHistory(handle, 'site-transfer-expired', { closed: true });
    expect(workflowIds.siteTransfer(siteId)).toBe(`transfer:${siteId}`);
  });
});

async function ownedSiteOwner(siteId: string): Promise<string | undefined> {
  return (await orm.em.fork().findOne(CustomerSiteOwnership, { site: siteId, role: 'owner' }))?.customer.id;
}
