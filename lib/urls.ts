/** Where the public addresses live: the configured `PUBLIC_BASE_URL`, without a trailing slash. */
export interface PublicBase {
  publicBaseUrl: string;
}

/** What the best address of a site depends on. */
export interface SiteAddressConfig extends PublicBase {
  hosting?: { sitesBaseUrl: string | null; sitesDomain: string | null };
}

/**
 * The best public address of a site, which is also its canonical URL: its verified custom domain, else its subdomain
 * (`<slug>.<SITES_DOMAIN>`), else the sites host (`SITES_BASE_URL/<slug>`), else `/sites/<slug>` on the API host.
 */
export function siteUrl(config: SiteAddressConfig, slug: string, customDomain?: string | null): string {
  const scheme = new URL(config.hosting?.sitesBaseUrl ?? config.publicBaseUrl).protocol;
  if (customDomain) return `${scheme}//${customDomain}`;
  if (config.hosting?.sitesDomain) return `${scheme}//${slug}.${config.hosting.sitesDomain}`;
  if (config.hosting?.sitesBaseUrl) return `${config.hosting.sitesBaseUrl}/${slug}`;
  return `${config.publicBaseUrl}/sites/${slug}`;
}

/**
 * Where a claim's checkout returns to: the portal's landing page that follows the claim, or, when cancelled, the page
 * that releases the site with the claim's cancel token (the site itself for claims opened before cancel tokens).
 */
export function claimCheckoutReturnUrls(base: PublicBase, slug: string, claimWorkflowId: string, cancelToken?: string): { successUrl: string; cancelUrl: string } {
  const cancelUrl = cancelToken ? accountPageUrl(base, 'claim-cancelled', { claim: claimWorkflowId, token: cancelToken }) : siteUrl(base, slug);
  return { successUrl: accountPageUrl(base, 'welcome', { claim: claimWorkflowId }), cancelUrl };
}

/** A page of the customer portal, e.g. /account/verify-email?token=…. */
export function accountPageUrl(base: PublicBase, page: string, query: Record<string, string> = {}): string {
  const search = Object.entries(query).map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return `${base.publicBaseUrl}/account/${page}${search ? `?${search}` : ''}`;
}

/** The portal page with a site's subscription and billing. */
export function subscriptionPageUrl(base: PublicBase, siteId: string): string {
  return accountPageUrl(base, 'subscription', { site_id: siteId });
}

/** The portal page with a site's custom domain, its DNS records and status. */
export function domainPageUrl(base: PublicBase, siteId: string): string {
  return accountPageUrl(base, 'domain', { site_id: siteId });
}

/** Where a subscription checkout returns to: the subscription page, flagged as activated after payment. */
export function subscriptionCheckoutReturnUrls(base: PublicBase, siteId: string): { successUrl: string; cancelUrl: string } {
  return { successUrl: `${subscriptionPageUrl(base, siteId)}&activated=1`, cancelUrl: subscriptionPageUrl(base, siteId) };
}

/** A support ticket in the agent console, linked from agent emails. */
export function consoleTicketUrl(base: PublicBase, ticketId: string): string {
  return `${base.publicBaseUrl}/console/tickets/${ticketId}`;
}

/** The operators' "needs attention" list in the agent console, linked from operator-case emails. */
export function consoleNeedsAttentionUrl(base: PublicBase): string {
  return `${base.publicBaseUrl}/console/needs-attention`;
}

/** A support ticket's thread in the owner portal, linked from answer emails. */
export function portalTicketUrl(base: PublicBase, ticketId: string): string {
  return accountPageUrl(base, `support/${ticketId}`);
}

/** One per-site page of the owner portal (`edits`, `bookings`, `analytics`, `edits/<id>` …), scoped by `?site_id=`. */
export function sitePageUrl(base: PublicBase, page: string, siteId: string): string {
  return accountPageUrl(base, page, { site_id: siteId });
}

/** The portal page of one edit request, where the owner approves or rejects its preview. */
export function editRequestPageUrl(base: PublicBase, siteId: string, editRequestId: string): string {
  return sitePageUrl(base, `edits/${editRequestId}`, siteId);
}

/** The portal page where an invitee accepts an invitation to collaborate (the token is secret; only its hash is stored). */
export function invitationPageUrl(base: PublicBase, token: string): string {
  return accountPageUrl(base, 'invitation', { token });
}

/** The portal page of the owner's data: export, and account deletion with its undo. */
export function privacyPageUrl(base: PublicBase): string {
  return accountPageUrl(base, 'privacy');
}

/** The private preview of a drafted change (the token is secret; only its hash is stored). */
export function previewPageUrl(base: PublicBase, token: string): string {
  return `${base.publicBaseUrl}/preview/${token}`;
}

/** The human unsubscribe page of outreach email (a button that confirms). */
export function unsubscribePageUrl(base: PublicBase, token: string): string {
  return `${base.publicBaseUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
}

/** The one-click unsubscribe endpoint of outreach's `List-Unsubscribe` header (RFC 8058: a POST, no sign-in). */
export function oneClickUnsubscribeUrl(base: PublicBase, token: string): string {
  return `${base.publicBaseUrl}/api/v1/outreach/unsubscribe?token=${encodeURIComponent(token)}`;
}
