import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, Site } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';
import { ConflictError, NotFoundError, UnavailableError } from '../../lib/errors.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import {
  cancelCheckoutUpdate,
  CLAIM_FAILURES,
  claimStartOptions,
  claimStateQuery,
  requestCheckoutUpdate,
  type ClaimCheckout,
  type Claimant,
} from '../../workflows/claim/contract.js';
import { claimSiteWorkflow } from '../../workflows/claim/workflow.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import { subscriptionSettings } from './subscriptions.js';

type Deps = Pick<ApiDeps, 'temporal' | 'config'>;

/** The answer to a claimant while someone else's checkout for the site is open. */
export function siteBeingClaimed(): ConflictError {
  return new ConflictError('site_being_claimed', 'Someone else is checking out this site right now. Try again later.');
}

/** How the claim workflow of a site starts, from a purchase or from a payment webhook that finds none running. */
export function claimStart(deps: Pick<ApiDeps, 'config'>, site: Pick<ISite, 'id' | 'slug'>) {
  const settings = { checkoutExpiryMs: deps.config.checkout.expiryMs, publicBaseUrl: deps.config.publicBaseUrl, subscriptionSettings: subscriptionSettings(deps.config) };
  return { ...claimStartOptions(site, settings), taskQueue: deps.config.temporal.taskQueue };
}

/** Starts the site's claim workflow or joins the running one, and returns the claimant's checkout (update-with-start). */
export async function requestClaimCheckout(deps: Deps, site: Pick<ISite, 'id' | 'slug'>, claimant: Claimant): Promise<ClaimCheckout & { workflowId: string }> {
  const start = claimStart(deps, site);
  const startWorkflowOperation = new WithStartWorkflowOperation(claimSiteWorkflow, { ...start, args: [...start.args], workflowIdConflictPolicy: 'USE_EXISTING' });
  const checkout = await callTemporal(deps, (client) => client.workflow.executeUpdateWithStart(requestCheckoutUpdate, { args: [claimant], startWorkflowOperation }), {
    service: 'purchase',
    failure: (error) => {
      const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (failure instanceof ApplicationFailure && failure.type === CLAIM_FAILURES.beingClaimed) return siteBeingClaimed();
      if (failure instanceof ApplicationFailure && failure.type === CLAIM_FAILURES.notAvailable) {
        return new ConflictError('site_not_available', 'This site has already been claimed.');
      }
      return failure ? new UnavailableError('checkout_unavailable', 'The payment provider could not open a checkout. Try again in a minute.') : undefined;
    },
  });
  return { ...checkout, workflowId: start.workflowId };
}

/** The site a claim status asks about; "not found" when there is no such site. */
export async function claimedSite(em: EntityManager, siteId: string): Promise<ISite> {
  const site = await em.findOne(Site, { id: siteId });
  if (!site) throw new NotFoundError('claim_not_found', 'No such claim');
  return site;
}

/**
 * Where the site's claim stands. A site that is no longer a preview was bought, so its claim is `completed`, read from
 * the database: a query of a finished run makes Temporal replay its whole history. Otherwise the workflow's status
 * query answers; "not found" when no claim ran for the site.
 */
export async function claimStatus(deps: Deps, site: Pick<ISite, 'id' | 'status'>): Promise<string> {
  if (site.status !== 'preview') return 'completed';
  const state = await callTemporal(deps, (client) => client.workflow.getHandle(workflowIds.claim(site.id)).query(claimStateQuery), {
    failure: (error) => (error instanceof WorkflowNotFoundError ? new NotFoundError('claim_not_found', 'No such claim') : undefined),
  });
  return state.status;
}

/** How long a cancel waits for the claim to close, so the site is free when the claimant is told so. */
const CANCEL_WAIT_MS = 10_000;

/**
 * Cancels the claimant's open checkout (the claim's cancel token proves it is their browser) and waits for the claim to
 * release the site. A claim that is over already while the site is still a preview is simply released: the answer is
 * the same, so reloading the page says the same thing. A site that was bought, or a token of another claim, is a 409.
 */
export async function cancelClaim(deps: Deps, site: Pick<ISite, 'id' | 'status'>, token: string): Promise<void> {
  const notCancellable = (message: string) => new ConflictError('claim_not_cancellable', message);
  if (site.status !== 'preview') throw notCancellable('This site was already bought, so the claim cannot be cancelled.');
  await callTemporal(deps, async (client) => {
    const handle = client.workflow.getHandle<typeof claimSiteWorkflow>(workflowIds.claim(site.id));
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    try {
      await handle.executeUpdate(cancelCheckoutUpdate, { args: [{ token }] });
    } catch (error) {
      // The run ended between the two calls: the site is released already.
      if (error instanceof WorkflowNotFoundError) return;
      throw error;
    }
    // A payment on the same checkout may still arrive while the run closes; then the site was bought, not released.
    const outcome = await handle.result();
    if (outcome.status === 'completed') throw notCancellable('This checkout was paid before the cancel arrived, so the site was not released.');
  }, {
    timeoutMs: CANCEL_WAIT_MS,
    service: 'purchase',
    failure: (error) => {
      if (error instanceof WorkflowNotFoundError) return new NotFoundError('claim_not_found', 'No such claim');
      const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (failure instanceof ApplicationFailure && failure.type === CLAIM_FAILURES.notCancellable) return notCancellable(`${failure.message}.`);
      return undefined;
    },
  });
}

/**
 * What the buyer of a finished claim does next: `set_password` while the owner has no password (the welcome email
 * carries the link), `sign_in` for an owner who already has an account. Null while the site is not bought.
 */
export async function claimNextStep(em: EntityManager, site: Pick<ISite, 'id' | 'status'>): Promise<'set_password' | 'sign_in' | null> {
  if (site.status === 'preview') return null;
  const owner = await em.findOne(CustomerSiteOwnership, { site: site.id, role: 'owner' }, { populate: ['customer'] });
  if (!owner) return null;
  return owner.customer.passwordHash ? 'sign_in' : 'set_password';
}
