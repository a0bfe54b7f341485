import { describe, expect, it } from 'vitest';
import { tokenLink } from '../../lib/auth/one-time-tokens.js';
import {
  accountPageUrl,
  claimCheckoutReturnUrls,
  consoleNeedsAttentionUrl,
  consoleTicketUrl,
  domainPageUrl,
  portalTicketUrl,
  siteUrl,
  subscriptionCheckoutReturnUrls,
  subscriptionPageUrl,
} from '../../lib/urls.js';

const base = { publicBaseUrl: 'https://webmagic.example' };

describe('public URLs', () => {
  it('builds site and claim checkout addresses', () => {
    expect(siteUrl(base, 'plumber-joe')).toBe('https://webmagic.example/sites/plumber-joe');
    expect(claimCheckoutReturnUrls(base, 'plumber-joe', 'claim:s-1')).toEqual({
      successUrl: 'https://webmagic.example/account/welcome?claim=claim%3As-1',
      cancelUrl: 'https://webmagic.example/sites/plumber-joe',
    });
    // With the claim's cancel token, Cancel on the checkout leads to the page that releases the site.
    expect(claimCheckoutReturnUrls(base, 'plumber-joe', 'claim:s-1', 'tok-1').cancelUrl).toBe('https://webmagic.example/account/claim-cancelled?claim=claim%3As-1&token=tok-1');
  });

  it('builds portal pages with encoded query values', () => {
    expect(accountPageUrl(base, 'login')).toBe('https://webmagic.example/account/login');
    expect(accountPageUrl(base, 'reset-password', { token: 'a b/c+d' })).toBe('https://webmagic.example/account/reset-password?token=a%20b%2Fc%2Bd');
    expect(tokenLink(base, 'set_password', 'tok_1')).toBe('https://webmagic.example/account/set-password?token=tok_1');
  });

  it('builds the subscription page and its checkout return addresses', () => {
    const siteId = '0b9c2f4e-5d7a-4c1e-9f3b-2a6d8e1c4b7f';
    expect(subscriptionPageUrl(base, siteId)).toBe(`https://webmagic.example/account/subscription?site_id=${siteId}`);
    expect(subscriptionCheckoutReturnUrls(base, siteId)).toEqual({
      successUrl: `https://webmagic.example/account/subscription?site_id=${siteId}&activated=1`,
      cancelUrl: `https://webmagic.example/account/subscription?site_id=${siteId}`,
    });
  });

  it('links owners to a site\'s domain page and operators to the needs-attention list', () => {
    const siteId = '0b9c2f4e-5d7a-4c1e-9f3b-2a6d8e1c4b7f';
    expect(domainPageUrl(base, siteId)).toBe(`https://webmagic.example/account/domain?site_id=${siteId}`);
    expect(consoleNeedsAttentionUrl(base)).toBe('https://webmagic.example/console/needs-attention');
  });

  it('links agents to a ticket in the console and owners to its thread in the portal', () => {
    expect(consoleTicketUrl(base, 't-1')).toBe('https://webmagic.example/console/tickets/t-1');
    expect(portalTicketUrl(base, 't-1')).toBe('https://webmagic.example/account/support/t-1');
  });
});
