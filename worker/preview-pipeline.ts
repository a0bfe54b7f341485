import { ApplicationFailure } from '@temporalio/common';
import type { PreviewGenerator, QualityGate } from '../lib/preview-generator/generator.js';

/** The content generator of a batch and the quality gate its sites pass before they are published. */
export interface PreviewPipeline {
  generator: PreviewGenerator;
  gate: QualityGate;
}

/**
 * The worker's preview generator and gate. This build ships no generator yet: every listing fails with the reason
 * below. The generator module (`createPreviewGenerator(config)` and `qualityGate` from lib/preview-generator/index.ts)
 * takes this function's place in `createActivityDeps`; nothing else in the worker changes.
 */
export function createPreviewPipeline(): PreviewPipeline {
  return {
    generator: {
      name: 'none',
      generate: () => Promise.reject(ApplicationFailure.nonRetryable('No preview generator is installed in this build.', 'GeneratedSiteUnusable')),
    },
    gate: () => Promise.resolve(['No quality gate is installed in this build.']),
  };
}
