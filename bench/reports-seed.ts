import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { seededRandom } from '../lib/seeded-random.js';

/** What `seedBusiness` made. */
export interface SeededBusiness { customers: number; sites: number; payments: number; months: number }

/** Knobs of the seeded history; the defaults give about 10 000 sites and 100 000 payments over 24 months. */
export interface BusinessShape {
  sites: number;
  months: number;
  /** The first day after the seeded history (a month start, UTC). */
  end: Date;
  seed: number;
}

const DAY = 86_400_000;
const addMonths = (date: Date, months: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()));

interface Rows { [column: string]: unknown[] }

function table(columns: string[]): Rows {
  return Object.fromEntries(columns.map((c) => [c, []]));
}

function push(rows: Rows, values: Record<string, unknown>): void {
  for (const [column, value] of Object.entries(values)) rows[column]?.push(value);
}

async function insert(client: pg.Client, name: string, rows: Rows, types: Record<string, string>): Promise<void> {
  const columns = Object.keys(rows);
  const total = rows[columns[0] ?? '']?.length ?? 0;
  for (let start = 0; start < total; start += 20_000) {
    const slice = columns.map((c) => rows[c]?.slice(start, start + 20_000));
    await client.query(
      `insert into ${name} (${columns.map((c) => `"${c}"`).join(', ')}) select * from unnest(${columns.map((c, i) => `$${i + 1}::${types[c] ?? 'text'}[]`).join(', ')})`,
      slice,
    );
  }
}

/** Writes the seeded rows in bulk. */
async function insertAll(client: pg.Client, tables: Record<'businesses' | 'customers' | 'sites' | 'owners' | 'subscriptions' | 'payments', Rows>): Promise<void> {
  const types = { id: 'uuid', business_id: 'uuid', customer_id: 'uuid', site_id: 'uuid', created_at: 'timestamptz', updated_at: 'timestamptz', purchased_at: 'timestamptz', acquired_at: 'timestamptz', paid_at: 'timestamptz', cancelled_at: 'timestamptz', purchase_amount_cents: 'int', monthly_amount_cents: 'int', amount_cents: 'int', is_primary: 'boolean' };
  await client.query(`alter table sites disable trigger user`);
  await insert(client, 'businesses', tables.businesses, types);
  await insert(client, 'customer_users', tables.customers, types);
  await insert(client, 'sites', tables.sites, types);
  await client.query(`alter table sites enable trigger user`);
  await insert(client, 'customer_site_ownership', tables.owners, types);
  await insert(client, 'subscriptions', tables.subscriptions, types);
  // Bulk load: the roll-up trigger is off and the bench rebuilds site_payment_months in one pass afterwards.
  await client.query('alter table payments disable trigger payments_roll_up_months');
  await insert(client, 'payments', tables.payments, types);
  await client.query('alter table payments enable trigger payments_roll_up_months');
}

/**
 * Seeds a believable two-year business: owners of one to six sites (most own one), purchases spread over the months
 * with growth, about 90 % of sites activating their subscription (more among multi-site owners), monthly payments
 * with the odd failed charge retried days later, a monthly churn that is lower for owners of several sites, a few
 * refunds and a few comebacks after a pause.
 */
