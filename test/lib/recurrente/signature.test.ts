import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, WebhookSignatureError, type WebhookSignatureFailure } from '../../../lib/recurrente/signature.js';

const SECRET = `whsec_${Buffer.from('test-webhook-secret-0123456789abcdef').toString('base64')}`;
const OTHER_SECRET = `whsec_${Buffer.from('another-secret-0123456789abcdefgh').toString('base64')}`;
const BODY = JSON.stringify({ id: 'pa_123', event_type: 'payment_intent.succeeded' });
const SENT_AT = new Date('2026-03-01T12:00:00Z');

function reasonOf(run: () => void): WebhookSignatureFailure | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
  return undefined;
}

function secondsAfter(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

describe('signWebhook', () => {
  it('produces the Svix headers: id, seconds timestamp, v1 HMAC-SHA256 of id.timestamp.body keyed by the decoded secret', () => {
    const headers = signWebhook(SECRET, 'msg_abc', SENT_AT, BODY);
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`msg_abc.${SENT_AT.getTime() / 1000}.${BODY}`).digest('base64');
    expect(headers).toEqual({ 'svix-id': 'msg_abc', 'svix-timestamp': '1772366400', 'svix-signature': `v1,${expected}` });
  });
});

describe('verifyWebhook', () => {
  const headers = signWebhook(SECRET, 'msg_abc', SENT_AT, BODY);

  it('accepts a correctly signed body, as string or Buffer', () => {
    expect(reasonOf(() => verifyWebhook(SECRET, headers, BODY, SENT_AT))).toBeUndefined();
    expect(reasonOf(() => verifyWebhook(SECRET, headers, Buffer.from(BODY), secondsAfter(SENT_AT, 299)))).toBeUndefined();
  });

  it('reads header names case-insensitively', () => {
    const upper = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]));
    expect(reasonOf(() => verifyWebhook(SECRET, upper, BODY, SENT_AT))).toBeUndefined();
  });

  it('rejects a tampered body', () => {
    expect(reasonOf(() => verifyWebhook(SECRET, headers, BODY.replace('pa_123', 'pa_999'), SENT_AT))).toBe('bad_signature');
  });

  it('rejects a body signed with another secret', () => {
    const forged = signWebhook(OTHER_SECRET, 'msg_abc', SENT_AT, BODY);
    expect(reasonOf(() => verifyWebhook(SECRET, forged, BODY, SENT_AT))).toBe('bad_signature');
  });

  it('accepts either of two secrets while the endpoint secret is rotated, and nothing else', () => {
    const THIRD = `whsec_${Buffer.from('a-third-secret-0123456789abcdefgh').toString('base64')}`;
    const byOld = signWebhook(OTHER_SECRET, 'msg_abc', SENT_AT, BODY);
    expect(reasonOf(() => verifyWebhook([SECRET, OTHER_SECRET], headers, BODY, SENT_AT))).toBeUndefined();
    expect(reasonOf(() => verifyWebhook([SECRET, OTHER_SECRET], byOld, BODY, SENT_AT))).toBeUndefined();
    expect(reasonOf(() => verifyWebhook([SECRET, OTHER_SECRET], signWebhook(THIRD, 'msg_abc', SENT_AT, BODY), BODY, SENT_AT))).toBe('bad_signature');
  });

  it('rejects a signature replayed under another message id', () => {
    expect(reasonOf(() => verifyWebhook(SECRET, { ...headers, 'svix-id': 'msg_other' }, BODY, SENT_AT))).toBe('bad_signature');
  });

  it('rejects timestamps more than 300 s in the past or the future', () => {
    expect(reasonOf(() => verifyWebhook(SECRET, headers, BODY, secondsAfter(SENT_AT, 301)))).toBe('stale_timestamp');
    expect(reasonOf(() => verifyWebhook(SECRET, headers, BODY, secondsAfter(SENT_AT, -301)))).toBe('stale_timestamp');
    expect(reasonOf(() => verifyWebhook(SECRET, headers, BODY, secondsAfter(SENT_AT, -300)))).toBeUndefined();
  });

  it('rejects a timestamp that is not a number of seconds', () => {
    expect(reasonOf(() => verifyWebhook(SECRET, { ...headers, 'svix-timestamp': 'yesterday' }, BODY, SENT_AT))).toBe('bad_signature');
  });

  it('rejects requests missing any of the three headers', () => {
    for (const name of ['svix-id', 'svix-timestamp', 'svix-signature']) {
      const partial: Record<string, string | undefined> = { ...headers, [name]: undefined };
      expect(reasonOf(() => verifyWebhook(SECRET, partial, BODY, SENT_AT))).toBe('missing_headers');
    }
    expect(reasonOf(() => verifyWebhook(SECRET, {}, BODY, SENT_AT))).toBe('missing_headers');
  });

  it('accepts a header listing several signatures when one of them matches', () => {
    const valid = headers['svix-signature'] ?? '';
    const stale = signWebhook(OTHER_SECRET, 'msg_abc', SENT_AT, BODY)['svix-signature'] ?? '';
    const rotated = { ...headers, 'svix-signature': `v1,bm90LWEtc2lnbmF0dXJl ${stale} ${valid}` };
    expect(reasonOf(() => verifyWebhook(SECRET, rotated, BODY, SENT_AT))).toBeUndefined();
  });

  it('ignores signatures of other versions even when their value matches', () => {
    const value = (headers['svix-signature'] ?? '').slice('v1,'.length);
    expect(reasonOf(() => verifyWebhook(SECRET, { ...headers, 'svix-signature': `v2,${value}` }, BODY, SENT_AT))).toBe('bad_signature');
  });

  it('uses the real clock when no time is given', () => {
    const fresh = signWebhook(SECRET, 'msg_now', new Date(), BODY);
    expect(reasonOf(() => verifyWebhook(SECRET, fresh, BODY))).toBeUndefined();
    expect(reasonOf(() => verifyWebhook(SECRET, headers, BODY))).toBe('stale_timestamp');
  });
});
