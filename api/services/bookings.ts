import type { EntityManager } from '@mikro-orm/postgresql';
import { Booking } from '../../db/entities/index.js';
import type { BookingStatus, IBooking } from '../../db/entities/booking.entity.js';
import { NotFoundError, UnavailableError } from '../../lib/errors.js';
import { bookingWorkflow } from '../../workflows/booking.js';
import { workflowIds } from '../../lib/workflow-ids.js';
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

function bookingDto(b: IBooking) {
  return {
    id: b.id, kind: b.kind, name: b.name, email: b.email ?? null, phone: b.phone ?? null, preferred_time: b.preferredTime ?? null, message: b.message ?? null,
    status: b.status, created_at: b.createdAt.toISOString(), status_changed_at: b.statusChangedAt?.toISOString() ?? null,
  };
}

/** One page of the site's bookings, newest first, optionally in one status, with how many there are in all. */
export async function siteBookings(em: EntityManager, siteId: string, query: { status?: BookingStatus | undefined; limit: number; offset: number }) {
  const where = { site: siteId, ...(query.status ? { status: query.status } : {}) };
  const [rows, total] = await em.findAndCount(Booking, where, { orderBy: { createdAt: 'desc' }, limit: query.limit, offset: query.offset });
  return { bookings: rows.map(bookingDto), total };
}

/** Marks a booking of the site (contacted, booked, closed, spam); the time of the change is kept. */
export async function markBooking(em: EntityManager, siteId: string, bookingId: string, status: BookingStatus) {
  const booking = await em.findOne(Booking, { id: bookingId, site: siteId });
  if (!booking) throw new NotFoundError('booking_not_found', 'No such booking on this site');
  if (booking.status !== status) Object.assign(booking, { status, statusChangedAt: new Date() });
  await em.flush();
  return bookingDto(booking);
}
