import type { IBusiness } from '../../db/entities/business.entity.js';
import type { SiteContent } from '../../db/entities/site-version.entity.js';
import { escapeHtml } from '../../lib/html.js';
import { htmlDocument } from './html.js';

/** What the claim bar on a preview needs. */
export interface ClaimOffer {
  slug: string;
  price: string;
  monthly: string;
}

/** The page data a published site renders from. */
export interface SitePageModel {
  title: string;
  business: Pick<IBusiness, 'name' | 'phone' | 'email' | 'address' | 'city' | 'hours'>;
  content: SiteContent;
  claim: ClaimOffer | null;
  /** The site's slug: turns on the analytics script and the contact form. */
  slug?: string;
  /** HTML shown above the site (the private preview's banner); with it the page is never indexed. */
  banner?: string;
}

function claimBar(offer: ClaimOffer): string {
  const slug = escapeHtml(offer.slug);
  return `<aside class="claim-bar" id="claim">
  <strong data-wm-slot="claim_text">Claim this website for ${escapeHtml(offer.price)}</strong>
  <span>then ${escapeHtml(offer.monthly)}/month to keep it live</span>
  <form id="claim-form" data-slug="${slug}">
    <input name="name" placeholder="Your name" required maxlength="120">
    <input name="email" type="email" placeholder="you@business.com" required maxlength="254">
    <button type="submit">Claim it</button>
  </form>
  <output id="claim-error"></output>
</aside>
<script src="/assets/claim.js" defer></script>`;
}

function contactBlock(business: SitePageModel['business']): string {
  const lines = [
    business.phone ? `<li>Call <a href="tel:${escapeHtml(business.phone)}">${escapeHtml(business.phone)}</a></li>` : '',
    business.email ? `<li>Email <a href="mailto:${escapeHtml(business.email)}">${escapeHtml(business.email)}</a></li>` : '',
    business.address || business.city ? `<li>${escapeHtml([business.address, business.city].filter(Boolean).join(', '))}</li>` : '',
    ...Object.entries(business.hours ?? {}).map(([day, hours]) => `<li>${escapeHtml(day)}: ${escapeHtml(hours)}</li>`),
  ];
  return `<ul class="contact">${lines.join('')}</ul>`;
}

function bookingForm(): string {
  return `<section id="contact-form"><h2>Send us a message</h2>
<form data-wm-booking class="booking">
  <label>Your name <input name="name" required maxlength="120" autocomplete="name"></label>
  <label>Email <input name="email" type="email" maxlength="254" autocomplete="email"></label>
  <label>Phone <input name="phone" type="tel" maxlength="40" autocomplete="tel"></label>
  <label>Preferred time <input name="preferred_time" maxlength="120" placeholder="e.g. Tuesday morning"></label>
  <label>Message <textarea name="message" maxlength="2000" rows="4"></textarea></label>
  <label class="hp" aria-hidden="true">Website <input name="website" tabindex="-1" autocomplete="off"></label>
  <button type="submit">Send</button>
  <output></output>
</form></section>`;
}

function analyticsScript(slug: string): string {
  return `<script src="/_wm/a.js" defer data-site="${escapeHtml(slug)}" data-api="/api/v1"></script>`;
}

/** Renders a site's published content, with the claim bar when it is still a preview. */
export function renderSitePage(model: SitePageModel): string {
  const { content } = model;
  // Contact details a version carries win over the business record, so publishing (or rolling back) changes them too.
  const business = { ...model.business, ...content.contact };
  const css = `header.hero{background:${escapeHtml(content.theme.primaryColor)};color:#fff;padding:3rem 1.25rem;text-align:center}
header.hero h1{margin:0 0 .5rem;font-size:2.2rem}
.cta{display:inline-block;margin-top:1rem;padding:.7rem 1.4rem;border-radius:6px;background:${escapeHtml(content.theme.accentColor)};color:#fff;text-decoration:none;font-weight:600}
.services{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:1rem;padding:0;list-style:none}
.services li{border:1px solid #e5e7eb;border-radius:8px;padding:1rem}
.contact{list-style:none;padding:0}
.claim-bar{position:sticky;bottom:0;background:#111827;color:#fff;padding:1rem;display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;justify-content:center}
.claim-bar input{padding:.45rem;border-radius:4px;border:0}
.claim-bar button{padding:.5rem 1rem;border:0;border-radius:4px;background:#f59e0b;font-weight:700;cursor:pointer}
.booking{display:grid;gap:.6rem;max-width:28rem}.booking label{display:grid;gap:.2rem}.booking .hp{position:absolute;left:-10000px}`;
  const body = `${model.banner ?? ''}<header class="hero">
  <h1 data-wm-slot="headline">${escapeHtml(content.headline)}</h1>
  <p data-wm-slot="tagline">${escapeHtml(content.tagline)}</p>
  ${business.phone ? `<a class="cta" data-wm-slot="cta" href="tel:${escapeHtml(business.phone)}">${escapeHtml(content.callToAction)}</a>` : ''}
</header>
<main>
  <section><h2>Our services</h2><ul class="services">${content.services.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul></section>
  <section><h2>About ${escapeHtml(business.name)}</h2><p>${escapeHtml(content.about)}</p></section>
  <section><h2>Contact</h2>${contactBlock(business)}</section>
  ${model.slug ? bookingForm() : ''}
</main>
${model.claim ? claimBar(model.claim) : ''}
${model.slug ? analyticsScript(model.slug) : ''}`;
  return htmlDocument(model.title, body, css, { noindex: model.banner !== undefined });
}

/** The page a suspended site shows instead of its content. */
export function renderUnavailablePage(title: string): string {
  return htmlDocument(
    `${title} — temporarily unavailable`,
    `<main class="center"><h1>This website is temporarily unavailable</h1><p>${escapeHtml(title)} will be back soon. If you own this site, sign in to WebMagic to restore it.</p></main>`,
  );
}

/** The page a cancelled site shows: it is gone, not coming back on its own. */
export function renderNoLongerAvailablePage(title: string): string {
  return htmlDocument(
    `${title} — no longer available`,
    `<main class="center"><h1>This website is no longer available</h1><p>${escapeHtml(title)} is no longer published on WebMagic.</p></main>`,
  );
}

/** The page for a slug that does not exist. */
export function renderNotFoundPage(): string {
  return htmlDocument('Site not found', '<main class="center"><h1>Site not found</h1><p>There is no WebMagic site at this address.</p></main>');
}
