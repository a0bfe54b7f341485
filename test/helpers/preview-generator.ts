import type { GeneratedSite, Listing, PreviewGenerator } from '../../lib/preview-generator/generator.js';
import type { PreviewPipeline } from '../../worker/preview-pipeline.js';

/** Listing names whose generation fails (as a timed-out model would), until a test removes them. */
export const failingNames = new Set<string>();
/** Listing names whose generated about text gains an invented award, as an embellishing model would write it. */
export const embellishedNames = new Set<string>();
/** How many times the generator ran per listing name (exactly-once checks read it in-process). */
export const generatedNames = new Map<string, number>();

/**
 * The product's generator and gate, with the faults tests need around the generator: it counts every run, fails for
 * the names in `failingNames`, and adds an invented claim for those in `embellishedNames` (which the real gate holds).
 */
export function withTestFaults(pipeline: PreviewPipeline): PreviewPipeline {
  const generator: PreviewGenerator = {
    name: `${pipeline.generator.name} (test faults)`,
    async generate(listing: Listing): Promise<GeneratedSite> {
      generatedNames.set(listing.name, (generatedNames.get(listing.name) ?? 0) + 1);
      if (failingNames.has(listing.name)) throw new Error(`The content generator did not answer for ${listing.name}.`);
      const site = await pipeline.generator.generate(listing);
      if (!embellishedNames.has(listing.name)) return site;
      return { ...site, content: { ...site.content, about: `${site.content.about} Award-winning service since 1998.` } };
    },
  };
  return { generator, gate: pipeline.gate };
}
