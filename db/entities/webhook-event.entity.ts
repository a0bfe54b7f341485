import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/** The webhook inbox: every verified delivery, stored once per provider event id. */
export const WebhookEvent = defineEntity({
  name: 'WebhookEvent',
  tableName: 'webhook_events',
  uniques: [{ properties: ['provider', 'providerEventId'] }],
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    provider: p.string(),
    providerEventId: p.string(),
    type: p.string(),
    payload: p.json<Record<string, unknown>>(),
    receivedAt: p.datetime().onCreate(() => new Date()),
    processedAt: p.datetime().nullable(),
    workflowId: p.string().nullable(),
  },
});
export type IWebhookEvent = InferEntity<typeof WebhookEvent>;
