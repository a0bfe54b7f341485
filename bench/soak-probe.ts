/**
 * Preloaded (`--import`) into the API and the worker processes `npm run soak` starts, run with `--expose-gc`: answers
 * every IPC message with the process's memory after a full garbage collection, its event-loop delay since the last
 * answer and over the whole run, and how often its PostgreSQL pools made a query wait for a connection. The worker's
 * metrics listener is the Temporal runtime's exporter, which has no Node figures; this reads both processes alike and
 * changes nothing in them but a timing wrapper around `Pool.connect`.
 */
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type pg from 'pg';

/** What one answer of the probe carries (memory in bytes, delays and waits in milliseconds). */
export interface ProbeReport {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  /** Event-loop delay p99 and max since the previous answer, and p99 since the start. */
  loopP99: number;
  loopMax: number;
  loopP99Run: number;
  /** Pool connections asked for, those asked for with every connection busy (the query waited), and the waits' time. */
  poolAcquires: number;
  poolWaits: number;
  poolWaitMsTotal: number;
  poolWaitMsMax: number;
}

const sinceLast = monitorEventLoopDelay({ resolution: 10 });
const sinceStart = monitorEventLoopDelay({ resolution: 10 });
sinceLast.enable();
sinceStart.enable();
const pool = { acquires: 0, waits: 0, waitMsTotal: 0, waitMsMax: 0 };

/** Times `connect()` of a `pg` module's Pool; a call made with no idle connection and the pool full is a wait. */
function timeConnects(Pool: typeof pg.Pool): void {
  const connect = Reflect.get(Pool.prototype, 'connect') as (this: pg.Pool, ...args: unknown[]) => unknown;
  const timed = function (this: pg.Pool & { options: { max: number } }, ...args: unknown[]): unknown {
    pool.acquires += 1;
    if (this.idleCount > 0 || this.totalCount < this.options.max || args.length > 0) return connect.apply(this, args);
    pool.waits += 1;
    const started = performance.now();
    const settled = () => {
      const waited = performance.now() - started;
      pool.waitMsTotal += waited;
      pool.waitMsMax = Math.max(pool.waitMsMax, waited);
    };
    const answer = connect.apply(this, args) as Promise<pg.PoolClient>;
    answer.then(settled, settled);
    return answer;
  };
  Pool.prototype.connect = timed as typeof Pool.prototype.connect;
}

// MikroORM's driver carries its own copy of `pg`; the API's LISTEN and gauges use the top-level one.
const here = createRequire(import.meta.url);
const copies = new Set([here.resolve('pg'), createRequire(here.resolve('@mikro-orm/postgresql')).resolve('pg')]);
for (const path of copies) timeConnects((here(path) as typeof pg).Pool);

const ms = (ns: number) => ns / 1e6;

process.on('message', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const report: ProbeReport = {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    loopP99: ms(sinceLast.percentile(99)),
    loopMax: ms(sinceLast.max),
    loopP99Run: ms(sinceStart.percentile(99)),
    poolAcquires: pool.acquires,
    poolWaits: pool.waits,
    poolWaitMsTotal: pool.waitMsTotal,
    poolWaitMsMax: pool.waitMsMax,
  };
  sinceLast.reset();
  process.send?.(report);
});
// The channel must not keep a process alive that has finished its work.
process.channel?.unref();
