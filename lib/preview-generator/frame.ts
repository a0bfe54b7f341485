import type { SiteContent } from '../site-editor/content.js';
import { presetFor } from '../site-templates/presets.js';
import { categoryKnowledge } from './categories.js';
import { listingAddress, type GeneratedSite, type Listing } from './generator.js';
import { listingSlug } from './slug.js';

/** The written parts of a site: what a generator composes; everything else is copied from the listing. */
export type SiteText = Pick<SiteContent, 'headline' | 'tagline' | 'about' | 'services' | 'callToAction' | 'seoDescription' | 'faq'>;

/** The listing's rating and review snippets, exactly as given, or nothing when it has none. */
function listingReviews(listing: Listing): SiteContent['reviews'] {
  const quotes = listing.reviews ?? [];
  if (listing.rating === undefined && listing.reviewCount === undefined && quotes.length === 0) return undefined;
  return {
    ...(listing.rating === undefined ? {} : { rating: listing.rating }),
    ...(listing.reviewCount === undefined ? {} : { count: listing.reviewCount }),
    ...(quotes.length === 0 ? {} : { quotes: quotes.map((quote) => ({ ...quote })) }),
  };
}

/**
 * A site around the written text: title, slug, the category's template and theme, and the contact block and reviews
 * copied from the listing, so that no generator can change a fact.
 */
export function siteFromText(listing: Listing, text: SiteText): GeneratedSite {
  const knowledge = categoryKnowledge(listing.category);
  const preset = presetFor(knowledge.id === 'general' ? listing.category : knowledge.id);
  const hours = listing.hours && Object.keys(listing.hours).length > 0 ? { ...listing.hours } : undefined;
  const reviews = listingReviews(listing);
  const content: SiteContent = {
    template: preset.template,
    ...text,
    ...(reviews ? { reviews } : {}),
    theme: preset.theme,
    contact: { phone: listing.phone, address: listingAddress(listing), ...(hours ? { hours } : {}) },
  };
  return { title: listing.name, slug: listingSlug(listing.name, listing.city, knowledge.kind), content };
}
