import type { IBusiness } from '../../../db/entities/business.entity.js';
import type { SiteContent } from '../../../db/entities/site-version.entity.js';
import { FIELD_LIMITS } from '../../../lib/field-limits.js';
import { escapeHtml } from '../../../lib/html.js';
import type { CORNER_RADII, FONT_PAIRINGS } from '../../../lib/site-editor/content.js';
import { textOn } from '../../../lib/site-templates/contrast.js';

/** What the claim bar on a preview needs. */
export interface ClaimOffer {
  slug: string;
  price: string;
  monthly: string;
}

/** Where a photo is placed: the logo in the header, the hero image, or one picture of the gallery. */
export type PhotoRole = 'logo' | 'hero' | 'gallery';

/** Renders a stored photo by id as HTML (a `<picture>`), or '' when it cannot; pages without a renderer show no photos. */
export type PhotoRenderer = (photoId: string, role: PhotoRole, alt: string) => string;

/** Everything a template renders from: the content with its contact details resolved, and the page's options. */
export interface TemplateModel {
  business: Pick<IBusiness, 'name' | 'phone' | 'email' | 'address' | 'city' | 'hours'>;
  content: SiteContent;
  claim: ClaimOffer | null;
  /** The site's slug: turns on the analytics script and the contact form. */
  slug?: string;
  photo: PhotoRenderer;
}

/** A template's output: its body HTML and the CSS it adds to the shared styles. */
export interface TemplatePage {
  css: string;
  body: string;
}

/** A page layout. */
export type Template = (model: TemplateModel) => TemplatePage;

/** System font stacks per pairing (headings, body): no page fetches a font. */
export const FONT_STACKS: Record<(typeof FONT_PAIRINGS)[number], { heading: string; body: string }> = {
  modern: {
    heading: 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif',
    body: 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif',
  },
  classic: {
    heading: '"Iowan Old Style","Palatino Linotype",Palatino,"Book Antiqua",Georgia,"Times New Roman",serif',
    body: 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif',
  },
  friendly: {
    heading: 'ui-rounded,"SF Pro Rounded","Arial Rounded MT Bold","Trebuchet MS","Segoe UI",system-ui,sans-serif',
    body: '"Segoe UI",system-ui,-apple-system,Roboto,"Helvetica Neue",Arial,sans-serif',
  },
};

/** Corner radii per token: cards and fields, and buttons. */
export const RADII: Record<(typeof CORNER_RADII)[number], { box: string; button: string }> = {
  square: { box: '2px', button: '2px' },
  soft: { box: '10px', button: '8px' },
  round: { box: '20px', button: '999px' },
};

/**
 * The theme as CSS custom properties plus the styles every template shares: base type, focus rings (ink with a white
 * halo, visible on any fill), 44 px targets, the claim bar and the contact form.
 */
