import { Value } from 'typebox/value';
import { parseCsv } from './csv.js';
import { FIELD_LIMITS } from './field-limits.js';
import { ListingSchema, type Listing } from './preview-generator/generator.js';

/** CSV columns of a listings import, in any order; the first five are required, `hours`, `services`, `reviews` and `photos` are `|`-separated. */
export const LISTING_CSV_COLUMNS = ['name', 'category', 'address', 'city', 'phone', 'email', 'hours', 'rating', 'review_count', 'services', 'reviews', 'photos'] as const;

/** At most this many photos per listing: the first is the hero image, the rest the gallery. */
export const MAX_LISTING_PHOTOS = 24;

/** Why a photo file a listing names cannot be used (not uploaded with the batch, not a photo…), or null when it can. */
export type PhotoCheck = (name: string) => string | null;

/** The check of an import that carries no photo files. */
const NO_PHOTOS: PhotoCheck = (name) => `The photo "${name}" was not uploaded with the batch; upload the listings and their photos together.`;
const REQUIRED_COLUMNS = ['name', 'category', 'address', 'city', 'phone'] as const;

/** A row that can be checked: the listing it claims to be, and its row number in the upload (from 1). */
export interface ListingRow {
  row: number;
  value: unknown;
}

/** One row read: the valid listing, or why it was refused (naming the field). */
export type CheckedRow = { row: number; listing: Listing } | { row: number; field: string | null; reason: string };

const LINE_BREAK = /[\r\n]/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads CSV text into rows shaped like the JSON import (unchecked); a header without the required columns fails the upload. */
export function listingRowsFromCsv(text: string): { rows: ListingRow[] } | { error: string } {
  const [header, ...lines] = parseCsv(text);
  if (!header) return { error: 'The CSV is empty.' };
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) return { error: `The CSV header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` };
  const unknown = names.filter((n) => n !== '' && !(LISTING_CSV_COLUMNS as readonly string[]).includes(n));
  if (unknown.length > 0) return { error: `The CSV header has columns the import does not know: ${unknown.join(', ')}. Known columns: ${LISTING_CSV_COLUMNS.join(', ')}.` };
  const rows = lines.map((fields, index): ListingRow => {
    const get = (column: string) => {
      const at = names.indexOf(column);
      const value = at < 0 ? '' : fields[at]?.trim() ?? '';
      return value === '' ? undefined : value;
    };
    const split = (column: string) => (get(column) ?? '').split('|').map((s) => s.trim()).filter((s) => s !== '');
    const hours = split('hours');
    const reviews = split('reviews');
    const rating = get('rating');
    const reviewCount = get('review_count');
    const value = Object.fromEntries(Object.entries({
      name: get('name'), category: get('category'), address: get('address'), city: get('city'), phone: get('phone'), email: get('email'),
      hours: hours.length > 0 ? Object.fromEntries(hours.map((pair): [string, string] => {
        const at = pair.indexOf('=');
        return at < 0 ? [pair, ''] : [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      })) : undefined,
      rating: rating === undefined ? undefined : Number(rating),
      reviewCount: reviewCount === undefined ? undefined : Number(reviewCount),
      services: split('services').length > 0 ? split('services') : undefined,
      photos: split('photos').length > 0 ? split('photos') : undefined,
      reviews: reviews.length > 0 ? reviews.map((entry) => {
        const at = entry.lastIndexOf('~');
        return at < 0 ? { text: entry } : { text: entry.slice(0, at).trim(), author: entry.slice(at + 1).trim() };
      }) : undefined,
    }).filter(([, v]) => v !== undefined));
    return { row: index + 2, value };
  });
  return { rows };
}

function line(value: unknown, label: string, max: number, required: boolean): string | null {
  if (value === undefined || value === null || value === '') return required ? `${label} is missing.` : null;
  if (typeof value !== 'string') return `${label} must be text.`;
  if (value.trim() === '') return `${label} is empty.`;
  if (LINE_BREAK.test(value)) return `${label} must be on one line.`;
  if (value.length > max) return `${label} is longer than ${max} characters.`;
  return null;
}

/**
 * Checks one listing with a sentence per problem, in the order a person reads a row; the first problem is the row's
 * reason. The photos it names are asked of `photos` (the files uploaded with the batch).
 */
