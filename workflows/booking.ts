import { proxyActivities } from '@temporalio/workflow';
import type { createBookingActivities } from '../activities/bookings.js';
import type { SendEmailResult } from '../activities/email.js';

const { sendBookingEmail } = proxyActivities<ReturnType<typeof createBookingActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['BookingNotFound', 'EmailRejected'] },
});

/** Input of the booking workflow: only the id, so no personal data enters workflow history. */
export interface BookingInput {
  bookingId: string;
}

/** A visitor's booking: emails the owner (or the platform inbox for a preview) and confirms to the visitor, each once. */
export async function bookingWorkflow(input: BookingInput): Promise<{ owner: SendEmailResult | null; visitor: SendEmailResult | null }> {
  const owner = await sendBookingEmail({ bookingId: input.bookingId, recipient: 'owner' });
  const visitor = await sendBookingEmail({ bookingId: input.bookingId, recipient: 'visitor' });
  return { owner, visitor };
}
