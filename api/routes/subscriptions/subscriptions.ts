import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ConflictError } from '../../../lib/errors.js';
import { centsToAmount } from '../../../lib/money.js';
import { errorResponses } from '../../schemas/common.js';
import { SUBSCRIPTION_STATUSES } from '../../schemas/statuses.js';
import {
  openActivationCheckout,
  requestCancellation,
  requestUndoCancellation,
  subscribedSite,
  type StoredSubscriptionView,
  type SubscribedSite,
} from '../../services/subscriptions.js';

const SiteId = Type.String({ format: 'uuid', description: 'Required when the customer owns several sites' });
const DateTime = Type.String({ format: 'date-time' });
const OptionalDateTime = Type.Union([DateTime, Type.Null()]);

const SiteBody = Type.Object({ site_id: Type.Optional(SiteId) }, { additionalProperties: false });
const CancelBody = Type.Object({
  site_id: Type.Optional(SiteId),
  at_period_end: Type.Boolean({ default: true, description: 'false cancels now and takes the site offline now' }),
}, { additionalProperties: false });

const SubscriptionStatus = Type.Object({
  site_id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  status: Type.Enum([...SUBSCRIPTION_STATUSES]),
  amount: Type.Number({ description: 'Monthly amount' }),
  currency: Type.String(),
  current_period_start: OptionalDateTime,
  current_period_end: OptionalDateTime,
  next_billing_date: OptionalDateTime,
  grace_ends_at: OptionalDateTime,
  cancel_at_period_end: Type.Boolean(),
  cancelled_at: OptionalDateTime,
  last_payment_failure: Type.Union([Type.String(), Type.Null()]),
  needs_activation: Type.Boolean({ description: 'True when nothing will renew the paid period (e.g. the site was transferred to this owner): activate to keep it online' }),
});

const ActivationResponse = Type.Object({
  site_id: Type.String({ format: 'uuid' }),
  checkout_url: Type.String({ format: 'uri' }),
  expires_at: DateTime,
  workflow_id: Type.String(),
});

const ReactivationResponse = Type.Intersect([
  SubscriptionStatus,
  Type.Object({
    checkout_url: Type.Union([Type.String({ format: 'uri' }), Type.Null()], { description: 'Where to pay when the subscription has to start again; null when the cancellation was simply taken back' }),
    checkout_expires_at: OptionalDateTime,
  }),
]);

function statusDto(site: SubscribedSite, view: StoredSubscriptionView) {
  return {
    site_id: site.id,
    slug: site.slug,
    status: view.status,
    amount: centsToAmount(site.monthlyAmountCents),
    currency: site.currency,
    current_period_start: view.periodStart,
    current_period_end: view.periodEnd,
    next_billing_date: view.nextBillingDate,
    grace_ends_at: view.graceEndsAt,
    cancel_at_period_end: view.cancelAtPeriodEnd,
    cancelled_at: view.cancelledAt,
    last_payment_failure: view.lastPaymentFailure,
    needs_activation: view.status === 'pending_activation' || (view.status === 'active' && view.providerSubscriptionEnded && !view.cancelAtPeriodEnd),
  };
}

const canRestartByCheckout = (view: StoredSubscriptionView) =>
  view.status === 'past_due' || view.status === 'suspended' || view.status === 'cancelled' || (view.status === 'active' && view.providerSubscriptionEnded);

/** The owner's monthly subscription, per site: activate, read, cancel and reactivate. */
export const subscriptionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['subscriptions'];
  const security = [{ bearer: [] }];
  // A POST without a body names no site: it is taken as `{}`, so the defaults apply.
  const config = { bodyOptional: true };

  app.post('/activate', {
    config,
    schema: {
      tags, security,
      summary: 'Open the checkout that starts the monthly subscription of a site',
      description: 'Answers the same checkout again while it is open. After payment the site becomes active.',
      body: SiteBody,
      response: { 200: ActivationResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
    },
  }, async (request) => {
    const { site, view } = await subscribedSite(request.em, request.customer.id, request.body.site_id);
    if (view.status === 'active' && !canRestartByCheckout(view)) {
      throw new ConflictError('subscription_already_active', 'The subscription of this site is already active.');
    }
    const checkout = await openActivationCheckout(app.deps, site);
    return { site_id: site.id, checkout_url: checkout.checkoutUrl, expires_at: checkout.expiresAt, workflow_id: checkout.workflowId };
  });

  app.get('/status', {
    schema: {
      tags, security,
      summary: 'Where the subscription of a site stands: status, period, grace deadline, next billing date',
      querystring: Type.Object({ site_id: Type.Optional(SiteId) }, { additionalProperties: false }),
      response: { 200: SubscriptionStatus, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (request) => {
    const { site, view } = await subscribedSite(request.em, request.customer.id, request.query.site_id);
    return statusDto(site, view);
  });

  app.post('/cancel', {
    config,
    schema: {
      tags, security,
      summary: 'Cancel the subscription of a site, at the end of the paid period (default) or now',
      description: 'At period end the site stays online until the period ends. Answers 202 when the change is queued behind a payment that starts a new period; 409 when there is nothing to cancel.',
      body: CancelBody,
      response: { 200: SubscriptionStatus, 202: SubscriptionStatus, ...errorResponses(400, 401, 403, 404, 409, 503) },
    },
  }, async (request, reply) => {
    const { site } = await subscribedSite(request.em, request.customer.id, request.body.site_id);
    const result = await requestCancellation(app.deps, site, request.body.at_period_end);
    return reply.status(result.applied ? 200 : 202).send(statusDto(site, result.view));
  });

  app.post('/reactivate', {
    config,
    schema: {
      tags, security,
      summary: 'Reactivate the subscription of a site',
      description: 'Before the paid period ends, takes back a pending cancellation. Once the subscription has lapsed (past due, suspended, cancelled), opens a checkout to start it again.',
      body: SiteBody,
      response: { 200: ReactivationResponse, ...errorResponses(400, 401, 403, 404, 409, 503) },
    },
  }, async (request) => {
    const { site, view } = await subscribedSite(request.em, request.customer.id, request.body.site_id);
    if (canRestartByCheckout(view)) {
      const checkout = await openActivationCheckout(app.deps, site);
      return { ...statusDto(site, view), checkout_url: checkout.checkoutUrl, checkout_expires_at: checkout.expiresAt };
    }
    const result = await requestUndoCancellation(app.deps, site);
    return { ...statusDto(site, result.view), checkout_url: null, checkout_expires_at: null };
  });
};