export function checkListing(row: ListingRow, photos: PhotoCheck = NO_PHOTOS): CheckedRow {
  const refuse = (field: string | null, reason: string): CheckedRow => ({ row: row.row, field, reason });
  const v = row.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return refuse(null, 'The row is not a listing (an object with name, category, address, city and phone).');
  const o = v as Record<string, unknown>;
  const known = new Set(Object.keys(ListingSchema.properties));
  const extra = Object.keys(o).filter((k) => !known.has(k));
  if (extra.length > 0) return refuse(extra[0] ?? null, `Unknown field${extra.length > 1 ? 's' : ''}: ${extra.join(', ')}.`);
  for (const [field, label, max, required] of [
    ['name', 'The business name', 200, true], ['category', 'The category', 100, true], ['address', 'The address', 200, true],
    ['city', 'The city', 100, true], ['phone', 'The phone number', FIELD_LIMITS.contactPhone.max, true],
  ] as const) {
    const problem = line(o[field], label, max, required);
    if (problem) return refuse(field, problem);
  }
  const phone = String(o.phone);
  if (!/^[0-9+()./\s-]+$/.test(phone) || phoneKey(phone).length < FIELD_LIMITS.contactPhone.min) {
    return refuse('phone', `The phone number "${phone}" is not a phone number (digits, spaces, + ( ) - . only, at least ${FIELD_LIMITS.contactPhone.min} digits).`);
  }
  if (o.email !== undefined && (typeof o.email !== 'string' || !EMAIL.test(o.email) || o.email.length > FIELD_LIMITS.email)) {
    return refuse('email', typeof o.email === 'string' ? `The email address "${o.email.slice(0, 80)}" is not a valid address.` : 'The email address must be text.');
  }
  if (o.hours !== undefined) {
    if (typeof o.hours !== 'object' || o.hours === null || Array.isArray(o.hours)) return refuse('hours', 'The opening hours must be days with times, like Mon–Fri=8am–5pm.');
    for (const [day, time] of Object.entries(o.hours)) {
      if (day.trim() === '' || day.length > 40) return refuse('hours', `The opening hours have a day name that is empty or longer than 40 characters ("${day.slice(0, 40)}").`);
      const problem = line(time, `The hours of ${day}`, 60, true);
      if (problem) return refuse('hours', `${problem} Write them like Mon–Fri=8am–5pm.`);
    }
  }
  if (o.rating !== undefined && (typeof o.rating !== 'number' || !Number.isFinite(o.rating) || o.rating < 0 || o.rating > 5)) {
    return refuse('rating', 'The rating must be a number from 0 to 5.');
  }
  if (o.reviewCount !== undefined && (typeof o.reviewCount !== 'number' || !Number.isInteger(o.reviewCount) || o.reviewCount < 0)) {
    return refuse('reviewCount', 'The review count must be a whole number, 0 or more.');
  }
  if (o.services !== undefined) {
    if (!Array.isArray(o.services) || o.services.length > 30) return refuse('services', 'The services must be a list of at most 30.');
    for (const service of o.services as unknown[]) {
      const problem = line(service, 'A service', 120, true);
      if (problem) return refuse('services', problem);
    }
  }
  if (o.reviews !== undefined) {
    if (!Array.isArray(o.reviews) || o.reviews.length > 6) return refuse('reviews', 'The reviews must be a list of at most 6.');
    for (const review of o.reviews as unknown[]) {
      const r = review as { text?: unknown; author?: unknown } | null;
      if (typeof r !== 'object' || r === null || typeof r.text !== 'string' || r.text.trim() === '') return refuse('reviews', 'A review has no text.');
      if (r.text.length > 600) return refuse('reviews', 'A review is longer than 600 characters.');
      const problem = line(r.author, 'A review\'s author', 80, false);
      if (problem) return refuse('reviews', problem);
    }
  }
  if (o.photos !== undefined) {
    if (!Array.isArray(o.photos) || o.photos.length > MAX_LISTING_PHOTOS) return refuse('photos', `The photos must be a list of at most ${MAX_LISTING_PHOTOS} file names (the first is the hero image).`);
    const names = o.photos as unknown[];
    for (const name of names) {
      const problem = line(name, 'A photo\'s file name', 200, true) ?? photos(String(name));
      if (problem) return refuse('photos', problem);
    }
    if (new Set(names).size !== names.length) return refuse('photos', 'The photos name the same file twice.');
  }
  if (!Value.Check(ListingSchema, o)) return refuse(null, 'The listing does not have the expected shape.');
  return { row: row.row, listing: o };
}

/** A phone number's digits, without leading zeros: two spellings of one number meet here. */
export function phoneKey(phone: string): string {
  return phone.replace(/\D/g, '').replace(/^0+/, '');
}

/** Lower-cased words of text, runs of anything but letters and digits as one space (the same as `normalisedSql`). */
export function normalisedText(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The key of a business by name and address: the same name at the same address in the same city. */
export function nameAddressKey(listing: Pick<Listing, 'name' | 'address' | 'city'>): string {
  return [listing.name, listing.address, listing.city].map(normalisedText).join('|');
}
