/**
 * Worker memory per cached workflow, for `npm run bench`: `count` subscription workflows, each seeded as an
 * active subscription (site copied from a seeded one, subscription row written directly) and started by the client
 * in batches, load their row and sit on their renewal timer, cached by a worker in its own process
 * (`memory-worker.ts`, cache sized to hold them all). The baseline is the same worker process, started and
 * polling, with an empty cache. Memory is read in the worker process after a full garbage collection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { subscriptionSettings } from '../api/services/subscriptions.js';
import type { AppConfig } from '../lib/config.js';
import { workflowIds } from '../lib/workflow-ids.js';
import { SITE_SLUG } from '../workflows/search-attributes.js';
import { subscriptionWorkflow } from '../workflows/subscription/workflow.js';
import type { MemoryReport } from './memory-worker.js';
import { cloneSites } from './seed-sites.js';

const WORKER = fileURLToPath(new URL('./memory-worker.ts', import.meta.url));
const START_CONCURRENCY = 50;
/**
 * How long the workflows may take to reach their timers before the bench reports what it has: the Temporal dev
 * server (SQLite) settles about 15 workflows a second on the 2-core machine, so 10 000 need about 10 minutes.
 */
export const SETTLE_LIMIT_MS = 12 * 60_000;

export interface WorkerMemory {
  count: number;
  cached: number;
  before: MemoryReport;
  after: MemoryReport;
  /** Seconds until the client had started every workflow, and until the worker had cached them (or the limit). */
  startSeconds: number;
  settleSeconds: number;
}

function ask(child: ChildProcess): Promise<MemoryReport> {
  return new Promise((resolve) => {
    child.once('message', (report) => resolve(report as MemoryReport));
    child.send({});
  });
}

/** Seeds `count` active subscriptions in one statement per table, under one owner. */
async function seedSubscriptions(orm: MikroORM, count: number): Promise<{ id: string; slug: string }[]> {
  const sites = await cloneSites(orm, 'plumber-joe', 'idle-subscription', count);
  const connection = orm.em.getConnection();
  const [owner] = await connection.execute<{ id: string }[]>(
    `insert into customer_users (id, created_at, updated_at, email, full_name) values (gen_random_uuid(), now(), now(), 'idle-owner@example.com', 'Idle Owner') returning id`,
  );
  await connection.execute(
    `insert into subscriptions (id, created_at, updated_at, site_id, customer_id, provider_subscription_id, status, amount_cents, currency, current_period_start, current_period_end)
     select gen_random_uuid(), now(), now(), s.id, ?, 'su_idle_' || s.slug, 'active', s.monthly_amount_cents, s.currency, now(), now() + interval '30 days'
     from sites s where s.slug like 'idle-subscription-%'`,
    [owner!.id],
  );
  return sites;
}

export async function measureWorkerMemory(options: { orm: MikroORM; client: Client; config: AppConfig; env: Record<string, string>; bundlePath: string; count: number }): Promise<WorkerMemory> {
  const { orm, client, config, count } = options;
  const taskQueue = 'bench-memory';
  const sites = await seedSubscriptions(orm, count);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', WORKER, String(count + 100)], {
    env: { ...process.env, ...options.env, TEMPORAL_TASK_QUEUE: taskQueue, WORKFLOW_BUNDLE: options.bundlePath, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`memory worker exited with ${code}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const before = await ask(child);

    const settings = subscriptionSettings(config);
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: START_CONCURRENCY }, async () => {
      while (next < sites.length) {
        const site = sites[next++]!;
        await client.workflow.start(subscriptionWorkflow, {
          workflowId: workflowIds.subscription(site.id),
          taskQueue,
          args: [{ siteId: site.id, settings }],
          typedSearchAttributes: [{ key: SITE_SLUG, value: site.slug }],
        });
      }
    }));
    const startSeconds = (performance.now() - started) / 1000;
    let report = await ask(child);
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    while ((report.cached < count || report.busy > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      report = await ask(child);
    }
    const settleSeconds = (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await ask(child);
    return { count, cached: after.cached, before, after, startSeconds, settleSeconds };
  } finally {
    // A graceful shutdown drains thousands of cached runs (and hung after the full run); the process holds nothing to keep.
    child.kill('SIGKILL');
  }
}
