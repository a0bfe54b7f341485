import { expect } from 'vitest';
import { CustomerSiteOwnership, CustomerUser, EmailMessage, Payment, Site, Subscription } from '../../db/entities/index.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import type { ClaimOutcome } from '../../workflows/claim/contract.js';
import type { claimSiteWorkflow } from '../../workflows/claim/workflow.js';
import type { TestStack } from './stack.js';

/** Asks for a checkout as the claim bar does (from `remoteAddress`, default the loopback); returns the raw response. */
export async function purchase(stack: TestStack, slug: string, claimant: { email: string; name: string }, remoteAddress?: string) {
  return stack.api.app.inject({ method: 'POST', url: `/api/v1/sites/${slug}/purchase`, payload: claimant, ...(remoteAddress ? { remoteAddress } : {}) });
}

/** Asks for a checkout and returns its URL, failing the test on any other answer. */
export async function openCheckout(stack: TestStack, slug: string, claimant: { email: string; name: string }): Promise<string> {
  const res = await purchase(stack, slug, claimant);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ checkout_url: string }>().checkout_url;
}

/** Presses a button on the hosted checkout page, as the customer's browser would. */
export async function pressCheckoutButton(checkoutUrl: string, button: 'pay' | 'decline' | 'cancel'): Promise<number> {
  const res = await fetch(`${checkoutUrl}/${button}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'email=payer%40example.com&full_name=Payer',
    redirect: 'manual',
  });
  return res.status;
}

/** Waits for the current run of a site's claim workflow to finish. */
export async function claimResult(stack: TestStack, siteId: string): Promise<ClaimOutcome> {
  return stack.api.temporal.workflow.getHandle<typeof claimSiteWorkflow>(workflowIds.claim(siteId)).result();
}

/** The site id of a seeded slug. */
export async function siteIdOf(stack: TestStack, slug: string): Promise<string> {
  return (await stack.api.orm.em.fork().findOneOrFail(Site, { slug })).id;
}

/** Row counts that must come out exactly once per purchase, whatever was retried or redelivered. */
export async function purchaseCounts(stack: TestStack) {
  const em = stack.api.orm.em.fork();
  return {
    payments: await em.count(Payment),
    customers: await em.count(CustomerUser),
    ownerships: await em.count(CustomerSiteOwnership),
    subscriptions: await em.count(Subscription),
    emails: await em.count(EmailMessage, { status: 'sent' }),
    postmarkSends: stack.postmark.sent().length,
  };
}
