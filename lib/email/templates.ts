import { Type, type Static, type TObject, type TProperties } from 'typebox';
import { Value } from 'typebox/value';
import type { OneTimeLink } from '../auth/one-time-tokens.js';
import { escapeHtml } from '../html.js';
import { SINGLE_LINE_PATTERN, toSingleLine } from '../single-line.js';

/** Names of the transactional emails the platform sends. */
export const EMAIL_TEMPLATES = [
  'welcome_set_password',
  'verify_email',
  'password_reset',
  'purchase_confirmation',
  'subscription_activated',
  'payment_failed',
  'subscription_cancelled',
  'subscription_ended',
  'site_suspended',
  'ticket_escalated',
  'domain_verified',
  'domain_failed',
  'domain_lapsed',
  'booking_received',
  'booking_confirmation',
  'edit_preview_ready',
  'edit_reminder',
  'edit_published',
  'edit_expired',
  'edit_answered',
  'ticket_answered',
  'operator_case',
  'activation_reminder',
  'site_linked',
  'site_removed',
  'site_transfer_invitation',
  'site_transfer_accepted',
  'site_transfer_expired',
  'site_transfer_welcome',
  'collaborator_invitation',
  'erasure_scheduled',
  'erasure_completed',
] as const;

/** One of the transactional email names. */
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

const Text = Type.String({ minLength: 1, maxLength: 200, pattern: SINGLE_LINE_PATTERN });
const Link = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048 });
const Message = Type.String({ minLength: 1, maxLength: 2000 });
/** How long the platform waited before acting (a configured duration); absent in requests recorded before it was sent. */
const Waited = Type.Optional(Type.Integer({ minimum: 1 }));
const When = Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })]);

function model<P extends TProperties>(properties: P): TObject<P> {
  return Type.Object(properties, { additionalProperties: false });
}

/** The model schema of each template; amounts arrive formatted (see formatMoney), dates as ISO 8601 strings. */
export const EmailModelSchemas = {
  welcome_set_password: model({ name: Text, siteTitle: Text, setPasswordUrl: Link }),
  verify_email: model({ name: Text, verifyUrl: Link }),
  password_reset: model({ name: Text, resetUrl: Link, expiresInMinutes: Type.Integer({ minimum: 1, maximum: 10_080 }) }),
  purchase_confirmation: model({
    name: Text, siteTitle: Text, siteUrl: Link, amount: Text, paidAt: When,
    // What comes next (absent in requests recorded before it was sent): whether the buyer already had an account, by
    // when the subscription must be activated, and the site's billing page.
    account: Type.Optional(Type.Union([Type.Literal('new'), Type.Literal('existing')])),
    activateBy: Type.Optional(When),
    billingUrl: Type.Optional(Link),
  }),
  subscription_activated: model({ name: Text, siteTitle: Text, amount: Text, nextBillingDate: When }),
  payment_failed: model({ name: Text, siteTitle: Text, amount: Text, graceEndsAt: When, updatePaymentUrl: Link }),
  subscription_cancelled: model({ name: Text, siteTitle: Text, endsAt: When }),
  subscription_ended: model({ name: Text, siteTitle: Text, endedAt: When, paidUntil: Type.Optional(When), reactivateUrl: Link }),
  site_suspended: model({ name: Text, siteTitle: Text, reactivateUrl: Link }),
  ticket_escalated: model({ ticketSubject: Text, siteTitle: Text, priority: Text, dueAt: When, ticketUrl: Link }),
  domain_verified: model({ name: Text, siteTitle: Text, domain: Text, siteUrl: Link, domainUrl: Link }),
  domain_failed: model({ name: Text, siteTitle: Text, domain: Text, found: Type.String({ minLength: 1, maxLength: 600, pattern: SINGLE_LINE_PATTERN }), recordName: Text, token: Text, target: Text, domainUrl: Link, waitedMinutes: Waited }),
  domain_lapsed: model({ name: Text, siteTitle: Text, domain: Text, siteUrl: Link, domainUrl: Link, waitedMinutes: Waited }),
  booking_received: model({ siteTitle: Text, recipient: Text, visitorName: Text, contact: Text, preferredTime: Text, message: Message, manageUrl: Link }),
  /** Goes to an address nobody verified: fixed words, the business's name and its site, nothing the visitor wrote. */
  booking_confirmation: model({ businessName: Text, siteUrl: Link }),
  edit_preview_ready: model({ name: Text, siteTitle: Text, summary: Text, previewUrl: Link, requestUrl: Link, expiresAt: When }),
  edit_reminder: model({ name: Text, siteTitle: Text, summary: Text, previewUrl: Link, requestUrl: Link, expiresAt: When }),
  edit_published: model({ name: Text, siteTitle: Text, summary: Text, siteUrl: Link, requestUrl: Link }),
  edit_expired: model({ name: Text, siteTitle: Text, summary: Text, requestUrl: Link }),
  edit_answered: model({ name: Text, siteTitle: Text, summary: Text, agentName: Text, answer: Message, requestUrl: Link }),
  ticket_answered: model({ name: Text, ticketSubject: Text, siteTitle: Text, ticketUrl: Link }),
  operator_case: model({ kind: Text, reason: Type.String({ minLength: 1, maxLength: 2000 }), reference: Text, casesUrl: Link }),
  activation_reminder: model({ name: Text, siteTitle: Text, deadline: When, activateUrl: Link }),
  site_linked: model({ name: Text, siteTitle: Text, siteUrl: Link, activateUrl: Link }),
  site_removed: model({ name: Text, siteTitle: Text, removedAt: When }),
  site_transfer_invitation: model({ fromName: Text, siteTitle: Text, siteUrl: Link, acceptUrl: Link, expiresAt: When }),
  site_transfer_accepted: model({ name: Text, siteTitle: Text, recipient: Text, paidUntil: Type.Union([When, Type.Null()]) }),
  site_transfer_expired: model({ name: Text, siteTitle: Text, recipient: Text }),
  site_transfer_welcome: model({ name: Text, siteTitle: Text, siteUrl: Link, activateUrl: Link, activateBy: Type.Union([When, Type.Null()]) }),
  collaborator_invitation: model({ inviterName: Text, siteTitle: Text, acceptUrl: Link, expiresAt: When }),
  erasure_scheduled: model({ name: Text, eraseAfter: When, undoUrl: Link }),
  erasure_completed: model({ name: Text }),
} satisfies { [K in EmailTemplate]: TObject };

