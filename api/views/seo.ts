import type { IBusiness } from '../../db/entities/business.entity.js';
import type { SiteContent } from '../../db/entities/site-version.entity.js';
import { escapeHtml } from '../../lib/html.js';

/** What a site's `<head>` tags for search engines and link previews are drawn from. */
export interface SiteSeoModel {
  /** The site's title (its name as shown in the browser tab). */
  title: string;
  business: Pick<IBusiness, 'name' | 'category' | 'phone' | 'email' | 'address' | 'city' | 'hours'>;
  content: SiteContent;
  /** The site's canonical address (absolute). */
  canonicalUrl: string;
  /** The picture of link previews and structured data (absolute), with its size when known. */
  image: SocialImage;
}

/** An image for link previews: a hero photo, or the site's generated card. */
export interface SocialImage {
  url: string;
  width?: number;
  height?: number;
  alt: string;
}

/** Longest meta description search engines show in full. */
export const DESCRIPTION_MAX = 160;

/** schema.org's own type for common business categories (matched on the lower-cased category); others are `LocalBusiness`. */
const SCHEMA_TYPES: Record<string, string> = {
  plumber: 'Plumber', plumbing: 'Plumber',
  roofer: 'RoofingContractor', roofing: 'RoofingContractor', 'roofing contractor': 'RoofingContractor',
  electrician: 'Electrician', electrical: 'Electrician',
  hvac: 'HVACBusiness', 'heating and cooling': 'HVACBusiness', 'air conditioning': 'HVACBusiness',
  locksmith: 'Locksmith',
  painter: 'HousePainter', 'house painter': 'HousePainter', painting: 'HousePainter',
  contractor: 'GeneralContractor', 'general contractor': 'GeneralContractor', builder: 'GeneralContractor',
  'moving company': 'MovingCompany', movers: 'MovingCompany',
  dentist: 'Dentist', dental: 'Dentist',
  doctor: 'Physician', physician: 'Physician', clinic: 'MedicalClinic',
  veterinarian: 'VeterinaryCare', vet: 'VeterinaryCare',
  pharmacy: 'Pharmacy',
  restaurant: 'Restaurant',
  bakery: 'Bakery',
  cafe: 'CafeOrCoffeeShop', 'coffee shop': 'CafeOrCoffeeShop',
  bar: 'BarOrPub', pub: 'BarOrPub',
  salon: 'HairSalon', 'hair salon': 'HairSalon', hairdresser: 'HairSalon', barber: 'HairSalon',
  'beauty salon': 'BeautySalon', 'nail salon': 'NailSalon', spa: 'DaySpa',
  gym: 'ExerciseGym', fitness: 'ExerciseGym',
  'auto repair': 'AutoRepair', mechanic: 'AutoRepair', 'car repair': 'AutoRepair',
  florist: 'Florist',
  lawyer: 'Attorney', attorney: 'Attorney',
  accountant: 'AccountingService',
  'real estate': 'RealEstateAgent', 'real estate agent': 'RealEstateAgent',
  hotel: 'Hotel',
  laundry: 'DryCleaningOrLaundry', 'dry cleaner': 'DryCleaningOrLaundry',
};

/** The schema.org type for a business category: its own type where schema.org has one, else `LocalBusiness`. */
export function schemaTypeFor(category: string): string {
  return SCHEMA_TYPES[category.trim().toLowerCase()] ?? 'LocalBusiness';
}

