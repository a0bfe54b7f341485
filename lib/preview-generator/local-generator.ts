import { seededRandom } from '../seeded-random.js';
import { categoryKnowledge, FACT_FAQ, GENERIC, type CategoryKnowledge, type FaqTemplate } from './categories.js';
import { siteFromText } from './frame.js';
import { listingAddress, listingHoursText, type GeneratedSite, type Listing, type PreviewGenerator } from './generator.js';
import { LENGTH_BOUNDS } from './gate.js';
import { transliterate } from './slug.js';

/** A random pick from a list, drawn from the listing's own seeded sequence. */
type Pick = <T>(items: readonly T[]) => T;

/** A 32-bit FNV-1a hash: the seed of a listing's phrase choices. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The same listing always draws the same phrases, so re-generating a site gives the same text. */
function listingPicker(listing: Listing): { pick: Pick; shuffled: <T>(items: readonly T[]) => T[] } {
  const random = seededRandom(hash([listing.name, listing.address, listing.city, listing.phone].join('|')));
  const pick: Pick = (items) => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error('nothing to pick from');
    return item;
  };
  const shuffled = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  };
  return { pick, shuffled };
}

/** "a plumber", "an electrician". */
function withArticle(noun: string): string {
  return `${/^[aeiou]/i.test(transliterate(noun)) ? 'an' : 'a'} ${noun}`;
}

/** "A, B and C". */
function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A service name as it reads inside a sentence: "Leak repair" → "leak repair", but "LED lighting" stays. */
function inSentence(service: string): string {
  return /^\p{Lu}\p{Ll}/u.test(service) ? service[0]?.toLowerCase() + service.slice(1) : service;
}

/** Fills `{key}` placeholders; a capitalised key (`{Kind}`) capitalises the value of its lower-case twin. */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const direct = values[key];
    if (direct !== undefined) return direct;
    const lower = values[key[0]?.toLowerCase() + key.slice(1)];
    if (lower === undefined) throw new Error(`unknown placeholder ${whole}`);
    return (lower[0]?.toUpperCase() ?? '') + lower.slice(1);
  });
}

/** The listing's own services (each once), then generic ones of its category until there are at least three. */
function siteServices(listing: Listing, knowledge: CategoryKnowledge): string[] {
  const services: string[] = [];
  const seen = new Set<string>();
  const add = (service: string) => {
    const key = transliterate(service);
    if (key !== '' && !seen.has(key)) {
      seen.add(key);
      services.push(service);
    }
  };
  for (const service of listing.services ?? []) add(service);
  for (const service of knowledge.services) if (services.length < 3) add(service);
  return services;
}

/** The placeholder values of a listing. */
function placeholderValues(listing: Listing, knowledge: CategoryKnowledge): Record<string, string> {
  const own = (listing.services ?? []).slice(0, 4).map(inSentence);
  const count = listing.reviewCount;
  return {
    name: listing.name,
    city: listing.city,
    street: listing.address,
    address: listingAddress(listing),
    phone: listing.phone,
    kind: knowledge.kind,
    aKind: withArticle(knowledge.kind),
    trade: knowledge.trade,
    services: joinList(own),
    hours: listingHoursText(listing) ?? '',
    rating: listing.rating === undefined ? '' : String(listing.rating),
    fromReviews: count === undefined || count === 0 ? '' : ` from ${count} ${count === 1 ? 'review' : 'reviews'}`,
  };
}

/** The first filled template (in random order) whose length is within the bounds, else `fallback`. */
function fitting(
  templates: readonly string[], values: Record<string, string>, [min, max]: readonly [number, number], fallback: string, shuffled: <T>(items: readonly T[]) => T[],
): string {
  for (const template of shuffled(templates)) {
    const text = fill(template, values);
    if (text.length >= min && text.length <= max) return text;
  }
  return fallback.slice(0, max);
}

function aboutText(listing: Listing, knowledge: CategoryKnowledge, values: Record<string, string>, tools: ReturnType<typeof listingPicker>): string {
  const { pick, shuffled } = tools;
  const [first, second] = shuffled(knowledge.about);
  const opening = [pick(knowledge.storefront ? GENERIC.openersShop : GENERIC.openersTrade), first];
  if ((listing.services ?? []).length > 0) opening.push(pick(GENERIC.services));
  else if (second) opening.push(second);
  const closing: string[] = [];
  if (listing.rating !== undefined) closing.push(pick(GENERIC.rating));
  if (listing.hours && Object.keys(listing.hours).length > 0) closing.push(pick(GENERIC.hours));
  closing.push(pick(knowledge.storefront ? GENERIC.closersShop : GENERIC.closersTrade));
  const paragraph = (sentences: (string | undefined)[]) => sentences.filter((s): s is string => s !== undefined).map((s) => fill(s, values)).join(' ');
  // A sparse listing (no services, hours or rating; a category without knowledge) gets more of its own facts, so the
  // text reaches the gate's minimum length without saying anything the listing does not.
  for (const sentence of shuffled(SPARSE_LISTING_SENTENCES)) {
    if (`${paragraph(opening)}\n\n${paragraph(closing)}`.length >= LENGTH_BOUNDS.about[0]) break;
    opening.push(sentence);
  }
  return `${paragraph(opening)}\n\n${paragraph(closing)}`;
}

