import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { parseRecurrenteEvent, WebhookPayloadError } from '../../lib/recurrente/events.js';
import type { ApiDeps } from '../deps.js';
import { routeRecurrenteEvent } from './recurrente.js';
import { INBOX_CHANNEL } from './inbox.js';

/** The relay running in this process. */
export interface WebhookRelay {
  /** Looks at the inbox now (a notification arrived or a test wants it). */
  wake(): void;
  /** Finishes the event in hand, then stops listening and polling. */
  stop(): Promise<void>;
}

/** How long one delivery may wait on Temporal before it counts as unavailable. */
const SIGNAL_DEADLINE_MS = 5_000;

interface ClaimedRow {
  id: string;
  provider_event_id: string;
  body: Buffer | null;
  attempts: number;
}

type Mark =
  | { kind: 'processed'; workflowId: string | null; type: string; payload: string }
  | { kind: 'parked'; reason: string; type: string | null; payload: string | null }
  | { kind: 'retry'; error: string; delayMs: number; temporalDown: boolean };

const CLAIM = `select id, provider_event_id, body, attempts from webhook_events
  where provider = 'recurrente' and processed_at is null and parked_at is null and next_attempt_at <= now()
  order by next_attempt_at, received_at limit $1 for update skip locked`;

/** Temporal did not answer (down, unreachable, overloaded): wait and try again, however long that takes. */
function temporalUnavailable(error: unknown): boolean {
  if (error instanceof ServiceError || isGrpcServiceError(error)) return true;
  return error instanceof Error && /unavailable|deadline|connect|transport|aborted/i.test(`${error.name} ${error.message}`);
}

/**
 * Starts the inbox relay: woken by NOTIFY on the inbox channel and by a polling fallback, it claims pending rows
 * with `FOR UPDATE SKIP LOCKED` (so several API processes share the work and no event is delivered by two of them),
 * validates each strictly, routes it to its workflow, and marks it processed, parked (with a reason) or due for a
 * retry with back-off. Temporal being down delays delivery; it never loses an event.
 */
export function startWebhookRelay(deps: Pick<ApiDeps, 'config' | 'orm' | 'temporal'>, sql: pg.Pool, log: FastifyBaseLogger): WebhookRelay {
  const settings = deps.config.webhookRelay;
  const abort = new AbortController();
  let stopped = false;
  let woken = true;
  let sleeping: { timer: NodeJS.Timeout; resolve: () => void; wakeable: boolean } | null = null;
  let listener: pg.Client | null = null;
  let reconnect: NodeJS.Timeout | null = null;

  const endSleep = () => {
    if (!sleeping) return;
    clearTimeout(sleeping.timer);
    const { resolve } = sleeping;
    sleeping = null;
    resolve();
  };
  const wake = () => {
    woken = true;
    if (sleeping?.wakeable) endSleep();
  };
  const sleep = (ms: number, wakeable: boolean) => new Promise<void>((resolve) => {
    if (stopped) return resolve();
    sleeping = { timer: setTimeout(endSleep, ms), resolve, wakeable };
  });

  const backoff = (attempts: number) => Math.min(settings.retryMaxMs, settings.retryMinMs * 2 ** Math.min(attempts, 30));

  async function deliver(row: ClaimedRow): Promise<Mark> {
    const raw = row.body?.toString('utf8') ?? '';
    let event;
    try {
      event = parseRecurrenteEvent(raw, row.provider_event_id);
    } catch (error) {
      if (error instanceof WebhookPayloadError) return { kind: 'parked', reason: `${error.problem}: ${error.message}`, type: null, payload: null };
      throw error;
    }
    try {
      const outcome = await deps.temporal.withAbortSignal(abort.signal, () =>
        deps.temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => routeRecurrenteEvent(deps, deps.orm.em.fork(), event)));
      if (outcome.kind === 'parked') return { kind: 'parked', reason: outcome.reason, type: event.type, payload: raw };
      return { kind: 'processed', workflowId: outcome.kind === 'delivered' ? outcome.workflowId : null, type: event.type, payload: raw };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const temporalDown = temporalUnavailable(error);
      if (!temporalDown && row.attempts + 1 >= settings.maxAttempts) {
        return { kind: 'parked', reason: `delivery_failed: ${message}`, type: event.type, payload: raw };
      }
      return { kind: 'retry', error: message, delayMs: backoff(row.attempts), temporalDown };
    }
  }

  async function mark(client: pg.PoolClient, row: ClaimedRow, result: Mark): Promise<void> {
    if (result.kind === 'processed') {
      await client.query(
        `update webhook_events set processed_at = now(), workflow_id = $2, type = $3, payload = $4::jsonb, attempts = attempts + 1, last_error = null where id = $1`,
        [row.id, result.workflowId, result.type, result.payload],
      );
    } else if (result.kind === 'parked') {
      await client.query(
        `update webhook_events set parked_at = now(), parked_reason = $2, type = $3, payload = $4::jsonb, attempts = attempts + 1 where id = $1`,
        [row.id, result.reason, result.type, result.payload],
      );
    } else {
      await client.query(
        `update webhook_events set attempts = attempts + 1, last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond' where id = $1`,
        [row.id, result.error, result.delayMs],
      );
    }
  }

  /** Handles one batch in one transaction; answers how many rows it claimed and how long to pause when Temporal is down. */
  async function runBatch(): Promise<{ claimed: number; pauseMs: number }> {
    const client = await sql.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<ClaimedRow>(CLAIM, [settings.batchSize]);
      let pauseMs = 0;
      for (const row of rows) {
        if (stopped) break;
        const result = await deliver(row);
        await mark(client, row, result);
        if (result.kind === 'parked') log.warn({ eventId: row.provider_event_id, reason: result.reason }, 'webhook event parked for an operator');
        if (result.kind === 'retry') {
          log.warn({ eventId: row.provider_event_id, attempts: row.attempts + 1, error: result.error }, 'webhook event not delivered; will retry');
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

  async function listen(): Promise<void> {
    const client = new pg.Client({ connectionString: deps.config.database.url, connectionTimeoutMillis: deps.config.database.connectTimeoutMs });
    const retry = () => {
      if (stopped || reconnect) return;
      listener = null;
      reconnect = setTimeout(() => {
        reconnect = null;
        void listen();
      }, settings.pollMs);
    };
    client.on('error', (error) => {
      log.warn({ err: error }, 'webhook relay lost its notification connection; polling until it is back');
      void client.end().catch(() => undefined);
      retry();
    });
    client.on('notification', wake);
    try {
      await client.connect();
      await client.query(`listen ${INBOX_CHANNEL}`);
      if (stopped) {
        await client.end();
        return;
      }
      listener = client;
      wake();
    } catch (error) {
      log.warn({ err: error }, 'webhook relay could not listen for notifications; polling');
      await client.end().catch(() => undefined);
      retry();
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      if (!woken) await sleep(settings.pollMs, true);
      if (stopped) break;
      woken = false;
      try {
        const { claimed, pauseMs } = await runBatch();
        if (pauseMs > 0) await sleep(pauseMs, false);
        else if (claimed >= settings.batchSize) woken = true;
      } catch (error) {
        if (stopped) break;
        log.error({ err: error }, 'webhook relay round failed');
        await sleep(settings.pollMs, false);
      }
    }
  }

  void listen();
  const running = loop();
  return {
    wake,
    async stop() {
      stopped = true;
      abort.abort();
      if (reconnect) clearTimeout(reconnect);
      endSleep();
      await running;
      await listener?.end().catch(() => undefined);
    },
  };
}
