import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../../schemas/common.js';
import { PAYMENT_KINDS, PAYMENT_STATUSES } from '../../schemas/statuses.js';
import { sitePayments } from '../../services/payments.js';

const PaymentDto = Type.Object({
  id: Type.String({ format: 'uuid' }),
  receipt_number: Type.String({ description: 'The provider\'s payment id, as printed on the receipt' }),
  kind: Type.Enum([...PAYMENT_KINDS]),
  status: Type.Enum([...PAYMENT_STATUSES]),
  amount: Type.Number(),
  currency: Type.String(),
  failure_reason: Type.Union([Type.String(), Type.Null()]),
  paid_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  recorded_at: Type.String({ format: 'date-time' }),
});
const PaymentHistory = Type.Object({
  site_id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  site_title: Type.String(),
  payments: Type.Array(PaymentDto),
});

/** The owner's payment history per site (purchase and subscription payments, failed charges, refunds), the source of the portal's receipts. */
export const paymentRoutes: FastifyPluginAsyncTypebox = async (app) => {

  app.get('/sites/:siteId/payments', {
    config: { action: 'billing.manage' },
    schema: {
      tags: ['portal'], summary: 'Payments you made for one of your sites, newest first', security: [{ bearer: [] }],
      params: Type.Object({ siteId: Type.String({ format: 'uuid' }) }),
      response: { 200: PaymentHistory, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const { site } = request;
    const payments = await sitePayments(request.em, site.id, request.customer.id);
    return {
      site_id: site.id,
      slug: site.slug,
      site_title: site.title,
      payments,
    };
  });
};