/** Sentences made only of a listing's name, street, city and phone; each names the street or the phone, so two businesses of one name never share one. */
const SPARSE_LISTING_SENTENCES = [
  'You will find {name} at {street} in {city}.',
  'To ask {name} a question, call {phone}.',
  'Customers of {name} can call {phone} or come by {street}.',
  'A phone call to {phone} is the quickest way to reach {name}.',
] as const;

function seoDescription(listing: Listing, values: Record<string, string>, shuffled: <T>(items: readonly T[]) => T[]): string {
  const withServices = (listing.services ?? []).length > 0
    ? ['{name}, {aKind} in {city}: {services}. Call {phone}.', '{AKind} in {city}: {name}, offering {services}. Phone {phone}.']
    : [];
  const plain = ['{name}, {aKind} on {street}, {city}. Call {phone}.', '{AKind} in {city}: {name}, {street}. Phone {phone}.', '{name}, {aKind} in {city}. Call {phone} or visit {street}.'];
  const bounds = LENGTH_BOUNDS.seoDescription;
  const text = fitting([...withServices, ...plain], values, bounds, '', shuffled);
  return text === '' ? fitting(['{name}, {aKind} in {city}. Call {phone}.', '{name}, {city}. Call {phone}.', '{name}, {city}.'], values, [1, bounds[1]], listing.name, shuffled) : text;
}

function faq(listing: Listing, knowledge: CategoryKnowledge, values: Record<string, string>, pick: Pick): { question: string; answer: string }[] {
  const chosen: FaqTemplate[] = [];
  const own = (listing.services ?? []).length;
  if (own > 0) chosen.push(own === 1 ? (FACT_FAQ.services[0] as FaqTemplate) : pick(FACT_FAQ.services));
  if (listingHoursText(listing) !== undefined) chosen.push(pick(FACT_FAQ.hours));
  chosen.push(knowledge.storefront ? pick(FACT_FAQ.address) : (FACT_FAQ.area[0] as FaqTemplate));
  if (knowledge.faq.length > 0) chosen.push(pick(knowledge.faq));
  chosen.push(pick(FACT_FAQ.phone));
  if (listing.rating !== undefined) chosen.push(pick(FACT_FAQ.rating));
  const questions = new Set<string>();
  return chosen
    .map((item) => ({ question: fill(item.question, values), answer: fill(item.answer, values) }))
    .filter((item) => item.question.length <= 200 && item.answer.length <= 1000 && !questions.has(item.question) && questions.add(item.question));
}

/** Writes a site from the listing alone, with the category's knowledge and phrases drawn by a seed taken from the listing. */
export function generateLocally(listing: Listing): GeneratedSite {
  const knowledge = categoryKnowledge(listing.category);
  const tools = listingPicker(listing);
  const { pick, shuffled } = tools;
  const values = placeholderValues(listing, knowledge);
  return siteFromText(listing, {
    headline: fitting([...knowledge.headlines, ...GENERIC.headlines], values, LENGTH_BOUNDS.headline, listing.name, shuffled),
    tagline: fitting([...knowledge.taglines, ...GENERIC.taglines], values, LENGTH_BOUNDS.tagline, `${listing.name}, ${listing.city}.`, shuffled),
    about: aboutText(listing, knowledge, values, tools),
    services: siteServices(listing, knowledge),
    callToAction: fitting([...knowledge.callsToAction, ...GENERIC.callsToAction], values, LENGTH_BOUNDS.callToAction, 'Call now', shuffled),
    seoDescription: seoDescription(listing, values, shuffled),
    faq: faq(listing, knowledge, values, pick),
  });
}

/** The embedded generator: category knowledge and seeded phrase choices, no network; the default. */
export class LocalPreviewGenerator implements PreviewGenerator {
  readonly name = 'embedded';

  async generate(listing: Listing): Promise<GeneratedSite> {
    return generateLocally(listing);
  }
}