/** Cuts text to `max` characters at a word boundary, ending with an ellipsis when something was cut. */
function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–—-]+$/, '')}…`;
}

/** The page's meta description: the content's own, else its tagline followed by as much of the about text as fits. */
export function metaDescription(content: SiteContent): string {
  if (content.seoDescription) return clip(content.seoDescription, DESCRIPTION_MAX);
  const tagline = content.tagline.trim();
  const joined = /[.!?]$/.test(tagline) ? `${tagline} ${content.about}` : `${tagline}. ${content.about}`;
  return clip(tagline.length >= DESCRIPTION_MAX ? tagline : joined, DESCRIPTION_MAX);
}

/**
 * The document title: the site's title with its headline when both fit in what search results show; the headline
 * alone when it already names the site (never "Ana's Bakery — Ana's Bakery in Austin").
 */
export function pageTitle(title: string, content: Pick<SiteContent, 'headline'>): string {
  if (content.headline.toLowerCase().includes(title.toLowerCase())) return content.headline.length <= 65 ? content.headline : title;
  const both = `${title} — ${content.headline}`;
  return both.length <= 65 ? both : title;
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
type Day = (typeof DAYS)[number];

/** A day name or abbreviation (`Mon`, `tues`, `Thursday` …) as its index in DAYS. */
function dayIndex(word: string): number | null {
  const lower = word.toLowerCase().replace(/\.$/, '');
  if (lower.length < 3) return null;
  const index = DAYS.findIndex((day) => day.toLowerCase().startsWith(lower));
  return index >= 0 ? index : null;
}

/** The days a label such as `Mon–Fri`, `Sat, Sun`, `Weekdays` or `Daily` names; null when it is not understood. */
export function parseDays(label: string): Day[] | null {
  const text = label.trim().toLowerCase();
  if (/^(daily|every ?day|7 days( a week)?|mon(day)?\s*[-–—]\s*sun(day)?)$/.test(text)) return [...DAYS];
  if (/^week ?days$/.test(text)) return DAYS.slice(0, 5);
  if (/^week ?ends$/.test(text)) return DAYS.slice(5);
  const days = new Set<Day>();
  for (const part of text.split(/\s*(?:,|&|\band\b|\/)\s*/)) {
    const range = /^([a-z.]+)\s*(?:[-–—]|\bto\b|\bthrough\b|\bthru\b)\s*([a-z.]+)$/.exec(part);
    if (range) {
      const from = dayIndex(range[1]!);
      const to = dayIndex(range[2]!);
      if (from === null || to === null) return null;
      for (let i = from; ; i = (i + 1) % 7) {
        days.add(DAYS[i]!);
        if (i === to) break;
      }
      continue;
    }
    const single = dayIndex(part);
    if (single === null) return null;
    days.add(DAYS[single]!);
  }
  return days.size > 0 ? DAYS.filter((day) => days.has(day)) : null;
}

/** One clock time (`7am`, `8:30 pm`, `noon`, `19:00`) as `HH:MM`; `meridiem` is applied when the time has none of its own. */
function clockTime(text: string, meridiem?: string): string | null {
  const lower = text.trim().toLowerCase();
  if (lower === 'noon') return '12:00';
  if (lower === 'midnight') return '00:00';
  const match = /^(\d{1,2})(?::(\d{2}))?\s*([ap])?\.?m?\.?$/.exec(lower);
  if (!match) return null;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? '0');
  const half = match[3] ?? meridiem;
  if (minute > 59 || hour > 23 || (half && (hour < 1 || hour > 12))) return null;
  if (half === 'p' && hour < 12) hour += 12;
  if (half === 'a' && hour === 12) hour = 0;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** The opening and closing times of an hours text such as `7am–7pm` or `08:00 - 17:30`; null for `Closed`, `By appointment` and the like. */
export function parseTimes(text: string): { opens: string; closes: string } | null {
  const lower = text.trim().toLowerCase();
  if (/^(open )?24 ?(hours|hrs|h)$/.test(lower)) return { opens: '00:00', closes: '23:59' };
  const match = /^(.+?)\s*(?:[-–—]|\bto\b|\buntil\b)\s*(.+)$/.exec(lower);
  if (!match) return null;
  // "9–5pm": the closing time's am/pm carries over to an opening time that has none, unless that would put it after the close.
  const closes = clockTime(match[2]!);
  const closingHalf = /([ap])\.?m?\.?$/.exec(match[2]!.trim())?.[1];
  let opens = clockTime(match[1]!, closingHalf);
  if (opens && closes && closingHalf === 'p' && opens > closes) opens = clockTime(match[1]!, 'a');
  return opens && closes ? { opens, closes } : null;
}

/** schema.org opening hours for the entries of a business's hours that can be read; the others are left out. */
export function openingHours(hours: Record<string, string>): Array<{ '@type': 'OpeningHoursSpecification'; dayOfWeek: Day[]; opens: string; closes: string }> {
  const specs = [];
  for (const [label, text] of Object.entries(hours)) {
    const days = parseDays(label);
    const times = parseTimes(text);
    if (days && times) specs.push({ '@type': 'OpeningHoursSpecification' as const, dayOfWeek: days, ...times });
  }
  return specs;
}

/** The schema.org objects of a site's page: the business (its category's own type) and, when the content has one, its FAQ. */
export function structuredData(model: SiteSeoModel): Record<string, unknown>[] {
  const { content } = model;
  const contact = { ...model.business, ...content.contact };
  const business: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': schemaTypeFor(model.business.category),
    '@id': `${model.canonicalUrl}#business`,
    name: model.business.name,
    description: metaDescription(content),
    url: model.canonicalUrl,
    image: model.image.url,
  };
  if (contact.phone) business.telephone = contact.phone;
  if (contact.email) business.email = contact.email;
  if (contact.address || contact.city) {
    business.address = {
      '@type': 'PostalAddress',
      ...(contact.address ? { streetAddress: contact.address } : {}),
      ...(contact.city ? { addressLocality: contact.city } : {}),
    };
  }
  const hours = openingHours(contact.hours ?? {});
  if (hours.length > 0) business.openingHoursSpecification = hours;
  if (content.services.length > 0) business.knowsAbout = content.services;
  const { rating, count } = content.reviews ?? {};
  if (rating !== undefined && count !== undefined && count > 0) {
    business.aggregateRating = { '@type': 'AggregateRating', ratingValue: rating, reviewCount: count, bestRating: 5, worstRating: 1 };
  }
  const objects = [business];
  if (content.faq && content.faq.length > 0) {
    objects.push({
      '@context': 'https://schema.org',
      '@type': 'FAQPage',
      mainEntity: content.faq.map((item) => ({ '@type': 'Question', name: item.question, acceptedAnswer: { '@type': 'Answer', text: item.answer } })),
    });
  }
  return objects;
}

