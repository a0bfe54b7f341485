import type { IBusiness } from '../../db/entities/business.entity.js';
import type { SiteContent } from '../../db/entities/site-version.entity.js';
import { escapeHtml } from '../../lib/html.js';
import { TEMPLATE_IDS, type TemplateId } from '../../lib/site-editor/content.js';
import { textOn } from '../../lib/site-templates/contrast.js';
import { htmlDocument } from './html.js';
import { boldTemplate } from './templates/bold.js';
import { classicTemplate } from './templates/classic.js';
import { freshTemplate } from './templates/fresh.js';
import type { ClaimOffer, PhotoRenderer, PhotoRole, Template } from './templates/shared.js';
import { renderPicture, type PictureOptions, type PictureSource } from './picture.js';

export type { ClaimOffer, PhotoRenderer } from './templates/shared.js';

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
  /** The document title and the `<head>` tags for search engines and link previews (api/views/seo.ts). */
  seo?: { title: string; head: string };
  /** Keeps the page out of search engines (unclaimed previews). */
  noindex?: boolean;
  /** The uploaded photos the content places (logo, hero, gallery); a photo missing here is left out. */
  photos?: PictureSource[];
}

/** How each placement lays a photo out: the hero loads at once, the others lazily at their layout width. */
const PICTURE_LAYOUT: Record<PhotoRole, Omit<PictureOptions, 'alt'>> = {
  logo: { sizes: '160px', className: 'logo' },
  hero: { sizes: '(max-width: 880px) 100vw, 880px', priority: true, className: 'hero-photo' },
  gallery: { sizes: '(max-width: 600px) 50vw, 280px' },
};

/** Renders the given photos by id as `<picture>` elements (with their own description when they have one). */
function photoRenderer(photos: PictureSource[]): PhotoRenderer {
  const byId = new Map(photos.map((photo) => [photo.id, photo]));
  return (id, role, alt) => {
    const photo = byId.get(id);
    return photo ? renderPicture(photo, { alt: photo.alt ?? alt, ...PICTURE_LAYOUT[role] }) : '';
  };
}

const TEMPLATES: Record<TemplateId, Template> = { classic: classicTemplate, bold: boldTemplate, fresh: freshTemplate };

/** Renders a site's published content with its template (the first one when the version names none), with the claim bar when it is still a preview. */
export function renderSitePage(model: SitePageModel): string {
  const { content } = model;
  // Contact details a version carries win over the business record, so publishing (or rolling back) changes them too.
  const business = { ...model.business, ...content.contact };
  const template = TEMPLATES[content.template ?? TEMPLATE_IDS[0]];
  const page = template({ business, content, claim: model.claim, photo: photoRenderer(model.photos ?? []), ...(model.slug === undefined ? {} : { slug: model.slug }) });
  return htmlDocument(model.seo?.title ?? model.title, `${model.banner ?? ''}${page.body}`, page.css, {
    noindex: model.noindex === true || model.banner !== undefined, head: model.seo?.head, icon: monogramIcon(business.name, content.theme.primaryColor) });
}

/** The site's icon: the first letter of the business name on its primary colour, as an inline SVG (no request). */
function monogramIcon(name: string, primary: string): string {
  const letter = /[\p{L}\p{N}]/u.exec(name)?.[0]?.toUpperCase() ?? '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${primary}"/>`
    + `<text x="32" y="44" text-anchor="middle" font-family="system-ui,sans-serif" font-size="36" font-weight="700" fill="${textOn(primary)}">${escapeHtml(letter)}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/** The page a suspended site shows instead of its content. */
export function renderUnavailablePage(title: string): string {
  return htmlDocument(
    `${title} — temporarily unavailable`,
    `<main class="center"><h1>This website is temporarily unavailable</h1><p>${escapeHtml(title)} will be back soon. If you own this site, sign in to WebMagic to restore it.</p></main>`,
    '',
    { noindex: true },
  );
}

/** The page a cancelled site shows: it is gone, not coming back on its own. */
export function renderNoLongerAvailablePage(title: string): string {
  return htmlDocument(
    `${title} — no longer available`,
    `<main class="center"><h1>This website is no longer available</h1><p>${escapeHtml(title)} is no longer published on WebMagic.</p></main>`,
    '',
    { noindex: true },
  );
}