/** The model a given template is rendered from. */
export type EmailModel<T extends EmailTemplate> = Static<(typeof EmailModelSchemas)[T]>;

function request<K extends EmailTemplate>(template: K) {
  return Type.Object({ template: Type.Literal(template), model: EmailModelSchemas[template] }, { additionalProperties: false });
}

/** A (template, model) pair as the email activity receives it. */
export const EmailRequestSchema = Type.Union([
  request('welcome_set_password'),
  request('verify_email'),
  request('password_reset'),
  request('purchase_confirmation'),
  request('subscription_activated'),
  request('payment_failed'),
  request('subscription_cancelled'),
  request('subscription_ended'),
  request('site_suspended'),
  request('ticket_escalated'),
  request('domain_verified'),
  request('domain_failed'),
  request('domain_lapsed'),
  request('booking_received'),
  request('booking_confirmation'),
  request('edit_preview_ready'),
  request('edit_reminder'),
  request('edit_published'),
  request('edit_expired'),
  request('edit_answered'),
  request('ticket_answered'),
  request('operator_case'),
  request('activation_reminder'),
  request('site_linked'),
  request('site_removed'),
  request('site_transfer_invitation'),
  request('site_transfer_accepted'),
  request('site_transfer_expired'),
  request('site_transfer_welcome'),
  request('collaborator_invitation'),
  request('erasure_scheduled'),
  request('erasure_completed'),
]);

/** A validated (template, model) pair. */
export type EmailRequest = Static<typeof EmailRequestSchema>;

/** A transactional email to send once per idempotency key; with `oneTimeLink` the sending activity mints the link's token, so it never travels through workflow history. */
export type SendEmailInput = EmailRequest & { idempotencyKey: string; to: string; oneTimeLink?: OneTimeLink };

/** True when the value is a known template with a model that matches it. */
export function isEmailRequest(value: unknown): value is EmailRequest {
  return Value.Check(EmailRequestSchema, value);
}

/** Thrown by renderEmail when the template is unknown or the model does not match its schema. */
export class InvalidEmailModelError extends Error {
  override readonly name = 'InvalidEmailModelError';

  constructor(
    readonly template: string,
    readonly problems: string[],
  ) {
    super(`invalid model for email template "${template}": ${problems.join('; ')}`);
  }
}

/** The three parts of a rendered email. */
export interface RenderedEmail {
  subject: string;
  htmlBody: string;
  textBody: string;
}

