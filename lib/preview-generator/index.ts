import type { AppConfig } from '../config.js';
import type { PreviewGenerator } from './generator.js';
import { LocalPreviewGenerator } from './local-generator.js';
import { OpenAiPreviewGenerator } from './openai-generator.js';

export { gateFindings, LENGTH_BOUNDS, MAX_SHARED_SENTENCE_SHARE, qualityGate, siteSentences, type GateFinding, type GateRule } from './gate.js';
export { ListingSchema, listingAddress, listingHoursText, type GateProblems, type GeneratedSite, type Listing, type PreviewGenerator, type QualityGate } from './generator.js';
export { listingSlug, resolveSlugCollision, slugCandidates, slugify, transliterate } from './slug.js';

/** The configured preview generator: the embedded one, or an OpenAI-compatible API (with the assistant's connection settings). */
export function createPreviewGenerator(config: AppConfig): PreviewGenerator {
  if (config.previewGenerator.kind === 'local') return new LocalPreviewGenerator();
  const { baseUrl, apiKey, model, timeoutMs } = config.assistant;
  return new OpenAiPreviewGenerator({ baseUrl, apiKey, model, timeoutMs });
}
