import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ClaimSite, createClaimActivities } from '../../activities/claims.js';
import type { createEmailActivities } from '../../activities/email.js';
import type { OperatorCaseInput } from '../../activities/operator-cases.js';
import type { createPaymentLedgerActivities } from '../../activities/payment-ledger.js';
import type { createPaymentActivities } from '../../activities/payments.js';
import { formatMoney } from '../../lib/money.js';
import { customerEmailKey } from '../../lib/search-key.js';
import { siteUrl, subscriptionPageUrl } from '../../lib/urls.js';
import { databaseActivityOptions, EMAIL_ACTIVITY_OPTIONS, PAYMENT_PROVIDER_ACTIVITY_OPTIONS } from '../activity-options.js';
import { raisePaymentCase } from '../operator-cases.js';
import { BUSINESS_STATUS, CUSTOMER_EMAIL } from '../search-attributes.js';
import { subscriptionStartOptions, type SubscriptionSettings } from '../subscription/contract.js';
import { subscriptionWorkflow } from '../subscription/workflow.js';
import {
  cancelCheckoutUpdate,
  CLAIM_FAILURES,
  claimPaymentFailedSignal,
  claimPaymentSucceededSignal,
  claimStateQuery,
  requestCheckoutUpdate,
  type Claimant,
  type ClaimCheckout,
  type ClaimInput,
  type ClaimOutcome,
  type ClaimPayment,
  type ClaimStatus,
  RELEASE_ON_CANCEL_PATCH,
} from './contract.js';
import { ClaimProgress, paymentOutcome, type Rejection } from './state.js';

const db = proxyActivities<ReturnType<typeof createClaimActivities> & ReturnType<typeof createPaymentLedgerActivities>>(databaseActivityOptions());
const payments = proxyActivities<ReturnType<typeof createPaymentActivities>>(PAYMENT_PROVIDER_ACTIVITY_OPTIONS);
const email = proxyActivities<ReturnType<typeof createEmailActivities>>(EMAIL_ACTIVITY_OPTIONS);

/** Throws a refusal as the non-retryable failure the API maps to an HTTP answer. */
function reject(rejection: Rejection | null): void {
  if (rejection) throw ApplicationFailure.create({ ...rejection, nonRetryable: true });
}

/**
 * Claim → pay → own, one run per site at a time (`claim:<siteId>`). Holds the site for one claimant
 * while their checkout is open, releases it when the checkout expires, is cancelled or its card declined, and on
 * payment makes the payer the owner. Every step after the payment is idempotent, so a crash anywhere resumes
 * without doubling.
 */
export async function claimSiteWorkflow(input: ClaimInput): Promise<ClaimOutcome> {
  const progress = new ClaimProgress();
  // The claim's expiry timer is the first command of the first task, before anything that can fail, so a run whose
  // claimant never got an answer (worker died, API gave up) still ends on its own.
  void sleep(input.checkoutExpiryMs).then(() => progress.expireIdle());
  const run = new ClaimRun(input, progress);
  run.listen();
  const site = await run.load();
  await run.untilSettled(site);
  await condition(allHandlersFinished);
  // The claim is over (bought, expired or unavailable): its hold no longer keeps the site or counts against the claimant.
  await db.releasePurchaseHold(input.siteId);
  // A claimant who cancelled or was declined may still pay on the same checkout before the run is over: settled here.
  if (progress.status === 'cancelled') await run.settleLatePayments();
  return { status: progress.finalStatus(site.status), customerId: progress.state().customerId, refunds: progress.refunds };
}

/** One claim run: message handlers, the wait for a payment and the side effects of settling it. */
class ClaimRun {
  private loaded: ClaimSite | null = null;

  constructor(
    private readonly input: ClaimInput,
    private readonly progress: ClaimProgress,
  ) {}

  /** Wires the query, signals and the checkout update to the claim's progress. */
  listen(): void {
    const { progress } = this;
    setHandler(claimStateQuery, () => progress.state());
    setHandler(claimPaymentSucceededSignal, (payment) => progress.receivePayment(payment));
    setHandler(claimPaymentFailedSignal, (failure) => progress.receiveFailure(failure));
    setHandler(requestCheckoutUpdate, (requested) => this.requestCheckout(requested), {
      validator: (requested: Claimant) => reject(progress.checkoutRejection(requested)),
    });
    setHandler(cancelCheckoutUpdate, () => {
      progress.cancel();
      return progress.state();
    }, { validator: ({ token }: { token: string }) => reject(progress.cancelRejection(token)) });
  }

  /** Loads the site being claimed. */
  async load(): Promise<ClaimSite> {
    const site = await db.loadClaimSite(this.input.siteId);
    this.loaded = site;
    return site;
  }

