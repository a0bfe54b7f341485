import { escapeHtml } from '../html.js';

/** What an outreach message says: the business, its preview, and (follow-up) what the preview brought in. */
export interface OutreachModel {
  businessName: string;
  previewUrl: string;
  unsubscribeUrl: string;
  postalAddress: string;
  expiresOn: string | null;
  /** Follow-up only. */
  leads?: number;
  visits?: number;
}

/** A rendered outreach message. */
export interface RenderedOutreach {
  subject: string;
  htmlBody: string;
  textBody: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The first message (the preview link) or the follow-up (leads and visits), each with the sender's postal address and
 * a plain unsubscribe link in the body, as the law for commercial email asks.
 */
export function renderOutreach(kind: 'preview' | 'follow_up', model: OutreachModel): RenderedOutreach {
  const lines = kind === 'preview'
    ? [
      `Hello ${model.businessName},`,
      'We made a free preview of a website for your business from your public listing. Have a look:',
      model.previewUrl,
      `If you like it, you can make it yours from the page itself.${model.expiresOn ? ` The preview stays up until ${model.expiresOn}.` : ''}`,
    ]
    : [
      `Hello ${model.businessName},`,
      `The preview website we made for you got ${plural(model.visits ?? 0, 'visit', 'visits')} and ${plural(model.leads ?? 0, 'enquiry from a customer', 'enquiries from customers')} so far.`,
      'Claim it to receive those enquiries yourself:',
      model.previewUrl,
    ];
  const subject = kind === 'preview' ? `A website preview for ${model.businessName}` : `Your website preview is getting attention, ${model.businessName}`;
  const footer = ['This is the only kind of message we send about this preview.', `Unsubscribe: ${model.unsubscribeUrl}`, model.postalAddress];
  const textBody = [...lines, '', '--', ...footer].join('\n');
  const link = (url: string) => `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
  const htmlBody = `<!doctype html><html><body>
${lines.map((l) => `<p>${l === model.previewUrl ? link(l) : escapeHtml(l)}</p>`).join('\n')}
<hr>
<p style="font-size:13px;color:#4b5563">${escapeHtml(footer[0]!)}<br><a href="${escapeHtml(model.unsubscribeUrl)}">Unsubscribe</a> from these messages.<br>${escapeHtml(model.postalAddress)}</p>
</body></html>`;
  return { subject, htmlBody, textBody };
}
