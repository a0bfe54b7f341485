import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { appendOnlyProperties } from './base.js';
import { Site } from './site.entity.js';
import { VisitorSession } from './visitor-session.entity.js';

/** A lead, booking or contact-form submission from a site's visitor. */
export const Booking = defineEntity({
  name: 'Booking',
  tableName: 'bookings',
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
  },
});
export type IBooking = InferEntity<typeof Booking>;
