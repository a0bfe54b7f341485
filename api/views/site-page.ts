import type { IBusiness } from '../../db/entities/business.entity.js';
import type { SiteContent } from '../../db/entities/site-version.entity.js';
import { escapeHtml } from '../../lib/html.js';
import { FIELD_LIMITS } from '../../lib/field-limits.js';
import { htmlDocument } from './html.js';
import { renderPicture, type PictureSource } from './picture.js';

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
  /** The uploaded photos the content places (logo, hero, gallery); a photo missing here is left out. */
  photos?: PictureSource[];
}

/** The content's logo, hero and gallery photos as markup (empty strings where it places none). */
function photoBlocks(model: SitePageModel): { logo: string; hero: string; gallery: string } {
  const byId = new Map((model.photos ?? []).map((photo) => [photo.id, photo]));
  const { logo, hero, gallery = [] } = model.content.photos ?? {};
  const name = model.business.name;
  const logoPhoto = logo ? byId.get(logo) : undefined;
  const heroPhoto = hero ? byId.get(hero) : undefined;
  const galleryPhotos = gallery.map((id) => byId.get(id)).filter((photo) => photo !== undefined);
  return {
    logo: logoPhoto ? renderPicture(logoPhoto, { alt: logoPhoto.alt ?? `${name} logo`, sizes: '160px', className: 'logo' }) : '',
    hero: heroPhoto ? renderPicture(heroPhoto, { alt: heroPhoto.alt ?? '', sizes: '(max-width: 880px) 100vw, 880px', priority: true, className: 'hero-photo' }) : '',
    gallery: galleryPhotos.length === 0 ? '' : `<section><h2>Photos</h2><ul class="gallery">${galleryPhotos
      .map((photo) => `<li>${renderPicture(photo, { alt: photo.alt ?? `Photo of ${name}`, sizes: '(max-width: 600px) 50vw, 280px' })}</li>`).join('')}</ul></section>`,
  };
}

/**
 * The claim bar: one line (the offer and "Claim it") until opened, so it covers little of a phone screen; wide
 * screens open it at once (claim.js). Its labelled inputs take the API's limits from FIELD_LIMITS.
 */
