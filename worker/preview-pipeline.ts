import type { AppConfig } from '../lib/config.js';
import { createPreviewGenerator, qualityGate } from '../lib/preview-generator/index.js';
import type { PreviewGenerator, QualityGate } from '../lib/preview-generator/generator.js';

/** The content generator of a batch and the quality gate its sites pass before they are published. */
export interface PreviewPipeline {
  generator: PreviewGenerator;
  gate: QualityGate;
}

/** The worker's preview generator (embedded, or an OpenAI-compatible model when configured) and the quality gate. */
export function createPreviewPipeline(config: AppConfig): PreviewPipeline {
  return { generator: createPreviewGenerator(config), gate: qualityGate };
}
