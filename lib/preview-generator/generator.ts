import { Type, type Static } from 'typebox';
import type { SiteContent } from '../site-editor/content.js';

const Line = (maxLength: number) => Type.String({ minLength: 1, maxLength, pattern: '^[^\\r\\n]*\\S[^\\r\\n]*$' });

/** One business listing, as a batch import brings it: the only facts a generated site may state. */
export const ListingSchema = Type.Object({
  name: Line(200),
  category: Line(100),
  address: Line(200),
  city: Line(100),
  phone: Line(40),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  hours: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 40 }), Line(60))),
  rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
  reviewCount: Type.Optional(Type.Integer({ minimum: 0 })),
  reviews: Type.Optional(Type.Array(Type.Object({
    text: Type.String({ minLength: 1, maxLength: 600 }),
    author: Type.Optional(Line(80)),
  }, { additionalProperties: false }), { maxItems: 6 })),
  services: Type.Optional(Type.Array(Line(120), { maxItems: 30 })),
  /** File names of photos uploaded with the batch. */
  photos: Type.Optional(Type.Array(Line(200), { maxItems: 24 })),
}, { additionalProperties: false });

/** One business listing. */
export type Listing = Static<typeof ListingSchema>;

/** What a generator writes for a listing: the site's title, a slug to start from, and its first version's content. */
export interface GeneratedSite {
  title: string;
  /** Transliterated and readable; the caller resolves a collision with an existing site. */
  slug: string;
  content: SiteContent;
}

/** Writes a preview site from a listing's facts (embedded by default, an OpenAI-compatible model when configured). */
export interface PreviewGenerator {
  readonly name: string;
  generate(listing: Listing): Promise<GeneratedSite>;
}

/** Why the quality gate holds a generated site: one readable reason per problem, empty when it passes. */
export type GateProblems = string[];

/**
 * Checks a generated site against its listing's facts, placeholders, length bounds and text other sites already use.
 * `sharedSentences` answers how many of the given normalised sentences other sites already carry.
 */
export type QualityGate = (listing: Listing, site: GeneratedSite, sharedSentences: (sentences: string[]) => Promise<number>) => Promise<GateProblems>;

/** The address a site shows: the listing's address, followed by its city unless the address already names it. */
export function listingAddress(listing: Pick<Listing, 'address' | 'city'>): string {
  const plain = (text: string) => text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
  return plain(listing.address).includes(plain(listing.city)) ? listing.address : `${listing.address}, ${listing.city}`;
}

/** The listing's opening hours on one line, each day range with its hours as given ("Mon–Fri 8am–6pm; Sat 9am–1pm"). */
export function listingHoursText(listing: Pick<Listing, 'hours'>): string | undefined {
  const entries = Object.entries(listing.hours ?? {});
  return entries.length === 0 ? undefined : entries.map(([days, hours]) => `${days} ${hours}`).join('; ');
}
