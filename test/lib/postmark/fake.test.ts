import { Errors, ServerClient } from 'postmark';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakePostmark, type FakePostmark } from '../../../lib/postmark/fake.js';

const TOKEN = 'fake-server-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let fake: FakePostmark;
let client: ServerClient;

function clientWithToken(token: string): ServerClient {
  return new ServerClient(token, { useHttps: false, requestHost: fake.host, timeout: 10 });
}

async function rejection(promise: Promise<unknown>): Promise<Errors.PostmarkError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Errors.PostmarkError)) throw new Error(`expected a PostmarkError, got ${String(error)}`);
  return error;
}

const message = {
  From: 'WebMagic <hello@webmagic.test>',
  To: 'owner@example.com',
  Subject: 'Hello',
  HtmlBody: '<p>Hello</p>',
  TextBody: 'Hello',
};

beforeAll(async () => {
  fake = await startFakePostmark({ serverToken: TOKEN });
  client = clientWithToken(TOKEN);
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

describe('fake Postmark: sending', () => {
  it('answers 401 with ErrorCode 10 to a wrong server token and stores nothing', async () => {
    const error = await rejection(clientWithToken('not-the-token').sendEmail(message));
    expect(error).toBeInstanceOf(Errors.InvalidAPIKeyError);
    expect(error.statusCode).toBe(401);
    expect(error.code).toBe(10);
    expect(error.message).toBe('Request does not contain a valid Server token.');
    expect(fake.sent()).toEqual([]);
  });

  it('answers 401 when the token header is missing', async () => {
    const response = await fetch(`${fake.url}/email`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(message),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ErrorCode: 10, Message: 'Request does not contain a valid Server token.' });
  });

  it('rejects a message without a body with 422 / ErrorCode 300', async () => {
    const error = await rejection(client.sendEmail({ From: message.From, To: message.To, Subject: 'No body' }));
    expect(error).toBeInstanceOf(Errors.InvalidEmailRequestError);
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(300);
    expect(error.message).toBe('Provide either email TextBody or HtmlBody or both.');
  });

  it.each([
    ['From', { ...message, From: '' }, "Invalid 'From' address: ''."],
    ['To', { ...message, To: undefined }, 'Zero recipients specified'],
    ['Subject', { ...message, Subject: '' }, "'Subject' is required."],
    ['a valid To address', { ...message, To: 'not-an-address' }, "Error parsing 'To': Illegal email address 'not-an-address'. It must contain the '@' symbol."],
  ])('rejects a message missing %s with ErrorCode 300', async (_field, input, expected) => {
    const error = await rejection(client.sendEmail(input));
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(300);
    expect(error.message).toBe(expected);
    expect(fake.sent()).toEqual([]);
  });

  it('requires JSON content and valid JSON', async () => {
    const headers = { 'X-Postmark-Server-Token': TOKEN, Accept: 'application/json' };
    const asText = await fetch(`${fake.url}/email`, { method: 'POST', headers: { ...headers, 'Content-Type': 'text/plain' }, body: 'hi' });
    expect(asText.status).toBe(422);
    expect(await asText.json()).toMatchObject({ ErrorCode: 409 });

    const broken = await fetch(`${fake.url}/email`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: '{"From":' });
    expect(broken.status).toBe(422);
    expect(await broken.json()).toMatchObject({ ErrorCode: 402 });

    const wrongAccept = await fetch(`${fake.url}/email`, {
      method: 'POST',
      headers: { ...headers, Accept: 'text/html', 'Content-Type': 'application/json' },
      body: JSON.stringify(message),
    });
    expect(wrongAccept.status).toBe(422);
    expect(await wrongAccept.json()).toMatchObject({ ErrorCode: 409 });
  });

  it('rejects an inactive recipient with 422 / ErrorCode 406 in the message the client parses', async () => {
    fake.markInactive('Bounced@Example.com');
    const error = await rejection(client.sendEmail({ ...message, To: 'bounced@example.com' }));
    expect(error).toBeInstanceOf(Errors.InactiveRecipientsError);
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(406);
    expect((error as Errors.InactiveRecipientsError).recipients).toEqual(['bounced@example.com']);
    expect(fake.sent()).toEqual([]);
  });

  it('accepts a valid message and answers like Postmark', async () => {
    const response = await client.sendEmail({
      ...message,
      Tag: 'welcome_set_password',
      Metadata: { idempotency_key: 'claim:site-1:welcome' },
      Headers: [{ Name: 'X-Entity-Ref-ID', Value: 'site-1' }],
    });
    expect(response).toEqual({
      To: 'owner@example.com',
      SubmittedAt: expect.any(String) as string,
      MessageID: expect.stringMatching(UUID) as string,
      ErrorCode: 0,
      Message: 'OK',
    });
    expect(Number.isNaN(Date.parse(response.SubmittedAt))).toBe(false);

    const [stored, ...others] = fake.sent();
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      MessageID: response.MessageID,
      From: message.From,
      To: 'owner@example.com',
      Subject: 'Hello',
      HtmlBody: '<p>Hello</p>',
      TextBody: 'Hello',
      Tag: 'welcome_set_password',
      Metadata: { idempotency_key: 'claim:site-1:welcome' },
      MessageStream: 'outbound',
      Headers: [{ Name: 'X-Entity-Ref-ID', Value: 'site-1' }],
    });
  });

  it('keeps an explicit MessageStream', async () => {
    await client.sendEmail({ ...message, MessageStream: 'broadcast' });
    expect(fake.sent()[0]?.MessageStream).toBe('broadcast');
  });

  it('rejects Metadata values longer than Postmark allows', async () => {
    const error = await rejection(client.sendEmail({ ...message, Metadata: { key: 'x'.repeat(81) } }));
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(300);
  });

  it('stores a template send with its alias and model', async () => {
    const response = await client.sendEmailWithTemplate({
      From: message.From,
      To: 'owner@example.com',
      TemplateAlias: 'welcome',
      TemplateModel: { name: 'Ana' },
      Metadata: { idempotency_key: 'k1' },
    });
    expect(response.ErrorCode).toBe(0);
    expect(fake.sent()[0]).toMatchObject({
      MessageID: response.MessageID,
      TemplateAlias: 'welcome',
      TemplateModel: { name: 'Ana' },
      Metadata: { idempotency_key: 'k1' },
      MessageStream: 'outbound',
    });

    const missing = await rejection(client.sendEmailWithTemplate({ From: message.From, To: 'owner@example.com', TemplateModel: {} }));
    expect(missing.code).toBe(300);
  });

  it('answers a batch with 200 and one result per message, in order', async () => {
    fake.markInactive('gone@example.com');
    const results = await client.sendEmailBatch([
      { ...message, To: 'first@example.com' },
      { From: message.From, To: 'second@example.com', Subject: 'No body' },
      { ...message, To: 'gone@example.com' },
      { ...message, To: 'fourth@example.com' },
    ]);
    expect(results.map((r) => r.ErrorCode)).toEqual([0, 300, 406, 0]);
    expect(results[0]).toMatchObject({ To: 'first@example.com', Message: 'OK', MessageID: expect.stringMatching(UUID) as string });
    expect(results[2]?.Message).toContain('Found inactive addresses: gone@example.com.');
    expect(fake.sent().map((m) => m.To)).toEqual(['first@example.com', 'fourth@example.com']);
  });

  it('fails the next N sends with the injected status, then recovers', async () => {
    fake.failNext(2);
    const first = await rejection(client.sendEmail(message));
    expect(first).toBeInstanceOf(Errors.InternalServerError);
    expect(first.statusCode).toBe(500);
    const second = await rejection(client.sendEmail(message));
    expect(second.statusCode).toBe(500);

    const recovered = await client.sendEmail(message);
    expect(recovered.ErrorCode).toBe(0);
    expect(fake.sent().map((m) => m.MessageID)).toEqual([recovered.MessageID]);
  });

  it.each([
    [503, Errors.ServiceUnavailablerError],
    [429, Errors.RateLimitExceededError],
  ] as const)('injects %i as the client error class Postmark would produce', async (status, errorClass) => {
    fake.failNext(1, status);
    const error = await rejection(client.sendEmail(message));
    expect(error).toBeInstanceOf(errorClass);
    expect(error.statusCode).toBe(status);
  });

  it('forgets messages, inactive recipients and pending failures on reset', async () => {
    await client.sendEmail(message);
    fake.markInactive(message.To);
    fake.failNext(3);
    fake.reset();
    expect(fake.sent()).toEqual([]);
    await expect(client.sendEmail(message)).resolves.toMatchObject({ ErrorCode: 0 });
  });
});

