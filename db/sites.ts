import type { EntityManager } from '@mikro-orm/postgresql';
import { Site } from './entities/index.js';

/** Loads a site by slug with its business and published version, or null. */
export async function findSiteBySlug(em: EntityManager, slug: string) {
  return em.findOne(Site, { slug }, { populate: ['business', 'currentVersion'] });
}

/** Whether a site with this id exists. */
export async function siteExists(em: EntityManager, id: string): Promise<boolean> {
  return (await em.count(Site, { id })) > 0;
}
