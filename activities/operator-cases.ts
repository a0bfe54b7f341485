import { log } from '@temporalio/activity';
import { OperatorCase } from '../db/entities/index.js';
import type { OperatorCaseKind } from '../db/entities/operator-case.entity.js';
import { consoleNeedsAttentionUrl } from '../lib/urls.js';
import { deliverEmail, type EmailDeliveryDeps } from './email-delivery.js';

/** A case for an operator; `key` is a business key (e.g. `refund:<payment id>`), so raising it twice records it once. */
export interface OperatorCaseInput {
  key: string;
  kind: OperatorCaseKind;
  reason: string;
  siteId: string | null;
  workflowId: string | null;
  payload: Record<string, unknown>;
}

/** What raising a case needs: the database, the mailer and the operator address (in the configuration). */
export type OperatorCaseDeps = EmailDeliveryDeps;

const MAX_REASON = 2000;

/**
 * Records the case on the needs-attention list (once per key) and emails the operators about it (once per key).
 * An email that cannot go out is logged, never fatal: the list is the record an operator works from.
 */
export async function raiseOperatorCase(deps: OperatorCaseDeps, input: OperatorCaseInput): Promise<{ caseId: string }> {
  const em = deps.orm.em.fork();
  const reason = input.reason.slice(0, MAX_REASON);
  await em.upsert(
    OperatorCase,
    { key: input.key, kind: input.kind, reason, site: input.siteId, workflowId: input.workflowId, payload: input.payload },
    { onConflictFields: ['key'], onConflictAction: 'ignore' },
  );
  const row = await em.findOneOrFail(OperatorCase, { key: input.key });
  try {
    await deliverEmail(deps, {
      idempotencyKey: `operator-case:${row.id}`,
      to: deps.config.operators.email,
      template: 'operator_case',
      model: { kind: input.kind, reason, reference: input.key.slice(0, 200), casesUrl: consoleNeedsAttentionUrl(deps.config) },
    });
  } catch (error) {
    log.warn('operator case recorded but its email was not sent', { key: input.key, error: error instanceof Error ? error.message : String(error) });
  }
  return { caseId: row.id };
}

/** Activities that raise cases to operators. */
export function createOperatorCaseActivities(deps: OperatorCaseDeps) {
  return {
    /** Records a case on the needs-attention list and emails the operators; safe to retry. */
    async raiseOperatorCase(input: OperatorCaseInput): Promise<{ caseId: string }> {
      return raiseOperatorCase(deps, input);
    },
  };
}
