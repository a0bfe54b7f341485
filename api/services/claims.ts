import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ISite } from '../../db/entities/site.entity.js';
import { ConflictError, UnavailableError } from '../../lib/errors.js';
import { withTemporalDeadline } from '../../lib/temporal/client.js';
import {
  CLAIM_FAILURES,
  claimStartOptions,
  requestCheckoutUpdate,
  type ClaimCheckout,
  type Claimant,
} from '../../workflows/claim/contract.js';
import { claimSiteWorkflow } from '../../workflows/claim/workflow.js';
import type { ApiDeps } from '../deps.js';
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
  try {
    const checkout = await withTemporalDeadline(deps.temporal, deps.config.temporal.rpcTimeoutMs, () =>
      deps.temporal.workflow.executeUpdateWithStart(requestCheckoutUpdate, { args: [claimant], startWorkflowOperation }));
    return { ...checkout, workflowId: start.workflowId };
  } catch (error) {
    const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
    if (failure instanceof ApplicationFailure && failure.type === CLAIM_FAILURES.beingClaimed) {
      throw siteBeingClaimed();
    }
    if (failure instanceof ApplicationFailure && failure.type === CLAIM_FAILURES.notAvailable) {
      throw new ConflictError('site_not_available', 'This site has already been claimed.');
    }
    if (failure) throw new UnavailableError('checkout_unavailable', 'The payment provider could not open a checkout. Try again in a minute.');
    throw error;
  }
}