  /** Waits for a claimant, a payment or the expiry, settles every payment, and ends in a final status. */
  async untilSettled(site: ClaimSite): Promise<void> {
    const { progress } = this;
    if (site.status === 'preview') this.setStatus('awaiting_claimant');
    for (;;) {
      const payment = progress.pending.shift();
      if (payment) {
        await this.settlePayment(payment);
        continue;
      }
      if (progress.status === 'awaiting_claimant') {
        await condition(() => progress.claimantWaitOver());
        if (progress.pending.length > 0 || progress.checkout) continue;
        break;
      }
      if (progress.status === 'awaiting_payment' && progress.checkout) {
        const msLeft = Date.parse(progress.checkout.expiresAt) - Date.now();
        const releases = patched(RELEASE_ON_CANCEL_PATCH);
        if (await condition(() => progress.pending.length > 0 || (releases && progress.releaseRequested), Math.max(1, msLeft))) {
          if (progress.pending.length > 0) continue;
          log.info('checkout cancelled or declined; releasing the site', { siteId: this.input.siteId });
          this.setStatus('cancelled');
          break;
        }
        log.info('checkout expired; releasing the site', { siteId: this.input.siteId });
      }
      break;
    }
    const final = progress.finalStatus(site.status);
    if (final !== progress.status) this.setStatus(final);
  }

  /** Settles the payments that arrived while a cancelled claim was closing (a claimant who tried again and paid). */
  async settleLatePayments(): Promise<void> {
    for (let payment = this.progress.pending.shift(); payment; payment = this.progress.pending.shift()) await this.settlePayment(payment);
  }

  private get site(): ClaimSite {
    if (!this.loaded) throw new Error(`claimed site ${this.input.siteId} is not loaded yet`);
    return this.loaded;
  }

  private setStatus(status: ClaimStatus): void {
    this.progress.setStatus(status);
    upsertSearchAttributes([{ key: BUSINESS_STATUS, value: status }]);
  }

  /** Holds the site for the first claimant and opens their checkout; answers the same checkout to them again. */
  private async requestCheckout(requested: Claimant): Promise<ClaimCheckout> {
    const { progress, input } = this;
    await condition(() => this.loaded !== null);
    reject(progress.checkoutRejection(requested));
    if (progress.hold(requested)) {
      upsertSearchAttributes([{ key: CUSTOMER_EMAIL, value: customerEmailKey(requested.email) }]);
      const expiresAt = new Date(Date.now() + input.checkoutExpiryMs).toISOString();
      const cancelToken = uuid4();
      progress.setCancelToken(cancelToken);
      const { site } = this;
      try {
        const session = await payments.createClaimCheckout({
          idempotencyKey: `${workflowInfo().workflowId}:${workflowInfo().runId}:checkout`,
          siteId: site.siteId,
          slug: site.slug,
          businessId: site.businessId,
          siteTitle: site.title,
          amountCents: site.purchaseAmountCents,
          currency: site.currency,
          claimantEmail: requested.email,
          claimantName: requested.name,
          expiresAt,
          cancelToken,
        });
        progress.checkoutOpened({ ...session, expiresAt });
        this.setStatus('awaiting_payment');
      } catch (error) {
        progress.checkoutRefused();
        throw error;
      }
    }
    await condition(() => progress.checkoutSettled);
    if (!progress.checkout) throw ApplicationFailure.create({ type: CLAIM_FAILURES.notAvailable, message: 'The checkout could not be opened', nonRetryable: true });
    return progress.checkout;
  }

  private async settlePayment(payment: ClaimPayment): Promise<void> {
    const before = this.progress.status;
    this.setStatus('processing_payment');
    const granted = await this.settleVerified(payment, before);
    if (granted) await this.grantOwnership(granted.payment, granted.paymentId);
  }

