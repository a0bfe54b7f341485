import { describe, expect, it } from 'vitest';
import {
  EMAIL_TEMPLATES,
  InvalidEmailModelError,
  isEmailRequest,
  renderEmail,
  type EmailRequest,
} from '../../../lib/email/templates.js';

const samples: EmailRequest[] = [
  { template: 'welcome_set_password', model: { name: 'Ana López', siteTitle: 'Plomería Ana', setPasswordUrl: 'https://app.webmagic.test/set-password?token=abc' } },
  { template: 'verify_email', model: { name: 'Ana López', verifyUrl: 'https://app.webmagic.test/verify?token=def' } },
  { template: 'password_reset', model: { name: 'Ana López', resetUrl: 'https://app.webmagic.test/reset?token=ghi', expiresInMinutes: 30 } },
  {
    template: 'purchase_confirmation',
    model: { name: 'Ana López', siteTitle: 'Plomería Ana', siteUrl: 'https://sites.webmagic.test/plomeria-ana', amount: '$495.00', paidAt: '2026-03-14T15:30:00Z' },
  },
  { template: 'ticket_escalated', model: { ticketSubject: 'Booking form broken', siteTitle: 'Plomería Ana', priority: 'high', dueAt: '2026-03-14T19:30:00Z', ticketUrl: 'https://app.webmagic.test/admin/tickets/123' } },
  { template: 'subscription_activated', model: { name: 'Ana López', siteTitle: 'Plomería Ana', amount: '$95.00', nextBillingDate: '2026-04-14' } },
  {
    template: 'payment_failed',
    model: { name: 'Ana López', siteTitle: 'Plomería Ana', amount: '$95.00', graceEndsAt: '2026-04-21T00:00:00Z', updatePaymentUrl: 'https://app.webmagic.test/billing' },
  },
  { template: 'subscription_cancelled', model: { name: 'Ana López', siteTitle: 'Plomería Ana', endsAt: '2026-05-14' } },
  { template: 'subscription_ended', model: { name: 'Ana López', siteTitle: 'Plomería Ana', endedAt: '2026-03-14T15:30:00Z', paidUntil: '2026-04-14', reactivateUrl: 'https://app.webmagic.test/account/subscription?site_id=s1' } },
  { template: 'domain_verified', model: { name: 'Ana López', siteTitle: 'Plomería Ana', domain: 'www.plomeria-ana.test', siteUrl: 'https://www.plomeria-ana.test', domainUrl: 'https://app.webmagic.test/account/domain?site_id=1' } },
  {
    template: 'domain_failed',
    model: { name: 'Ana López', siteTitle: 'Plomería Ana', domain: 'www.plomeria-ana.test', found: 'no TXT record and a CNAME to old-host.example', recordName: '_webmagic.www.plomeria-ana.test', token: 'webmagic-verify-abc', target: 'CNAME edge.webmagic.test', domainUrl: 'https://app.webmagic.test/account/domain?site_id=1' },
  },
  { template: 'domain_lapsed', model: { name: 'Ana López', siteTitle: 'Plomería Ana', domain: 'www.plomeria-ana.test', siteUrl: 'https://sites.webmagic.test/plomeria-ana', domainUrl: 'https://app.webmagic.test/account/domain?site_id=1' } },
  { template: 'site_suspended', model: { name: 'Ana López', siteTitle: 'Plomería Ana', reactivateUrl: 'https://app.webmagic.test/reactivate' } },
  {
    template: 'booking_received',
    model: {
      siteTitle: 'Plomería Ana', recipient: 'Plomería Ana', visitorName: 'Luis Pérez', contact: 'luis@example.com · +502 5555 1234',
      preferredTime: 'Tuesday morning', message: 'The kitchen sink leaks.', manageUrl: 'https://app.webmagic.test/portal',
    },
  },
  { template: 'booking_confirmation', model: { businessName: 'Plomería Ana S.A.', siteUrl: 'https://sites.webmagic.test/plomeria-ana' } },
  { template: 'edit_preview_ready', model: { name: 'Ana López', siteTitle: 'Plomería Ana', summary: 'Phone → (555) 010-2233', previewUrl: 'https://app.webmagic.test/preview/tok1', requestUrl: 'https://app.webmagic.test/account/edits/5f0c3a43-8d0c-4a5e-9a57-5b8a4c1d2e3f?site_id=0b6f1c1e-2f55-4c8e-9d1e-3c0f9b7a6d21', expiresAt: '2026-06-01T00:00:00Z' } },
  { template: 'edit_reminder', model: { name: 'Ana López', siteTitle: 'Plomería Ana', summary: 'Phone → (555) 010-2233', previewUrl: 'https://app.webmagic.test/preview/tok2', requestUrl: 'https://app.webmagic.test/account/edits/5f0c3a43-8d0c-4a5e-9a57-5b8a4c1d2e3f?site_id=0b6f1c1e-2f55-4c8e-9d1e-3c0f9b7a6d21', expiresAt: '2026-06-01T12:00:00Z' } },
  { template: 'edit_published', model: { name: 'Ana López', siteTitle: 'Plomería Ana', summary: 'Phone → (555) 010-2233', siteUrl: 'https://sites.webmagic.test/plomeria-ana', requestUrl: 'https://app.webmagic.test/account/edits/5f0c3a43-8d0c-4a5e-9a57-5b8a4c1d2e3f?site_id=0b6f1c1e-2f55-4c8e-9d1e-3c0f9b7a6d21' } },
  { template: 'edit_expired', model: { name: 'Ana López', siteTitle: 'Plomería Ana', summary: 'Phone → (555) 010-2233', requestUrl: 'https://app.webmagic.test/account/edits/5f0c3a43-8d0c-4a5e-9a57-5b8a4c1d2e3f?site_id=0b6f1c1e-2f55-4c8e-9d1e-3c0f9b7a6d21' } },
  { template: 'edit_answered', model: { name: 'Ana López', siteTitle: 'Plomería Ana', summary: 'Add a gallery page', agentName: 'Olivia Ops', answer: 'We can add a gallery once you send us the photos.', requestUrl: 'https://app.webmagic.test/account/edits/5f0c3a43-8d0c-4a5e-9a57-5b8a4c1d2e3f?site_id=0b6f1c1e-2f55-4c8e-9d1e-3c0f9b7a6d21' } },
  { template: 'ticket_answered', model: { name: 'Ana López', ticketSubject: 'Booking form broken', siteTitle: 'Plomería Ana', ticketUrl: 'https://app.webmagic.test/account/support/123' } },
  { template: 'operator_case', model: { kind: 'refund_refused', reason: 'The provider refused the refund of pa_123: already refunded', reference: 'claim:site-1', casesUrl: 'https://app.webmagic.test/console/needs-attention' } },
  { template: 'activation_reminder', model: { name: 'Ana López', siteTitle: 'Plomería Ana', deadline: '2026-07-01T00:00:00Z', activateUrl: 'https://app.webmagic.test/account/subscription?site_id=s1' } },
  { template: 'site_linked', model: { name: 'Ana López', siteTitle: 'Plomería Ana', siteUrl: 'https://sites.webmagic.test/plomeria-ana', activateUrl: 'https://app.webmagic.test/account/subscription?site_id=s1' } },
  { template: 'site_removed', model: { name: 'Ana López', siteTitle: 'Plomería Ana', removedAt: '2026-03-14T10:00:00Z' } },
  { template: 'site_transfer_invitation', model: { fromName: 'Ana López', siteTitle: 'Plomería Ana', siteUrl: 'https://sites.webmagic.test/plomeria-ana', acceptUrl: 'https://app.webmagic.test/account/transfer?site=s1&token=tok3', expiresAt: '2026-06-01T00:00:00Z' } },
  { template: 'site_transfer_accepted', model: { name: 'Ana López', siteTitle: 'Plomería Ana', recipient: 'rita@example.com', paidUntil: '2026-04-14T00:00:00Z' } },
  { template: 'site_transfer_expired', model: { name: 'Ana López', siteTitle: 'Plomería Ana', recipient: 'rita@example.com' } },
  { template: 'site_transfer_welcome', model: { name: 'Rita', siteTitle: 'Plomería Ana', siteUrl: 'https://sites.webmagic.test/plomeria-ana', activateUrl: 'https://app.webmagic.test/account/subscription?site_id=s1', activateBy: '2026-04-14T00:00:00Z' } },
  { template: 'collaborator_invitation', model: { inviterName: 'Ana López', siteTitle: 'Plomería Ana', acceptUrl: 'https://app.webmagic.test/account/invitation?token=jkl', expiresAt: '2026-06-01T00:00:00Z' } },
  { template: 'erasure_scheduled', model: { name: 'Ana López', eraseAfter: '2026-06-08T00:00:00Z', undoUrl: 'https://app.webmagic.test/account/privacy' } },
  { template: 'erasure_completed', model: { name: 'Ana López' } },
];

