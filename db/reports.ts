import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Business reports over the monthly roll-up (site_payment_months), sites and ownership. Months are UTC calendar
 * months; a window is [from, to) of month starts (ISO timestamps). A site "pays" in a month when one of its
 * subscription payments succeeded in it; churn and retention count only complete months (before `cutoff`, the start
 * of the current month).
 */

/** Owners by how many sites each owns. */
export interface SitesOwnedRow { sites: number; customers: number }
/** Money taken in one month and currency, in cents (as text: sums may exceed 2^53). */
export interface RevenueMonthRow { month: string; currency: string; purchases: string; subscriptions: string; refunds: string; paying_sites: number }
/** Money taken from one site over the window. */
export interface RevenueSiteRow {
  site_id: string; slug: string; title: string; owner_email: string | null; currency: string;
  purchases: string; subscriptions: string; refunds: string; paid_months: number;
}
/** Subscription movements of one month and currency: who paid, who was new, back, or stopped paying. */
export interface SubscriptionFlowRow {
  month: string; currency: string; mrr: string; subscriptions: number; new: number; returned: number;
  /** Null for a month not yet complete. */
  churned: number | null; churned_mrr: string | null;
}
/** Churn over the window for owners of one size (4 = four or more sites). */
export interface ChurnBySitesRow { sites_owned: number; owners: number; at_risk: number; churned: number }
/** How many sites of a cohort (month of first subscription payment) paid `offset` months later. */
export interface CohortRow { cohort: string; offset: number; sites: number }
/** A bought site whose monthly subscription was never paid, with its owner. */
export interface NeverActivatedRow {
  customer_id: string; email: string; full_name: string; site_id: string; slug: string; title: string;
  site_status: string; subscription_status: string; purchased_on: string; days_since_purchase: number; sites_owned: number;
}

const MONTH = `(date_trunc('month', paid_at at time zone 'UTC'))::date`;

/**
 * Rebuilds site_payment_months from all payments in two statements, after a bulk load with its trigger off (the
 * bench); the trigger keeps it current otherwise.
 */
export async function rebuildPaymentMonths(em: EntityManager): Promise<void> {
  const connection = em.getConnection();
  await connection.execute('delete from site_payment_months');
  await connection.execute(
    `insert into site_payment_months (id, site_id, month, currency, purchase_cents, subscription_cents, refund_cents, paid_cents)
     select gen_random_uuid(), site_id, ${MONTH}, min(currency),
            coalesce(sum(amount_cents) filter (where kind = 'purchase'), 0),
            coalesce(sum(amount_cents) filter (where kind = 'subscription'), 0),
            coalesce(sum(amount_cents) filter (where status = 'refunded'), 0),
            coalesce(sum(amount_cents) filter (where kind = 'subscription' and status = 'succeeded'), 0)
       from payments where status <> 'failed' and paid_at is not null
      group by site_id, ${MONTH}`,
  );
  await connection.execute(
    `update site_payment_months m
        set prev_paid = exists (select 1 from site_payment_months o where o.site_id = m.site_id and o.month = (m.month - interval '1 month')::date and o.paid_cents > 0),
            next_paid = exists (select 1 from site_payment_months o where o.site_id = m.site_id and o.month = (m.month + interval '1 month')::date and o.paid_cents > 0),
            cohort = f.cohort
       from (select site_id, min(month) as cohort from site_payment_months where paid_cents > 0 group by site_id) f
      where f.site_id = m.site_id`,
  );
}

/** How many owners own one site, two sites, …; collaborators do not count. */
export function sitesOwnedCounts(em: EntityManager): Promise<SitesOwnedRow[]> {
  return em.getConnection().execute<SitesOwnedRow[]>(
    `select sites, count(*)::int as customers
       from (select customer_id, count(*)::int as sites from customer_site_ownership where role = 'owner' group by customer_id) owned
      group by sites order by sites`,
  );
}

/** Purchases, subscription payments and refunds per month and currency, and how many sites paid anything. */
export function revenueByMonth(em: EntityManager, from: string, to: string): Promise<RevenueMonthRow[]> {
  return em.getConnection().execute<RevenueMonthRow[]>(
    `select to_char(month, 'YYYY-MM') as month, currency, sum(purchase_cents)::text as purchases, sum(subscription_cents)::text as subscriptions,
            sum(refund_cents)::text as refunds, count(*)::int as paying_sites
       from site_payment_months
      where month >= ?::date and month < ?::date
      group by month, currency order by month, currency`,
    [from, to],
  );
}

/** Every site that paid anything in the window, most net revenue first. */
export function revenueBySite(em: EntityManager, from: string, to: string): Promise<RevenueSiteRow[]> {
  return em.getConnection().execute<RevenueSiteRow[]>(
    `with money as (
       select site_id, currency, sum(purchase_cents) as purchases, sum(subscription_cents) as subscriptions, sum(refund_cents) as refunds,
              count(*) filter (where paid_cents > 0)::int as paid_months
         from site_payment_months
        where month >= ?::date and month < ?::date
        group by site_id, currency
     )
     select m.site_id, s.slug, s.title, c.email as owner_email, m.currency, m.purchases::text, m.subscriptions::text, m.refunds::text, m.paid_months
       from money m
       join sites s on s.id = m.site_id
       left join customer_site_ownership o on o.site_id = m.site_id and o.role = 'owner'
       left join customer_users c on c.id = o.customer_id
      order by m.purchases + m.subscriptions - m.refunds desc, s.slug`,
    [from, to],
  );
}

