import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

const Nullable = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

const Cents = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+$' })]);

const Metadata = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]));

/** The event fields read from Recurrente payloads, at the top level (API docs) or under `data` (help centre). */
const bodyProperties = {
  id: Nullable(Type.String()),
  created_at: Nullable(Type.String()),
  checkout: Nullable(Type.Object({ id: Type.String(), status: Nullable(Type.String()), metadata: Nullable(Metadata) })),
  checkout_id: Nullable(Type.String()),
  amount_in_cents: Nullable(Cents),
  amount: Nullable(Cents),
  currency: Nullable(Type.String()),
  failure_reason: Nullable(Type.String()),
  metadata: Nullable(Metadata),
  subscription: Nullable(Type.Object({ id: Type.String() })),
  subscription_id: Nullable(Type.String()),
  payment: Nullable(
    Type.Object({
      id: Nullable(Type.String()),
      paymentable: Nullable(Type.Object({ id: Nullable(Type.String()), type: Nullable(Type.String()) })),
    }),
  ),
};

const EventBody = Type.Object(bodyProperties);

/** Flat payload from the API reference: `{ id, event_type, checkout, amount_in_cents, … }`. */
export const FlatEventSchema = Type.Object({ event_type: Type.String({ minLength: 1 }), ...bodyProperties });

/** Envelope payload from the help centre: `{ event_type, created_at, data: { … } }`. */
export const EnvelopeEventSchema = Type.Object({
  event_type: Type.String({ minLength: 1 }),
  created_at: Nullable(Type.String()),
  data: EventBody,
});

type Body = Static<typeof EventBody>;

/** A Recurrente webhook reduced to what the platform acts on. */
export interface RecurrenteEvent {
  /** The Svix message id: stable across redeliveries, so it is the dedupe key. */
  eventId: string;
  type: string;
  /** The payment the event is about; on subscription events, the subscription's latest payment. */
  paymentIntentId?: string;
  checkoutId?: string;
  subscriptionId?: string;
  amountCents?: number;
  currency?: string;
  metadata: Record<string, string>;
  failureReason?: string;
  occurredAt?: string;
  /** `intent` marks the unified `intent.*` family, delivered in addition to the legacy events. */
  family: 'legacy' | 'intent';
}

/** Why a signed delivery cannot be handled; stored as the parked event's reason. */
export type WebhookPayloadProblem = 'invalid_json' | 'invalid_shape' | 'invalid_event_id' | 'invalid_field' | 'unstorable_text';

/** A webhook body that is not JSON, does not have the shape of a Recurrente event, or carries values the platform cannot act on. */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';
  constructor(readonly problem: WebhookPayloadProblem, message: string) {
    super(message);
  }
}

/** Longest provider event id (Svix message id) the platform accepts. */
export const MAX_EVENT_ID_LENGTH = 255;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const CURRENCY = /^[A-Z]{3}$/;
const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+)+$/;

/**
 * Parses a verified webhook body strictly; unknown event types are returned, not rejected. Throws a
 * WebhookPayloadError for anything the platform could not act on or store: bad JSON or shape, an event id over
 * 255 characters, a timestamp that is not RFC 3339, a site id that is not a UUID, an amount that is not a safe
 * integer, a currency that is not ISO 4217, or text with NUL characters or lone surrogates.
 */
export function parseRecurrenteEvent(rawJson: string, svixId: string): RecurrenteEvent {
  if (svixId.length === 0 || svixId.length > MAX_EVENT_ID_LENGTH) {
    throw new WebhookPayloadError('invalid_event_id', `svix-id must be 1 to ${MAX_EVENT_ID_LENGTH} characters, got ${svixId.length}`);
  }
  const payload = parseJson(rawJson);
  assertStorable(payload, '');
  let event: RecurrenteEvent;
  if (isObject(payload) && isObject(payload.data)) {
    assertShape(EnvelopeEventSchema, payload);
    event = normalise(svixId, payload.event_type, { ...payload.data, created_at: payload.created_at ?? payload.data.created_at });
  } else {
    assertShape(FlatEventSchema, payload);
    event = normalise(svixId, payload.event_type, payload);
  }
  assertActionable(event);
  return event;
}

