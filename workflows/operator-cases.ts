import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { createOperatorCaseActivities, OperatorCaseInput } from '../activities/operator-cases.js';
import { OPERATOR_CASE_ACTIVITY_OPTIONS } from './activity-options.js';

const operators = proxyActivities<ReturnType<typeof createOperatorCaseActivities>>(OPERATOR_CASE_ACTIVITY_OPTIONS);

/** A payment event an operator is asked to look at. */
export interface CasePayment {
  eventId: string;
  paymentIntentId: string;
}

/**
 * Raises an operator case of `kind` about `payment` from the running workflow, keyed by the payment and its event
 * so a re-run raises it once; `reason` is the sentence the operator reads.
 */
export async function raisePaymentCase(kind: OperatorCaseInput['kind'], payment: CasePayment, siteId: string, reason: string, payload: Record<string, unknown>): Promise<void> {
  await operators.raiseOperatorCase({
    key: `${kind}:${payment.paymentIntentId}:${payment.eventId}`.slice(0, 255),
    kind,
    reason,
    siteId,
    workflowId: workflowInfo().workflowId,
    payload,
  });
}
