import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CustomerSiteOwnership, CustomerUser, EditRequest, EmailMessage, Site, SiteVersion } from '../../db/entities/index.js';
import type { FakePostmark } from '../../lib/postmark/fake.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { approveEditUpdate, rejectEditUpdate, siteEditStateQuery, type SiteEditState } from '../../workflows/site-edit/contract.js';
import { siteEditWorkflow } from '../../workflows/site-edit/workflow.js';
import { startTimeSkippingWorker, type Activities, type TimeSkippingWorker } from '../helpers/worker.js';
import { eventually } from '../helpers/eventually.js';

const DAY = 24 * 3_600_000;
let env: TestWorkflowEnvironment;
let orm: MikroORM;
let postmark: FakePostmark;
let harness: TimeSkippingWorker;
let crashAfterDraft = false;
const started: WorkflowHandle[] = [];
const taskQueue = `edits-${randomUUID()}`;

/** Real activities; optionally the first draft "crashes" the worker after it is saved, before the email goes out. */
function withFaults(activities: Activities): Activities {
  return {
    ...activities,
    async draftEditVersion(input) {
      const result = await activities.draftEditVersion(input);
      if (crashAfterDraft) {
        crashAfterDraft = false;
        throw new Error('worker crashed after saving the draft');
      }
      return result;
    },
  };
}

beforeAll(async () => {
  harness = await startTimeSkippingWorker(taskQueue, withFaults);
  ({ env, orm, postmark } = harness);
});
afterAll(() => harness?.stop());
beforeEach(async () => {
  await harness.reset();
  crashAfterDraft = false;
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((h) => h.terminate('test finished').catch(() => undefined)));
});

/** Plumber Joe's, owned and subscribed. */
async function ownedSite(): Promise<string> {
  const em = orm.em.fork();
  const site = await em.findOneOrFail(Site, { slug: 'plumber-joe' });
  Object.assign(site, { status: 'active', subscriptionStatus: 'active' });
  const customer = em.create(CustomerUser, { email: 'joe@example.com', fullName: 'Joe' });
  em.create(CustomerSiteOwnership, { customer, site, role: 'owner', isPrimary: true, acquiredAt: new Date() });
  await em.flush();
  return site.id;
}

async function startEdit(siteId: string, text: string) {
  const em = orm.em.fork();
  const request = em.create(EditRequest, { site: siteId, requestText: text });
  await em.flush();
  const handle = await env.client.workflow.start(siteEditWorkflow, {
    workflowId: workflowIds.siteEdit(request.id), taskQueue, args: [{ editRequestId: request.id, reminderMs: 3 * DAY, expiryMs: 14 * DAY }],
  });
  started.push(handle);
  return { id: request.id, handle };
}

function until(handle: { query: (q: typeof siteEditStateQuery) => Promise<SiteEditState> }, check: (s: SiteEditState) => boolean): Promise<SiteEditState> {
  return eventually(() => handle.query(siteEditStateQuery), check);
}

const live = async (siteId: string) => (await orm.em.fork().findOneOrFail(Site, siteId, { populate: ['currentVersion'] })).currentVersion!;
const tags = () => postmark.sent().map((m) => m.Tag);

