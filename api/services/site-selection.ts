import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerSiteOwnership } from '../../db/entities/index.js';
import type { ISite } from '../../db/entities/site.entity.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';

/** A site the customer can pick from, as listed in a `site_selection_required` answer. */
export interface SiteChoice {
  site_id: string;
  slug: string;
  site_title: string;
  is_primary: boolean;
}

/** Which ownership roles may act; billing is for owners only, support is for everyone on the site. */
export type SiteRole = 'owner' | 'collaborator';

/**
 * Resolves the site a per-site request is about. With `siteId`: that site, or 403 when the customer does not
 * hold it in one of `roles`. Without: the only site they hold, 404 when they hold none, and 400
 * `site_selection_required` listing their sites when they hold several.
 */
export async function selectCustomerSite(
  em: EntityManager,
  customerId: string,
  siteId: string | undefined,
  roles: readonly SiteRole[] = ['owner', 'collaborator'],
): Promise<ISite> {
  const held = await em.find(
    CustomerSiteOwnership,
    { customer: customerId, role: { $in: [...roles] } },
    { populate: ['site'], orderBy: { isPrimary: 'desc', acquiredAt: 'asc' } },
  );
  if (siteId !== undefined) {
    const match = held.find((ownership) => ownership.site.id === siteId);
    if (!match) throw new ForbiddenError('site_not_owned', 'You do not own this site');
    return match.site;
  }
  const [only, ...others] = held;
  if (!only) throw new NotFoundError('no_site', 'You do not own a site yet');
  if (others.length === 0) return only.site;
  const sites: SiteChoice[] = held.map(({ site, isPrimary }) => ({ site_id: site.id, slug: site.slug, site_title: site.title, is_primary: isPrimary }));
  throw new ValidationError('site_selection_required', 'You own several sites: name one with site_id', { sites });
}
