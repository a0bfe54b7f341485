import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '../../lib/errors.js';
import { SEARCH_LENGTH, type SearchAnswerDto } from '../schemas/back-office.js';

/** Results per kind: each query is bounded, so a broad search stays cheap without trigram indexes. Text is matched literally (strpos, starts_with), so `%` and `_` are no wildcards. */
const PER_KIND = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Raw rows carry timestamps as the driver hands them (text, not Date). */
const iso = (at: string | Date) => new Date(at).toISOString();

const CUSTOMERS_SQL = `select c.id, c.email, c.full_name, (select count(*)::int from customer_site_ownership o where o.customer_id = c.id) as sites
  from customer_users c where strpos(c.email, ?) > 0 or strpos(lower(c.full_name), ?) > 0 or c.id::text = ? order by c.email limit ${PER_KIND}`;

// A site matches on its slug, title, business name or served domain, or on a domain it is verifying (the newest such).
const SITES_SQL = `select s.id, s.slug, s.title, b.name as business_name, s.custom_domain, s.status,
    (select d.domain from domain_verification_records d where d.site_id = s.id and strpos(d.domain, ?) > 0 order by d.created_at desc limit 1) as matched_domain
  from sites s join businesses b on b.id = s.business_id
  where strpos(s.slug, ?) > 0 or strpos(lower(s.title), ?) > 0 or strpos(lower(b.name), ?) > 0 or strpos(s.custom_domain, ?) > 0 or s.id::text = ?
    or exists (select 1 from domain_verification_records d where d.site_id = s.id and strpos(d.domain, ?) > 0)
  order by s.slug limit ${PER_KIND}`;

// Provider ids are matched from their start: operators paste them whole or type the first characters.
const PAYMENTS_SQL = `select p.id, p.provider_payment_id, p.provider_checkout_id, p.provider_subscription_id, p.kind, p.status, p.amount_cents, p.currency,
    p.created_at, p.site_id, s.slug as site_slug, p.customer_id, c.email as customer_email
  from payments p join sites s on s.id = p.site_id left join customer_users c on c.id = p.customer_id
  where starts_with(p.provider_payment_id, ?) or starts_with(p.provider_checkout_id, ?) or starts_with(p.provider_subscription_id, ?) or p.id::text = ?
  order by p.created_at desc limit ${PER_KIND}`;

const TICKETS_SQL = `select t.id, t.subject, t.status, t.created_at, s.slug as site_slug, t.customer_id, c.email as customer_email
  from support_tickets t join sites s on s.id = t.site_id join customer_users c on c.id = t.customer_id
  where starts_with(t.id::text, ?) order by t.created_at desc limit ${PER_KIND}`;

/** Whether the query can be a ticket id: whole, or its first 8 or more characters. */
const TICKET_ID_START = /^[0-9a-f]{8}(-[0-9a-f-]*)?$/i;

type Row<K extends keyof Omit<SearchAnswerDto, 'query'>> = Omit<SearchAnswerDto[K][number], 'created_at'> & { created_at: string | Date };

/**
 * Finds customers (email, name), sites (slug, title, business name, custom or verifying domain), payments (provider
 * payment, checkout or subscription id) and tickets (id) matching `raw`; any record's full uuid finds it too.
 */
export async function searchEverything(em: EntityManager, raw: string): Promise<SearchAnswerDto> {
  const query = raw.trim();
  if (query.length < SEARCH_LENGTH.min) throw new ValidationError('query_too_short', `Type at least ${SEARCH_LENGTH.min} characters to search.`);
  const lower = query.toLowerCase();
  const exactId = UUID.test(query) ? lower : '';
  const [customers, sites, payments, tickets] = await Promise.all([
    em.execute<SearchAnswerDto['customers']>(CUSTOMERS_SQL, [lower, lower, exactId]),
    em.execute<SearchAnswerDto['sites']>(SITES_SQL, [lower, lower, lower, lower, lower, exactId, lower]),
    em.execute<Row<'payments'>[]>(PAYMENTS_SQL, [query, query, query, exactId]),
    TICKET_ID_START.test(query) ? em.execute<Row<'tickets'>[]>(TICKETS_SQL, [lower]) : Promise.resolve([]),
  ]);
  return {
    query,
    customers,
    sites,
    payments: payments.map((p) => ({ ...p, created_at: iso(p.created_at) })),
    tickets: tickets.map((t) => ({ ...t, created_at: iso(t.created_at) })),
  };
}