interface EmailContent {
  subject: string;
  preheader: string;
  heading: string;
  paragraphs: string[];
  details?: [label: string, value: string][];
  action?: { label: string; url: string };
  /** A second, plain link under the button. */
  link?: { label: string; url: string };
  footnote?: string;
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** The wait an email names; requests recorded before the wait was sent along ran with the default of three days. */
function formatWaited(minutes: number | undefined): string {
  return minutes === undefined ? 'three days' : formatMinutes(minutes);
}

function formatDate(iso: string): string {
  return DATE_FORMAT.format(new Date(iso));
}

function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** The receipt's next steps: activate the subscription in time, signing in with the account the buyer has or is setting up. */
function purchaseNextSteps(m: EmailModel<'purchase_confirmation'>): string[] {
  if (!m.activateBy) return [];
  const activate = `To keep ${m.siteTitle} online, activate its monthly subscription before ${formatDate(m.activateBy)}.`;
  if (m.account === 'existing') return [activate, 'Sign in to your dashboard with your WebMagic account as usual: the site is already listed there.'];
  if (m.account === 'new') return [activate, 'First set your password with the link in our welcome email, then activate the subscription from your dashboard.'];
  return [activate];
}

const CONTENT: { [K in EmailTemplate]: (m: EmailModel<K>) => EmailContent } = {
  welcome_set_password: (m) => ({
    subject: `Welcome to WebMagic: ${m.siteTitle} is yours`,
    preheader: 'Set your password to manage your new website.',
    heading: `Welcome to WebMagic, ${m.name}`,
    paragraphs: [
      `Thank you for claiming ${m.siteTitle}. Your payment went through and the website now belongs to you.`,
      'Set a password to sign in to your dashboard, where you manage your site, your subscription and your support requests.',
    ],
    action: { label: 'Set your password', url: m.setPasswordUrl },
    footnote: 'If you did not make this purchase, reply to this email and we will sort it out.',
  }),
  verify_email: (m) => ({
    subject: 'Confirm your email address',
    preheader: 'One click to confirm your WebMagic account.',
    heading: 'Confirm your email address',
    paragraphs: [`Hi ${m.name}, please confirm that this is your email address so we can keep your WebMagic account secure.`],
    action: { label: 'Confirm email address', url: m.verifyUrl },
    footnote: 'If you did not create a WebMagic account, you can ignore this email.',
  }),
  password_reset: (m) => ({
    subject: 'Reset your WebMagic password',
    preheader: `This link expires in ${formatMinutes(m.expiresInMinutes)}.`,
    heading: 'Reset your password',
    paragraphs: [
      `Hi ${m.name}, we received a request to reset the password of your WebMagic account.`,
      `The link below works once and expires in ${formatMinutes(m.expiresInMinutes)}.`,
    ],
    action: { label: 'Choose a new password', url: m.resetUrl },
    footnote: 'If you did not ask for this, ignore this email: your password stays as it is.',
  }),
  purchase_confirmation: (m) => ({
    subject: `Your receipt for ${m.siteTitle}`,
    preheader: `We received your payment of ${m.amount}.`,
    heading: 'Thank you for your purchase',
    paragraphs: [`Hi ${m.name}, we received your payment for ${m.siteTitle}. Keep this email for your records.`, ...purchaseNextSteps(m)],
    details: [
      ['Website', m.siteTitle],
      ['Address', m.siteUrl],
      ['Amount paid', m.amount],
      ['Date', formatDate(m.paidAt)],
      ...(m.activateBy ? [['Activate the subscription by', formatDate(m.activateBy)] as [string, string]] : []),
    ],
    action: { label: 'Visit your website', url: m.siteUrl },
    ...(m.billingUrl ? { link: { label: 'Activate the monthly subscription in your dashboard', url: m.billingUrl } } : {}),
  }),
  subscription_activated: (m) => ({
    subject: `Your subscription for ${m.siteTitle} is active`,
    preheader: `Next billing date: ${formatDate(m.nextBillingDate)}.`,
    heading: 'Your subscription is active',
    paragraphs: [`Hi ${m.name}, the monthly subscription for ${m.siteTitle} is active. Your website stays online for as long as the subscription is paid.`],
    details: [
      ['Website', m.siteTitle],
      ['Monthly amount', m.amount],
      ['Next billing date', formatDate(m.nextBillingDate)],
    ],
  }),
  payment_failed: (m) => ({
    subject: `Action needed: payment failed for ${m.siteTitle}`,
    preheader: `Update your payment method before ${formatDate(m.graceEndsAt)}.`,
    heading: 'We could not process your payment',
    paragraphs: [
      `Hi ${m.name}, the subscription payment of ${m.amount} for ${m.siteTitle} did not go through.`,
      `Your website stays online until ${formatDate(m.graceEndsAt)}. Update your payment method before then to keep it running without interruption.`,
    ],
    action: { label: 'Update payment method', url: m.updatePaymentUrl },
  }),
  subscription_cancelled: (m) => ({
    subject: `Your subscription for ${m.siteTitle} has been cancelled`,
    preheader: `Your website stays online until ${formatDate(m.endsAt)}.`,
    heading: 'Your subscription has been cancelled',
    paragraphs: [
      `Hi ${m.name}, the subscription for ${m.siteTitle} has been cancelled.`,
      `Your website stays online until ${formatDate(m.endsAt)}. You can reactivate the subscription from your dashboard at any time.`,
    ],
  }),
  subscription_ended: (m) => ({
    subject: `Your subscription for ${m.siteTitle} has ended: the website is offline`,
    preheader: 'You cancelled with immediate effect; visitors now see that the website is no longer available.',
    heading: 'Your subscription has ended',
    paragraphs: [
      `Hi ${m.name}, as you asked, the subscription for ${m.siteTitle} ended on ${formatDate(m.endedAt)} with immediate effect.`,
      `${m.siteTitle} is offline now: visitors see a page saying the website is no longer available. Nothing more will be charged.`,
      ...(m.paidUntil ? [`The period you had paid for ran until ${formatDate(m.paidUntil)}; its unused days are not refunded.`] : []),
      'Your website and its versions are kept. To bring it back online, start a new subscription from your dashboard: it is charged from that day.',
    ],
    action: { label: 'Bring your website back', url: m.reactivateUrl },
  }),
  site_suspended: (m) => ({
    subject: `${m.siteTitle} has been suspended`,
    preheader: 'Reactivate your subscription to bring your website back.',
    heading: 'Your website has been suspended',
    paragraphs: [
      `Hi ${m.name}, we did not receive the subscription payment for ${m.siteTitle} within the grace period, so visitors now see a "temporarily unavailable" page.`,
      'Your content is safe. Reactivate your subscription to bring the website back online right away.',
    ],
    action: { label: 'Reactivate your website', url: m.reactivateUrl },
  }),
  ticket_escalated: (m) => ({
    subject: `[${m.priority}] Ticket past its SLA: ${m.ticketSubject} (${m.siteTitle})`,
    preheader: `A ${m.priority} ticket for ${m.siteTitle} is waiting for an agent.`,
    heading: 'A ticket is waiting past its SLA',
    paragraphs: [
      `The ${m.priority}-priority ticket "${m.ticketSubject}" about ${m.siteTitle} was due for a first answer by ${formatDate(m.dueAt)} and has not had one.`,
    ],
    action: { label: 'Open the ticket', url: m.ticketUrl },
  }),
  domain_verified: (m) => ({
    subject: `${m.domain} now shows ${m.siteTitle}`,
    preheader: `Your website is live at ${m.domain}.`,
    heading: 'Your domain is connected',
    paragraphs: [`Hi ${m.name}, we found the DNS records for ${m.domain}. ${m.siteTitle} is now served there, with a certificate for secure (https) visits.`],
    details: [['Website', m.siteTitle], ['Address', m.siteUrl]],
    action: { label: 'See your domain', url: m.domainUrl },
  }),
  domain_failed: (m) => ({
    subject: `We could not verify ${m.domain} for ${m.siteTitle}`,
    preheader: 'The DNS records we asked for were not found in time.',
    heading: 'Your domain could not be verified',
    paragraphs: [
      `Hi ${m.name}, for ${formatWaited(m.waitedMinutes)} we looked for the DNS records that connect ${m.domain} to ${m.siteTitle} and did not find them all.`,
      `What we found: ${m.found}.`,
      'Create the records below at your domain provider, then connect the domain again from your dashboard.',
    ],
    details: [['TXT record', `${m.recordName} = ${m.token}`], ['Points to', m.target]],
    action: { label: 'Check your domain', url: m.domainUrl },
  }),
  domain_lapsed: (m) => ({
    subject: `${m.domain} no longer shows ${m.siteTitle}`,
    preheader: `Its DNS records have been missing for ${formatWaited(m.waitedMinutes)}.`,
    heading: 'Your domain was disconnected',
    paragraphs: [
      `Hi ${m.name}, the DNS records that connect ${m.domain} to ${m.siteTitle} have been missing for ${formatWaited(m.waitedMinutes)}, so we stopped serving your website there.`,
      'Your website is still online at the address below. Restore the records and connect the domain again from your dashboard to use it once more.',
    ],
    details: [['Website', m.siteTitle], ['Address', m.siteUrl]],
    action: { label: 'Connect the domain again', url: m.domainUrl },
  }),
  booking_received: (m) => ({
    subject: `New enquiry from ${m.visitorName} on ${m.siteTitle}`,
    preheader: `${m.visitorName} sent a message through the contact form.`,
    heading: `A new enquiry for ${m.recipient}`,
    paragraphs: [`${m.visitorName} filled in the contact form on ${m.siteTitle}. Reply soon: a quick answer wins the job.`, m.message],
    details: [
      ['Name', m.visitorName],
      ['Contact', m.contact],
      ['Preferred time', m.preferredTime],
    ],
    action: { label: 'See your enquiries', url: m.manageUrl },
  }),
  booking_confirmation: (m) => ({
    subject: `We received your message to ${m.businessName}`,
    preheader: `${m.businessName} will get back to you soon.`,
    heading: 'Thank you for your message',
    paragraphs: [`Your message to ${m.businessName} was sent. They will contact you soon.`],
    action: { label: `Visit ${m.businessName}`, url: m.siteUrl },
    footnote: 'You receive this email because this address was entered in a contact form. If that was not you, ignore it.',
  }),
  edit_preview_ready: (m) => ({
    subject: `Preview your change to ${m.siteTitle}`,
    preheader: 'Your requested change is ready to review.',
    heading: 'Your change is ready to preview',
    paragraphs: [
      `Hi ${m.name}, we prepared the change you asked for on ${m.siteTitle}: ${m.summary}.`,
      'Open the private preview, then approve it to publish it or reject it and tell us what to fix. Nothing changes on your live site until you approve.',
    ],
    action: { label: 'Open the private preview', url: m.previewUrl },
    link: { label: 'Approve or reject it in your dashboard', url: m.requestUrl },
    footnote: `The preview link is private to you and works until ${formatDate(m.expiresAt)}.`,
  }),
  edit_reminder: (m) => ({
    subject: `Reminder: your change to ${m.siteTitle} is waiting`,
    preheader: `The preview expires on ${formatDate(m.expiresAt)}.`,
    heading: 'Your change is still waiting for you',
    paragraphs: [
      `Hi ${m.name}, the change to ${m.siteTitle} (${m.summary}) is ready but not approved yet.`,
      `Approve or reject it before ${formatDate(m.expiresAt)}; after that the draft is discarded.`,
    ],
    action: { label: 'Open the private preview', url: m.previewUrl },
    link: { label: 'Approve or reject it in your dashboard', url: m.requestUrl },
  }),
  edit_published: (m) => ({
    subject: `Your change to ${m.siteTitle} is live`,
    preheader: 'The new version of your website is published.',
    heading: 'Your change is live',
    paragraphs: [
      `Hi ${m.name}, we published the change to ${m.siteTitle}: ${m.summary}.`,
      'Every earlier version is kept: you can restore one from your dashboard at any time.',
    ],
    action: { label: 'Visit your website', url: m.siteUrl },
    link: { label: 'See the change and your versions in your dashboard', url: m.requestUrl },
  }),
  edit_expired: (m) => ({
    subject: `Your draft change to ${m.siteTitle} expired`,
    preheader: 'The draft was discarded; your website is unchanged.',
    heading: 'Your draft change expired',
    paragraphs: [
      `Hi ${m.name}, the draft change to ${m.siteTitle} (${m.summary}) was not approved in time, so we discarded it. Your website is unchanged.`,
      'Ask again from your dashboard or reply to your support ticket whenever you are ready.',
    ],
    action: { label: 'See the request in your dashboard', url: m.requestUrl },
  }),
  edit_answered: (m) => ({
    subject: `About your change to ${m.siteTitle}`,
    preheader: `${m.agentName} from the WebMagic team wrote to you.`,
    heading: 'A note about your requested change',
    paragraphs: [`Hi ${m.name}, ${m.agentName} from the WebMagic team looked at your request for ${m.siteTitle} (${m.summary}) and wrote:`, m.answer],
    action: { label: 'See the request in your dashboard', url: m.requestUrl },
  }),
  ticket_answered: (m) => ({
    subject: `New answer to your request: ${m.ticketSubject} (${m.siteTitle})`,
    preheader: `We answered your support request about ${m.siteTitle}.`,
    heading: 'Your support request has an answer',
    paragraphs: [
      `Hi ${m.name}, we answered your request "${m.ticketSubject}" about ${m.siteTitle}.`,
      'Read the answer and reply, close the request or rate our help from your dashboard.',
    ],
    action: { label: 'Read the answer', url: m.ticketUrl },
  }),
  operator_case: (m) => ({
    subject: `[needs attention] ${m.kind}: ${m.reference}`,
    preheader: 'A payment or message needs a person.',
    heading: 'A case needs attention',
    paragraphs: [m.reason, 'The workflow went on without it; the case stays on the needs-attention list until it is resolved.'],
    details: [['Kind', m.kind], ['Reference', m.reference]],
    action: { label: 'Open the needs-attention list', url: m.casesUrl },
  }),
  activation_reminder: (m) => ({
    subject: `Activate the subscription for ${m.siteTitle}`,
    preheader: `Activate before ${formatDate(m.deadline)} to keep your website online.`,
    heading: 'Your website needs its subscription',
    paragraphs: [
      `Hi ${m.name}, ${m.siteTitle} is yours, but its monthly subscription is not active yet.`,
      `Activate it before ${formatDate(m.deadline)}; after that date the website is suspended until the subscription is activated.`,
    ],
    action: { label: 'Activate the subscription', url: m.activateUrl },
  }),
  site_linked: (m) => ({
    subject: `${m.siteTitle} is now in your WebMagic account`,
    preheader: 'Activate its monthly subscription to keep it online.',
    heading: `${m.siteTitle} is yours`,
    paragraphs: [
      `Hi ${m.name}, our team added ${m.siteTitle} to your WebMagic account.`,
      'Activate its monthly subscription from your dashboard to keep the website online.',
    ],
    details: [['Website', m.siteTitle], ['Address', m.siteUrl]],
    action: { label: 'Activate the subscription', url: m.activateUrl },
    footnote: 'If you did not expect this, reply to this email and we will sort it out.',
  }),
  site_removed: (m) => ({
    subject: `${m.siteTitle} was removed from your WebMagic account`,
    preheader: 'Its subscription is cancelled; nothing more will be charged.',
    heading: `${m.siteTitle} was removed from your account`,
    paragraphs: [
      `Hi ${m.name}, on ${formatDate(m.removedAt)} our team removed ${m.siteTitle} from your WebMagic account.`,
      'Its subscription is cancelled and nothing more will be charged for it. The website is offline.',
    ],
    footnote: 'If you did not expect this, reply to this email and we will sort it out.',
  }),
  site_transfer_invitation: (m) => ({
    subject: `${m.fromName} wants to transfer ${m.siteTitle} to you`,
    preheader: `Accept before ${formatDate(m.expiresAt)} to become its owner.`,
    heading: `${m.siteTitle} can be yours`,
    paragraphs: [
      `${m.fromName} asked WebMagic to transfer the website ${m.siteTitle} to you.`,
      'Accept to become its owner: you sign in (or choose a password for your new account), then activate the monthly subscription in your name. The website stays online during the handover.',
    ],
    details: [['Website', m.siteTitle], ['Address', m.siteUrl], ['Accept by', formatDate(m.expiresAt)]],
    action: { label: 'Accept the transfer', url: m.acceptUrl },
    footnote: 'If you do not know about this, ignore this email: nothing changes unless you accept.',
  }),
  site_transfer_accepted: (m) => ({
    subject: `${m.siteTitle} now belongs to ${m.recipient}`,
    preheader: 'The transfer was accepted; nothing more will be charged to you for this website.',
    heading: 'Your transfer was accepted',
    paragraphs: [
      `Hi ${m.name}, ${m.recipient} accepted the transfer of ${m.siteTitle}; the website is no longer in your account.`,
      m.paidUntil
        ? `Your subscription for it is cancelled: the period you paid, until ${formatDate(m.paidUntil)}, keeps the website online while the new owner takes over, and nothing more will be charged to you.`
        : 'Your subscription for it is cancelled and nothing more will be charged to you.',
    ],
  }),
  site_transfer_expired: (m) => ({
    subject: `The transfer of ${m.siteTitle} expired`,
    preheader: `${m.recipient} did not accept in time; the website is still yours.`,
    heading: 'Your transfer expired',
    paragraphs: [
      `Hi ${m.name}, ${m.recipient} did not accept the transfer of ${m.siteTitle} in time, so nothing changed: the website and its subscription are still yours.`,
      'You can ask for a new transfer from your dashboard at any time.',
    ],
  }),
  site_transfer_welcome: (m) => ({
    subject: `Welcome: ${m.siteTitle} is now yours`,
    preheader: 'Activate the monthly subscription in your name to keep it online.',
    heading: `${m.siteTitle} is now yours`,
    paragraphs: [
      `Hi ${m.name}, the transfer is complete: ${m.siteTitle} is in your WebMagic account.`,
      m.activateBy
        ? `The previous owner's subscription keeps it online until ${formatDate(m.activateBy)}. Activate the monthly subscription in your name before then: your first period starts when theirs ends, so no day is paid twice.`
        : 'Activate the monthly subscription in your name to keep it online.',
    ],
    details: [['Website', m.siteTitle], ['Address', m.siteUrl]],
    action: { label: 'Activate the subscription', url: m.activateUrl },
  }),
  collaborator_invitation: (m) => ({
    subject: `${m.inviterName} invited you to ${m.siteTitle} on WebMagic`,
    preheader: `Accept before ${formatDate(m.expiresAt)} to see its analytics and bookings.`,
    heading: `Join ${m.siteTitle} as a collaborator`,
    paragraphs: [
      `${m.inviterName} invited you to collaborate on ${m.siteTitle}: you will see its analytics and bookings and can open support requests about it.`,
      `Accept before ${formatDate(m.expiresAt)}. If you have no WebMagic account yet, you create one as you accept.`,
    ],
    action: { label: 'Accept the invitation', url: m.acceptUrl },
    footnote: 'If you do not know this person, ignore this email: nothing happens unless you accept.',
  }),
  erasure_scheduled: (m) => ({
    subject: 'Your WebMagic account will be deleted',
    preheader: `Change your mind before ${formatDate(m.eraseAfter)}.`,
    heading: 'Your account is scheduled for deletion',
    paragraphs: [
      `Hi ${m.name}, we received your request to delete your WebMagic account. On ${formatDate(m.eraseAfter)} we will end your subscriptions, sign you out everywhere and erase your personal data.`,
      'Until then you can undo the deletion from your dashboard and everything stays as it is. Payment records the law requires us to keep stay, without your name or email.',
    ],
    action: { label: 'Undo the deletion', url: m.undoUrl },
    footnote: 'If you did not ask for this, undo it and change your password.',
  }),
  erasure_completed: (m) => ({
    subject: 'Your WebMagic account has been deleted',
    preheader: 'Your personal data has been erased.',
    heading: 'Your account has been deleted',
    paragraphs: [
      `Hi ${m.name}, as you asked, we ended your subscriptions, signed you out everywhere and are erasing your personal data now. This is the last email we send to this address.`,
      'Payment records the law requires us to keep stay, without your name or email.',
    ],
  }),
};

const FONT = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const BRAND_COLOR = '#4f46e5';

function renderHtml(c: EmailContent): string {
  const e = escapeHtml;
  const paragraphs = c.paragraphs.map((p) => `<p style="margin:0 0 16px;font-size:16px;line-height:24px;color:#374151;">${e(p)}</p>`);
  const details = c.details
    ? `<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="margin:8px 0 24px;border-collapse:collapse;">${c.details
        .map(
          ([label, value]) =>
            `<tr><td style="padding:8px 0;border-bottom:1px solid #e5e7eb;font-size:14px;color:#6b7280;">${e(label)}</td>` +
            `<td align="right" style="padding:8px 0;border-bottom:1px solid #e5e7eb;font-size:14px;color:#111827;font-weight:600;">${e(value)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const action = c.action
    ? `<p style="margin:8px 0 24px;"><a href="${e(c.action.url)}" style="display:inline-block;padding:12px 24px;border-radius:6px;background:${BRAND_COLOR};color:#ffffff;font-size:16px;font-weight:600;text-decoration:none;">${e(c.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;line-height:20px;color:#6b7280;">If the button does not work, copy this link into your browser:<br><a href="${e(c.action.url)}" style="color:${BRAND_COLOR};word-break:break-all;">${e(c.action.url)}</a></p>`
    : '';
  const link = c.link ? `<p style="margin:0 0 16px;font-size:15px;line-height:22px;"><a href="${e(c.link.url)}" style="color:${BRAND_COLOR};">${e(c.link.label)}</a></p>` : '';
  const footnote = c.footnote ? `<p style="margin:16px 0 0;font-size:13px;line-height:20px;color:#6b7280;">${e(c.footnote)}</p>` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(c.subject)}</title></head>`,
    `<body style="margin:0;padding:0;background:#f3f4f6;${FONT};">`,
    `<div style="display:none;max-height:0;overflow:hidden;">${e(c.preheader)}</div>`,
    '<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">',
    '<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="max-width:560px;background:#ffffff;border-radius:8px;">',
    `<tr><td style="padding:20px 32px;border-bottom:1px solid #e5e7eb;font-size:20px;font-weight:700;color:${BRAND_COLOR};">WebMagic</td></tr>`,
    `<tr><td style="padding:32px;"><h1 style="margin:0 0 16px;font-size:22px;line-height:30px;color:#111827;">${e(c.heading)}</h1>`,
    ...paragraphs,
    details,
    action,
    link,
    footnote,
    '</td></tr></table>',
    '<p style="margin:16px 0 0;font-size:12px;color:#9ca3af;">WebMagic · Websites for local businesses</p>',
    '</td></tr></table>',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function renderText(c: EmailContent): string {
  const blocks = [c.heading, ...c.paragraphs];
  if (c.details) blocks.push(c.details.map(([label, value]) => `${label}: ${value}`).join('\n'));
  if (c.action) blocks.push(`${c.action.label}: ${c.action.url}`);
  if (c.link) blocks.push(`${c.link.label}: ${c.link.url}`);
  if (c.footnote) blocks.push(c.footnote);
  blocks.push('-- \nWebMagic · Websites for local businesses');
  return `${blocks.join('\n\n')}\n`;
}

/** What a single-line model value that is empty once cleaned shows instead (a greeting reads "Hi there"). */
function emptyLine(field: string): string {
  return field === 'name' ? 'there' : '(not given)';
}

/**
 * The model with every person-written text made sendable: a single-line field (a name, a title, a subject) loses its
 * line breaks and control characters and is cut to its length, a longer text is cut to its length. A value stored
 * before the API refused such text therefore still renders (and the email, of a paid purchase say, still goes out)
 * instead of failing; only a model of the wrong shape (missing fields, a bad link or date) is refused.
 */
export function sendableModel(template: EmailTemplate, model: unknown): unknown {
  if (typeof model !== 'object' || model === null || !Object.hasOwn(EmailModelSchemas, template)) return model;
  const properties = EmailModelSchemas[template].properties as Record<string, { type?: unknown; pattern?: string; maxLength?: number; format?: string }>;
  return Object.fromEntries(Object.entries(model).map(([key, value]) => {
    const schema = properties[key];
    if (typeof value !== 'string' || !schema || schema.type !== 'string' || schema.format || schema.maxLength === undefined) return [key, value];
    if (schema.pattern === SINGLE_LINE_PATTERN) return [key, toSingleLine(value, schema.maxLength, emptyLine(key))];
    if (schema.pattern === undefined) return [key, [...value].slice(0, schema.maxLength).join('').trim() || emptyLine(key)];
    return [key, value];
  }));
}

/**
 * Renders a template's subject, HTML body (values escaped, inline CSS) and plain-text body from its model made
 * sendable ({@link sendableModel}); throws InvalidEmailModelError on a model of the wrong shape.
 */
export function renderEmail(request: EmailRequest): RenderedEmail;
export function renderEmail<T extends EmailTemplate>(template: T, model: EmailModel<T>): RenderedEmail;
export function renderEmail(requestOrTemplate: EmailRequest | EmailTemplate, modelArgument?: unknown): RenderedEmail {
  const [template, given] =
    typeof requestOrTemplate === 'string' ? [requestOrTemplate, modelArgument] : [requestOrTemplate.template, requestOrTemplate.model];
  if (!Object.hasOwn(EmailModelSchemas, template)) throw new InvalidEmailModelError(template, ['unknown template']);
  const model = sendableModel(template, given);
  const schema = EmailModelSchemas[template];
  if (!Value.Check(schema, model)) {
    const problems = Value.Errors(schema, model).map((error) => `${error.instancePath || '/'} ${error.message}`);
    throw new InvalidEmailModelError(template, problems);
  }
  const content = (CONTENT[template] as (m: unknown) => EmailContent)(model);
  return { subject: content.subject, htmlBody: renderHtml(content), textBody: renderText(content) };
}

