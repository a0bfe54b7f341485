import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Site } from './site.entity.js';
import { VisitorSession } from './visitor-session.entity.js';

/** Where an owner is with a lead. */
export const BOOKING_STATUSES = ['new', 'contacted', 'booked', 'closed', 'spam'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** A lead, booking or contact-form submission from a site's visitor. */
export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'bookings',
  indexes: [{ properties: ['site', 'createdAt'] }],
  properties: {
    ...appendOnlyProperties,
    site: () => p.manyToOne(Site).deleteRule('cascade'),
    session: () => p.manyToOne(VisitorSession).nullable().deleteRule('set null'),
    kind: p.string(),
    name: p.string(),
    email: p.string().nullable(),
    phone: p.string().nullable(),
    message: p.text().nullable(),
    requestedFor: p.datetime().nullable(),
    preferredTime: p.string().nullable(),
    status: p.enum(BOOKING_STATUSES).default('new'),
    statusChangedAt: p.datetime().nullable(),
  },
});
export type IBooking = InferEntity<typeof Booking>;