/** JSON for a `<script type="application/ld+json">`: nothing in it can close the script element or start markup. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The `<link rel="canonical">` of a page. */
export function canonicalLink(url: string): string {
  return `<link rel="canonical" href="${escapeHtml(url)}">`;
}

/**
 * The `<head>` tags of a site's page besides its title: description, canonical link, OpenGraph and Twitter cards,
 * and the schema.org JSON-LD.
 */
export function siteHeadTags(model: SiteSeoModel): string {
  const description = escapeHtml(metaDescription(model.content));
  const title = escapeHtml(pageTitle(model.title, model.content));
  const image = model.image;
  const meta = (attribute: 'name' | 'property', key: string, value: string | number) => `<meta ${attribute}="${key}" content="${escapeHtml(String(value))}">`;
  return [
    `<meta name="description" content="${description}">`,
    canonicalLink(model.canonicalUrl),
    meta('property', 'og:type', 'website'),
    meta('property', 'og:site_name', model.business.name),
    meta('property', 'og:title', pageTitle(model.title, model.content)),
    `<meta property="og:description" content="${description}">`,
    meta('property', 'og:url', model.canonicalUrl),
    meta('property', 'og:locale', 'en_US'),
    meta('property', 'og:image', image.url),
    ...(image.width && image.height ? [meta('property', 'og:image:width', image.width), meta('property', 'og:image:height', image.height)] : []),
    meta('property', 'og:image:alt', image.alt),
    meta('name', 'twitter:card', 'summary_large_image'),
    `<meta name="twitter:title" content="${title}">`,
    `<meta name="twitter:description" content="${description}">`,
    meta('name', 'twitter:image', image.url),
    meta('name', 'twitter:image:alt', image.alt),
    ...structuredData(model).map((data) => `<script type="application/ld+json">${jsonForScript(data)}</script>`),
  ].join('\n');
}
