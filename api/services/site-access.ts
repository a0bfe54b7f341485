import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership, Site } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { SITE_ACTIONS, siteRoleMay, siteRolesFor, type SiteAction } from '../auth/permissions.js';

/** A site the customer can pick from, as listed in a `site_selection_required` answer. */
export interface SiteChoice {
  site_id: string;
  slug: string;
  site_title: string;
  is_primary: boolean;
}

/**
 * The one site-access check: the site, when the customer's role on it allows `action` in the permission table.
 * 404 when there is no such site, 403 `site_not_owned` when the customer holds no role on it, 403 `owner_only`
 * when their role does not allow the action.
 */
export async function requireSiteAccess(em: EntityManager, customerId: string, siteId: string, action: SiteAction): Promise<ISite> {
  const ownership = await em.findOne(CustomerSiteOwnership, { customer: customerId, site: siteId }, { populate: ['site'] });
  if (!ownership) {
    if ((await em.count(Site, { id: siteId })) === 0) throw new NotFoundError('site_not_found', 'No such site');
    throw new ForbiddenError('site_not_owned', 'You do not own this site');
  }
  if (!siteRoleMay(ownership.role, action)) {
    throw new ForbiddenError('owner_only', `Only the site’s owner can ${SITE_ACTIONS[action]}; as a ${ownership.role} you cannot.`);
  }
  return ownership.site;
}

/**
 * Resolves the site a request that may leave it out is about (subscriptions, new tickets). With `siteId`: that site
 * through `requireSiteAccess`. Without: the only site whose role allows `action`, 404 when there is none, and 400
 * `site_selection_required` listing them when there are several.
 */
export async function selectCustomerSite(em: EntityManager, customerId: string, siteId: string | undefined, action: SiteAction): Promise<ISite> {
  if (siteId !== undefined) return requireSiteAccess(em, customerId, siteId, action);
  const held = await em.find(
    CustomerSiteOwnership,
    { customer: customerId, role: { $in: siteRolesFor(action) } },
    { populate: ['site'], orderBy: { isPrimary: 'desc', acquiredAt: 'asc' } },
  );
  const [only, ...others] = held;
  if (!only) throw new NotFoundError('no_site', 'You do not own a site yet');
  if (others.length === 0) return only.site;
  const sites: SiteChoice[] = held.map(({ site, isPrimary }) => ({ site_id: site.id, slug: site.slug, site_title: site.title, is_primary: isPrimary }));
  throw new ValidationError('site_selection_required', 'You own several sites: name one with site_id', { sites });
}
