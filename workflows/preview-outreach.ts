import { proxyActivities, sleep } from '@temporalio/workflow';
import type { createOutreachActivities, OutreachResult } from '../activities/outreach.js';
import { EMAIL_ACTIVITY_OPTIONS } from './activity-options.js';

const { sendOutreach } = proxyActivities<ReturnType<typeof createOutreachActivities>>(EMAIL_ACTIVITY_OPTIONS);

type OutreachKind = 'preview' | 'follow_up';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Start arguments of a listing's outreach. */
export interface OutreachInput {
  listingId: string;
  followUpAfterMs: number;
}

/** Sends one message of `kind`, waiting for the next UTC day whenever the day's cap is reached. */
async function sendWithinCap(listingId: string, kind: OutreachKind): Promise<OutreachResult> {
  for (;;) {
    const now = Date.now();
    const result = await sendOutreach({ listingId, kind, today: new Date(now).toISOString().slice(0, 10) });
    if (result.outcome !== 'over_cap') return result;
    await sleep(DAY_MS - (Date.now() % DAY_MS));
  }
}

/**
 * A business's outreach (`outreach:<listingId>`): one message with its preview link, then after `followUpAfterMs` a
 * follow-up with the leads and visits the preview got, if any. Both respect the suppression list and the daily cap.
 */
export async function previewOutreachWorkflow(input: OutreachInput): Promise<{ preview: string; followUp: string | null }> {
  const first = await sendWithinCap(input.listingId, 'preview');
  if (first.outcome !== 'sent') return { preview: first.outcome, followUp: null };
  await sleep(input.followUpAfterMs);
  const followUp = await sendWithinCap(input.listingId, 'follow_up');
  return { preview: first.outcome, followUp: followUp.outcome };
}