export async function seedBusiness(client: pg.Client, shape: BusinessShape): Promise<SeededBusiness> {
  const rand = seededRandom(shape.seed);
  const start = addMonths(shape.end, -shape.months);
  const span = shape.end.getTime() - start.getTime();
  const businesses = table(['id', 'created_at', 'updated_at', 'name', 'category']);
  const customers = table(['id', 'created_at', 'updated_at', 'email', 'full_name']);
  const sites = table(['id', 'created_at', 'updated_at', 'slug', 'business_id', 'title', 'status', 'purchase_amount_cents', 'monthly_amount_cents', 'currency', 'subscription_status', 'purchased_at']);
  const owners = table(['id', 'created_at', 'customer_id', 'site_id', 'role', 'is_primary', 'acquired_at']);
  const subscriptions = table(['id', 'created_at', 'updated_at', 'site_id', 'customer_id', 'status', 'amount_cents', 'currency', 'cancelled_at']);
  const payments = table(['id', 'created_at', 'provider', 'provider_payment_id', 'site_id', 'customer_id', 'kind', 'amount_cents', 'currency', 'status', 'paid_at']);
  let siteCount = 0;
  let customerCount = 0;
  const payment = (values: { site: string; customer: string; kind: string; cents: number; status: string; at: Date }) => push(payments, {
    id: randomUUID(), created_at: values.at, provider: 'recurrente', provider_payment_id: `pa_bench_${payments.id?.length ?? 0}`, site_id: values.site,
    customer_id: values.customer, kind: values.kind, amount_cents: values.cents, currency: 'USD', status: values.status, paid_at: values.status === 'failed' ? null : values.at,
  });
  while (siteCount < shape.sites) {
    const draw = rand();
    const owned = Math.min(shape.sites - siteCount, draw < 0.72 ? 1 : draw < 0.89 ? 2 : draw < 0.96 ? 3 : 4 + Math.floor(rand() * 3));
    const customer = randomUUID();
    customerCount += 1;
    // Growth: later months see more first purchases.
    let bought = new Date(start.getTime() + rand() ** 0.8 * span * 0.97);
    push(customers, { id: customer, created_at: bought, updated_at: bought, email: `owner${customerCount}@bench.invalid`, full_name: `Owner ${customerCount}` });
    const monthlyChurn = owned === 1 ? 0.022 : 0.009;
    for (let n = 0; n < owned; n += 1) {
      siteCount += 1;
      const site = randomUUID();
      const business = randomUUID();
      push(businesses, { id: business, created_at: bought, updated_at: bought, name: `Business ${siteCount}`, category: 'plumber' });
      let status = 'owned';
      let subscription = 'pending_activation';
      let cancelledAt: Date | null = null;
      const refunded = rand() < 0.01;
      payment({ site, customer, kind: 'purchase', cents: 49_500, status: refunded ? 'refunded' : 'succeeded', at: bought });
      if (!refunded && rand() < (owned === 1 ? 0.88 : 0.95)) {
        let due = new Date(bought.getTime() + rand() * 3 * DAY);
        status = 'active';
        subscription = 'active';
        for (let month = 0; due < shape.end; month += 1) {
          if (month > 0 && rand() < monthlyChurn) {
            if (rand() < 0.15) {
              due = addMonths(due, 2 + Math.floor(rand() * 3));
              continue;
            }
            status = 'cancelled';
            subscription = 'cancelled';
            cancelledAt = due;
            break;
          }
          if (rand() < 0.03) {
            payment({ site, customer, kind: 'subscription', cents: 9_500, status: 'failed', at: due });
            const retried = new Date(due.getTime() + (1 + rand() * 5) * DAY);
            if (retried < shape.end) payment({ site, customer, kind: 'subscription', cents: 9_500, status: 'succeeded', at: retried });
          } else {
            payment({ site, customer, kind: 'subscription', cents: 9_500, status: rand() < 0.003 ? 'refunded' : 'succeeded', at: due });
          }
          due = addMonths(due, 1);
        }
      }
      push(sites, {
        id: site, created_at: bought, updated_at: bought, slug: `bench-site-${siteCount}`, business_id: business, title: `Bench site ${siteCount}`, status,
        purchase_amount_cents: 49_500, monthly_amount_cents: 9_500, currency: 'USD', subscription_status: subscription, purchased_at: bought,
      });
      push(owners, { id: randomUUID(), created_at: bought, customer_id: customer, site_id: site, role: 'owner', is_primary: n === 0, acquired_at: bought });
      push(subscriptions, { id: randomUUID(), created_at: bought, updated_at: bought, site_id: site, customer_id: customer, status: subscription, amount_cents: 9_500, currency: 'USD', cancelled_at: cancelledAt });
      // A later site of the same owner is bought some weeks after the first.
      bought = new Date(Math.min(shape.end.getTime() - DAY, bought.getTime() + rand() * 120 * DAY));
    }
  }
  await insertAll(client, { businesses, customers, sites, owners, subscriptions, payments });
  return { customers: customerCount, sites: siteCount, payments: payments.id?.length ?? 0, months: shape.months };
}
