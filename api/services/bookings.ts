import type { EntityManager } from '@mikro-orm/postgresql';
import { Booking } from '../../db/entities/index.js';
import { UnavailableError } from '../../lib/errors.js';
import { bookingWorkflow } from '../../workflows/booking.js';
import { workflowIds } from '../../workflows/ids.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';

/** A visitor's contact or booking request, as the form sent it (trimmed, empty fields left out). */
export interface BookingInput {
  kind: 'contact' | 'booking';
  name: string;
  email: string | null;
  phone: string | null;
  preferredTime: string | null;
  message: string | null;
}

/**
 * Stores the request and starts its workflow (which emails the owner and the visitor once); answers its id. If the
 * workflow cannot start, nothing is kept and the visitor is told to try again (`onStartFailure` hears why).
 */
export async function submitBooking(deps: Pick<ApiDeps, 'temporal' | 'config'>, em: EntityManager, siteId: string, input: BookingInput, onStartFailure: (error: unknown) => void): Promise<string> {
  const booking = em.create(Booking, { site: siteId, ...input });
  await em.flush();
  try {
    await callTemporal(deps, (client) => client.workflow.start(bookingWorkflow, {
      workflowId: workflowIds.booking(booking.id),
      taskQueue: deps.config.temporal.taskQueue,
      args: [{ bookingId: booking.id }],
      workflowIdConflictPolicy: 'FAIL',
    }), { service: 'booking' });
  } catch (error) {
    onStartFailure(error);
    await em.nativeDelete(Booking, { id: booking.id });
    throw new UnavailableError('booking_unavailable', 'Your message could not be sent right now; please try again in a minute', error instanceof UnavailableError ? error.retryAfterSeconds : undefined);
  }
  return booking.id;
}
