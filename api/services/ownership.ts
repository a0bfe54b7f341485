import { WorkflowNotFoundError } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type AuditActor } from '../../db/audit-log.js';
import { CustomerSiteOwnership, CustomerUser, PurchaseHold, Site } from '../../db/entities/index.js';
import type { ICustomerUser } from '../../db/entities/customer-user.entity.js';
import type { ISite } from '../../db/entities/site.entity.js';
import { addSiteOwner, markSiteOwned, reelectPrimarySite, siteOwner } from '../../db/ownership.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { siteUrl, subscriptionPageUrl } from '../../lib/urls.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { ownerChangedSignal, releaseSubscriptionUpdate } from '../../workflows/subscription/contract.js';
import { subscriptionWorkflow } from '../../workflows/subscription/workflow.js';
import type { ApiDeps } from '../deps.js';
import { queueEmail } from '../email.js';
import { callTemporal } from '../temporal.js';
import { subscriptionStart } from './subscriptions.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A site by id or slug, or a 404. */
export async function findSite(em: EntityManager, idOrSlug: string): Promise<ISite> {
  const key = idOrSlug.trim().toLowerCase();
  const site = await em.findOne(Site, UUID.test(key) ? { id: key } : { slug: key });
  if (!site) throw new NotFoundError('site_not_found', `There is no site "${idOrSlug}". Give its slug or id.`);
  return site;
}

/** A customer by id or email, or a 404. */
async function findCustomer(em: EntityManager, idOrEmail: string): Promise<ICustomerUser> {
  const key = idOrEmail.trim().toLowerCase();
  const customer = await em.findOne(CustomerUser, UUID.test(key) ? { id: key } : { email: key });
  if (!customer) throw new NotFoundError('customer_not_found', `There is no customer "${idOrEmail}". Give their email or id.`);
  return customer;
}

/** What linking answers. */
export interface LinkedSite {
  site_id: string;
  customer_id: string;
  is_primary: boolean;
  audit_id: string;
}

/**
 * Makes a customer the owner of a site by hand (paid outside the checkout, or a repair): the same steps as a paid
 * claim (owner row and primary election, site owned, subscription awaiting activation, the subscription workflow
 * started with its activation deadline), recorded in the audit log with the operator's reason and emailed to the customer.
 */
export async function linkSite(deps: Deps, em: EntityManager, actor: AuditActor, input: { site: string; customer: string; reason: string }): Promise<LinkedSite> {
  const site = await findSite(em, input.site);
  const customer = await findCustomer(em, input.customer);
  const owner = await siteOwner(em, site.id);
  if (owner) throw new ConflictError('site_has_owner', `${site.title} already belongs to ${owner.customer.email}: remove it from that account first, or transfer it.`);
  if (await em.count(PurchaseHold, { siteId: site.id, releasedAt: null, expiresAt: { $gt: new Date() } }) > 0) {
    throw new ConflictError('site_being_claimed', `Someone is paying for ${site.title} at the checkout right now; try again when the checkout has expired.`);
  }
  const now = new Date();
  const linked = await em.transactional(async (tx) => {
    const { isPrimary } = await addSiteOwner(tx, { customerId: customer.id, siteId: site.id, acquiredAt: now });
    await markSiteOwned(tx, { siteId: site.id, customerId: customer.id, purchasedAt: now, sessionTimeoutMs: deps.config.analytics.sessionTimeoutMs });
    const entry = recordAudit(tx, { actor, action: 'site.linked', reason: input.reason, customerId: customer.id, siteId: site.id, details: { siteSlug: site.slug, customerEmail: customer.email, isPrimary } });
    return { isPrimary, auditId: entry.id };
  });
  await callTemporal(deps, (client) => client.workflow.signalWithStart(subscriptionWorkflow, {
    ...subscriptionStart(deps, site),
    signal: ownerChangedSignal,
    signalArgs: [{ eventId: `link:${linked.auditId}`, kind: 'linked' }],
  }), { service: 'subscription' });
  await queueEmail(deps, {
    idempotencyKey: `link:${linked.auditId}:email`, to: customer.email, template: 'site_linked',
    model: { name: customer.fullName, siteTitle: site.title, siteUrl: siteUrl(deps.config, site.slug, site.customDomain), activateUrl: subscriptionPageUrl(deps.config, site.id) },
  });
  return { site_id: site.id, customer_id: customer.id, is_primary: linked.isPrimary, audit_id: linked.auditId };
}

/** What removal answers. */
export interface RemovedSite {
  site_id: string;
  customer_id: string;
  /** The customer's primary site afterwards (their oldest remaining one), or null. */
  primary_site_id: string | null;
  audit_id: string;
}

/**
 * Removes a site from its owner's account: its subscription is cancelled now through its workflow (the provider stops
 * charging), the owner and every collaborator lose it, the owner's primary site is re-elected (their oldest remaining
 * one), and the site stays offline as cancelled until an operator links it to someone. Audited and emailed.
 */
export async function removeSite(deps: Deps, em: EntityManager, actor: AuditActor, input: { siteId: string; reason: string }): Promise<RemovedSite> {
  const site = await findSite(em, input.siteId);
  const owner = await siteOwner(em, site.id);
  if (!owner) throw new ConflictError('site_has_no_owner', `${site.title} is in nobody's account.`);
  const released = await callTemporal(deps, (client) => client.workflow.getHandle<typeof subscriptionWorkflow>(workflowIds.subscription(site.id))
    .executeUpdate(releaseSubscriptionUpdate).then(() => true), {
    service: 'subscription',
    failure: () => undefined,
  }).catch((error: unknown) => {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  });
  const customer = owner.customer;
  const removed = await em.transactional(async (tx) => {
    const people = await tx.find(CustomerSiteOwnership, { site: site.id }, { populate: ['customer'] });
    const ids = people.map((p) => p.customer.id);
    await tx.nativeDelete(CustomerSiteOwnership, { site: site.id });
    let primary: string | null = null;
    for (const id of ids) {
      const elected = await reelectPrimarySite(tx, id);
      if (id === customer.id) primary = elected;
    }
    const locked = await tx.findOneOrFail(Site, site.id);
    if (!released && locked.status !== 'preview') Object.assign(locked, { status: 'cancelled', subscriptionStatus: 'cancelled', nextBillingDate: null, graceEndsAt: null });
    const entry = recordAudit(tx, {
      actor, action: 'site.removed', reason: input.reason, customerId: customer.id, siteId: site.id,
      details: { siteSlug: site.slug, customerEmail: customer.email, collaboratorsRemoved: ids.filter((id) => id !== customer.id).length, primarySiteId: primary },
    });
    return { primary, auditId: entry.id };
  });
  await queueEmail(deps, {
    idempotencyKey: `remove:${removed.auditId}:email`, to: customer.email, template: 'site_removed',
    model: { name: customer.fullName, siteTitle: site.title, removedAt: new Date().toISOString() },
  });
  return { site_id: site.id, customer_id: customer.id, primary_site_id: removed.primary, audit_id: removed.auditId };
}