function claimBar(offer: ClaimOffer): string {
  const slug = escapeHtml(offer.slug);
  return `<aside class="claim-bar" id="claim" aria-label="Claim this website">
<details id="claim-details">
  <summary><span class="claim-offer"><strong data-wm-slot="claim_text">Claim this website for ${escapeHtml(offer.price)}</strong>
  <span class="claim-monthly">then ${escapeHtml(offer.monthly)}/month to keep it live</span></span><span class="claim-open" aria-hidden="true">Claim it</span><span class="claim-close" aria-hidden="true">Hide</span></summary>
  <form id="claim-form" data-slug="${slug}">
    <div class="claim-field"><label for="claim-name">Your name</label>
    <input id="claim-name" name="name" autocomplete="name" required maxlength="${FIELD_LIMITS.personName}"></div>
    <div class="claim-field"><label for="claim-email">Your email</label>
    <input id="claim-email" name="email" type="email" autocomplete="email" placeholder="you@business.com" required maxlength="${FIELD_LIMITS.email}"></div>
    <button type="submit">Continue to payment</button>
  </form>
  <p id="claim-error" class="claim-error" role="alert"></p>
</details>
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
  const L = FIELD_LIMITS;
  return `<section id="contact-form"><h2>Send us a message</h2>
<p class="booking-hint">Leave an email address or a phone number so we can answer you.</p>
<form data-wm-booking class="booking">
  <label>Your name <input name="name" required maxlength="${L.personName}" autocomplete="name"></label>
  <label>Email <input name="email" type="email" maxlength="${L.email}" autocomplete="email"></label>
  <label>Phone <input name="phone" type="tel" minlength="${L.contactPhone.min}" maxlength="${L.contactPhone.max}" autocomplete="tel"></label>
  <label>Preferred time <input name="preferred_time" maxlength="${L.preferredTime}" placeholder="e.g. Tuesday morning"></label>
  <label>Message <textarea name="message" maxlength="${L.contactMessage}" rows="4"></textarea></label>
  <label class="hp" aria-hidden="true">Website <input name="website" tabindex="-1" autocomplete="off"></label>
  <button type="submit">Send message</button>
  <output role="status"></output>
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
picture img{display:block;max-width:100%;height:auto}
.logo img{max-height:80px;width:auto;margin:0 auto 1rem}
.hero-photo img{width:100%;max-width:880px;margin:1.5rem auto 0;border-radius:8px;object-fit:cover}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:.75rem;padding:0;list-style:none}
.gallery img{width:100%;aspect-ratio:4/3;object-fit:cover;border-radius:6px}
.claim-bar{position:sticky;bottom:0;background:#111827;color:#fff;padding:.5rem 1rem;box-shadow:0 -2px 8px rgba(0,0,0,.25)}
.claim-bar details{max-width:880px;margin:0 auto}
.claim-bar summary{display:flex;align-items:center;justify-content:space-between;gap:.75rem;cursor:pointer;list-style:none;min-height:44px}
.claim-bar summary::-webkit-details-marker{display:none}
.claim-offer{display:flex;flex-direction:column;line-height:1.25;font-size:.95rem}.claim-monthly{font-size:.85rem;color:#d1d5db}
.claim-open{flex:none;padding:.6rem 1rem;border-radius:6px;background:#f59e0b;color:#111827;font-weight:700}
.claim-close{display:none;flex:none;padding:.6rem 1rem;border:1px solid #9ca3af;border-radius:6px}
details[open] .claim-open{display:none}details[open] .claim-close{display:inline-block}
.claim-bar form{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin:.5rem 0 .25rem}
.claim-field{display:flex;flex-direction:column;gap:.15rem;flex:1 1 12rem}.claim-field label{font-size:.85rem;font-weight:600}
.claim-bar input{font:inherit;min-height:44px;box-sizing:border-box;padding:.45rem .6rem;border-radius:6px;border:2px solid transparent}
.claim-bar input[aria-invalid=true]{border-color:#fca5a5}
.claim-bar button{font:inherit;min-height:44px;padding:.5rem 1.1rem;border:0;border-radius:6px;background:#f59e0b;color:#111827;font-weight:700;cursor:pointer}
.claim-error{margin:.25rem 0 0;color:#fecaca;font-weight:600}.claim-error:empty{display:none}
.booking{display:grid;gap:.9rem;max-width:32rem}.booking label{display:grid;gap:.3rem;font-weight:600}
.booking input,.booking textarea{font:inherit;font-weight:400;box-sizing:border-box;width:100%;min-height:44px;padding:.6rem .75rem;border:1px solid #6b7280;border-radius:6px;background:#fff;color:#1f2937}
.booking input:focus,.booking textarea:focus,.claim-bar input:focus{outline:3px solid ${escapeHtml(content.theme.accentColor)};outline-offset:1px}
.booking [aria-invalid=true]{border:2px solid #b91c1c}
.booking button{font:inherit;font-weight:700;min-height:48px;padding:.7rem 1.4rem;border:0;border-radius:6px;background:${escapeHtml(content.theme.primaryColor)};color:#fff;cursor:pointer;justify-self:start}
.booking .field-error{margin:-.5rem 0 0;color:#b91c1c;font-weight:600}
.booking output{font-weight:600}.booking-hint{color:#4b5563;margin-top:0}
.booking .hp{position:absolute;left:-10000px}`;
  const photos = photoBlocks(model);
  const body = `${model.banner ?? ''}<header class="hero">
  ${photos.logo}<h1 data-wm-slot="headline">${escapeHtml(content.headline)}</h1>
  <p data-wm-slot="tagline">${escapeHtml(content.tagline)}</p>
  ${business.phone ? `<a class="cta" data-wm-slot="cta" href="tel:${escapeHtml(business.phone)}">${escapeHtml(content.callToAction)}</a>` : ''}
  ${photos.hero}
</header>
<main>
  <section><h2>Our services</h2><ul class="services">${content.services.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul></section>
  <section><h2>About ${escapeHtml(business.name)}</h2><p>${escapeHtml(content.about)}</p></section>
  ${photos.gallery}
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
