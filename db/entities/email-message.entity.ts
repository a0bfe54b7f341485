import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { baseProperties } from './base.js';

/** Delivery state of a logged email. */
export const EMAIL_STATUSES = ['pending', 'sent', 'failed'] as const;

/** Every transactional email, keyed by an idempotency key so a retry never sends twice. */
export const EmailMessage = defineEntity({
  name: 'EmailMessage',
  tableName: 'email_messages',
  properties: {
    ...baseProperties,
    idempotencyKey: p.string().unique(),
    toAddress: p.string().index(),
    template: p.string(),
    model: p.json<Record<string, unknown>>(),
    status: p.enum(EMAIL_STATUSES).default('pending'),
    providerMessageId: p.string().nullable(),
    attempts: p.integer().default(0),
    error: p.text().nullable(),
    sentAt: p.datetime().nullable(),
  },
});
export type IEmailMessage = InferEntity<typeof EmailMessage>;
