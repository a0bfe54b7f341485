import { ApplicationFailure, log as activityLog } from '@temporalio/activity';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { countInWindow } from '../db/rate-limits.js';
import { Booking, CustomerSiteOwnership, EmailMessage } from '../db/entities/index.js';
import type { IBooking } from '../db/entities/booking.entity.js';
import type { AppConfig } from '../lib/config.js';
import { InvalidEmailModelError, renderEmail, type EmailModel } from '../lib/email/templates.js';
import { LimitKeys } from '../lib/limit-keys.js';
import { sitePageUrl, siteUrl } from '../lib/urls.js';
import { createEmailActivities, type SendEmailResult } from './email.js';
import { deliverEmail, UndeliverableEmailError } from './email-delivery.js';
import type { Mailer } from '../lib/postmark/mailer.js';

/** Who a booking email goes to. */
export type BookingRecipient = 'owner' | 'visitor';

type Deps = { orm: MikroORM; mailer: Mailer; config: AppConfig };

/** The owner's email of a booking: what the visitor wrote, or (when that cannot be rendered) fixed words pointing to the bookings page. */
function ownerModel(config: AppConfig, booking: IBooking, unclaimed: boolean): EmailModel<'booking_received'> {
  const site = booking.site;
  const model = {
    siteTitle: site.title.slice(0, 200),
    recipient: unclaimed ? `the preview of ${site.business.name}`.slice(0, 200) : site.business.name.slice(0, 200),
    visitorName: booking.name.slice(0, 200),
    contact: [booking.email, booking.phone].filter(Boolean).join(' · ').slice(0, 200),
    preferredTime: (booking.preferredTime ?? 'not given').slice(0, 200),
    message: (booking.message ?? '(no message)').slice(0, 2000),
    manageUrl: unclaimed ? siteUrl(config, site.slug) : sitePageUrl(config, 'bookings', site.id),
  };
  try {
    renderEmail('booking_received', model);
    return model;
  } catch (error) {
    if (!(error instanceof InvalidEmailModelError)) throw error;
    activityLog.warn('booking email sent with safe text', { bookingId: booking.id, problems: error.problems });
    const hidden = '(could not be shown in an email)';
    return { ...model, visitorName: hidden, contact: hidden, preferredTime: hidden, message: `A visitor sent a message that could not be shown in an email. Read it on the bookings page: ${model.manageUrl}` };
  }
}

/**
 * The visitor's confirmation, unless the address already got the configured number this window (across every site):
 * fixed words naming the business only, so a stranger's address cannot be sent anyone's text from our sender. A
 * confirmation that cannot go out (a bounced address, say) is logged and skipped; it never fails the booking.
 */
async function confirmToVisitor(deps: Deps, em: EntityManager, booking: IBooking, idempotencyKey: string): Promise<SendEmailResult | null> {
  if (!booking.email) return null;
  const { confirmationWindowMs, maxConfirmationsPerRecipient } = deps.config.bookings;
  const retry = (await em.count(EmailMessage, { idempotencyKey })) > 0;
  if (!retry) {
    const { count } = await countInWindow(em, LimitKeys.from(deps.config).key('booking-confirmation', booking.email.toLowerCase()), confirmationWindowMs);
    if (count > maxConfirmationsPerRecipient) {
      activityLog.info('visitor confirmation skipped: this address had its share of confirmations', { bookingId: booking.id });
      return null;
    }
  }
  try {
    return await deliverEmail(deps, {
      idempotencyKey, to: booking.email, template: 'booking_confirmation',
      model: { businessName: booking.site.business.name.slice(0, 200), siteUrl: siteUrl(deps.config, booking.site.slug) },
    });
  } catch (error) {
    if (!(error instanceof UndeliverableEmailError)) throw error;
    activityLog.warn('visitor confirmation could not be sent', { bookingId: booking.id, reason: error.message });
    return null;
  }
}

/**
 * Booking emails. The workflow passes only the booking id and the recipient, so names, addresses and messages
 * stay out of workflow history; the email log's idempotency key (`booking:<id>:<recipient>`) makes a re-run send nothing
 * twice. The lead is stored before the workflow starts, and neither email can fail on what the visitor typed.
 */
export function createBookingActivities(deps: Deps) {
  const email = createEmailActivities(deps);
  return {
    /** Emails the owner (or the platform inbox while the site is a preview) or confirms to the visitor; null when no confirmation goes out. */
    async sendBookingEmail(input: { bookingId: string; recipient: BookingRecipient }): Promise<SendEmailResult | null> {
      const em = deps.orm.em.fork();
      const booking = await em.findOne(Booking, input.bookingId, { populate: ['site', 'site.business'] });
      if (!booking) throw ApplicationFailure.nonRetryable(`booking ${input.bookingId} does not exist`, 'BookingNotFound');
      const idempotencyKey = `booking:${booking.id}:${input.recipient}`;
      if (input.recipient === 'visitor') return confirmToVisitor(deps, em, booking, idempotencyKey);
      const owner = await em.findOne(CustomerSiteOwnership, { site: booking.site.id, role: 'owner' }, { populate: ['customer'], orderBy: { acquiredAt: 'asc' } });
      const unclaimed = booking.site.status === 'preview' || !owner;
      return email.sendEmail({
        idempotencyKey,
        to: unclaimed ? deps.config.bookings.platformLeadsEmail : owner.customer.email,
        template: 'booking_received',
        model: ownerModel(deps.config, booking, unclaimed),
      });
    },
  };
}
