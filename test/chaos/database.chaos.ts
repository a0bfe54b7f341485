import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { temporalCliPath } from '../../dev/temporal-binaries.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { pressCheckoutButton } from '../helpers/claims.js';
import { startOwnPostgres, type OwnPostgres } from '../helpers/own-postgres.js';
import { freePort } from '../helpers/ports.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { startWorkerProcess, type WorkerProcess } from '../helpers/spawn-worker.js';
import { claimantAddress, claimUntilAnswered, expectPurchasesSettled, seedChaosSites, tally, type AnswerTally } from './purchase-run.js';

// Chaos run of the database (npm run chaos): N purchases through the HTTP API, two racing claimants per site, while
// the run's own PostgreSQL is crashed (immediate shutdown) and restarted, every connection of the API's pools is held,
// and statements are made slow (an exclusive lock on the sites table; a trigger that sleeps in every inbox insert).
// A reader asks for a site, a published page and the readiness probe all along. Every answer is counted: none may be a 500,
// every 503 must carry Retry-After, and no webhook may go unanswered for the provider's 15 s. Afterwards the money
// invariants hold, no workflow is left without a timer and every history replays.
const PURCHASES = Number(process.env.CHAOS_PURCHASES ?? 30);
/** How long PostgreSQL stays down in each crash before it is started again (the restart's recovery adds to it). */
const DOWN_MS = Number(process.env.CHAOS_DB_DOWN_MS ?? 2000);
/** How long every pooled connection is held, and how long statements are slow, in each of those faults. */
const HOLD_MS = Number(process.env.CHAOS_DB_HOLD_MS ?? 4000);
/** The delay of every inbox insert while the slow trigger is in place. */
const SLOW_INSERT_MS = 2000;
/** Svix's schedule, shortened: the provider keeps redelivering for about a minute. */
const WEBHOOK_RETRY_DELAYS_MS = [0, 500, 1000, 2000, 4000, 8000, 15_000, 30_000];

const dir = mkdtempSync(join(tmpdir(), 'webmagic-db-chaos-'));
let own: OwnPostgres;
let temporal: TestWorkflowEnvironment;
let stack: TestStack;
let worker: WorkerProcess | null = null;
const purchaseAnswers: AnswerTally = { counts: {}, firstBodies: {} };
const readerAnswers: AnswerTally = { counts: {}, firstBodies: {} };
const figures = {
  purchases: PURCHASES, databaseCrashes: 0, poolExhaustions: 0, heldConnections: 0, lockedSitesWindows: 0, slowInsertWindows: 0,
  purchaseAnswers: purchaseAnswers.counts, readerAnswers: readerAnswers.counts, otherAnswers: {} as Record<number, string>,
  /** 503s of the API (purchases and the reader) without a Retry-After header. */
  unavailableWithoutRetryAfter: 0,
  /** The slowest 503 the reader got, in ms. */
  slowest503Ms: 0,
  webhookDeliveries: 0, webhookRedeliveries: 0, webhookAnswers: {} as Record<string, number>, webhookUnanswered: 0,
  replayedHistories: 0, nondeterminism: null as number | null, replayErrors: [] as string[], seconds: 0,
};
let started = Date.now();

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  own = await startOwnPostgres();
  const port = await freePort();
  temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1', port, dbFilename: join(dir, 'temporal.sqlite'), searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' },
    },
  });
  stack = await startTestStack(
    { DATABASE_URL: own.url, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, CHECKOUT_EXPIRY: '10m', TEMPORAL_RPC_TIMEOUT: '10s', DB_POOL_MAX: '4' },
    undefined, undefined, { webhookRetryDelaysMs: WEBHOOK_RETRY_DELAYS_MS },
  );
  await stack.worker.stop();
  await seedChaosSites(stack, PURCHASES);
  await seedDemoSites(stack.api.orm.em.fork(), stack.config.pricing);
  worker = startWorkerProcess(stack, inject('workflowBundlePath'));
  await worker.polling;
}, 300_000);
afterAll(async () => {
  // Printed whether or not the run passed, with what it got to.
  if (stack) {
    const deliveries = stack.recurrente.deliveries();
    figures.webhookDeliveries = deliveries.length;
    figures.webhookRedeliveries = deliveries.length - new Set(deliveries.map((d) => d.messageId)).size;
    for (const d of deliveries) figures.webhookAnswers[String(d.status ?? 'none')] = (figures.webhookAnswers[String(d.status ?? 'none')] ?? 0) + 1;
    figures.webhookUnanswered = deliveries.filter((d) => d.status === undefined).length;
    figures.otherAnswers = { ...purchaseAnswers.firstBodies, ...readerAnswers.firstBodies };
    figures.seconds = Math.round((Date.now() - started) / 1000);
    console.log(`database chaos figures: ${JSON.stringify(figures)}`);
  }
  worker?.child.kill('SIGKILL');
  await stack?.stop();
  await temporal?.teardown();
  await own?.remove();
  rmSync(dir, { recursive: true, force: true });
});

/** Counts an answer of the API; a 503 must say when to come back. */
function count(answers: AnswerTally, res: { statusCode: number; body: string; headers: Record<string, unknown> }): void {
  tally(answers, res.statusCode, res.body);
  if (res.statusCode === 503 && res.headers['retry-after'] === undefined) figures.unavailableWithoutRetryAfter += 1;
}