/** Subscription movements per month and currency in the window: MRR (what paying sites paid), new, returned and churned sites. */
export function subscriptionFlow(em: EntityManager, from: string, to: string, cutoff: string): Promise<SubscriptionFlowRow[]> {
  return em.getConnection().execute<SubscriptionFlowRow[]>(
    `with active as (
       select month, currency, sum(paid_cents) as mrr, count(*)::int as subscriptions,
              count(*) filter (where month = cohort)::int as new,
              count(*) filter (where month > cohort and not prev_paid)::int as returned
         from site_payment_months where paid_cents > 0 and month >= ?::date and month < ?::date group by month, currency
     ),
     churn as (
       select (month + interval '1 month')::date as month, currency, count(*)::int as churned, sum(paid_cents) as churned_mrr
         from site_payment_months
        where paid_cents > 0 and not next_paid
          and month >= (?::date - interval '1 month')::date and month < (least(?::date, ?::date) - interval '1 month')::date
        group by 1, currency
     )
     select to_char(coalesce(a.month, c.month), 'YYYY-MM') as month, coalesce(a.currency, c.currency) as currency,
            coalesce(a.mrr, 0)::text as mrr, coalesce(a.subscriptions, 0) as subscriptions,
            coalesce(a.new, 0) as new, coalesce(a.returned, 0) as returned,
            case when coalesce(a.month, c.month) < ?::date then coalesce(c.churned, 0) end as churned,
            case when coalesce(a.month, c.month) < ?::date then coalesce(c.churned_mrr, 0)::text end as churned_mrr
       from active a full join churn c on c.month = a.month and c.currency = a.currency
      order by 1, 2`,
    [from, to, from, to, cutoff, cutoff, cutoff],
  );
}

/** Monthly churn over the complete months of the window, by how many sites the site's owner owns (4 and more together). */
export function churnBySitesOwned(em: EntityManager, from: string, to: string, cutoff: string): Promise<ChurnBySitesRow[]> {
  return em.getConnection().execute<ChurnBySitesRow[]>(
    `with owners as (
       select site_id, customer_id, least(count(*) over (partition by customer_id), 4)::int as sites_owned
         from customer_site_ownership where role = 'owner'
     )
     select o.sites_owned, count(distinct o.customer_id)::int as owners, count(*)::int as at_risk,
            count(*) filter (where not m.next_paid)::int as churned
       from site_payment_months m join owners o on o.site_id = m.site_id
      where m.paid_cents > 0
        and m.month >= (?::date - interval '1 month')::date and m.month < (least(?::date, ?::date) - interval '1 month')::date
      group by o.sites_owned order by o.sites_owned`,
    [from, to, cutoff],
  );
}

/** For each cohort month in the window (a site's first subscription payment), how many of its sites paid 0, 1, 2, … months later. */
export function cohortRetention(em: EntityManager, from: string, to: string, cutoff: string): Promise<CohortRow[]> {
  return em.getConnection().execute<CohortRow[]>(
    `select to_char(cohort, 'YYYY-MM') as cohort,
            -- Whole months between two month starts: their distance in days over the mean month length, rounded (off by a few days at most).
            round((month - cohort) / 30.436875)::int as "offset",
            count(*)::int as sites
       from site_payment_months
      where paid_cents > 0 and cohort >= ?::date and cohort < ?::date and month < ?::date
      group by cohort, 2 order by cohort, 2`,
    [from, to, cutoff],
  );
}

/** Sites bought in the window whose subscription never took a payment, oldest purchase first, with their owners. */
export function neverActivated(em: EntityManager, from: string, to: string): Promise<NeverActivatedRow[]> {
  return em.getConnection().execute<NeverActivatedRow[]>(
    `with owned as (select customer_id, count(*)::int as sites_owned from customer_site_ownership where role = 'owner' group by customer_id)
     select c.id as customer_id, c.email, c.full_name, s.id as site_id, s.slug, s.title, s.status as site_status,
            coalesce(sub.status, 'none') as subscription_status, to_char(s.purchased_at at time zone 'UTC', 'YYYY-MM-DD') as purchased_on,
            floor(extract(epoch from now() - s.purchased_at) / 86400)::int as days_since_purchase, owned.sites_owned
       from sites s
       join customer_site_ownership o on o.site_id = s.id and o.role = 'owner'
       join customer_users c on c.id = o.customer_id
       join owned on owned.customer_id = c.id
       left join subscriptions sub on sub.site_id = s.id
      where s.purchased_at >= ?::timestamptz and s.purchased_at < ?::timestamptz
        and not exists (select 1 from site_payment_months m where m.site_id = s.id and m.subscription_cents > 0)
      order by s.purchased_at, s.slug`,
    [from, to],
  );
}

/** How many owners bought a site in the window (what the never-activated count is a share of). */
export async function buyersIn(em: EntityManager, from: string, to: string): Promise<{ owners: number; sites: number }> {
  const [row] = await em.getConnection().execute<{ owners: number; sites: number }[]>(
    `select count(distinct o.customer_id)::int as owners, count(*)::int as sites
       from sites s join customer_site_ownership o on o.site_id = s.id and o.role = 'owner'
      where s.purchased_at >= ?::timestamptz and s.purchased_at < ?::timestamptz`,
    [from, to],
  );
  return row ?? { owners: 0, sites: 0 };
}
