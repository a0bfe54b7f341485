import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Site } from './site.entity.js';

/** A normalised sentence a generated site carries, by its SHA-256: the quality gate counts text other sites already use. */
export const SiteSentence = defineEntity({
  name: 'SiteSentence',
  tableName: 'site_sentences',
  properties: {
    hash: p.string().length(64).primary(),
    site: () => p.manyToOne(Site).primary().deleteRule('cascade'),
  },
});
export type ISiteSentence = InferEntity<typeof SiteSentence>;