const expectedDates: Partial<Record<string, string>> = {
  paidAt: 'March 14, 2026',
  endedAt: 'March 14, 2026',
  paidUntil: 'April 14, 2026',
  nextBillingDate: 'April 14, 2026',
  graceEndsAt: 'April 21, 2026',
  endsAt: 'May 14, 2026',
  dueAt: 'March 14, 2026',
  expiresAt: 'June 1, 2026',
  deadline: 'July 1, 2026',
  removedAt: 'March 14, 2026',
  activateBy: 'April 14, 2026',
  eraseAfter: 'June 8, 2026',
};

describe('renderEmail', () => {
  it('has a sample for every template', () => {
    expect(samples.map((s) => s.template).sort()).toEqual([...EMAIL_TEMPLATES].sort());
  });

  it.each(samples.map((s) => [s.template, s] as const))('renders %s with every model value in HTML and text', (_name, request) => {
    const { subject, htmlBody, textBody } = renderEmail(request);
    expect(subject.length).toBeGreaterThan(0);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(htmlBody).toMatch(/^<!DOCTYPE html>/);
    expect(htmlBody).toContain('WebMagic');
    expect(htmlBody).not.toMatch(/<style|<link/);

    for (const [key, value] of Object.entries(request.model)) {
      const shown = expectedDates[key] ?? (key === 'expiresInMinutes' ? '30 minutes' : String(value));
      expect(textBody, key).toContain(shown);
      expect(htmlBody, key).toContain(shown.replaceAll('&', '&amp;'));
    }
    if ('siteTitle' in request.model) expect(subject).toContain(request.model.siteTitle);
  });

  it('puts action links in an href and in the text version', () => {
    const { htmlBody, textBody } = renderEmail('welcome_set_password', {
      name: 'Ana',
      siteTitle: 'Site',
      setPasswordUrl: 'https://app.webmagic.test/set-password?token=abc&next=%2Fsites',
    });
    expect(htmlBody).toContain('href="https://app.webmagic.test/set-password?token=abc&amp;next=%2Fsites"');
    expect(textBody).toContain('Set your password: https://app.webmagic.test/set-password?token=abc&next=%2Fsites');
  });

  it('gives the preview email the portal page of the request as a second link, in HTML and text', () => {
    const requestUrl = 'https://app.webmagic.test/account/edits/5f0c3a43-8d0c-4a5e-9a57-5b8a4c1d2e3f?site_id=0b6f1c1e-2f55-4c8e-9d1e-3c0f9b7a6d21';
    const { htmlBody, textBody } = renderEmail('edit_preview_ready', { name: 'Ana', siteTitle: 'Site', summary: 'New phone', previewUrl: 'https://app.webmagic.test/preview/tok', requestUrl, expiresAt: '2026-06-01T00:00:00Z' });
    expect(htmlBody).toContain('href="https://app.webmagic.test/preview/tok"');
    expect(htmlBody).toContain(`href="${requestUrl.replace('&', '&amp;')}"`);
    expect(textBody).toContain(`Approve or reject it in your dashboard: ${requestUrl}`);
  });

  it('escapes every interpolated value in the HTML body', () => {
    const hostile = '<script>alert("x")</script> & \'quotes\'';
    const { subject, htmlBody, textBody } = renderEmail('subscription_cancelled', { name: hostile, siteTitle: hostile, endsAt: '2026-05-14' });
    expect(htmlBody).not.toContain('<script>');
    expect(htmlBody).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    expect(textBody).toContain(hostile);
    expect(subject).toContain(hostile);
  });

  it('words the reset link lifetime in hours when it is a whole number of hours', () => {
    const { textBody } = renderEmail('password_reset', { name: 'Ana', resetUrl: 'https://app.webmagic.test/r', expiresInMinutes: 120 });
    expect(textBody).toContain('expires in 2 hours');
  });

  it('names the configured wait in the domain emails, and three days in requests recorded before the wait was sent', () => {
    const lapsed = { name: 'Ana', siteTitle: 'Plomería Ana', domain: 'www.plomeria-ana.test', siteUrl: 'https://sites.webmagic.test/plomeria-ana', domainUrl: 'https://app.webmagic.test/account/domain' };
    expect(renderEmail('domain_lapsed', { ...lapsed, waitedMinutes: 2880 }).textBody).toContain('missing for 2 days, so we stopped');
    expect(renderEmail('domain_lapsed', { ...lapsed, waitedMinutes: 90 }).textBody).toContain('missing for 90 minutes, so we stopped');
    expect(renderEmail('domain_lapsed', lapsed).textBody).toContain('missing for three days, so we stopped');
    const failed = samples.find((sample): sample is Extract<EmailRequest, { template: 'domain_failed' }> => sample.template === 'domain_failed')!;
    expect(renderEmail('domain_failed', { ...failed.model, waitedMinutes: 4320 }).textBody).toContain('for 3 days we looked for the DNS records');
  });

  it('says what comes after a purchase: an owner with an account signs in, a new one sets a password first', () => {
    const base = { name: 'Ana López', siteTitle: 'Plomería Ana', siteUrl: 'https://sites.webmagic.test/plomeria-ana', amount: '$495.00', paidAt: '2026-03-14T15:30:00Z', activateBy: '2026-03-28T15:30:00Z', billingUrl: 'https://app.webmagic.test/account/subscription?site_id=s1' };
    const returning = renderEmail('purchase_confirmation', { ...base, account: 'existing' }).textBody;
    expect(returning).toContain('activate its monthly subscription before March 28, 2026');
    expect(returning).toContain('Sign in to your dashboard with your WebMagic account');
    expect(returning).not.toMatch(/password/i);
    expect(returning).toContain(`Activate the monthly subscription in your dashboard: ${base.billingUrl}`);
    expect(renderEmail('purchase_confirmation', { ...base, account: 'new' }).textBody).toContain('set your password with the link in our welcome email');
  });

  it('tells an owner who cancelled now that the site is offline, never that it stays online', () => {
    const { subject, textBody } = renderEmail('subscription_ended', { name: 'Ana', siteTitle: 'Plomería Ana', endedAt: '2026-03-14T15:30:00Z', reactivateUrl: 'https://app.webmagic.test/account/subscription?site_id=s1' });
    expect(subject).toContain('the website is offline');
    expect(textBody).toContain('Plomería Ana is offline now');
    expect(textBody).not.toMatch(/stays online|refunded/);
    expect(renderEmail('subscription_cancelled', { name: 'Ana', siteTitle: 'Plomería Ana', endsAt: '2026-05-14' }).textBody).toContain('stays online until May 14, 2026');
  });

  it('refuses a model that does not match the template', () => {
    const call = () =>
      renderEmail('site_suspended', { name: 'Ana', siteTitle: 'Site', reactivateUrl: 'javascript:alert(1)' });
    expect(call).toThrow(InvalidEmailModelError);
    expect(call).toThrow(/reactivateUrl/);
    expect(() => renderEmail('unknown' as 'verify_email', { name: 'Ana', verifyUrl: 'https://x.test/v' })).toThrow(/unknown template/);
  });
});

