import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queueEmail } from '../../api/email.js';
import type { SendEmailInput, SendEmailResult } from '../../activities/email.js';
import { EmailMessage, OperatorCase } from '../../db/entities/index.js';
import { workflowIds } from '../../lib/workflow-ids.js';
import type { sendEmailWorkflow } from '../../workflows/send-email.js';
import { resetDatabase } from '../helpers/env.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

let stack: TestStack;
let api: TestStack['api'];

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});
afterAll(() => stack.stop());
beforeEach(async () => {
  await resetDatabase(api.orm);
  stack.postmark.reset();
});

function verifyEmail(to = 'owner@example.com'): SendEmailInput {
  return { idempotencyKey: `verify:${randomUUID()}`, to, template: 'verify_email', model: { name: 'Ana', verifyUrl: 'http://webmagic.test/verify?token=abc' } };
}

async function sendAndWait(input: SendEmailInput): Promise<SendEmailResult> {
  await queueEmail(api, input);
  return api.temporal.workflow.getHandle<typeof sendEmailWorkflow>(workflowIds.email(input.idempotencyKey)).result();
}

describe('sendEmailWorkflow', () => {
  it('sends through Postmark and records the message once', async () => {
    const input = verifyEmail();
    const result = await sendAndWait(input);
    expect(result.status).toBe('sent');

    const sent = stack.postmark.sent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ To: 'owner@example.com', MessageID: result.messageId, Metadata: { idempotency_key: input.idempotencyKey } });
    const log = await api.orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: input.idempotencyKey });
    expect(log).toMatchObject({ status: 'sent', providerMessageId: result.messageId, template: 'verify_email', attempts: 1, toAddress: 'owner@example.com' });
    expect(log.model).toEqual({ ...input.model, verifyUrl: 'http://webmagic.test/verify?token=[redacted]' });
  });

  it('queuing the same key again sends nothing more', async () => {
    const input = verifyEmail();
    await sendAndWait(input);
    await queueEmail(api, input);
    await queueEmail(api, input);
    expect(stack.postmark.sent()).toHaveLength(1);
    expect(await api.orm.em.fork().count(EmailMessage)).toBe(1);
  });

  it('retries through Postmark outages and ends with exactly one email sent', async () => {
    stack.postmark.failNext(2, 500);
    const input = verifyEmail();
    const result = await sendAndWait(input);
    expect(result.status).toBe('sent');
    expect(stack.postmark.sent()).toHaveLength(1);
    const log = await api.orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: input.idempotencyKey });
    expect(log).toMatchObject({ status: 'sent', attempts: 3, error: null });
  });

  it('does not retry a rejected recipient and records the failure', async () => {
    stack.postmark.markInactive('bounced@example.com');
    const input = verifyEmail('bounced@example.com');
    const error = await sendAndWait(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(((error as WorkflowFailedError).cause?.cause as { type?: string } | undefined)?.type).toBe('EmailRejected');
    const log = await api.orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: input.idempotencyKey });
    expect(log.status).toBe('failed');
    expect(log.attempts).toBe(1);
    expect(log.error).toMatch(/inactive/i);
    expect(stack.postmark.sent().filter((m) => m.To === 'bounced@example.com')).toHaveLength(0);
    // The address can never be reached: operators are told, once, with the email's key.
    const cases = stack.postmark.sent().filter((m) => m.Tag === 'operator_case');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.TextBody).toContain(input.idempotencyKey);
    const raised = await api.orm.em.fork().findOneOrFail(OperatorCase, { key: `email_unsendable:${input.idempotencyKey}` });
    expect(raised.workflowId).toBe(workflowIds.email(input.idempotencyKey));
  });
});
