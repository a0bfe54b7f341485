import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { PreviewListing } from './preview-listing.entity.js';

/** The two messages a business may get: its preview link, and later what the preview brought in. */
export const OUTREACH_KINDS = ['preview', 'follow_up'] as const;
export type OutreachKind = (typeof OUTREACH_KINDS)[number];

/** What became of one: sent, or not sent because the address is suppressed, the site was claimed or there is nothing to report. */
export const OUTREACH_OUTCOMES = ['sent', 'suppressed', 'claimed', 'nothing_to_report', 'retired'] as const;
export type OutreachOutcome = (typeof OUTREACH_OUTCOMES)[number];

/** One outreach message per listing and kind, decided once; `sendDay` (UTC) is what the daily cap counts. */
export const OutreachMessage = defineEntity({
  name: 'OutreachMessage',
  tableName: 'outreach_messages',
  uniques: [{ properties: ['listing', 'kind'] }],
  indexes: [{ properties: ['sendDay'] }],
  properties: {
    ...appendOnlyProperties,
    listing: () => p.manyToOne(PreviewListing).deleteRule('cascade'),
    kind: p.enum(OUTREACH_KINDS),
    outcome: p.enum(OUTREACH_OUTCOMES),
    sendDay: p.string().length(10).nullable(),
  },
});
export type IOutreachMessage = InferEntity<typeof OutreachMessage>;
