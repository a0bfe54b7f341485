import { SpanStatusCode, trace } from '@opentelemetry/api';
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { UnavailableError } from '../../lib/errors.js';
import { parseRecurrenteEvent, WebhookPayloadError, type RecurrenteEvent } from '../../lib/recurrente/events.js';
import { contextOf, tracer } from '../../lib/telemetry/tracing.js';
import type { ApiDeps } from '../deps.js';
import { callTemporal } from '../temporal.js';
import { INBOX_CHANNEL } from './inbox.js';
import { relayLag } from '../metrics/registry.js';
import { routeRecurrenteEvent, type TemporalCaller } from './recurrente.js';

/** How long one delivery may wait on Temporal before it counts as unavailable. */
const SIGNAL_DEADLINE_MS = 5_000;

interface ClaimedRow {
  id: string;
  provider_event_id: string;
  body: Buffer | null;
  attempts: number;
  received_at: Date;
  trace_parent: string | null;
}

type Mark =
  | { kind: 'processed'; workflowId: string | null; type: string; payload: string }
  | { kind: 'parked'; reason: string; type: string | null; payload: string | null }
  | { kind: 'retry'; error: string; delayMs: number; temporalDown: boolean };

const CLAIM = `select id, provider_event_id, body, attempts, received_at, trace_parent from webhook_events
  where provider = 'recurrente' and processed_at is null and parked_at is null and next_attempt_at <= now()
  order by next_attempt_at, received_at limit $1 for update skip locked`;

const MARK = {
  processed: `update webhook_events set processed_at = now(), workflow_id = $2, type = $3, payload = $4::jsonb, attempts = attempts + 1, last_error = null where id = $1`,
  parked: `update webhook_events set parked_at = now(), parked_reason = $2, type = $3, payload = $4::jsonb, attempts = attempts + 1 where id = $1`,
  retry: `update webhook_events set attempts = attempts + 1, last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond' where id = $1`,
};

/** Temporal did not answer (down, unreachable, overloaded): wait and try again, however long that takes. */
function temporalUnavailable(error: unknown): boolean {
  if (error instanceof UnavailableError || error instanceof ServiceError || isGrpcServiceError(error)) return true;
  return error instanceof Error && /unavailable|deadline|connect|transport|aborted/i.test(`${error.name} ${error.message}`);
}

/**
 * The inbox relay: woken by NOTIFY on the inbox channel and by a polling fallback, it claims pending rows with
 * `FOR UPDATE SKIP LOCKED` (so several API processes share the work and no event is delivered by two of them),
 * validates each strictly, routes it to its workflow, and marks it processed, parked (with a reason) or due for a
 * retry with back-off. Temporal being down delays delivery; it never loses an event.
 */
