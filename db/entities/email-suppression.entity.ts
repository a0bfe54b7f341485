import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Why an address gets no outreach: it unsubscribed, bounced, complained, or an operator added it. */
export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'spam_complaint', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** An address outreach never writes to again (lower-cased); checked before every outreach send. */
export const EmailSuppression = defineEntity({
  name: 'EmailSuppression',
  tableName: 'email_suppressions',
  properties: {
    email: p.string().primary(),
    reason: p.enum(SUPPRESSION_REASONS),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IEmailSuppression = InferEntity<typeof EmailSuppression>;
