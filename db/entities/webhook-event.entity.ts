import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * The webhook inbox: every correctly signed delivery, stored once per provider event id as the exact bytes received,
 * then parsed, validated and routed by the relay (processed), or parked with a reason for an operator.
 */
export const WebhookEvent = defineEntity({
  name: 'WebhookEvent',
  tableName: 'webhook_events',
  uniques: [{ properties: ['provider', 'providerEventId'] }],
  indexes: [{ properties: ['nextAttemptAt'], name: 'webhook_events_pending_index', expression: 'create index "webhook_events_pending_index" on "webhook_events" ("next_attempt_at") where "processed_at" is null and "parked_at" is null' }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    provider: p.string(),
    providerEventId: p.text(),
    /** The event type, once the relay has parsed the body. */
    type: p.string().nullable(),
    /** The exact body as received (bytes, so that any signed delivery can be stored). */
    body: p.blob().nullable(),
    /** The parsed body, when it is valid JSON that `jsonb` accepts. */
    payload: p.json<Record<string, unknown>>().nullable(),
    receivedAt: p.datetime().onCreate(() => new Date()),
    processedAt: p.datetime().nullable(),
    workflowId: p.string().nullable(),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().defaultRaw('now()'),
    lastError: p.text().nullable(),
    parkedAt: p.datetime().nullable(),
    parkedReason: p.text().nullable(),
    /** The W3C `traceparent` of the request that stored it (tracing on), so its relay span joins that trace. */
    traceParent: p.string().length(55).nullable(),
  },
});
export type IWebhookEvent = InferEntity<typeof WebhookEvent>;