export class WebhookRelay {
  readonly #settings: ApiDeps['config']['webhookRelay'];
  readonly #abort = new AbortController();
  readonly #temporal: TemporalCaller;
  #stopped = false;
  #woken = true;
  #sleeping: { timer: NodeJS.Timeout; resolve: () => void; wakeable: boolean } | null = null;
  #listener: pg.Client | null = null;
  #reconnect: NodeJS.Timeout | null = null;
  #running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: Pick<ApiDeps, 'config' | 'orm' | 'temporal'>, private readonly sql: pg.Pool, private readonly log: FastifyBaseLogger) {
    this.#settings = deps.config.webhookRelay;
    this.#temporal = (call) => callTemporal(deps, call, { timeoutMs: SIGNAL_DEADLINE_MS, signal: this.#abort.signal, service: 'webhook' });
  }

  /** Starts listening for notifications and working through the inbox. */
  start(): void {
    void this.#listen();
    this.#running = this.#loop();
  }

  /** Looks at the inbox now (a notification arrived or a test wants it). */
  wake(): void {
    this.#woken = true;
    if (this.#sleeping?.wakeable) this.#endSleep();
  }

  /** Finishes the event in hand, then stops listening and polling. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#reconnect) clearTimeout(this.#reconnect);
    this.#endSleep();
    await this.#running;
    await this.#listener?.end().catch(() => undefined);
  }

  #endSleep(): void {
    if (!this.#sleeping) return;
    clearTimeout(this.#sleeping.timer);
    const { resolve } = this.#sleeping;
    this.#sleeping = null;
    resolve();
  }

  #sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#stopped) return resolve();
      this.#sleeping = { timer: setTimeout(() => this.#endSleep(), ms), resolve, wakeable };
    });
  }

  #backoff(attempts: number): number {
    return Math.min(this.#settings.retryMaxMs, this.#settings.retryMinMs * 2 ** Math.min(attempts, 30));
  }

  /**
   * Delivers one row inside a span. A payment a traced claim opened carries that claim's trace in its metadata: the span
   * continues it, so the claim's one trace holds its activities and the delivery, linked to the webhook request. Any
   * other event continues the trace of the request that stored it.
   */
  #traced(row: ClaimedRow): Promise<Mark> {
    const parsed = this.#parse(row);
    const origin = 'event' in parsed ? parsed.event.metadata.traceparent ?? null : null;
    const stored = contextOf(row.trace_parent);
    const parent = origin ? contextOf(origin) : stored;
    const webhookSpan = trace.getSpanContext(stored);
    const links = origin && webhookSpan ? [{ context: webhookSpan }] : [];
    const attributes = { 'webhook.event_id': row.provider_event_id, 'webhook.attempt': row.attempts + 1 };
    return tracer().startActiveSpan('webhook relay', { attributes, links }, parent, async (span) => {
      try {
        const result = 'event' in parsed ? await this.#deliver(row, parsed.event, parsed.raw) : parsed.mark;
        span.setAttribute('webhook.outcome', result.kind);
        if (result.kind !== 'processed') span.setStatus({ code: SpanStatusCode.ERROR, message: result.kind === 'parked' ? result.reason : result.error });
        return result;
      } finally {
        span.end();
      }
    });
  }

  /** Parses one stored delivery strictly; one that does not parse is parked. */
  #parse(row: ClaimedRow): { event: RecurrenteEvent; raw: string } | { mark: Mark } {
    const raw = row.body?.toString('utf8') ?? '';
    try {
      return { event: parseRecurrenteEvent(raw, row.provider_event_id), raw };
    } catch (error) {
      if (error instanceof WebhookPayloadError) return { mark: { kind: 'parked', reason: `${error.problem}: ${error.message}`, type: null, payload: null } };
      throw error;
    }
  }

  /** Routes one parsed delivery; answers how to mark its row. */
  async #deliver(row: ClaimedRow, event: RecurrenteEvent, raw: string): Promise<Mark> {
    try {
      const outcome = await routeRecurrenteEvent(this.#temporal, this.deps, this.deps.orm.em.fork(), event);
      if (outcome.kind === 'parked') return { kind: 'parked', reason: outcome.reason, type: event.type, payload: raw };
      return { kind: 'processed', workflowId: outcome.kind === 'delivered' ? outcome.workflowId : null, type: event.type, payload: raw };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const temporalDown = temporalUnavailable(error);
      if (!temporalDown && row.attempts + 1 >= this.#settings.maxAttempts) {
        return { kind: 'parked', reason: `delivery_failed: ${message}`, type: event.type, payload: raw };
      }
      return { kind: 'retry', error: message, delayMs: this.#backoff(row.attempts), temporalDown };
    }
  }

  async #mark(client: pg.PoolClient, row: ClaimedRow, result: Mark): Promise<void> {
    if (result.kind === 'processed') {
      await client.query(MARK.processed, [row.id, result.workflowId, result.type, result.payload]);
      relayLag.observe((Date.now() - row.received_at.getTime()) / 1000);
    } else if (result.kind === 'parked') await client.query(MARK.parked, [row.id, result.reason, result.type, result.payload]);
    else await client.query(MARK.retry, [row.id, result.error, result.delayMs]);
  }

  /** Handles one batch in one transaction; answers how many rows it claimed and how long to pause when Temporal is down. */
  async #runBatch(): Promise<{ claimed: number; pauseMs: number }> {
    const client = await this.sql.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<ClaimedRow>(CLAIM, [this.#settings.batchSize]);
      let pauseMs = 0;
      for (const row of rows) {
        if (this.#stopped) break;
        const result = await this.#traced(row);
        await this.#mark(client, row, result);
        if (result.kind === 'parked') this.log.warn({ eventId: row.provider_event_id, reason: result.reason }, 'webhook event parked for an operator');
        if (result.kind === 'retry') {
          this.log.warn({ eventId: row.provider_event_id, attempts: row.attempts + 1, error: result.error }, 'webhook event not delivered; will retry');
          // The rest of the batch would wait on the same outage; they stay pending for the next round.
          if (result.temporalDown) {
            pauseMs = result.delayMs;
            break;
          }
        }
      }
      await client.query('commit');
      return { claimed: rows.length, pauseMs };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  #retryListen(): void {
    if (this.#stopped || this.#reconnect) return;
    this.#listener = null;
    this.#reconnect = setTimeout(() => {
      this.#reconnect = null;
      void this.#listen();
    }, this.#settings.pollMs);
  }

  /** Opens the LISTEN connection; while it is down the relay polls, and it reconnects after a pause. */
  async #listen(): Promise<void> {
    const { database } = this.deps.config;
    const client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: database.connectTimeoutMs });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'webhook relay lost its notification connection; polling until it is back');
      void client.end().catch(() => undefined);
      this.#retryListen();
    });
    client.on('notification', () => this.wake());
    try {
      await client.connect();
      await client.query(`listen ${INBOX_CHANNEL}`);
      if (this.#stopped) {
        await client.end();
        return;
      }
      this.#listener = client;
      this.wake();
    } catch (error) {
      this.log.warn({ err: error }, 'webhook relay could not listen for notifications; polling');
      await client.end().catch(() => undefined);
      this.#retryListen();
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      if (!this.#woken) await this.#sleep(this.#settings.pollMs, true);
      if (this.#stopped) break;
      this.#woken = false;
      try {
        const { claimed, pauseMs } = await this.#runBatch();
        if (pauseMs > 0) await this.#sleep(pauseMs, false);
        else if (claimed >= this.#settings.batchSize) this.#woken = true;
      } catch (error) {
        if (this.#stopped) break;
        this.log.error({ err: error }, 'webhook relay round failed');
        await this.#sleep(this.#settings.pollMs, false);
      }
    }
  }
}