/** Crashes PostgreSQL (every process ended at once) and starts it again after DOWN_MS. */
async function crashDatabase(): Promise<void> {
  await own.stop('immediate');
  figures.databaseCrashes += 1;
  await pause(DOWN_MS);
  await own.start();
}

/** Holds every connection of the API's two pools (the ORM's and the SQL one) for HOLD_MS. */
async function exhaustPools(): Promise<void> {
  const pools = [await stack.api.orm.em.getConnection().getNativeClient(), stack.api.app.sql];
  const attempts = await Promise.allSettled(pools.flatMap((pool) => Array.from({ length: stack.config.database.poolMax }, () => pool.connect())));
  const held = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
  figures.poolExhaustions += 1;
  figures.heldConnections += held.length;
  await pause(HOLD_MS);
  for (const client of held) client.release();
}

/** Runs `during` while an outside transaction holds `sql`'s lock, then rolls it back. */
async function withLock(sql: string, during: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: own.url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(sql);
    await during();
  } finally {
    await client.query('rollback').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Slow statements: the sites table locked from outside for HOLD_MS, then every inbox insert sleeping for HOLD_MS. */
async function slowStatements(): Promise<void> {
  await withLock('lock table sites in access exclusive mode', () => pause(HOLD_MS));
  figures.lockedSitesWindows += 1;
  await own.query(`create or replace function chaos_slow_insert() returns trigger language plpgsql as $$ begin perform pg_sleep(${SLOW_INSERT_MS / 1000}); return new; end $$;
    create trigger chaos_slow_insert before insert on webhook_events for each row execute function chaos_slow_insert()`);
  figures.slowInsertWindows += 1;
  await pause(HOLD_MS);
  await own.query('drop trigger chaos_slow_insert on webhook_events; drop function chaos_slow_insert()');
}

/** Reads a site, its page and the readiness probe every 200 ms until stopped. */
function startReader(): () => Promise<void> {
  let reading = true;
  const requests: InjectOptions[] = [
    { method: 'GET', url: '/api/v1/sites/chaos-0' },
    { method: 'GET', url: '/sites/plumber-joe', headers: { host: 'webmagic.test' } },
    { method: 'GET', url: '/api/v1/health/ready' },
  ];
  const loop = (async () => {
    while (reading) {
      for (const request of requests) {
        const began = Date.now();
        const res = await stack.api.app.inject(request);
        count(readerAnswers, res);
        if (res.statusCode === 503) figures.slowest503Ms = Math.max(figures.slowest503Ms, Date.now() - began);
      }
      await pause(200);
    }
  })();
  return async () => {
    reading = false;
    await loop;
  };
}

describe('chaos: purchases while PostgreSQL crashes, its pool is exhausted and statements are slow', () => {
  it('answers 503s with Retry-After (never a 500), answers every webhook in time, and keeps the money invariants', async () => {
    started = Date.now();
    stack.recurrente.setDeliveryMode({ duplicate: 2 });
    const stopReader = startReader();
    // Each fault starts at its share of the purchases (or when the one before it ends) and runs beside them.
    const schedule: [number, () => Promise<void>][] = [
      [Math.floor(PURCHASES / 5), crashDatabase],
      [Math.floor((2 * PURCHASES) / 5), exhaustPools],
      [Math.floor((3 * PURCHASES) / 5), slowStatements],
      [Math.floor((4 * PURCHASES) / 5), crashDatabase],
    ];
    let faults: Promise<void> = Promise.resolve();
    const paid: string[] = [];
    try {
      for (let i = 0; i < PURCHASES; i += 1) {
        for (const [at, fault] of schedule) {
          if (at !== i) continue;
          faults = faults.then(fault);
          // Handled here so that a failed fault is not an unhandled rejection while purchases go on; awaited below.
          faults.catch(() => undefined);
        }
        const slug = `chaos-${i}`;
        const [a, b] = await Promise.all([
          claimUntilAnswered(stack, slug, { email: `a${i}@example.com`, name: `Racer A ${i}` }, claimantAddress(1, i), (res) => count(purchaseAnswers, res)),
          claimUntilAnswered(stack, slug, { email: `b${i}@example.com`, name: `Racer B ${i}` }, claimantAddress(2, i), (res) => count(purchaseAnswers, res)),
        ]);
        const winner = [a, b].find((r) => r.status === 200);
        expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
        expect(await pressCheckoutButton(winner!.url!, 'pay')).toBe(303);
        paid.push(slug);
      }
      await faults;
    } finally {
      await faults.catch(() => undefined);
      await stopReader();
    }
    await stack.recurrente.flush();

    const replay = await expectPurchasesSettled(stack, paid, inject('workflowBundlePath'));
    figures.replayedHistories = replay.replayed;
    figures.nondeterminism = replay.nondeterministic;
    figures.replayErrors = replay.errors;
    expect(replay.nondeterministic).toBe(0);

    expect(figures.databaseCrashes).toBeGreaterThanOrEqual(2);
    const serverErrors = (answers: AnswerTally) => Object.keys(answers.counts).map(Number).filter((status) => status >= 500 && status !== 503);
    expect(serverErrors(purchaseAnswers)).toEqual([]);
    expect(serverErrors(readerAnswers)).toEqual([]);
    expect(figures.unavailableWithoutRetryAfter).toBe(0);
    const deliveries = stack.recurrente.deliveries();
    expect(deliveries.filter((d) => d.status === undefined)).toEqual([]);
    expect(deliveries.filter((d) => d.status !== undefined && d.status >= 500 && d.status !== 503)).toEqual([]);
  }, 900_000);
});
