import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { paymentTotals, siteStatusCounts, subscriptionTotals, type PaymentTotalRow } from '../../../db/statistics.js';
import { ValidationError } from '../../../lib/errors.js';
import { centsToAmount } from '../../../lib/money.js';
import { DateTimeParam, errorResponses } from '../../schemas/common.js';
import { SITE_STATUSES, SUBSCRIPTION_STATUSES } from '../../schemas/statuses.js';

const Count = Type.Integer({ minimum: 0 });
const Amount = Type.Number();
const countsOf = <const T extends readonly string[]>(keys: T) => Type.Object(Object.fromEntries(keys.map((key) => [key, Count])) as Record<T[number], typeof Count>);

const PurchaseStatistics = Type.Object({
  from: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  to: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  purchases: Type.Object({ count: Count, refunded: Count }),
  subscription_payments: Type.Object({ count: Count, refunded: Count, failed: Count }),
  revenue: Type.Array(Type.Object({
    currency: Type.String(),
    purchases: Amount,
    subscriptions: Amount,
    refunds: Amount,
    net: Amount,
  }), { description: 'Money taken per currency: gross by kind, refunds, and what is left' }),
  sites: countsOf(SITE_STATUSES),
});

const SubscriptionStatistics = Type.Object({
  total: Count,
  by_status: countsOf(SUBSCRIPTION_STATUSES),
  past_due: Count,
  suspended: Count,
  cancelling: Type.Integer({ minimum: 0, description: 'Active subscriptions that end with their current period' }),
  mrr: Type.Array(Type.Object({
    currency: Type.String(),
    amount: Amount,
    subscriptions: Count,
  }), { description: 'Monthly recurring revenue per currency: active and past-due (still in grace) subscriptions' }),
});

const Range = Type.Object({
  from: Type.Optional(DateTimeParam('Count payments made at or after this instant')),
  to: Type.Optional(DateTimeParam('Count payments made before this instant')),
}, { additionalProperties: false });

const zeroCounts = <T extends readonly string[]>(keys: T) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<T[number], number>;

/** Operator statistics behind the admin token: purchases and revenue, MRR, subscriptions by status. */
export const statisticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['admin'];
  const security = [{ admin: [] }];

  app.get('/purchase-statistics', {
    config: { operatorAction: 'money.read' },
    schema: {
      tags, security,
      summary: 'Purchases, subscription payments and revenue per currency; sites by status',
      querystring: Range,
      response: { 200: PurchaseStatistics, ...errorResponses(400, 401, 403) },
    },
  }, async (request) => {
    const { from, to } = request.query;
    if (from && to && Date.parse(from) >= Date.parse(to)) throw new ValidationError('invalid_range', '"from" must be before "to"');
    const rows = await paymentTotals(request.em, from ?? null, to ?? null);
    const sites = await siteStatusCounts(request.em);

    const count = (kind: PaymentTotalRow['kind'], statuses: PaymentTotalRow['status'][]) =>
      rows.filter((row) => row.kind === kind && statuses.includes(row.status)).reduce((sum, row) => sum + row.count, 0);
    const cents = (currency: string, filter: (row: PaymentTotalRow) => boolean) =>
      rows.filter((row) => row.currency === currency && filter(row)).reduce((sum, row) => sum + Number(row.cents), 0);
    const taken = (row: PaymentTotalRow) => row.status === 'succeeded' || row.status === 'refunded';
    const revenue = [...new Set(rows.filter(taken).map((row) => row.currency))].sort().map((currency) => {
      const purchases = cents(currency, (row) => taken(row) && row.kind === 'purchase');
      const subscriptions = cents(currency, (row) => taken(row) && row.kind === 'subscription');
      const refunds = cents(currency, (row) => row.status === 'refunded');
      return {
        currency,
        purchases: centsToAmount(purchases),
        subscriptions: centsToAmount(subscriptions),
        refunds: centsToAmount(refunds),
        net: centsToAmount(purchases + subscriptions - refunds),
      };
    });
    const siteCounts = zeroCounts(SITE_STATUSES);
    for (const row of sites) siteCounts[row.status] = row.count;

    return {
      from: from ?? null,
      to: to ?? null,
      purchases: { count: count('purchase', ['succeeded', 'refunded']), refunded: count('purchase', ['refunded']) },
      subscription_payments: {
        count: count('subscription', ['succeeded', 'refunded']),
        refunded: count('subscription', ['refunded']),
        failed: count('subscription', ['failed']),
      },
      revenue,
      sites: siteCounts,
    };
  });

  app.get('/subscription-statistics', {
    config: { operatorAction: 'money.read' },
    schema: {
      tags, security,
      summary: 'Subscriptions by status, past-due and suspended counts, and MRR',
      response: { 200: SubscriptionStatistics, ...errorResponses(401, 403) },
    },
  }, async (request) => {
    const rows = await subscriptionTotals(request.em);
    const byStatus = zeroCounts(SUBSCRIPTION_STATUSES);
    for (const row of rows) byStatus[row.status] += row.count;
    const billing = rows.filter((row) => row.status === 'active' || row.status === 'past_due');
    const mrr = [...new Set(billing.map((row) => row.currency))].sort().map((currency) => {
      const mine = billing.filter((row) => row.currency === currency);
      return {
        currency,
        amount: centsToAmount(mine.reduce((sum, row) => sum + Number(row.cents), 0)),
        subscriptions: mine.reduce((sum, row) => sum + row.count, 0),
      };
    });
    return {
      total: rows.reduce((sum, row) => sum + row.count, 0),
      by_status: byStatus,
      past_due: byStatus.past_due,
      suspended: byStatus.suspended,
      cancelling: rows.filter((row) => row.status === 'active').reduce((sum, row) => sum + row.cancelling, 0),
      mrr,
    };
  });
};
