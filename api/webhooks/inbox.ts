import type pg from 'pg';
import { currentTraceParent } from '../../lib/telemetry/tracing.js';
import type { InboxEventView } from '../schemas/webhooks.js';

/** The channel the inbox notifies when a row becomes ready for the relay. */
export const INBOX_CHANNEL = 'webhook_events';

const INSERT = `insert into webhook_events (id, provider, provider_event_id, body, received_at, next_attempt_at, attempts, trace_parent)
  values (gen_random_uuid(), $1, $2, $3, now(), now(), 0, $4)
  on conflict (provider, provider_event_id) do nothing`;

/**
 * Stores a verified delivery, exactly as received, in one statement. Answers whether it was already there:
 * redeliveries change nothing. The caller wakes the relays ({@link InboxWaker}) when it was new.
 */
export async function storeDelivery(sql: pg.Pool, provider: string, eventId: string, body: Buffer): Promise<{ duplicate: boolean }> {
  // The request's trace context (when tracing is on) travels with the delivery, so the relay continues its trace.
  const result = await sql.query(INSERT, [provider, eventId, body, currentTraceParent()]);
  return { duplicate: result.rowCount === 0 };
}

/**
 * Wakes the relays of every API process (NOTIFY on the inbox channel) after deliveries are stored, with one NOTIFY
 * per burst rather than one per delivery: each NOTIFY takes PostgreSQL's global notification lock as it commits,
 * which made ingest nearly half as fast. A NOTIFY is always sent after the last delivery stored: while one is on its
 * way, the next waits and is sent when it returns. A woken relay claims every ready row, so nothing is missed.
 */
export class InboxWaker {
  #sending: Promise<void> | null = null;
  #again = false;

  constructor(private readonly sql: pg.Pool, private readonly onError: (error: unknown) => void) {}

  wake(): void {
    if (this.#sending) {
      this.#again = true;
      return;
    }
    this.#sending = this.sql.query(`select pg_notify('${INBOX_CHANNEL}', '')`).then(() => undefined, this.onError).finally(() => {
      this.#sending = null;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** Resolves once no NOTIFY is on its way (before the pool closes). */
  async settled(): Promise<void> {
    while (this.#sending) await this.#sending;
  }
}

interface InboxRow {
  id: string;
  provider: string;
  provider_event_id: string;
  type: string | null;
  body: Buffer | null;
  received_at: Date;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  parked_at: Date | null;
  parked_reason: string | null;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Parked (waiting for an operator) or pending (waiting for the relay) events, oldest first. */
export async function listInboxEvents(sql: pg.Pool, status: 'parked' | 'pending', limit: number): Promise<InboxEventView[]> {
  const where = status === 'parked' ? 'parked_at is not null and processed_at is null' : 'parked_at is null and processed_at is null';
  const { rows } = await sql.query<InboxRow>(
    `select id, provider, provider_event_id, type, body, received_at, attempts, next_attempt_at, last_error, parked_at, parked_reason
       from webhook_events where ${where} order by received_at limit $1`,
    [limit],
  );
  return rows.map((row) => ({
    ...row,
    body: row.body?.toString('utf8') ?? '',
    received_at: row.received_at.toISOString(),
    next_attempt_at: row.next_attempt_at.toISOString(),
    parked_at: iso(row.parked_at),
  }));
}

/** Puts a parked event back in the relay's queue (after its cause was repaired); `missing` / `not_parked` otherwise. */
export async function requeueInboxEvent(sql: pg.Pool, id: string): Promise<'requeued' | 'missing' | 'not_parked'> {
  const { rows } = await sql.query<{ parked: boolean; requeued: boolean }>(
    `with target as (select id, parked_at is not null and processed_at is null as parked from webhook_events where id = $1),
          requeued as (
            update webhook_events e set parked_at = null, parked_reason = null, attempts = 0, last_error = null, next_attempt_at = now()
              from target where e.id = target.id and target.parked
              returning e.id
          )
     select target.parked, exists (select 1 from requeued) as requeued from target`,
    [id],
  );
  const [row] = rows;
  if (!row) return 'missing';
  if (!row.requeued) return 'not_parked';
  await sql.query(`select pg_notify('${INBOX_CHANNEL}', $1)`, [id]);
  return 'requeued';
}
