import type { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEmailActivities, type SendEmailInput } from '../../../activities/email.js';
import { createMailer, type Mailer } from '../../../lib/postmark/mailer.js';
import { EmailMessage, OperatorCase } from '../../../db/entities/index.js';
import { openOrm } from '../../../db/orm.js';
import { startFakePostmark, type FakePostmark } from '../../../lib/postmark/fake.js';
import { resetDatabase, testConfig } from '../../helpers/env.js';

/** The sendEmail activity over a given mailer, as a plain function. */
const sendWith = (via: Mailer) => (input: SendEmailInput) => createEmailActivities({ orm, mailer: via, config }).sendEmail(input);

const baseConfig = testConfig();
let orm: MikroORM;
let postmark: FakePostmark;
let mailer: Mailer;
let config: typeof baseConfig;

beforeAll(async () => {
  orm = await openOrm(baseConfig.database);
  postmark = await startFakePostmark({ serverToken: baseConfig.postmark.serverToken });
  config = { ...baseConfig, postmark: { ...baseConfig.postmark, apiHost: postmark.host, useHttps: false } };
  mailer = createMailer(config.postmark);
});
afterAll(async () => {
  await postmark.close();
  await orm.close();
});
beforeEach(async () => {
  postmark.reset();
  postmark.setFaults({ errorRate: 0, timeoutRate: 0, lateRate: 0, holdMs: 1500 });
  await resetDatabase(orm);
});

const confirmation: SendEmailInput = {
  idempotencyKey: 'claim:pa_once:confirmation',
  to: 'owner@example.com',
  template: 'purchase_confirmation',
  model: { name: 'Olga Owner', siteTitle: 'Plumber Joe', siteUrl: 'http://localhost:3000/sites/plumber-joe', amount: '$495.00', paidAt: '2026-11-28T07:00:00.000Z' },
};

const sentWithKey = (key: string) => postmark.sent().filter((m) => m.Metadata.idempotency_key === key);

describe('sendEmail', () => {
  it('does not send again when the worker died after Postmark accepted the message but before the log was updated', async () => {
    // The first attempt reaches Postmark, then its worker dies before writing the log.
    const dying: Mailer = {
      send: async (message) => {
        await mailer.send(message);
        throw new Error('worker killed after Postmark accepted the message');
      },
      findSent: (key) => mailer.findSent(key),
    };
    const env = new MockActivityEnvironment();
    await expect(env.run(sendWith(dying), confirmation)).rejects.toThrow(/worker killed/);
    expect(sentWithKey(confirmation.idempotencyKey)).toHaveLength(1);

    const retried = await env.run(sendWith(mailer), confirmation);
    expect(retried).toMatchObject({ status: 'already_sent' });
    expect(sentWithKey(confirmation.idempotencyKey)).toHaveLength(1);
    const log = await orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: confirmation.idempotencyKey });
    expect(log).toMatchObject({ status: 'sent', providerMessageId: sentWithKey(confirmation.idempotencyKey)[0]?.MessageID });
  });

  it('finds a message by its idempotency key through the outbound search with a metadata filter', async () => {
    const env = new MockActivityEnvironment();
    await env.run(sendWith(mailer), { ...confirmation, idempotencyKey: 'claim:pa_other:confirmation' });
    expect(await mailer.findSent('claim:pa_other:confirmation')).toEqual({ messageId: sentWithKey('claim:pa_other:confirmation')[0]?.MessageID });
    expect(await mailer.findSent('claim:pa_never:confirmation')).toBeNull();
  });

  it('fails a message that can never render without retrying, and raises it to operators', async () => {
    const env = new MockActivityEnvironment();
    // A link that is no web address can never be put in an email (a stray line break, by contrast, is mended on the way).
    const broken = { ...confirmation, idempotencyKey: 'claim:pa_broken:confirmation', model: { ...confirmation.model, siteUrl: 'javascript:alert(1)' } } as SendEmailInput;
    const failure: unknown = await env.run(sendWith(mailer), broken).then(() => null, (e: unknown) => e);
    expect(failure).toMatchObject({ type: 'EmailUnsendable', nonRetryable: true });
    expect(sentWithKey(broken.idempotencyKey)).toHaveLength(0);
    const cases = await orm.em.fork().find(OperatorCase, {});
    expect(cases.map((c) => [c.kind, c.key])).toEqual([['email_unsendable', `email_unsendable:${broken.idempotencyKey}`]]);
    expect(postmark.sent().some((m) => m.To === config.operators.email && m.Subject.includes('email_unsendable'))).toBe(true);
  });

  it('does not send twice when Postmark accepted the message but answered after the client timed out', async () => {
    // Postmark accepts and records the message, then answers long after this client's timeout.
    const impatient = createMailer({ ...config.postmark, timeoutSeconds: 0.3 });
    postmark.setFaults({ lateRate: 1 });
    const env = new MockActivityEnvironment();
    const firstAttempt: unknown = await env.run(sendWith(impatient), confirmation).then(() => null, (e: unknown) => e);
    expect(firstAttempt).toMatchObject({ name: 'MailerError', statusCode: 0, retryable: true });
    expect(sentWithKey(confirmation.idempotencyKey)).toHaveLength(1);
    expect(await orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: confirmation.idempotencyKey })).toMatchObject({ status: 'pending', attempts: 1 });

    // The retry looks the message up by its key before sending, finds it, and does not send it again.
    postmark.setFaults({ lateRate: 0 });
    expect(await env.run(sendWith(impatient), confirmation)).toEqual({ status: 'already_sent', messageId: sentWithKey(confirmation.idempotencyKey)[0]?.MessageID });
    expect(sentWithKey(confirmation.idempotencyKey)).toHaveLength(1);
    expect(await orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: confirmation.idempotencyKey })).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('retries a Postmark outage, and on the last attempt allowed raises the email to operators instead of dropping it', async () => {
    postmark.setFaults({ errorRate: 1 });
    const retryPolicy = { maximumAttempts: 3, initialInterval: 1000, backoffCoefficient: 2, nonRetryableErrorTypes: [] };
    const early: unknown = await new MockActivityEnvironment({ attempt: 2, retryPolicy }).run(sendWith(mailer), confirmation).then(() => null, (e: unknown) => e);
    expect(early).toMatchObject({ name: 'MailerError', retryable: true });
    expect(await orm.em.fork().count(OperatorCase, {})).toBe(0);

    const last: unknown = await new MockActivityEnvironment({ attempt: 3, retryPolicy }).run(sendWith(mailer), confirmation).then(() => null, (e: unknown) => e);
    expect(last).toMatchObject({ type: 'EmailUndelivered', nonRetryable: true });
    expect(sentWithKey(confirmation.idempotencyKey)).toHaveLength(0);
    const cases = await orm.em.fork().find(OperatorCase, {});
    expect(cases.map((c) => [c.kind, c.key])).toEqual([['email_unsendable', `email_unsendable:${confirmation.idempotencyKey}`]]);
    expect(cases[0]?.reason).toMatch(/did not accept it in 3 attempts/);
    expect(await orm.em.fork().findOneOrFail(EmailMessage, { idempotencyKey: confirmation.idempotencyKey })).toMatchObject({ status: 'failed' });
  });
});
