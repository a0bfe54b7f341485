import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, Site } from '../../db/entities/index.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';

/** Ensures the customer owns or collaborates on the site: 404 when there is no such site, 403 when it is someone else's. */
export async function requireSiteAccess(em: EntityManager, customerId: string, siteId: string): Promise<void> {
  const ownership = await em.findOne(CustomerSiteOwnership, { customer: customerId, site: siteId }, { fields: ['id'] });
  if (ownership) return;
  if ((await em.count(Site, { id: siteId })) === 0) throw new NotFoundError('site_not_found', 'No such site');
  throw new ForbiddenError('site_not_owned', 'You do not own this site');
}
