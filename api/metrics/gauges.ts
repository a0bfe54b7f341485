import { Gauge } from 'prom-client';
import type pg from 'pg';
import { apiRegistry } from './registry.js';

/*
 * Gauges read from the database when Prometheus scrapes: the webhook inbox, the money and support queues, and the
 * API's SQL pool. Every API process reports the same database figures; alert rules aggregate them with max().
 */

const STATE = `select
  (select count(*) from webhook_events where processed_at is null and parked_at is null)::int as inbox_pending,
  (select coalesce(extract(epoch from now() - min(received_at)), 0) from webhook_events where processed_at is null and parked_at is null)::float8 as inbox_oldest,
  (select count(*) from webhook_events where processed_at is null and parked_at is not null)::int as inbox_parked,
  (select coalesce(extract(epoch from now() - min(received_at)), 0) from webhook_events where processed_at is null and type like '%succeeded')::float8 as unapplied_oldest,
  (select count(*) from purchase_holds where released_at is null and expires_at > now())::int as open_claims,
  (select count(*) from operator_cases where resolved_at is null)::int as cases_open,
  (select coalesce(extract(epoch from now() - min(created_at)), 0) from operator_cases where resolved_at is null)::float8 as cases_oldest,
  (select count(*) from support_tickets where status not in ('resolved', 'closed') and sla_due_at < now())::int as tickets_past_sla`;

interface StateRow {
  inbox_pending: number; inbox_oldest: number; inbox_parked: number; unapplied_oldest: number;
  open_claims: number; cases_open: number; cases_oldest: number; tickets_past_sla: number;
}

const GAUGES: readonly [keyof StateRow, string, string][] = [
  ['inbox_pending', 'webmagic_webhook_inbox_depth', 'Webhook deliveries stored and not yet delivered to a workflow (parked ones excluded)'],
  ['inbox_oldest', 'webmagic_webhook_inbox_oldest_age_seconds', 'Age of the oldest webhook delivery not yet delivered (0 when none)'],
  ['inbox_parked', 'webmagic_webhook_inbox_parked', 'Webhook deliveries parked for an operator'],
  ['unapplied_oldest', 'webmagic_payments_unapplied_oldest_age_seconds', 'Age of the oldest payment the provider confirmed that no workflow has received yet (0 when none)'],
  ['open_claims', 'webmagic_claims_open', 'Checkouts handed out and neither paid, released nor expired'],
  ['cases_open', 'webmagic_needs_attention_open', 'Operator cases (needs attention) not resolved'],
  ['cases_oldest', 'webmagic_needs_attention_oldest_age_seconds', 'Age of the oldest unresolved operator case (0 when none)'],
  ['tickets_past_sla', 'webmagic_tickets_past_sla', 'Support tickets not resolved whose SLA has passed'],
];

const NAMES = [...GAUGES.map(([, name]) => name), 'webmagic_subscriptions', 'webmagic_email_messages', 'webmagic_db_pool_connections'];

/**
 * Registers the database-backed gauges on the API registry, reading through `sql`; the returned function removes them.
 * One app per process in production; where a process builds several (tests), the newest one's gauges are exposed.
 */
export function installDatabaseGauges(sql: pg.Pool): () => void {
  for (const name of NAMES) apiRegistry.removeSingleMetric(name);
  let pending: Promise<StateRow | null> | null = null;
  // One query per scrape, shared by every gauge of that scrape.
  const state = () => (pending ??= sql.query<StateRow>(STATE).then((r) => r.rows[0] ?? null).catch(() => null).finally(() => {
    setImmediate(() => (pending = null));
  }));
  for (const [field, name, help] of GAUGES) {
    new Gauge({
      name, help, registers: [apiRegistry],
      async collect() {
        const row = await state();
        if (row) this.set(Number(row[field]));
      },
    });
  }
  // Rows of a table counted by its status column, one series per status present.
  const byStatus: [string, string, string, string][] = [
    ['webmagic_subscriptions', 'Subscriptions by state', 'state', 'subscriptions'],
    ['webmagic_email_messages', 'Emails in the email log by status (pending, sent, failed)', 'status', 'email_messages'],
  ];
  for (const [name, help, label, table] of byStatus) {
    new Gauge({
      name, help, labelNames: [label], registers: [apiRegistry],
      async collect() {
        const { rows } = await sql.query<{ status: string; n: number }>(`select status, count(*)::int as n from ${table} group by status`).catch(() => ({ rows: [] }));
        this.reset();
        for (const row of rows) this.set({ [label]: row.status }, row.n);
      },
    });
  }
  new Gauge({
    name: 'webmagic_db_pool_connections', help: 'The API SQL pool: connections by state (idle, busy), and requests waiting for one (waiting)',
    labelNames: ['state'] as const, registers: [apiRegistry],
    collect() {
      this.set({ state: 'idle' }, sql.idleCount);
      this.set({ state: 'busy' }, sql.totalCount - sql.idleCount);
      this.set({ state: 'waiting' }, sql.waitingCount);
    },
  });
  return () => {
    for (const name of NAMES) apiRegistry.removeSingleMetric(name);
  };
}
