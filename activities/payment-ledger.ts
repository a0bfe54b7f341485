import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Context } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Payment, ProcessedPayment } from '../db/entities/index.js';
import type { PaymentOutcome } from '../db/entities/processed-payment.entity.js';
import { recordPaymentOnce } from '../db/payments.js';

/** A successful payment as the provider reported it. */
export interface PaymentRecordInput {
  providerPaymentId: string;
  providerCheckoutId: string | null;
  siteId: string;
  kind: 'purchase' | 'subscription';
  amountCents: number;
  currency: string;
  paidAt: string;
}

/** What a workflow asks before applying a payment: this payment, for this site, as a purchase or a subscription charge. */
export interface PaymentDecisionInput {
  providerPaymentId: string;
  siteId: string;
  kind: 'purchase' | 'subscription';
  /** What to record when the payment is new: `applied` to apply it, `refunded`/`parked` when it is given back or held. */
  outcome: PaymentOutcome;
}

/**
 * The processed-payments table's answer: `decided` is this run's own decision (first time, or a retry of the same
 * run); otherwise the payment was decided earlier (`earlier`) or another payment is already the site's purchase (`taken`).
 */
export interface PaymentDecision {
  status: 'decided' | 'earlier' | 'taken';
  outcome: PaymentOutcome;
}

/** A subscription payment (first charge or renewal) as the provider reported it. */
export interface SubscriptionPaymentRecord {
  siteId: string;
  customerId: string;
  providerPaymentId: string;
  providerCheckoutId: string | null;
  providerSubscriptionId: string | null;
  amountCents: number;
  currency: string;
  status: 'succeeded' | 'failed';
  failureReason: string | null;
  /** When the provider charged (or tried to). */
  at: string;
}

/**
 * Our own book of provider payments (the `payments` and `processed_payments` tables): what was paid, what was done
 * with it, what went back. Each step is keyed by the provider payment id, so a re-run after a crash records nothing twice.
 */
export function createPaymentLedgerActivities(deps: { orm: MikroORM }) {
  return {
    /** Records a payment once per provider payment id; returns the row's id either way. */
    async recordPayment(input: PaymentRecordInput): Promise<{ paymentId: string }> {
      const paymentId = await recordPaymentOnce(deps.orm.em.fork(), {
        providerPaymentId: input.providerPaymentId,
        providerCheckoutId: input.providerCheckoutId,
        site: input.siteId,
        kind: input.kind,
        amountCents: input.amountCents,
        currency: input.currency,
        status: 'succeeded',
        paidAt: new Date(input.paidAt),
      });
      return { paymentId };
    },

    /**
     * Records what is done with a provider payment, once: the durable "already applied?" check. At most one purchase
     * per site is applied (a partial unique index), so a second purchase payment is answered `taken`.
     */
    async decidePayment(input: PaymentDecisionInput): Promise<PaymentDecision> {
      const info = Context.current().info;
      const workflowId = info.workflowExecution?.workflowId ?? 'none';
      const runId = info.workflowExecution?.runId ?? 'none';
      const em = deps.orm.em.fork();
      try {
        await em.insert(ProcessedPayment, {
          id: randomUUID(),
          createdAt: new Date(),
          providerPaymentId: input.providerPaymentId, site: input.siteId, kind: input.kind, outcome: input.outcome, workflowId, runId,
        });
        return { status: 'decided', outcome: input.outcome };
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
      }
      const existing = await em.findOne(ProcessedPayment, { providerPaymentId: input.providerPaymentId });
      if (existing) return { status: existing.runId === runId ? 'decided' : 'earlier', outcome: existing.outcome };
      return { status: 'taken', outcome: 'applied' };
    },

    /** Changes the recorded outcome of a payment (an applied payment later refunded, a refund the provider refused). */
    async setPaymentOutcome(input: { providerPaymentId: string; outcome: PaymentOutcome }): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(ProcessedPayment, { providerPaymentId: input.providerPaymentId }, { outcome: input.outcome });
    },

    /** Marks a payment refunded after the money went back. */
    async markPaymentRefunded(paymentId: string): Promise<void> {
      await deps.orm.em.fork().nativeUpdate(Payment, { id: paymentId }, { status: 'refunded' });
    },

    /** Records a subscription charge once per provider payment id; returns the row's id either way. */
    async recordSubscriptionPayment(input: SubscriptionPaymentRecord): Promise<{ paymentId: string }> {
      const paymentId = await recordPaymentOnce(deps.orm.em.fork(), {
        providerPaymentId: input.providerPaymentId,
        providerCheckoutId: input.providerCheckoutId,
        providerSubscriptionId: input.providerSubscriptionId,
        site: input.siteId,
        customer: input.customerId,
        kind: 'subscription',
        amountCents: input.amountCents,
        currency: input.currency,
        status: input.status,
        failureReason: input.failureReason?.slice(0, 255) ?? null,
        paidAt: input.status === 'succeeded' ? new Date(input.at) : null,
      });
      return { paymentId };
    },
  };
}
