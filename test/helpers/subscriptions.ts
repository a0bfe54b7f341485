import { WorkflowNotFoundError } from '@temporalio/client';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { startSession } from '../../api/auth/sessions.js';
import { CustomerUser, Site, Subscription } from '../../db/entities/index.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import { claimResult, openCheckout, pressCheckoutButton, siteIdOf } from './claims.js';
import { eventually } from './eventually.js';
import type { TestStack } from './stack.js';

/** Buys a seeded preview site the real way (claim checkout, pay, webhook) and returns its id. */
export async function buySite(stack: TestStack, slug: string, email: string): Promise<string> {
  const siteId = await siteIdOf(stack, slug);
  expect(await pressCheckoutButton(await openCheckout(stack, slug, { email, name: 'Site Owner' }), 'pay')).toBe(303);
  expect(await claimResult(stack, siteId)).toMatchObject({ status: 'completed' });
  return siteId;
}

/**
 * An access token for a customer, as a login would issue it. A buyer signs in after setting a password from the
 * emailed link, which confirms the address; so does this (a later purchase would otherwise revoke an unconfirmed account's sessions).
 */
export async function accessTokenFor(stack: TestStack, email: string): Promise<string> {
  const em = stack.api.orm.em.fork();
  const customer = await em.findOneOrFail(CustomerUser, { email });
  customer.emailVerifiedAt ??= new Date();
  await em.flush();
  return (await startSession(em, stack.api.config.auth, customer)).accessToken;
}

/** Calls `/api/v1/subscriptions<path>` as the customer holding `token`. */
export function subscriptionCall(stack: TestStack, token: string | null, method: 'GET' | 'POST', path: string, body?: object): Promise<LightMyRequestResponse> {
  return stack.api.app.inject({
    method,
    url: `/api/v1/subscriptions${path}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body }),
  });
}

/** The stored subscription and site rows of a site. */
export async function billingRows(stack: TestStack, siteId: string) {
  const em = stack.api.orm.em.fork();
  return { subscription: await em.findOneOrFail(Subscription, { site: siteId }), site: await em.findOneOrFail(Site, siteId) };
}

/** Opens the activation checkout, pays it on the simulated provider and waits until the subscription is active; returns the provider subscription id. */
export async function activateSubscription(stack: TestStack, token: string, siteId: string): Promise<string> {
  const res = await subscriptionCall(stack, token, 'POST', '/activate', { site_id: siteId });
  expect(res.statusCode, res.body).toBe(200);
  expect(await pressCheckoutButton(res.json<{ checkout_url: string }>().checkout_url, 'pay')).toBe(303);
  const { subscription } = await eventually(() => billingRows(stack, siteId), (rows) => rows.subscription.status === 'active');
  return subscription.providerSubscriptionId!;
}

/**
 * Terminates the subscription workflows of every site in the database, so none of them outlives its test and
 * wakes up (a renewal deadline, a continue-as-new) against the next test's emptied tables.
 */
export async function stopSubscriptionWorkflows(stack: TestStack): Promise<void> {
  const sites = await stack.api.orm.em.fork().find(Site, {}, { fields: ['id'] });
  await Promise.all(sites.map(async ({ id }) => {
    try {
      await stack.api.temporal.workflow.getHandle(workflowIds.subscription(id)).terminate('test finished');
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }));
}
