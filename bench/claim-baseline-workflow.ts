/**
 * The baseline of the end-to-end claims bench, bundled by the bench only: the database writes and emails of a
 * paid claim (the same activities, inputs and options the claim workflow uses once a payment is confirmed), run
 * as one bare workflow started directly by the client. It leaves out everything the end-to-end path adds: the
 * purchase API and the checkout it opens at the provider, the payment page, the signed webhook, the inbox and its
 * relay, the provider check of the payment, and the subscription workflow the purchase starts.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createClaimActivities } from '../activities/claims.js';
import type { createPaymentLedgerActivities } from '../activities/payment-ledger.js';
import type { createEmailActivities } from '../activities/email.js';
import { formatMoney } from '../lib/money.js';
import { siteUrl } from '../lib/urls.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS } from '../workflows/activity-options.js';

const db = proxyActivities<ReturnType<typeof createClaimActivities> & ReturnType<typeof createPaymentLedgerActivities>>(databaseActivityOptions());
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);

export interface ClaimBaselineInput {
  siteId: string;
  paymentIntentId: string;
  claimant: { email: string; name: string };
  publicBaseUrl: string;
}

export async function claimBaselineWorkflow(input: ClaimBaselineInput): Promise<void> {
  const site = await db.loadClaimSite(input.siteId);
  const paidAt = new Date().toISOString();
  const payment = { providerPaymentId: input.paymentIntentId, siteId: input.siteId, kind: 'purchase' as const };
  const { paymentId } = await db.recordPayment({ ...payment, providerCheckoutId: null, amountCents: site.purchaseAmountCents, currency: site.currency, paidAt });
  await db.decidePayment({ ...payment, outcome: 'applied' });
  const { customerId, hasPassword } = await db.findOrCreateCustomer(input.claimant);
  await db.addOwnership({ customerId, siteId: input.siteId, paymentId, acquiredAt: paidAt });
  await db.markSiteOwned({ siteId: input.siteId, customerId, purchasedAt: paidAt });
  if (!hasPassword) {
    await email.sendEmail(await db.prepareWelcomeEmail({ customerId, siteTitle: site.title, idempotencyKey: `claim:${input.paymentIntentId}:welcome` }));
  }
  await email.sendEmail({
    idempotencyKey: `claim:${input.paymentIntentId}:confirmation`,
    to: input.claimant.email,
    template: 'purchase_confirmation',
    model: { name: input.claimant.name, siteTitle: site.title, siteUrl: siteUrl(input, site.slug), amount: formatMoney(site.purchaseAmountCents, site.currency), paidAt },
  });
}
