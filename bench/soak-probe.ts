/**
 * Preloaded (`--import`) into the API and the worker processes `npm run soak` starts, run with `--expose-gc`: answers
 * every IPC message with the process's memory after a full garbage collection of every thread, its event-loop delay
 * since the last answer and over the whole run, and how often its PostgreSQL pools made a query wait for a connection.
 * The worker's metrics listener is the Temporal runtime's exporter, which has no Node figures; this reads both
 * processes alike and changes nothing in them but a timing wrapper around `Pool.connect`.
 *
 * Worker threads inherit the process's flags, this preload included: the worker's workflows run in such a thread (the
 * SDK's workflow thread, one V8 isolate of its own that `process.memoryUsage().heapUsed` does not count). There the
 * probe only answers the main thread's requests on a BroadcastChannel with that isolate's heap after a full collection.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import type pg from 'pg';

/** What one answer of the probe carries (memory in bytes, delays and waits in milliseconds). */
export interface ProbeReport {
  /** Of the whole process, read after every thread's collection; `anonymous` is the part not backed by a file (heaps, allocator, stacks). */
  rss: number;
  anonymous: number;
  /** The main thread's isolate: heap used and reserved, and the part of it reserved for the young generation (new space). */
  heapUsed: number;
  heapTotal: number;
  newSpace: number;
  external: number;
  /** The other threads' isolates (the worker's workflow thread), after their own full collection: how many answered, heap used and reserved. */
  threads: number;
  threadsHeapUsed: number;
  threadsHeapTotal: number;
  threadsNewSpace: number;
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

/** A thread's answer on the probe's channel. */
interface ThreadHeap {
  threadId: number;
  used: number;
  total: number;
  newSpace: number;
}

const CHANNEL = 'webmagic-soak-probe';
/** How long the main thread waits for the threads' answers; a thread busy with a long activation answers late or not at all. */
const THREAD_ANSWER_MS = 5000;

const gc = () => (globalThis as { gc?: () => void }).gc?.();
/** Bytes V8 reserves for the young generation of this thread's isolate; it grows with the allocation rate up to `--max-semi-space-size`. */
const newSpaceBytes = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

if (isMainThread) probeMainThread();
else answerForThread();

function answerForThread(): void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event) => {
    if (event.data !== 'heap?') return;
    gc();
    const heap = getHeapStatistics();
    channel.postMessage({ threadId, used: heap.used_heap_size, total: heap.total_heap_size, newSpace: newSpaceBytes() } satisfies ThreadHeap);
  };
  // The channel must not keep a thread alive that has finished its work.
  channel.unref();
}

/** Bytes of the process's anonymous memory, from `/proc/self/smaps_rollup` (0 where there is none). */
function anonymousBytes(): number {
  try {
    return Number(/^Anonymous:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function probeMainThread(): void {
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

  /** Asks every thread with the probe to collect and answer its heap; answers those heard within THREAD_ANSWER_MS. */
  const threadHeaps = (): Promise<ThreadHeap[]> => new Promise((resolve) => {
    const channel = new BroadcastChannel(CHANNEL);
    const heard = new Map<number, ThreadHeap>();
    channel.onmessage = (event) => {
      const heap = event.data as ThreadHeap;
      heard.set(heap.threadId, heap);
    };
    setTimeout(() => {
      channel.close();
      resolve([...heard.values()]);
    }, THREAD_ANSWER_MS);
    channel.postMessage('heap?');
  });

  process.on('message', () => {
    void threadHeaps().then((threads) => {
      gc();
      const memory = process.memoryUsage();
      const report: ProbeReport = {
        rss: memory.rss,
        anonymous: anonymousBytes(),
        heapUsed: memory.heapUsed,
        heapTotal: memory.heapTotal,
        newSpace: newSpaceBytes(),
        external: memory.external,
        threads: threads.length,
        threadsHeapUsed: threads.reduce((sum, t) => sum + t.used, 0),
        threadsHeapTotal: threads.reduce((sum, t) => sum + t.total, 0),
        threadsNewSpace: threads.reduce((sum, t) => sum + t.newSpace, 0),
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
  });
  // The channel must not keep a process alive that has finished its work.
  process.channel?.unref();
}
