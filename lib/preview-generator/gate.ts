import { isDeepStrictEqual } from 'node:util';
import { isSlug } from '../slug.js';
import { schemaProblem, SiteContentSchema } from '../site-editor/content.js';
import { listingAddress, type GeneratedSite, type Listing, type QualityGate } from './generator.js';
import { transliterate } from './slug.js';

/** Which rule a problem breaks: a fact that differs from the listing, an invented claim, or the form of the text. */
export type GateRule = 'fact' | 'invented' | 'placeholder' | 'length' | 'duplicate' | 'schema';

/** One reason the gate holds a site. */
export interface GateFinding {
  rule: GateRule;
  message: string;
}

/** Length bounds of the generated text, in characters (the content schema's own limits apply as well). */
export const LENGTH_BOUNDS = {
  headline: [10, 120],
  tagline: [10, 200],
  about: [150, 2000],
  callToAction: [3, 40],
  seoDescription: [50, 160],
  faqAnswer: [3, 400],
} as const;

/** A site may share at most this share of its sentences with other sites. */
export const MAX_SHARED_SENTENCE_SHARE = 0.2;

/** Sentences shorter than this many words ("Call now.") are too common to count as copied text. */
const MIN_SENTENCE_WORDS = 5;

/** Claims a site may only make when the listing itself says so; each is named in the reason. */
const CLAIMS: { what: string; pattern: RegExp }[] = [
  { what: 'a licence or certification', pattern: /\b(licen[cs]ed|licen[cs]es?|certified|certifications?|accredited|insured|insurance|bonded|registered)\b/gi },
  { what: 'years in business', pattern: /\b(since|established|est\.|founded|in business for|decades?|generations?|family[- ](?:owned|run))\b|\b\d+\+?\s*(?:years?|yrs)\b/gi },
  { what: 'a year', pattern: /\b(?:18|19|20)\d{2}\b/g },
  { what: 'an award or ranking', pattern: /\b(award-winning|awards?|best|#\s?1|no\.\s?1|number one|top[- ]rated|voted|leading|most trusted|five[- ]star|5[- ]star|favou?rite)\b/gi },
  { what: 'a price or offer', pattern: /[$€£¥₹]|\b\d+(?:[.,]\d+)?\s?(?:usd|eur|gbp|mxn|gtq|dollars?|euros?|pesos?|quetzal(?:es)?)\b|\b(?:from|only|just)\s+\d+(?![\d.,]*\s*(?:reviews?|ratings?)\b)|\b(free|discounts?|cheap(?:est)?|lowest|affordable|\d+\s?% off|per hour|an hour rate)\b/gi },
  { what: 'a guarantee', pattern: /\b(guarantee[ds]?|warrant(?:y|ies)|money[- ]back|promise[ds]?|100\s?%)\b/gi },
  { what: 'an opening claim', pattern: /\b(24\/7|24 hours|around the clock|always open|open late|same[- ]day|emergenc(?:y|ies)|7 days a week)\b/gi },
  { what: 'a reputation or customer count', pattern: /\b\d[\d,.]*\+?\s+(?:happy |satisfied |loyal )?(?:customers|clients|jobs|projects|homes|patients|families|cars|pets)\b|\b(testimonials?|trusted by|five stars)\b/gi },
  { what: 'a website or email address', pattern: /\bhttps?:\/\/\S+|\bwww\.\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b/gi },
];

/** Text a template or a model leaves behind; the upper-case markers only in upper case ("Todo Limpio" is a name). */
const PLACEHOLDERS = [
  /lorem ipsum|\[[^\]]*\]|\{\{|\}\}|\{[a-z_]+\}|<[a-z_]+>|\byour (?:business|company)(?: name)?\b|\b(?:business|company) name\b/gi,
  /\b(?:TODO|TBD|FIXME|XXX+|undefined|null|NaN)\b/g,
];

/** Text made comparable: lower-case ASCII words separated by single spaces. */
function plain(text: string): string {
  return transliterate(text);
}

/** The site's own words, field by field (the listing's review quotes are checked separately). */
function textFields(site: GeneratedSite): { field: string; text: string }[] {
  const c = site.content;
  return [
    { field: 'title', text: site.title },
    { field: 'headline', text: c.headline },
    { field: 'tagline', text: c.tagline },
    { field: 'about', text: c.about },
    { field: 'call to action', text: c.callToAction },
    ...(c.seoDescription === undefined ? [] : [{ field: 'SEO description', text: c.seoDescription }]),
    ...c.services.map((text) => ({ field: 'services', text })),
    ...(c.faq ?? []).flatMap((item) => [{ field: 'FAQ', text: item.question }, { field: 'FAQ', text: item.answer }]),
  ];
}

/**
 * The normalised sentences of a site that count for duplicate text across sites (at least five words, lower-case
 * ASCII): what the `sharedSentences` callback is asked about, and what a store of published sites should keep.
 */
export function siteSentences(site: GeneratedSite): string[] {
  const sentences = new Set<string>();
  for (const { field, text } of textFields(site)) {
    if (field === 'services' || field === 'title') continue;
    // A stop after a one- or two-letter word ("Av.", "St.", "Dr.") is an abbreviation, not the end of a sentence.
    for (const sentence of text.split(/(?<=(?:\p{L}{3,}|\d|[)"”’])[.!?])\s+|\n+/u)) {
      const normalised = plain(sentence);
      if (normalised.split(' ').length >= MIN_SENTENCE_WORDS) sentences.add(normalised);
    }
  }
  return [...sentences];
}

/** Everything the listing says, as one comparable text: a claim found here may be repeated. */
function listingFacts(listing: Listing): string {
  return plain([
    listing.name, listing.category, listing.address, listing.city, listing.phone, listing.email ?? '',
    ...Object.entries(listing.hours ?? {}).flat(), ...(listing.services ?? []), ...(listing.reviews ?? []).map((r) => r.text),
  ].join(' \n '));
}

/** The text with the listing's own facts blanked out, so that what remains can be searched for numbers the listing does not give. */
function withoutFacts(text: string, listing: Listing): string {
  const facts = [listing.name, listingAddress(listing), listing.address, listing.city, listing.phone, listing.email ?? '', ...Object.keys(listing.hours ?? {}), ...Object.values(listing.hours ?? {}), ...(listing.services ?? [])]
    .filter((fact) => fact.trim() !== '')
    .sort((a, b) => b.length - a.length);
  let rest = text;
  for (const fact of facts) rest = rest.split(fact).join(' · ');
  return rest;
}

function contactFindings(listing: Listing, site: GeneratedSite): GateFinding[] {
  const findings: GateFinding[] = [];
  const contact = site.content.contact ?? {};
  if (contact.phone !== listing.phone) findings.push({ rule: 'fact', message: `The phone is "${contact.phone ?? 'missing'}", but the listing gives "${listing.phone}".` });
  if (contact.address !== listingAddress(listing)) {
    findings.push({ rule: 'fact', message: `The address is "${contact.address ?? 'missing'}", but the listing gives "${listingAddress(listing)}".` });
  }
  if (contact.email !== undefined && contact.email !== listing.email) findings.push({ rule: 'fact', message: `The email "${contact.email}" is not the listing's.` });
  const hours = listing.hours && Object.keys(listing.hours).length > 0 ? listing.hours : undefined;
  if (!isDeepStrictEqual(contact.hours, hours)) {
    findings.push({ rule: 'fact', message: hours ? 'The opening hours differ from the listing\'s.' : 'The site shows opening hours, but the listing gives none.' });
  }
  if (site.title !== listing.name) findings.push({ rule: 'fact', message: `The title "${site.title}" is not the business's name "${listing.name}".` });
  return findings;
}

function reviewFindings(listing: Listing, site: GeneratedSite): GateFinding[] {
  const findings: GateFinding[] = [];
  const reviews = site.content.reviews;
  if (reviews?.rating !== listing.rating) {
    findings.push({ rule: 'fact', message: listing.rating === undefined ? `The site shows a rating of ${reviews?.rating}, but the listing has none.` : `The rating is ${reviews?.rating ?? 'missing'}, but the listing gives ${listing.rating}.` });
  }
  if (reviews?.count !== undefined && reviews.count !== listing.reviewCount) {
    findings.push({ rule: 'fact', message: `The site counts ${reviews.count} reviews, but the listing gives ${listing.reviewCount ?? 'none'}.` });
  }
  for (const quote of reviews?.quotes ?? []) {
    if (!(listing.reviews ?? []).some((r) => r.text === quote.text && r.author === quote.author)) {
      findings.push({ rule: 'invented', message: `The review "${quote.text.slice(0, 60)}" is not one of the listing's.` });
    }
  }
  return findings;
}

/** Numbers that read as a phone, a rating, a count or a time, and are not the listing's. */
function numberFindings(field: string, rest: string, listing: Listing): GateFinding[] {
  const findings: GateFinding[] = [];
  for (const match of rest.matchAll(/(?:\+|\()?\d[\d\s().-]{5,}\d/g)) {
    if (match[0].replace(/\D/g, '').length >= 7) findings.push({ rule: 'fact', message: `The ${field} gives the phone number "${match[0].trim()}", which is not the listing's.` });
  }
  for (const match of rest.matchAll(/\b(\d(?:[.,]\d+)?)\s*(?:out of 5|\/\s?5|stars?)\b|\brat(?:ed|ing of)\s+(\d(?:[.,]\d+)?)\b/gi)) {
    const value = Number((match[1] ?? match[2] ?? '').replace(',', '.'));
    if (value !== listing.rating) findings.push({ rule: 'fact', message: `The ${field} gives a rating of ${value}, but the listing ${listing.rating === undefined ? 'has none' : `gives ${listing.rating}`}.` });
  }
  for (const match of rest.matchAll(/\b(\d[\d,]*)\s+reviews?\b/gi)) {
    if (Number((match[1] ?? '').replace(/,/g, '')) !== listing.reviewCount) findings.push({ rule: 'fact', message: `The ${field} counts ${match[1]} reviews, which the listing does not.` });
  }
  for (const match of rest.matchAll(/\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.|h)\b|\b\d{1,2}:\d{2}\b/gi)) {
    findings.push({ rule: 'fact', message: `The ${field} gives the time "${match[0]}", which is not in the listing's opening hours.` });
  }
  for (const match of rest.matchAll(/\b\d{1,5}\s+(?:[A-Z][\w'.-]*\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl)\b|\b(?:Calle|Avenida|Av\.|Rue|Via)\s+[^,.]{2,40}?\s\d+/g)) {
    findings.push({ rule: 'fact', message: `The ${field} gives the address "${match[0]}", which is not the listing's.` });
  }
  return findings;
}

function claimFindings(field: string, text: string, listing: Listing, facts: string): GateFinding[] {
  const findings: GateFinding[] = [];
  const rest = withoutFacts(text, listing);
  for (const { what, pattern } of CLAIMS) {
    for (const match of rest.matchAll(pattern)) {
      const said = plain(match[0]);
      if (said !== '' && ` ${facts} `.includes(` ${said} `)) continue;
      findings.push({ rule: 'invented', message: `The ${field} claims ${what} ("${match[0].trim()}") that the listing does not state.` });
    }
  }
  return [...findings, ...numberFindings(field, rest, listing)];
}

function formFindings(site: GeneratedSite): GateFinding[] {
  const findings: GateFinding[] = [];
  const problem = schemaProblem(SiteContentSchema, site.content);
  if (problem) findings.push({ rule: 'schema', message: `The content does not fit the site format: ${problem}.` });
  if (!isSlug(site.slug)) findings.push({ rule: 'schema', message: `The slug "${site.slug}" is not a valid address.` });
  const c = site.content;
  const bounded: [keyof typeof LENGTH_BOUNDS, string, string | undefined][] = [
    ['headline', 'headline', c.headline], ['tagline', 'tagline', c.tagline], ['about', 'about text', c.about],
    ['callToAction', 'call to action', c.callToAction], ['seoDescription', 'SEO description', c.seoDescription],
    ...(c.faq ?? []).map((item): [keyof typeof LENGTH_BOUNDS, string, string] => ['faqAnswer', 'FAQ answer', item.answer]),
  ];
  for (const [key, label, text] of bounded) {
    const [min, max] = LENGTH_BOUNDS[key];
    if (text === undefined) findings.push({ rule: 'length', message: `The ${label} is missing.` });
    else if (text.length < min || text.length > max) findings.push({ rule: 'length', message: `The ${label} has ${text.length} characters; it must have ${min} to ${max}.` });
  }
  for (const { field, text } of textFields(site)) {
    for (const match of PLACEHOLDERS.flatMap((pattern) => [...text.matchAll(pattern)])) findings.push({ rule: 'placeholder', message: `The ${field} contains placeholder text ("${match[0]}").` });
  }
  return findings;
}

/** Every problem of a site except duplicate text: what can be checked from the listing and the site alone. */
export function siteFindings(listing: Listing, site: GeneratedSite): GateFinding[] {
  const facts = listingFacts(listing);
  return [
    ...formFindings(site),
    ...contactFindings(listing, site),
    ...reviewFindings(listing, site),
    ...textFields(site).flatMap(({ field, text }) => claimFindings(field, text, listing, facts)),
  ];
}

/** All problems of a site, duplicate text across sites included (through `sharedSentences`). */
export async function gateFindings(listing: Listing, site: GeneratedSite, sharedSentences: (sentences: string[]) => Promise<number>): Promise<GateFinding[]> {
  const findings = siteFindings(listing, site);
  const sentences = siteSentences(site);
  if (sentences.length > 0) {
    const shared = await sharedSentences(sentences);
    if (shared > sentences.length * MAX_SHARED_SENTENCE_SHARE) {
      findings.push({ rule: 'duplicate', message: `${shared} of its ${sentences.length} sentences already appear on other sites.` });
    }
  }
  return findings;
}

/** The quality gate: a site passes with no problems; otherwise it is held for an operator with these reasons. */
export const qualityGate: QualityGate = async (listing, site, sharedSentences) => (await gateFindings(listing, site, sharedSentences)).map((f) => f.message);
