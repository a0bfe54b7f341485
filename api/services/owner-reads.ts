import type pg from 'pg';
import type { AppConfig } from '../../lib/config.js';
import { centsToAmount } from '../../lib/money.js';
import { siteUrl } from '../../lib/urls.js';
import type { AccessClaims } from '../auth/access-tokens.js';
import { LIVE_SESSION_SQL } from '../auth/authenticate.js';
import type { CustomerProfileDto } from '../schemas/customer.js';
import type { OwnedSiteDto } from '../schemas/answers.js';
import { activationDeadline } from './subscriptions.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

interface OwnedSiteRow {
  site_id: string | null;
  slug: string;
  title: string;
  status: string;
  subscription_status: string;
  is_primary: boolean;
  role: string;
  acquired_at: Date;
  purchased_at: Date | null;
  purchase_amount_cents: number;
  monthly_amount_cents: number;
  currency: string;
  next_billing_date: Date | null;
  grace_ends_at: Date | null;
  custom_domain: string | null;
}

// One statement checks the session and reads the sites: no row at all means no live session.
const OWNED_SITES = `select s.id as site_id, s.slug, s.title, s.status, s.subscription_status, o.is_primary, o.role, o.acquired_at, s.purchased_at,
    s.purchase_amount_cents, s.monthly_amount_cents, s.currency, s.next_billing_date, s.grace_ends_at, s.custom_domain
  from customer_users c
  left join customer_site_ownership o on o.customer_id = c.id
  left join sites s on s.id = o.site_id
  where ${LIVE_SESSION_SQL}
  order by o.is_primary desc, o.acquired_at asc`;

/** The portal's site list for a verified token, in one query; null when the customer or session is not live. */
export async function readOwnedSites(sql: pg.Pool, config: Pick<AppConfig, 'publicBaseUrl' | 'hosting' | 'subscription'>, claims: AccessClaims): Promise<OwnedSiteDto[] | null> {
  const { rows } = await sql.query<OwnedSiteRow>({ name: 'owned-sites', text: OWNED_SITES, values: [claims.customerId, claims.sessionId] });
  if (rows.length === 0) return null;
  const sites: OwnedSiteDto[] = [];
  for (const row of rows) {
    if (row.site_id === null) continue;
    sites.push({
      site_id: row.site_id,
      slug: row.slug,
      site_title: row.title,
      site_url: siteUrl(config, row.slug, row.custom_domain),
      status: row.status,
      subscription_status: row.subscription_status,
      is_primary: row.is_primary,
      role: row.role,
      acquired_at: row.acquired_at.toISOString(),
      purchased_at: iso(row.purchased_at),
      purchase_amount: centsToAmount(row.purchase_amount_cents),
      monthly_amount: centsToAmount(row.monthly_amount_cents),
      currency: row.currency,
      next_billing_date: iso(row.next_billing_date),
      activation_deadline: activationDeadline(config, { subscriptionStatus: row.subscription_status, purchasedAt: row.purchased_at }),
      grace_ends_at: iso(row.grace_ends_at),
      custom_domain: row.custom_domain,
    });
  }
  return sites;
}

interface ProfileRow {
  id: string;
  email: string;
  full_name: string;
  phone: string | null;
  email_verified_at: Date | null;
  has_password: boolean;
  created_at: Date;
  last_login_at: Date | null;
  owned_sites_count: number;
  primary_site_id: string | null;
  primary_slug: string | null;
  primary_title: string | null;
  primary_status: string | null;
  primary_custom_domain: string | null;
}

const PROFILE = `select c.id, c.email, c.full_name, c.phone, c.email_verified_at, c.password_hash is not null as has_password, c.created_at, c.last_login_at,
    (select count(*)::int from customer_site_ownership owned where owned.customer_id = c.id and owned.role = 'owner') as owned_sites_count,
    ps.id as primary_site_id, ps.slug as primary_slug, ps.title as primary_title, ps.status as primary_status, ps.custom_domain as primary_custom_domain
  from customer_users c
  left join customer_site_ownership po on po.customer_id = c.id and po.is_primary
  left join sites ps on ps.id = po.site_id
  where ${LIVE_SESSION_SQL}`;

/** The signed-in customer's profile for a verified token, in one query; null when the customer or session is not live. */
export async function readProfile(sql: pg.Pool, config: Pick<AppConfig, 'publicBaseUrl' | 'hosting' | 'subscription'>, claims: AccessClaims): Promise<CustomerProfileDto | null> {
  const { rows: [row] } = await sql.query<ProfileRow>({ name: 'customer-profile', text: PROFILE, values: [claims.customerId, claims.sessionId] });
  if (!row) return null;
  return {
    id: row.id,
    email: row.email,
    full_name: row.full_name,
    phone: row.phone,
    email_verified: row.email_verified_at !== null,
    email_verified_at: iso(row.email_verified_at),
    has_password: row.has_password,
    created_at: row.created_at.toISOString(),
    last_login_at: iso(row.last_login_at),
    owned_sites_count: row.owned_sites_count,
    primary_site: row.primary_site_id === null
      ? null
      : { site_id: row.primary_site_id, slug: row.primary_slug!, site_title: row.primary_title!, site_url: siteUrl(config, row.primary_slug!, row.primary_custom_domain), status: row.primary_status! },
  };
}
