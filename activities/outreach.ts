import type { MikroORM } from '@mikro-orm/postgresql';
import { Booking, EmailSuppression, OutreachMessage, PreviewListing, VisitorSession } from '../db/entities/index.js';
import type { OutreachKind, OutreachOutcome } from '../db/entities/outreach-message.entity.js';
import type { AppConfig } from '../lib/config.js';
import { renderOutreach } from '../lib/email/outreach.js';
import { unsubscribeToken } from '../lib/outreach-token.js';
import { MailerError, type Mailer } from '../lib/postmark/mailer.js';
import { oneClickUnsubscribeUrl, siteUrl, unsubscribePageUrl } from '../lib/urls.js';

/** What outreach needs: the database, the mailer and the configuration (stream, sender, address, cap). */
export interface OutreachDeps {
  orm: MikroORM;
  mailer: Mailer;
  config: AppConfig;
}

/** What one outreach step came to; `over_cap`: today's cap is reached, try again the next UTC day. */
export type OutreachResult = { outcome: OutreachOutcome } | { outcome: 'over_cap' };

// One lock key for the daily cap, so concurrent sends count one after another.
const CAP_LOCK = 7_214_031;
/** Postmark's ErrorCode for a recipient it deactivated (a hard bounce, a spam complaint or a manual suppression). */
const INACTIVE_RECIPIENT = 406;

/** The headers that make outreach unsubscribable in one click (RFC 2369 and RFC 8058). */
export function unsubscribeHeaders(config: AppConfig, token: string): { name: string; value: string }[] {
  return [
    { name: 'List-Unsubscribe', value: `<mailto:${config.outreach.unsubscribeMailto}?subject=unsubscribe%20${token}>, <${oneClickUnsubscribeUrl(config, token)}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}

/**
 * Sends one outreach message of `kind` for a listing's preview, at most once: nothing to a suppressed address, a
 * claimed or retired preview, or (follow-up) a preview with no leads and no visits. A send takes a place under the day's
 * cap in the same transaction that records it; a re-run after a crash asks Postmark whether the first attempt got
 * through before it sends.
 */
async function sendOutreach(deps: OutreachDeps, input: { listingId: string; kind: OutreachKind; today: string }): Promise<OutreachResult> {
  const em = deps.orm.em.fork();
  const key = `outreach:${input.listingId}:${input.kind}`;
  const row = await em.findOneOrFail(PreviewListing, input.listingId, { populate: ['site', 'site.business'] });
  const site = row.site;
  const email = row.listing.email?.toLowerCase();
  let decided = await em.findOne(OutreachMessage, { listing: row.id, kind: input.kind });
  if (!decided) {
    const record = async (outcome: OutreachOutcome) => {
      await em.upsert(OutreachMessage, { listing: row.id, kind: input.kind, outcome, sendDay: null }, { onConflictFields: ['listing', 'kind'], onConflictAction: 'ignore' });
      return { outcome };
    };
    if (!site || !email) return record('retired');
    if (site.status !== 'preview') return record(row.retiredAt ? 'retired' : 'claimed');
    if (await em.count(EmailSuppression, { email })) return record('suppressed');
    if (input.kind === 'follow_up') {
      const [leads, visits] = await Promise.all([em.count(Booking, { site: site.id }), em.count(VisitorSession, { site: site.id })]);
      if (leads + visits === 0) return record('nothing_to_report');
    }
    const placed = await em.transactional(async (tx) => {
      await tx.getConnection().execute('select pg_advisory_xact_lock(?)', [CAP_LOCK], 'all', tx.getTransactionContext());
      if ((await tx.count(OutreachMessage, { sendDay: input.today, outcome: 'sent' })) >= deps.config.outreach.dailyCap) return false;
      tx.create(OutreachMessage, { listing: row.id, kind: input.kind, outcome: 'sent', sendDay: input.today });
      return true;
    });
    if (!placed) return { outcome: 'over_cap' };
    decided = await em.findOneOrFail(OutreachMessage, { listing: row.id, kind: input.kind });
  } else if (decided.outcome !== 'sent' || (await deps.mailer.findSent(key))) {
    return { outcome: decided.outcome };
  }
  if (!site || !email) return { outcome: decided.outcome };
  // The suppression list is read again right before the send: an unsubscribe since the place was taken wins.
  if (await em.count(EmailSuppression, { email })) return { outcome: 'suppressed' };
  const [leads, visits] = input.kind === 'follow_up'
    ? await Promise.all([em.count(Booking, { site: site.id }), em.count(VisitorSession, { site: site.id })])
    : [undefined, undefined];
  const token = unsubscribeToken(deps.config.outreach.unsubscribeSecret, email);
  const { config } = deps;
  const message = renderOutreach(input.kind, {
    businessName: site.business.name, previewUrl: siteUrl(config, site.slug), unsubscribeUrl: unsubscribePageUrl(config, token),
    postalAddress: config.outreach.postalAddress, expiresOn: row.expiresAt ? row.expiresAt.toISOString().slice(0, 10) : null,
    ...(leads === undefined ? {} : { leads, visits }),
  });
  try {
    await deps.mailer.send({
      to: email, ...message, from: config.outreach.from, messageStream: config.outreach.messageStream,
      headers: unsubscribeHeaders(config, token), tag: `outreach_${input.kind}`, idempotencyKey: key,
    });
  } catch (error) {
    if (!(error instanceof MailerError) || error.code !== INACTIVE_RECIPIENT) throw error;
    // Postmark refuses the address (it bounced or complained before): it joins the suppression list, and the
    // message gives its place under the day's cap back.
    await em.upsert(EmailSuppression, { email, reason: 'bounced' }, { onConflictFields: ['email'], onConflictAction: 'ignore' });
    await em.nativeUpdate(OutreachMessage, { id: decided.id }, { outcome: 'suppressed', sendDay: null });
    return { outcome: 'suppressed' };
  }
  return { outcome: 'sent' };
}

/** Activities of preview outreach. */
export function createOutreachActivities(deps: OutreachDeps) {
  return {
    /** Sends a listing's first message or its follow-up, once, within the suppression list and the daily cap. */
    async sendOutreach(input: { listingId: string; kind: OutreachKind; today: string }): Promise<OutreachResult> {
      return sendOutreach(deps, input);
    },
  };
}