function assertActionable(event: RecurrenteEvent): void {
  const bad = (field: string, value: unknown, expected: string) => {
    throw new WebhookPayloadError('invalid_field', `${field} must be ${expected}, got ${JSON.stringify(value)}`);
  };
  if (!EVENT_TYPE.test(event.type) || event.type.length > 100) bad('event_type', event.type, 'a dotted event name');
  if (event.occurredAt !== undefined && (!DATE_TIME.test(event.occurredAt) || !Number.isFinite(Date.parse(event.occurredAt)))) bad('created_at', event.occurredAt, 'an RFC 3339 date-time');
  if (event.amountCents !== undefined && !Number.isSafeInteger(event.amountCents)) bad('amount', event.amountCents, 'a whole number of cents');
  if (event.currency !== undefined && !CURRENCY.test(event.currency)) bad('currency', event.currency, 'an ISO 4217 code');
  const siteId = event.metadata.site_id;
  if (siteId !== undefined && !UUID.test(siteId)) bad('metadata.site_id', siteId, 'a UUID');
  for (const [field, value] of [['id', event.paymentIntentId], ['checkout.id', event.checkoutId], ['subscription id', event.subscriptionId]] as const) {
    if (value !== undefined && (value.length === 0 || value.length > 255)) bad(field, value, '1 to 255 characters');
  }
}

/** NUL characters and lone surrogates cannot be stored in PostgreSQL text or jsonb, nor sent in an email. */
function assertStorable(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) {
      throw new WebhookPayloadError('unstorable_text', `${path || '/'} contains a NUL character or a lone surrogate`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => assertStorable(item, `${path}/${index}`));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      assertStorable(key, path);
      assertStorable(item, `${path}/${key}`);
    }
  }
}

function normalise(eventId: string, type: string, body: Body): RecurrenteEvent {
  const family = type.startsWith('intent.') ? 'intent' : 'legacy';
  return {
    eventId,
    type,
    paymentIntentId: paymentIntentId(type, body),
    checkoutId: body.checkout?.id ?? body.checkout_id ?? undefined,
    subscriptionId: subscriptionId(type, body),
    amountCents: cents(body.amount_in_cents ?? body.amount),
    currency: body.currency ?? undefined,
    metadata: stringValues(body.checkout?.metadata ?? body.metadata ?? {}),
    failureReason: body.failure_reason ?? undefined,
    occurredAt: body.created_at ?? undefined,
    family,
  };
}

function paymentIntentId(type: string, body: Body): string | undefined {
  const isPaymentEvent = type.startsWith('payment_intent.') || type.startsWith('intent.');
  return (isPaymentEvent ? body.id : undefined) ?? body.payment?.id ?? undefined;
}

function subscriptionId(type: string, body: Body): string | undefined {
  const paymentable = body.payment?.paymentable;
  return (
    body.subscription?.id ??
    body.subscription_id ??
    (type.startsWith('subscription.') ? body.id : undefined) ??
    (paymentable?.type === 'Subscription' ? paymentable.id : undefined) ??
    undefined
  );
}

function cents(value: number | string | null | undefined): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function stringValues(metadata: Record<string, string | number | boolean | null>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (value !== null) result[key] = String(value);
  }
  return result;
}

function parseJson(rawJson: string): unknown {
  try {
    return JSON.parse(rawJson) as unknown;
  } catch {
    throw new WebhookPayloadError('invalid_json', 'webhook body is not valid JSON');
  }
}

function assertShape<T extends typeof FlatEventSchema | typeof EnvelopeEventSchema>(schema: T, value: unknown): asserts value is Static<T> {
  if (Value.Check(schema, value)) return;
  const [first] = Value.Errors(schema, value);
  throw new WebhookPayloadError('invalid_shape', `webhook body is not a Recurrente event: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
