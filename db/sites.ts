import type { EntityManager } from '@mikro-orm/postgresql';
import { Site } from './entities/index.js';

/** Loads a site by slug with its business and published version, or null. */
export async function findSiteBySlug(em: EntityManager, slug: string) {
  return em.findOne(Site, { slug }, { populate: ['business', 'currentVersion'] });
}
