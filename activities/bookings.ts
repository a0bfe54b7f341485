import { ApplicationFailure } from '@temporalio/activity';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Booking, CustomerSiteOwnership } from '../db/entities/index.js';
import type { AppConfig } from '../lib/config.js';
import { sitePageUrl, siteUrl } from '../lib/urls.js';
import { createEmailActivities, type SendEmailResult } from './email.js';
import type { Mailer } from '../lib/postmark/mailer.js';

/** Who a booking email goes to. */
export type BookingRecipient = 'owner' | 'visitor';

/**
 * Booking emails. The workflow passes only the booking id and the recipient, so names, addresses and messages
 * stay out of workflow history; the email log's idempotency key (`booking:<id>:<recipient>`) makes a re-run send nothing twice.
 */
export function createBookingActivities(deps: { orm: MikroORM; mailer: Mailer; config: AppConfig }) {
  const email = createEmailActivities(deps);
  return {
    /** Emails the owner (or the platform inbox while the site is a preview) or confirms to the visitor; null when the visitor left no email. */
    async sendBookingEmail(input: { bookingId: string; recipient: BookingRecipient }): Promise<SendEmailResult | null> {
      const em = deps.orm.em.fork();
      const booking = await em.findOne(Booking, input.bookingId, { populate: ['site', 'site.business'] });
      if (!booking) throw ApplicationFailure.nonRetryable(`booking ${input.bookingId} does not exist`, 'BookingNotFound');
      const site = booking.site;
      const idempotencyKey = `booking:${booking.id}:${input.recipient}`;
      if (input.recipient === 'visitor') {
        if (!booking.email) return null;
        return email.sendEmail({
          idempotencyKey, to: booking.email, template: 'booking_confirmation',
          model: { name: booking.name.slice(0, 200), siteTitle: site.title.slice(0, 200), businessName: site.business.name.slice(0, 200), siteUrl: siteUrl(deps.config, site.slug) },
        });
      }
      const owner = await em.findOne(CustomerSiteOwnership, { site: site.id, role: 'owner' }, { populate: ['customer'], orderBy: { acquiredAt: 'asc' } });
      const unclaimed = site.status === 'preview' || !owner;
      return email.sendEmail({
        idempotencyKey,
        to: unclaimed ? deps.config.bookings.platformLeadsEmail : owner.customer.email,
        template: 'booking_received',
        model: {
          siteTitle: site.title.slice(0, 200),
          recipient: unclaimed ? `the preview of ${site.business.name}`.slice(0, 200) : site.business.name.slice(0, 200),
          visitorName: booking.name.slice(0, 200),
          contact: [booking.email, booking.phone].filter(Boolean).join(' · ').slice(0, 200),
          preferredTime: (booking.preferredTime ?? 'not given').slice(0, 200),
          message: (booking.message ?? '(no message)').slice(0, 2000),
          manageUrl: unclaimed ? siteUrl(deps.config, site.slug) : sitePageUrl(deps.config, 'bookings', site.id),
        },
      });
    },
  };
}
