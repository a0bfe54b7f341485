import type { EntityManager } from '@mikro-orm/postgresql';
import { Payment } from '../../db/entities/index.js';
import { centsToAmount } from '../../lib/money.js';

/** The customer's payments for one site, newest first, as the portal's receipts show them. */
export async function sitePayments(em: EntityManager, siteId: string, customerId: string) {
  const payments = await em.find(Payment, { site: siteId, customer: customerId }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  return payments.map((payment) => ({
    id: payment.id,
    receipt_number: payment.providerPaymentId,
    kind: payment.kind,
    status: payment.status,
    amount: centsToAmount(payment.amountCents),
    currency: payment.currency,
    failure_reason: payment.failureReason ?? null,
    paid_at: payment.paidAt?.toISOString() ?? null,
    recorded_at: payment.createdAt.toISOString(),
  }));
}
