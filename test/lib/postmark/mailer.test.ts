import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_METADATA_KEY, MailerError, createMailer, type Mailer } from '../../../lib/postmark/mailer.js';
import { renderEmail } from '../../../lib/email/templates.js';
import { startFakePostmark, type FakePostmark } from '../../../lib/postmark/fake.js';

const TOKEN = 'mailer-test-token';
const FROM = 'WebMagic <hello@webmagic.test>';

let fake: FakePostmark;
let mailer: Mailer;

const email = { to: 'owner@example.com', subject: 'Hello', htmlBody: '<p>Hello</p>', textBody: 'Hello' };

async function failure(promise: Promise<unknown>): Promise<MailerError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof MailerError)) throw new Error(`expected a MailerError, got ${String(error)}`);
  return error;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

beforeAll(async () => {
  fake = await startFakePostmark({ serverToken: TOKEN });
  mailer = createMailer({ serverToken: TOKEN, apiHost: fake.host, useHttps: false, from: FROM });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe('createMailer', () => {
  it('sends a rendered email through the Postmark client and returns its message id', async () => {
    const rendered = renderEmail('verify_email', { name: 'Ana', verifyUrl: 'https://app.webmagic.test/verify?token=t' });
    const result = await mailer.send({
      to: 'ana@example.com',
      ...rendered,
      tag: 'verify_email',
      metadata: { customer_id: 'c-1' },
      idempotencyKey: 'verify:c-1:1',
    });

    const [stored, ...others] = fake.sent();
    expect(others).toEqual([]);
    expect(result).toEqual({ messageId: stored?.MessageID, submittedAt: stored?.SubmittedAt });
    expect(stored).toMatchObject({
      From: FROM,
      To: 'ana@example.com',
      Subject: rendered.subject,
      HtmlBody: rendered.htmlBody,
      TextBody: rendered.textBody,
      Tag: 'verify_email',
      MessageStream: 'outbound',
      Metadata: { customer_id: 'c-1', [IDEMPOTENCY_METADATA_KEY]: 'verify:c-1:1' },
    });
  });

  it('sends no idempotency metadata when the caller gives none', async () => {
    await mailer.send(email);
    expect(fake.sent()[0]?.Metadata).toEqual({});
  });

  it('classifies a rejected server token (401) as not retryable with ErrorCode 10', async () => {
    const wrong = createMailer({ serverToken: 'wrong-token', apiHost: fake.host, useHttps: false, from: FROM });
    const error = await failure(wrong.send(email));
    expect(error).toMatchObject({ retryable: false, code: 10, statusCode: 401 });
  });

  it('classifies an inactive recipient (422 / 406) as not retryable', async () => {
    fake.markInactive('owner@example.com');
    const error = await failure(mailer.send(email));
    expect(error).toMatchObject({ retryable: false, code: 406, statusCode: 422 });
    expect(error.message).toContain('owner@example.com');
  });

  it('classifies an invalid request (422 / 300) as not retryable', async () => {
    const error = await failure(mailer.send({ ...email, to: 'not-an-address' }));
    expect(error).toMatchObject({ retryable: false, code: 300, statusCode: 422 });
  });

  it('classifies 500, 503 and 429 as retryable, and the retry succeeds', async () => {
    fake.failNext(1, 500);
    fake.failNext(1, 503);
    fake.failNext(1, 429);
    expect(await failure(mailer.send(email))).toMatchObject({ retryable: true, code: 500, statusCode: 500 });
    expect(await failure(mailer.send(email))).toMatchObject({ retryable: true, statusCode: 503 });
    expect(await failure(mailer.send(email))).toMatchObject({ retryable: true, code: 429, statusCode: 429 });

    const result = await mailer.send(email);
    expect(fake.sent().map((m) => m.MessageID)).toEqual([result.messageId]);
  });

  it('classifies an unreachable host (closed port) as retryable with code 0', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await close(probe);

    const unreachable = createMailer({ serverToken: TOKEN, apiHost: `127.0.0.1:${port}`, useHttps: false, from: FROM });
    const error = await failure(unreachable.send(email));
    expect(error).toMatchObject({ retryable: true, code: 0, statusCode: 0 });
  });

  it('classifies a request timeout as retryable with code 0', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
    });
    const port = await listen(silent);
    try {
      const slow = createMailer({ serverToken: TOKEN, apiHost: `127.0.0.1:${port}`, useHttps: false, from: FROM, timeoutSeconds: 0.2 });
      const error = await failure(slow.send(email));
      expect(error).toMatchObject({ retryable: true, code: 0, statusCode: 0 });
      expect(error.message).toMatch(/timeout|abort/i);
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(silent);
    }
  });

  it('refuses an empty server token', () => {
    expect(() => createMailer({ serverToken: ' ', apiHost: fake.host, useHttps: false, from: FROM })).toThrow(/token/);
  });
});
