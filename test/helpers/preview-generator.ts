import type { GeneratedSite, Listing, PreviewGenerator, QualityGate } from '../../lib/preview-generator/generator.js';
import type { PreviewPipeline } from '../../worker/preview-pipeline.js';

/** Listing names that make the test generator fail (as a timed-out model would), until a test removes them. */
export const failingNames = new Set<string>();
/** How many times the test generator ran per listing name (exactly-once checks read it in-process). */
export const generatedNames = new Map<string, number>();

/** The sentences a site's about text is split into, normalised the way the test gate asks about them. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).map((s) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()).filter((s) => s.length > 0);
}

function slugOf(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 90) || 'business';
}

/**
 * A test fixture, not the product's generator: deterministic content made only of the listing's facts, so tests can
 * tell what a batch created. A listing whose name is in `failingNames` fails as a model outage would.
 */
export const testGenerator: PreviewGenerator = {
  name: 'test-fixture',
  generate(listing: Listing): Promise<GeneratedSite> {
    generatedNames.set(listing.name, (generatedNames.get(listing.name) ?? 0) + 1);
    if (failingNames.has(listing.name)) return Promise.reject(new Error(`The content generator did not answer for ${listing.name}.`));
    return Promise.resolve({
      title: listing.name,
      slug: slugOf(listing.name),
      content: {
        headline: listing.name,
        tagline: `${listing.category} in ${listing.city}`,
        about: `${listing.name} is a ${listing.category.toLowerCase()} at ${listing.address}, ${listing.city}. Call ${listing.phone}.`,
        services: listing.services ?? [],
        callToAction: `Call ${listing.phone}`,
        theme: { primaryColor: '#1e3a8a', accentColor: '#b45309' },
        contact: { phone: listing.phone, address: `${listing.address}, ${listing.city}`, ...(listing.hours ? { hours: listing.hours } : {}) },
      },
    });
  },
};

/**
 * A test fixture gate the tests control: it holds a site whose listing mentions an award (an invented fact, for the
 * fixture's purposes), and one that repeats text two other sites already carry. It asks `sharedSentences` as the real gate does.
 */
export const testGate: QualityGate = async (listing, site, sharedSentences) => {
  const problems: string[] = [];
  if (/award/i.test(listing.name)) problems.push('The site claims an award the listing does not mention.');
  const shared = await sharedSentences(sentences(site.content.about));
  if (shared >= 2) problems.push(`${shared} sentences of the about text already appear on other sites.`);
  return problems;
};

/** The fixture generator and gate, as a worker's preview pipeline. */
export const testPreviewPipeline: PreviewPipeline = { generator: testGenerator, gate: testGate };