  /**
   * Confirms the payment with the provider, then applies it once (the processed-payments table decides) or gives it
   * back. Answers the payment to grant ownership for, with the provider's amount, or null when nothing is granted.
   */
  private async settleVerified(payment: ClaimPayment, before: ClaimStatus): Promise<{ paymentId: string; payment: ClaimPayment } | null> {
    const { siteId } = this.input;
    const reported = { paymentIntentId: payment.paymentIntentId, checkoutId: payment.checkoutId, amountCents: payment.amountCents, currency: payment.currency };
    const verdict = await payments.verifyClaimPayment({
      reported,
      expected: { siteId, amountCents: this.site.purchaseAmountCents, currency: this.site.currency, openCheckoutId: this.progress.checkout?.checkoutId ?? null },
    });
    if (verdict.verdict === 'unverified') {
      log.warn('payment not confirmed by the provider; nothing granted', { siteId, reason: verdict.reason });
      await this.raise(payment, 'payment_unverified', `${verdict.reason}. Nothing was granted.`);
      this.setStatus(before);
      return null;
    }
    const confirmed = verdict.verdict === 'verified' ? { ...payment, amountCents: verdict.amountCents, currency: verdict.currency } : payment;
    const { paymentId } = await db.recordPayment({
      providerPaymentId: confirmed.paymentIntentId,
      providerCheckoutId: confirmed.checkoutId,
      siteId,
      kind: 'purchase',
      amountCents: confirmed.amountCents,
      currency: confirmed.currency,
      paidAt: confirmed.paidAt,
    });
    const current = verdict.verdict === 'verified' ? await db.loadClaimSite(siteId) : null;
    const outcome = paymentOutcome(verdict.verdict, payment.claimant.email, current);
    const decision = await db.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId, kind: 'purchase', outcome });
    if (decision.status === 'earlier') {
      // Decided by an earlier run (a redelivered payment): nothing more to do.
      this.setStatus(this.progress.statusAfterEarlierDecision(before, decision.outcome));
      return null;
    }
    if (decision.status === 'decided' && decision.outcome === 'applied') return { paymentId, payment: confirmed };
    let reason: string;
    if (verdict.verdict === 'mismatch') {
      reason = verdict.reason;
      await this.raise(payment, 'payment_mismatch', `${reason}. The payment is being refunded.`);
    } else if (decision.status === 'taken') {
      reason = 'the site was already bought with another payment';
      await db.decidePayment({ providerPaymentId: payment.paymentIntentId, siteId, kind: 'purchase', outcome: 'refunded' });
    } else {
      reason = 'the site went to someone else first';
    }
    await this.giveBack(paymentId, payment, reason);
    this.setStatus(this.progress.statusAfterGiveBack(before));
    return null;
  }

  private async raise(payment: ClaimPayment, kind: OperatorCaseInput['kind'], reason: string): Promise<void> {
    const { siteId } = this.input;
    await raisePaymentCase(kind, payment, siteId, `Claim of site ${siteId}: ${reason}`, {
      eventId: payment.eventId, paymentIntentId: payment.paymentIntentId, checkoutId: payment.checkoutId, amountCents: payment.amountCents, currency: payment.currency,
    });
  }

  /** Gives a real payment back; a refund the provider refuses is parked for an operator (the refund activity raises the case). */
  private async giveBack(paymentId: string, payment: ClaimPayment, reason: string): Promise<void> {
    const refund = await payments.refundPayment({ paymentIntentId: payment.paymentIntentId, idempotencyKey: `refund:${payment.paymentIntentId}`, siteId: this.input.siteId, reason });
    if (refund.status === 'refunded') {
      await db.markPaymentRefunded(paymentId);
      this.progress.refunded();
    }
    await db.setPaymentOutcome({ providerPaymentId: payment.paymentIntentId, outcome: refund.status === 'refunded' ? 'refunded' : 'parked' });
  }

  /** Makes the payer the owner: customer, ownership, site owned, emails, and the subscription workflow. */
  private async grantOwnership(payment: ClaimPayment, paymentId: string): Promise<void> {
    const { input, site } = this;
    const payer = { email: payment.claimant.email.toLowerCase(), name: payment.claimant.name };
    const { customerId, hasPassword } = await db.findOrCreateCustomer(payer);
    this.progress.granted(customerId);
    upsertSearchAttributes([{ key: CUSTOMER_EMAIL, value: customerEmailKey(payer.email) }]);
    await db.addOwnership({ customerId, siteId: input.siteId, paymentId, acquiredAt: payment.paidAt });
    await db.markSiteOwned({ siteId: input.siteId, customerId, purchasedAt: payment.paidAt });
    if (!hasPassword) {
      const welcome = await db.prepareWelcomeEmail({ customerId, siteTitle: site.title, idempotencyKey: `claim:${payment.paymentIntentId}:welcome` });
      await this.notify(welcome);
    }
    await this.notify({
      idempotencyKey: `claim:${payment.paymentIntentId}:confirmation`,
      to: payer.email,
      template: 'purchase_confirmation',
      model: {
        name: payer.name, siteTitle: site.title, siteUrl: siteUrl(input, site.slug), amount: formatMoney(payment.amountCents, payment.currency), paidAt: payment.paidAt,
        ...this.nextSteps(payment.paidAt, hasPassword),
      },
    });
    if (input.subscriptionSettings) await this.startSubscription(input.subscriptionSettings, site.slug);
    this.setStatus('completed');
  }

  /** What the receipt says comes next: the account the buyer signs in with, and by when to activate the subscription. */
  private nextSteps(paidAt: string, hasPassword: boolean): { account: 'new' | 'existing'; activateBy?: string; billingUrl?: string } {
    const deadlineMs = this.input.subscriptionSettings?.activationDeadlineMs;
    const account = hasPassword ? 'existing' : 'new';
    if (deadlineMs === undefined) return { account };
    return { account, activateBy: new Date(Date.parse(paidAt) + deadlineMs).toISOString(), billingUrl: subscriptionPageUrl(this.input, this.input.siteId) };
  }

  /** Sends a purchase email; one that can never be sent is an operator case (raised by the activity), never fatal to the purchase. */
  private async notify(message: Parameters<typeof email.sendEmail>[0]): Promise<void> {
    try {
      await email.sendEmail(message);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('purchase email not delivered', { siteId: this.input.siteId, key: message.idempotencyKey, error: error.message });
    }
  }

  /** Starts the site's subscription workflow, so the activation deadline runs from the purchase; one that already runs is kept. */
  private async startSubscription(settings: SubscriptionSettings, slug: string): Promise<void> {
    try {
      await startChild(subscriptionWorkflow, { ...subscriptionStartOptions({ id: this.input.siteId, slug }, settings), parentClosePolicy: ParentClosePolicy.ABANDON });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