describe('site edit workflow', () => {
  it('drafts an unpublished AI version, emails a preview, and publishes it on approval', async () => {
    const siteId = await ownedSite();
    const { id, handle } = await startEdit(siteId, 'please change our phone number to (555) 010-2233');
    const waiting = await until(handle, (s) => s.status === 'awaiting_approval');
    await expect.poll(tags).toEqual(['edit_preview_ready']);
    const draft = await orm.em.fork().findOneOrFail(SiteVersion, waiting.versionId!);
    expect(draft).toMatchObject({ createdBy: 'ai', publishedAt: null, versionNumber: 2 });
    expect(draft.content.contact?.phone).toBe('(555) 010-2233');
    expect((await live(siteId)).versionNumber).toBe(1);
    expect(postmark.sent()[0]?.TextBody).toMatch(/http:\/\/webmagic\.test\/preview\/[A-Za-z0-9_-]{43}/);
    const loggedModel = async () => JSON.stringify((await orm.em.fork().findOneOrFail(EmailMessage, { template: 'edit_preview_ready' })).model);
    await expect.poll(loggedModel).toContain('preview/[redacted]');

    const answer = await handle.executeUpdate(approveEditUpdate);
    expect(answer).toMatchObject({ status: 'published', versionNumber: 2 });
    expect((await live(siteId)).id).toBe(draft.id);
    expect(await orm.em.fork().findOneOrFail(EditRequest, id)).toMatchObject({ status: 'published', previewTokenHash: null });
    await expect.poll(tags).toEqual(['edit_preview_ready', 'edit_published']);
    await expect(handle.executeUpdate(approveEditUpdate)).rejects.toThrow();
  });

  it('discards the draft on rejection and leaves the site as it was', async () => {
    const siteId = await ownedSite();
    const { id, handle } = await startEdit(siteId, 'Change the headline to "Fast fixes for every leak"');
    const waiting = await until(handle, (s) => s.status === 'awaiting_approval');
    const answer = await handle.executeUpdate(rejectEditUpdate, { args: [{ reason: 'wrong wording' }] });
    expect(answer.status).toBe('rejected');
    expect((await orm.em.fork().findOneOrFail(SiteVersion, waiting.versionId!)).discardedAt).toBeInstanceOf(Date);
    expect((await live(siteId)).versionNumber).toBe(1);
    expect(await orm.em.fork().findOneOrFail(EditRequest, id)).toMatchObject({ status: 'rejected', decision: 'wrong wording' });
    await expect(handle.executeUpdate(approveEditUpdate)).rejects.toThrow();
    expect((await live(siteId)).versionNumber).toBe(1);
  });

  it('reminds the owner after 3 days and discards the draft after 14', async () => {
    const siteId = await ownedSite();
    const { id, handle } = await startEdit(siteId, 'Make the buttons purple');
    const final = await handle.result();
    expect(final.status).toBe('expired');
    expect(tags()).toEqual(['edit_preview_ready', 'edit_reminder', 'edit_expired']);
    expect(await orm.em.fork().findOneOrFail(EditRequest, id)).toMatchObject({ status: 'expired' });
    expect((await live(siteId)).versionNumber).toBe(1);
  });

  it('re-drafts an approved preview on the new live version when another edit went live first', async () => {
    const siteId = await ownedSite();
    const first = await startEdit(siteId, 'please change our phone number to (555) 010-2233');
    const second = await startEdit(siteId, 'Please change our email to info@joesplumbing.com');
    await until(first.handle, (s) => s.status === 'awaiting_approval');
    const older = await until(second.handle, (s) => s.status === 'awaiting_approval');
    expect((await first.handle.executeUpdate(approveEditUpdate)).status).toBe('published');

    const redrafted = await second.handle.executeUpdate(approveEditUpdate);
    expect(redrafted.status).toBe('awaiting_approval');
    expect(redrafted.reason).toMatch(/live site changed/);
    expect(redrafted.versionId).not.toBe(older.versionId);
    expect((await orm.em.fork().findOneOrFail(SiteVersion, older.versionId!)).discardedAt).toBeInstanceOf(Date);

    expect((await second.handle.executeUpdate(approveEditUpdate)).status).toBe('published');
    const content = (await live(siteId)).content;
    expect(content.contact).toMatchObject({ phone: '(555) 010-2233', email: 'info@joesplumbing.com' });
  });

  it('refuses an approved preview that cannot be redone on the new live version, with the reason', async () => {
    const siteId = await ownedSite();
    const first = await startEdit(siteId, 'Please remove bathroom remodels from our services');
    const second = await startEdit(siteId, 'Rename bathroom remodels to Bathroom and kitchen remodels');
    await until(first.handle, (s) => s.status === 'awaiting_approval');
    await until(second.handle, (s) => s.status === 'awaiting_approval');
    expect((await first.handle.executeUpdate(approveEditUpdate)).status).toBe('published');
    const refused = await second.handle.executeUpdate(approveEditUpdate);
    expect(refused.status).toBe('refused');
    expect(refused.reason).toMatch(/live site changed.*cannot be redone/);
    expect((await live(siteId)).content.services).not.toContain('Bathroom and kitchen remodels');
  });

  it('refuses to edit a site without an active subscription', async () => {
    const siteId = await ownedSite();
    await orm.em.fork().nativeUpdate(Site, { id: siteId }, { subscriptionStatus: 'suspended', status: 'suspended' });
    const { handle } = await startEdit(siteId, 'please change our phone number to (555) 010-2233');
    expect(await handle.result()).toMatchObject({ status: 'refused', reason: 'the site is suspended' });
    expect(await orm.em.fork().count(SiteVersion, { site: siteId })).toBe(1);
  });

  it('sends one draft and one email when the worker crashes between saving the draft and emailing', async () => {
    const siteId = await ownedSite();
    crashAfterDraft = true;
    const { handle } = await startEdit(siteId, 'please change our phone number to (555) 010-2233');
    await until(handle, (s) => s.status === 'awaiting_approval');
    await expect.poll(tags).toEqual(['edit_preview_ready']);
    expect(crashAfterDraft).toBe(false);
    expect(await orm.em.fork().count(SiteVersion, { site: siteId })).toBe(2);
    expect(await orm.em.fork().count(EmailMessage, { template: 'edit_preview_ready' })).toBe(1);
    expect(postmark.sent()).toHaveLength(1);
  });

  it('sends a request it does not understand to an agent', async () => {
    const siteId = await ownedSite();
    const { id, handle } = await startEdit(siteId, 'Can you add a photo gallery with pictures of our work?');
    await until(handle, (s) => s.status === 'needs_agent');
    expect(await orm.em.fork().findOneOrFail(EditRequest, id)).toMatchObject({ status: 'needs_agent', previewVersion: null });
    expect(await orm.em.fork().count(SiteVersion, { site: siteId })).toBe(1);
  });
});
