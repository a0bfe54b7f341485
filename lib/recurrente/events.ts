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

/** A webhook body that is not JSON or does not have the shape of a Recurrente event. */
export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';
}

/** Parses a verified webhook body; unknown event types are returned, not rejected. */
export function parseRecurrenteEvent(rawJson: string, svixId: string): RecurrenteEvent {
  const payload = parseJson(rawJson);
  if (isObject(payload) && isObject(payload.data)) {
    assertShape(EnvelopeEventSchema, payload);
    return normalise(svixId, payload.event_type, { ...payload.data, created_at: payload.created_at ?? payload.data.created_at });
  }
  assertShape(FlatEventSchema, payload);
  return normalise(svixId, payload.event_type, payload);
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
    throw new WebhookPayloadError('webhook body is not valid JSON');
  }
}

function assertShape<T extends typeof FlatEventSchema | typeof EnvelopeEventSchema>(schema: T, value: unknown): asserts value is Static<T> {
  if (Value.Check(schema, value)) return;
  const [first] = Value.Errors(schema, value);
  throw new WebhookPayloadError(`webhook body is not a Recurrente event: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