describe('person-written text that slipped past the API', () => {
  it('is sent as one clean line instead of refusing the email (a paid purchase\'s welcome always goes out)', () => {
    const name = 'Ana\r\nBcc: victim@example.com\u0000\u2028López';
    const { subject, textBody, htmlBody } = renderEmail('welcome_set_password', { name, siteTitle: 'Plomería\nAna', setPasswordUrl: 'https://app.webmagic.test/set-password?token=abc' });
    expect(subject).toBe('Welcome to WebMagic: Plomería Ana is yours');
    expect(textBody).toContain('Ana Bcc: victim@example.com López');
    expect(htmlBody).toContain('Ana Bcc: victim@example.com López');
    for (const bad of ['\u0000', '\u2028', '\r', 'victim@example.com\n']) expect(`${subject}${textBody}`).not.toContain(bad);
  });

  it('cuts an overlong value to its field\'s length and names a blank one plainly', () => {
    const { textBody: long } = renderEmail('verify_email', { name: 'x'.repeat(500), verifyUrl: 'https://x.test/v' });
    expect(long).toContain('x'.repeat(200));
    expect(long).not.toContain('x'.repeat(201));
    expect(renderEmail('verify_email', { name: ' \r\n\t ', verifyUrl: 'https://x.test/v' }).textBody).toContain('Hi there');
    expect(renderEmail('booking_received', {
      siteTitle: 'S', recipient: 'S', visitorName: 'Luis\nPérez', contact: 'l@example.com', preferredTime: 'Tue\r\nmorning', message: 'a'.repeat(3000), manageUrl: 'https://x.test/m',
    }).textBody).toContain('Luis Pérez');
  });
});

describe('isEmailRequest', () => {
  it('accepts every sample', () => {
    for (const sample of samples) expect(isEmailRequest(sample), sample.template).toBe(true);
  });

  it('rejects unknown templates, mismatched models, extra fields and bad dates', () => {
    expect(isEmailRequest({ template: 'nope', model: {} })).toBe(false);
    expect(isEmailRequest({ template: 'verify_email', model: { name: 'Ana', resetUrl: 'https://x.test' } })).toBe(false);
    expect(isEmailRequest({ template: 'verify_email', model: { name: 'Ana', verifyUrl: 'https://x.test', extra: 1 } })).toBe(false);
    expect(isEmailRequest({ template: 'subscription_cancelled', model: { name: 'Ana', siteTitle: 'S', endsAt: 'next week' } })).toBe(false);
    expect(isEmailRequest({ template: 'verify_email', model: { name: 'Ana\r\nBcc: x@y.z', verifyUrl: 'https://x.test' } })).toBe(false);
  });
});
