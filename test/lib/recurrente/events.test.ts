import { describe, expect, it } from 'vitest';
import { parseRecurrenteEvent, WebhookPayloadError } from '../../../lib/recurrente/events.js';

const flatSucceeded = {
  id: 'pa_id123',
  event_type: 'payment_intent.succeeded',
  api_version: '2024-04-24',
  checkout: {
    id: 'ch_id123',
    status: 'paid',
    payment: { id: 'pa_id123', paymentable: { type: 'OneTimePayment', id: 'on_arognqni' } },
    metadata: { site_id: '3f2c1a9e-5b7d-4c8e-9a1f-2d3e4f5a6b7c', workflow_id: 'claim:3f2c1a9e-5b7d-4c8e-9a1f-2d3e4f5a6b7c', attempt: 2 },
  },
  created_at: '2024-02-16T03:01:13.260Z',
  failure_reason: null,
  amount_in_cents: 49500,
  currency: 'USD',
  customer: { email: 'owner@example.com', full_name: 'Max Rodriguez', id: 'us_id123' },
  payment: { id: 'pa_id123', paymentable: { type: 'OneTimePayment', id: 'on_arognqni' } },
};

describe('parseRecurrenteEvent', () => {
  it('normalises the flat API-docs shape, keyed by the Svix message id', () => {
    expect(parseRecurrenteEvent(JSON.stringify(flatSucceeded), 'msg_1')).toEqual({
      eventId: 'msg_1',
      type: 'payment_intent.succeeded',
      paymentIntentId: 'pa_id123',
      checkoutId: 'ch_id123',
      subscriptionId: undefined,
      amountCents: 49500,
      currency: 'USD',
      metadata: { site_id: '3f2c1a9e-5b7d-4c8e-9a1f-2d3e4f5a6b7c', workflow_id: 'claim:3f2c1a9e-5b7d-4c8e-9a1f-2d3e4f5a6b7c', attempt: '2' },
      failureReason: undefined,
      occurredAt: '2024-02-16T03:01:13.260Z',
      family: 'legacy',
    });
  });

  it('takes the subscription id from a renewal payment and the failure reason from a failed one', () => {
    const failedRenewal = {
      ...flatSucceeded,
      event_type: 'payment_intent.failed',
      failure_reason: 'Tu banco ha rechazado la transacción.',
      payment: { id: 'pa_id123', paymentable: { type: 'Subscription', id: 'su_id123' } },
    };
    const event = parseRecurrenteEvent(JSON.stringify(failedRenewal), 'msg_2');
    expect(event).toMatchObject({ type: 'payment_intent.failed', subscriptionId: 'su_id123', failureReason: 'Tu banco ha rechazado la transacción.' });
  });

  it('prefers an explicit subscription object', () => {
    const withSubscription = { ...flatSucceeded, subscription: { id: 'su_explicit' } };
    expect(parseRecurrenteEvent(JSON.stringify(withSubscription), 'msg_3').subscriptionId).toBe('su_explicit');
  });

  it('reads subscription events, whose top-level id is the subscription', () => {
    const pastDue = {
      api_version: '2024-04-24',
      created_at: '2025-10-13T13:59:27.931Z',
      customer_email: 'example@example.com',
      customer_id: 'us_1234',
      event_type: 'subscription.past_due',
      id: 'su_123',
      payment: { id: 'pa_123', paymentable: { id: 'su_123', type: 'Subscription', address: null } },
      product: { id: 'prod_123', metadata: {} },
    };
    expect(parseRecurrenteEvent(JSON.stringify(pastDue), 'msg_4')).toEqual({
      eventId: 'msg_4',
      type: 'subscription.past_due',
      paymentIntentId: 'pa_123',
      checkoutId: undefined,
      subscriptionId: 'su_123',
      amountCents: undefined,
      currency: undefined,
      metadata: {},
      failureReason: undefined,
      occurredAt: '2025-10-13T13:59:27.931Z',
      family: 'legacy',
    });
  });

  it('normalises the help-centre `{ event_type, data }` shape', () => {
    const envelope = {
      event_type: 'payment_intent.succeeded',
      created_at: '2025-03-15T14:32:00Z',
      data: {
        id: 'pi_xxxxxxxxxxxxxxxx',
        amount: 15000,
        currency: 'GTQ',
        status: 'succeeded',
        customer_email: 'cliente@ejemplo.com',
        checkout_id: 'ch_xxxxxxxxxxxxxxxx',
        metadata: { site_id: '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d' },
      },
    };
    expect(parseRecurrenteEvent(JSON.stringify(envelope), 'msg_5')).toEqual({
      eventId: 'msg_5',
      type: 'payment_intent.succeeded',
      paymentIntentId: 'pi_xxxxxxxxxxxxxxxx',
      checkoutId: 'ch_xxxxxxxxxxxxxxxx',
      subscriptionId: undefined,
      amountCents: 15000,
      currency: 'GTQ',
      metadata: { site_id: '8a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d' },
      failureReason: undefined,
      occurredAt: '2025-03-15T14:32:00Z',
      family: 'legacy',
    });
  });

  it('marks the unified intent.* family so callers can ignore it', () => {
    const intent = { ...flatSucceeded, event_type: 'intent.succeeded', type: 'payment' };
    expect(parseRecurrenteEvent(JSON.stringify(intent), 'msg_6')).toMatchObject({ type: 'intent.succeeded', family: 'intent', paymentIntentId: 'pa_id123' });
  });

  it('parses unknown event types instead of rejecting them', () => {
    const refund = { id: 're_1', event_type: 'refund.create', created_at: '2025-01-01T00:00:00Z' };
    expect(parseRecurrenteEvent(JSON.stringify(refund), 'msg_7')).toMatchObject({ type: 'refund.create', family: 'legacy', metadata: {} });
  });

  it('accepts amounts sent as digit strings', () => {
    const stringAmount = { ...flatSucceeded, amount_in_cents: '49500' };
    expect(parseRecurrenteEvent(JSON.stringify(stringAmount), 'msg_8').amountCents).toBe(49500);
  });

  it('rejects a body that is not JSON', () => {
    expect(() => parseRecurrenteEvent('{"event_type": ', 'msg_9')).toThrow(WebhookPayloadError);
  });

  it.each([
    ['a JSON array', []],
    ['a missing event_type', { id: 'pa_1', amount_in_cents: 100 }],
    ['an empty event_type', { event_type: '' }],
    ['a non-integer amount', { ...flatSucceeded, amount_in_cents: 12.5 }],
    ['a checkout without id', { ...flatSucceeded, checkout: { status: 'paid' } }],
    ['nested metadata values', { ...flatSucceeded, checkout: { id: 'ch_1', metadata: { site: { id: 1 } } } }],
    ['a malformed data envelope', { event_type: 'payment_intent.succeeded', data: { amount: 'lots' } }],
  ])('rejects %s', (_label, payload) => {
    expect(() => parseRecurrenteEvent(JSON.stringify(payload), 'msg_10')).toThrow(WebhookPayloadError);
  });

  it.each([
    ['a site id that is not a UUID', { ...flatSucceeded, checkout: { id: 'ch_1', metadata: { site_id: 'not-a-uuid' } } }, 'msg_11', 'invalid_field', /metadata\.site_id/],
    ['a created_at that is not a date-time', { ...flatSucceeded, created_at: 'yesterday' }, 'msg_12', 'invalid_field', /created_at/],
    ['an amount beyond a safe integer', { ...flatSucceeded, amount_in_cents: '99999999999999999999' }, 'msg_13', 'invalid_field', /amount/],
    ['a currency that is not ISO 4217', { ...flatSucceeded, currency: 'dollars' }, 'msg_14', 'invalid_field', /currency/],
    ['an amount of the wrong type', { ...flatSucceeded, amount_in_cents: true }, 'msg_15', 'invalid_shape', /amount_in_cents/],
    ['a svix-id over 255 characters', flatSucceeded, `msg_${'x'.repeat(252)}`, 'invalid_event_id', /255/],
    ['a NUL character in metadata', { ...flatSucceeded, checkout: { id: 'ch_1', metadata: { claim_name: 'A\u0000B' } } }, 'msg_16', 'unstorable_text', /claim_name/],
    ['a lone surrogate in a key', { ...flatSucceeded, ['\ud800']: 1 }, 'msg_17', 'unstorable_text', /NUL character or a lone surrogate/],
  ])('rejects %s with a reason', (_label, payload, svixId, problem, message) => {
    let caught: unknown;
    try {
      parseRecurrenteEvent(JSON.stringify(payload), svixId);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookPayloadError);
    expect(caught).toMatchObject({ problem, message: expect.stringMatching(message) as unknown });
  });
});