export function sharedCss(content: SiteContent, defaults: { font: keyof typeof FONT_STACKS; radius: keyof typeof RADII }): string {
  const { theme } = content;
  const fonts = FONT_STACKS[theme.font ?? defaults.font];
  const radius = RADII[theme.radius ?? defaults.radius];
  const primary = escapeHtml(theme.primaryColor);
  const accent = escapeHtml(theme.accentColor);
  return `:root{--primary:${primary};--on-primary:${textOn(theme.primaryColor)};--accent:${accent};--on-accent:${textOn(theme.accentColor)};--ink:#111827;--muted:#4b5563;--line:#d1d5db;--band:#f4f5f7;--r:${radius.box};--rb:${radius.button};--fh:${fonts.heading};--fb:${fonts.body}}
*,*::before,*::after{box-sizing:border-box}
main{max-width:none;margin:0;padding:0}
body{font-family:var(--fb);color:var(--ink);background:#fff;font-size:1.0625rem;-webkit-text-size-adjust:100%}
h1,h2,h3{font-family:var(--fh);line-height:1.15;margin:0 0 .6em}
p{margin:0 0 1em}
a{color:var(--primary);text-underline-offset:.15em}
img{max-width:100%;height:auto}
:focus-visible{outline:3px solid var(--ink);outline-offset:2px;box-shadow:0 0 0 5px #fff}
.wrap{max-width:1080px;margin:0 auto;padding:0 1.25rem}
.skip{position:absolute;left:-10000px;top:0;background:#fff;color:var(--ink);padding:.75rem 1rem;z-index:10}
.skip:focus{left:.5rem;top:.5rem}
.btn{display:inline-flex;align-items:center;justify-content:center;min-height:48px;padding:.75rem 1.5rem;border-radius:var(--rb);background:var(--accent);color:var(--on-accent);font-weight:700;text-decoration:none;border:0;font:inherit;font-weight:700;cursor:pointer}
.btn:hover{filter:brightness(1.08)}
.btn-ghost{background:transparent;color:inherit;box-shadow:inset 0 0 0 2px currentColor}
.contact{list-style:none;padding:0;margin:0 0 1.25rem;display:grid;gap:.5rem}
.contact a{display:inline-block;min-height:44px;padding:.6rem 0;font-weight:600;overflow-wrap:anywhere}
.hours{border-collapse:collapse;width:100%;max-width:26rem}
.hours th,.hours td{text-align:left;padding:.45rem .75rem .45rem 0;border-bottom:1px solid var(--line);font-weight:400}
.hours th{font-weight:600}
.stars{color:#92400e;letter-spacing:.1em}
.faq details{border-bottom:1px solid var(--line)}
.faq summary{cursor:pointer;font-weight:600;min-height:44px;padding:.75rem 0}
.faq details p{margin:0 0 1rem;color:var(--muted)}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.75rem;list-style:none;padding:0;margin:0}
.gallery img{border-radius:var(--r);display:block;width:100%;height:100%;object-fit:cover}
.claim-bar{position:sticky;bottom:0;z-index:5;background:#111827;color:#fff;padding:.5rem 1rem;box-shadow:0 -2px 8px rgba(0,0,0,.25);font-family:system-ui,sans-serif}
.claim-bar details{max-width:880px;margin:0 auto}
.claim-bar summary{display:flex;align-items:center;justify-content:space-between;gap:.75rem;cursor:pointer;list-style:none;min-height:44px}
.claim-bar summary::-webkit-details-marker{display:none}
.claim-offer{display:flex;flex-direction:column;line-height:1.25;font-size:.95rem}.claim-monthly{font-size:.85rem;color:#d1d5db}
.claim-open{flex:none;padding:.6rem 1rem;border-radius:6px;background:#f59e0b;color:#111827;font-weight:700}
.claim-close{display:none;flex:none;padding:.6rem 1rem;border:1px solid #9ca3af;border-radius:6px}
details[open] .claim-open{display:none}details[open] .claim-close{display:inline-block}
.claim-bar form{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin:.5rem 0 .25rem}
.claim-field{display:flex;flex-direction:column;gap:.15rem;flex:1 1 12rem}.claim-field label{font-size:.85rem;font-weight:600}
.claim-bar input{font:inherit;min-height:44px;padding:.45rem .6rem;border-radius:6px;border:2px solid transparent}
.claim-bar input[aria-invalid=true]{border-color:#fca5a5}
.claim-bar button{font:inherit;min-height:44px;padding:.5rem 1.1rem;border:0;border-radius:6px;background:#f59e0b;color:#111827;font-weight:700;cursor:pointer}
.claim-bar :focus-visible{outline-color:#fff;box-shadow:none}
.claim-error{margin:.25rem 0 0;color:#fecaca;font-weight:600}.claim-error:empty{display:none}
.booking{display:grid;gap:.9rem;max-width:34rem}.booking label{display:grid;gap:.3rem;font-weight:600}
.booking input,.booking textarea{font:inherit;font-weight:400;width:100%;min-height:44px;padding:.6rem .75rem;border:1px solid #6b7280;border-radius:min(var(--r),10px);background:#fff;color:var(--ink)}
.booking [aria-invalid=true]{border:2px solid #b91c1c}
.booking .btn{justify-self:start}
.booking .field-error{margin:-.5rem 0 0;color:#b91c1c;font-weight:600}
.booking output{font-weight:600}.booking-hint{color:var(--muted);margin-top:0}
.booking .hp{position:absolute;left:-10000px}
footer.site-foot{padding:2rem 0 2.5rem;color:var(--muted);font-size:.95rem}
footer.site-foot p{margin:0}
.sr-caption{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;
}

/**
 * The claim bar: one line (the offer and "Claim it") until opened, so it covers little of a phone screen; wide
 * screens open it at once (claim.js). Its labelled inputs take the API's limits from FIELD_LIMITS.
 */
export function claimBar(offer: ClaimOffer): string {
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

/** The address with the city, unless the address already names it (a version's own address often does). */
function placeOf(business: TemplateModel['business']): string {
  const { address, city } = business;
  if (address && city && address.toLowerCase().includes(city.toLowerCase())) return address;
  return [address, city].filter(Boolean).join(', ');
}

/** The ways to reach the business: phone, email and address as links and text. */
export function contactBlock(business: TemplateModel['business']): string {
  const place = placeOf(business);
  const lines = [
    business.phone ? `<li>Call <a href="tel:${escapeHtml(business.phone.replace(/[^\d+]/g, ''))}">${escapeHtml(business.phone)}</a></li>` : '',
    business.email ? `<li>Email <a href="mailto:${escapeHtml(business.email)}">${escapeHtml(business.email)}</a></li>` : '',
    place ? `<li>${escapeHtml(place)}</li>` : '',
  ];
  return `<ul class="contact">${lines.join('')}</ul>`;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Where a day label ("Mon–Fri", "Saturday", "Weekends") sorts in the week; unknown labels go last in their own order. */
function weekdayOrder(label: string): number {
  const lower = label.toLowerCase();
  if (lower.startsWith('weekday')) return 0;
  if (lower.startsWith('weekend')) return 5;
  const index = WEEKDAYS.indexOf(lower.slice(0, 3));
  return index < 0 ? WEEKDAYS.length : index;
}

/** The opening hours as a table (day, hours) in week order (stored hours lose their key order), or '' when there are none. */
export function hoursTable(hours: Record<string, string> | null | undefined, caption: string): string {
  const rows = Object.entries(hours ?? {}).sort(([a], [b]) => weekdayOrder(a) - weekdayOrder(b));
  if (rows.length === 0) return '';
  return `<table class="hours"><caption class="sr-caption">${escapeHtml(caption)}</caption><tbody>${rows.map(([day, time]) => `<tr><th scope="row">${escapeHtml(day)}</th><td>${escapeHtml(time)}</td></tr>`).join('')}</tbody></table>`;
}

/** The visitor's contact / booking form (submitted by the page script). */
export function bookingForm(heading = 'Send us a message'): string {
  const L = FIELD_LIMITS;
  return `<section id="contact-form" aria-labelledby="contact-form-title"><h2 id="contact-form-title">${escapeHtml(heading)}</h2>
<p class="booking-hint">Leave an email address or a phone number so we can answer you.</p>
<form data-wm-booking class="booking">
  <label>Your name <input name="name" required maxlength="${L.personName}" autocomplete="name"></label>
  <label>Email <input name="email" type="email" maxlength="${L.email}" autocomplete="email"></label>
  <label>Phone <input name="phone" type="tel" minlength="${L.contactPhone.min}" maxlength="${L.contactPhone.max}" autocomplete="tel"></label>
  <label>Preferred time <input name="preferred_time" maxlength="${L.preferredTime}" placeholder="e.g. Tuesday morning"></label>
  <label>Message <textarea name="message" maxlength="${L.contactMessage}" rows="4"></textarea></label>
  <label class="hp" aria-hidden="true">Website <input name="website" tabindex="-1" autocomplete="off"></label>
  <button type="submit" class="btn">Send message</button>
  <output role="status"></output>
</form></section>`;
}

/** The first-party analytics script tag. */
export function analyticsScript(slug: string): string {
  return `<script src="/_wm/a.js" defer data-site="${escapeHtml(slug)}" data-api="/api/v1"></script>`;
}

/** The call to action: a phone link when there is a phone, else a link to the contact form, else nothing. */
export function callToAction(model: TemplateModel, className = 'btn'): string {
  const { business, content } = model;
  const label = escapeHtml(content.callToAction);
  if (business.phone) return `<a class="${className}" data-wm-slot="cta" href="tel:${escapeHtml(business.phone.replace(/[^\d+]/g, ''))}">${label}</a>`;
  if (model.slug) return `<a class="${className}" data-wm-slot="cta" data-wm-cta="form" href="#contact-form">${label}</a>`;
  return '';
}

/** The rating as given ("4.8 out of 5, from 127 reviews") with decorative stars, or '' without one. */
export function ratingLine(reviews: SiteContent['reviews']): string {
  if (reviews?.rating === undefined) return '';
  const rating = reviews.rating;
  const full = Math.round(rating);
  const count = reviews.count === undefined ? '' : `, from ${reviews.count.toLocaleString('en-US')} review${reviews.count === 1 ? '' : 's'}`;
  return `<p class="rating"><span class="stars" aria-hidden="true">${'★'.repeat(full)}${'☆'.repeat(5 - full)}</span> <strong>${String(rating)} out of 5</strong>${count}</p>`;
}

/** The review quotes as given, each a figure with its author, or '' without any. */
export function reviewQuotes(reviews: SiteContent['reviews'], className = 'quote'): string {
  return (reviews?.quotes ?? []).map((q) => `<figure class="${className}"><blockquote><p>${escapeHtml(q.text)}</p></blockquote>${q.author ? `<figcaption>${escapeHtml(q.author)}</figcaption>` : ''}</figure>`).join('');
}

/** Whether the content has reviews to show. */
export function hasReviews(reviews: SiteContent['reviews']): boolean {
  return reviews?.rating !== undefined || (reviews?.quotes?.length ?? 0) > 0;
}

/** The FAQ as disclosure widgets, or '' without questions. */
export function faqList(faq: SiteContent['faq']): string {
  return (faq ?? []).map((item) => `<details><summary>${escapeHtml(item.question)}</summary><p>${escapeHtml(item.answer)}</p></details>`).join('');
}

/** The logo slot: the rendered logo photo, or ''. */
export function logoSlot(model: TemplateModel): string {
  const id = model.content.photos?.logo;
  return id ? model.photo(id, 'logo', `${model.business.name} logo`) : '';
}

/** The hero image slot: the rendered hero photo, or ''. */
export function heroSlot(model: TemplateModel): string {
  const id = model.content.photos?.hero;
  return id ? model.photo(id, 'hero', '') : '';
}

/**
 * The gallery section, only when the content has gallery photos that render, laid out like the template's other
 * sections: padded and headed as they are (`sec`), on a coloured band or not, with what the template puts under a
 * heading (`afterHeading`, e.g. classic's rule).
 */
export function gallerySection(model: TemplateModel, layout: { band: boolean; afterHeading?: string }): string {
  const items = (model.content.photos?.gallery ?? []).map((id, i) => model.photo(id, 'gallery', `${model.business.name} photo ${i + 1}`)).filter((html) => html !== '');
  if (items.length === 0) return '';
  const inner = `<h2 id="gallery-title">Photos</h2>${layout.afterHeading ?? ''}<ul class="gallery">${items.map((html) => `<li>${html}</li>`).join('')}</ul>`;
  return layout.band
    ? `<section class="band" aria-labelledby="gallery-title"><div class="wrap sec">${inner}</div></section>`
    : `<section class="wrap sec" aria-labelledby="gallery-title">${inner}</section>`;
}

/** The page footer: the business's name and town. */
export function siteFooter(model: TemplateModel): string {
  const { business } = model;
  return `<footer class="site-foot"><div class="wrap"><p>© ${escapeHtml(business.name)}${business.city ? ` · ${escapeHtml(business.city)}` : ''}</p></div></footer>`;
}

/** The claim bar and scripts that close every template's body. */
export function pageEnd(model: TemplateModel): string {
  return `${model.claim ? claimBar(model.claim) : ''}
${model.slug ? analyticsScript(model.slug) : ''}`;
}
