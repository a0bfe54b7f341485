import { Type, type Static, type TObject, type TProperties } from 'typebox';
import { Value } from 'typebox/value';
import type { OneTimeLink } from '../auth/one-time-tokens.js';
import { escapeHtml } from '../html.js';

/** Names of the transactional emails the platform sends. */
export const EMAIL_TEMPLATES = [
  'welcome_set_password',
  'verify_email',
  'password_reset',
  'purchase_confirmation',
  'subscription_activated',
  'payment_failed',
  'subscription_cancelled',
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
  'ticket_answered',
  'operator_case',
  'activation_reminder',
  'collaborator_invitation',
  'erasure_scheduled',
  'erasure_completed',
] as const;

/** One of the transactional email names. */
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

const Text = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\r\\n]+$' });
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
  purchase_confirmation: model({ name: Text, siteTitle: Text, siteUrl: Link, amount: Text, paidAt: When }),
  subscription_activated: model({ name: Text, siteTitle: Text, amount: Text, nextBillingDate: When }),
  payment_failed: model({ name: Text, siteTitle: Text, amount: Text, graceEndsAt: When, updatePaymentUrl: Link }),
  subscription_cancelled: model({ name: Text, siteTitle: Text, endsAt: When }),
  site_suspended: model({ name: Text, siteTitle: Text, reactivateUrl: Link }),
  ticket_escalated: model({ ticketSubject: Text, siteTitle: Text, priority: Text, dueAt: When, ticketUrl: Link }),
  domain_verified: model({ name: Text, siteTitle: Text, domain: Text, siteUrl: Link, domainUrl: Link }),
  domain_failed: model({ name: Text, siteTitle: Text, domain: Text, found: Type.String({ minLength: 1, maxLength: 600, pattern: '^[^\\r\\n]+$' }), recordName: Text, token: Text, target: Text, domainUrl: Link, waitedMinutes: Waited }),
  domain_lapsed: model({ name: Text, siteTitle: Text, domain: Text, siteUrl: Link, domainUrl: Link, waitedMinutes: Waited }),
  booking_received: model({ siteTitle: Text, recipient: Text, visitorName: Text, contact: Text, preferredTime: Text, message: Message, manageUrl: Link }),
  booking_confirmation: model({ name: Text, siteTitle: Text, businessName: Text, siteUrl: Link }),
  edit_preview_ready: model({ name: Text, siteTitle: Text, summary: Text, previewUrl: Link, requestUrl: Link, expiresAt: When }),
  edit_reminder: model({ name: Text, siteTitle: Text, summary: Text, previewUrl: Link, requestUrl: Link, expiresAt: When }),
  edit_published: model({ name: Text, siteTitle: Text, summary: Text, siteUrl: Link, requestUrl: Link }),
  edit_expired: model({ name: Text, siteTitle: Text, summary: Text, requestUrl: Link }),
  ticket_answered: model({ name: Text, ticketSubject: Text, siteTitle: Text, ticketUrl: Link }),
  operator_case: model({ kind: Text, reason: Type.String({ minLength: 1, maxLength: 2000 }), reference: Text, casesUrl: Link }),
  activation_reminder: model({ name: Text, siteTitle: Text, deadline: When, activateUrl: Link }),
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
  request('ticket_answered'),
  request('operator_case'),
  request('activation_reminder'),
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
    paragraphs: [`Hi ${m.name}, we received your payment for ${m.siteTitle}. Keep this email for your records.`],
    details: [
      ['Website', m.siteTitle],
      ['Address', m.siteUrl],
      ['Amount paid', m.amount],
      ['Date', formatDate(m.paidAt)],
    ],
    action: { label: 'Visit your website', url: m.siteUrl },
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
    subject: `We received your message to ${m.businessName} (${m.siteTitle})`,
    preheader: `${m.businessName} will get back to you soon.`,
    heading: 'Thank you for your message',
    paragraphs: [`Hi ${m.name}, your message to ${m.businessName} was sent. They will contact you soon.`],
    action: { label: `Visit ${m.siteTitle}`, url: m.siteUrl },
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

/** Renders a template's subject, HTML body (values escaped, inline CSS) and plain-text body; throws InvalidEmailModelError on a bad model. */
export function renderEmail(request: EmailRequest): RenderedEmail;
export function renderEmail<T extends EmailTemplate>(template: T, model: EmailModel<T>): RenderedEmail;
export function renderEmail(requestOrTemplate: EmailRequest | EmailTemplate, modelArgument?: unknown): RenderedEmail {
  const [template, model] =
    typeof requestOrTemplate === 'string' ? [requestOrTemplate, modelArgument] : [requestOrTemplate.template, requestOrTemplate.model];
  if (!Object.hasOwn(EmailModelSchemas, template)) throw new InvalidEmailModelError(template, ['unknown template']);
  const schema = EmailModelSchemas[template];
  if (!Value.Check(schema, model)) {
    const problems = Value.Errors(schema, model).map((error) => `${error.instancePath || '/'} ${error.message}`);
    throw new InvalidEmailModelError(template, problems);
  }
  const content = (CONTENT[template] as (m: unknown) => EmailContent)(model);
  return { subject: content.subject, htmlBody: renderHtml(content), textBody: renderText(content) };
}