describe('fake Postmark: message retrieval API', () => {
  it('lists sent messages newest first, filtered by recipient and paged', async () => {
    const a = await client.sendEmail({ ...message, To: 'Ana Owner <ana@example.com>', Subject: 'First', Tag: 'welcome', Metadata: { k: 'v' } });
    await client.sendEmail({ ...message, To: 'bob@example.com', Subject: 'Other' });
    const c = await client.sendEmail({ ...message, To: 'ana@example.com', Subject: 'Second' });

    const all = await client.getOutboundMessages({ count: 10, offset: 0 });
    expect(Number(all.TotalCount)).toBe(3);
    expect(all.Messages.map((m) => m.Subject)).toEqual(['Second', 'Other', 'First']);

    const forAna = await client.getOutboundMessages({ count: 1, offset: 1, recipient: 'ana@example.com' });
    expect(Number(forAna.TotalCount)).toBe(2);
    expect(forAna.Messages).toHaveLength(1);
    expect(forAna.Messages[0]).toMatchObject({
      MessageID: a.MessageID,
      To: [{ Email: 'ana@example.com', Name: 'Ana Owner' }],
      Recipients: ['ana@example.com'],
      From: message.From,
      Subject: 'First',
      Status: 'Sent',
      Tag: 'welcome',
      Metadata: { k: 'v' },
      MessageStream: 'outbound',
    });
    expect(forAna.Messages[0]).not.toHaveProperty('HtmlBody');

    const newestForAna = await client.getOutboundMessages({ count: 1, offset: 0, recipient: 'ana@example.com' });
    expect(newestForAna.Messages[0]?.MessageID).toBe(c.MessageID);
  });

  it('returns the details of one message with bodies, raw source and events', async () => {
    const sent = await client.sendEmail({ ...message, Subject: 'Details', HtmlBody: '<p>HTML part</p>', TextBody: 'Text part' });
    const details = await client.getOutboundMessageDetails(sent.MessageID);
    expect(details).toMatchObject({
      MessageID: sent.MessageID,
      Subject: 'Details',
      HtmlBody: '<p>HTML part</p>',
      TextBody: 'Text part',
      Status: 'Sent',
      MessageEvents: [{ Recipient: 'owner@example.com', Type: 'Delivered' }],
    });
    expect(details.Body).toContain('Subject: Details');
    expect(details.Body).toContain('Text part');
    expect(details.Body).toContain('<p>HTML part</p>');
  });

  it('answers 422 / ErrorCode 701 for an unknown message id', async () => {
    const error = await rejection(client.getOutboundMessageDetails('00000000-0000-0000-0000-000000000000'));
    expect(error.statusCode).toBe(422);
    expect(error.code).toBe(701);
  });

  it('requires the server token', async () => {
    const list = await fetch(`${fake.url}/messages/outbound?count=10&offset=0`, { headers: { Accept: 'application/json' } });
    expect(list.status).toBe(401);
    const error = await rejection(clientWithToken('wrong').getOutboundMessages({ count: 10, offset: 0 }));
    expect(error).toBeInstanceOf(Errors.InvalidAPIKeyError);
  });

  it('rejects a page size above 500', async () => {
    const error = await rejection(client.getOutboundMessages({ count: 501, offset: 0 }));
    expect(error.statusCode).toBe(422);
  });
});
