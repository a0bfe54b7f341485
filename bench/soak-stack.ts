/**
 * The processes and readings of `npm run soak`: the API and the worker started with the probe preloaded, the tables'
 * sizes, the Temporal visibility store, and the API's metrics listener.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { statSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { ProbeReport } from './soak-probe.js';
import type { TableSizes, VisibilitySize } from './soak-report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = fileURLToPath(new URL('./soak-probe.ts', import.meta.url));

/** A platform process the soak started, with the probe preloaded. */
export interface Platform {
  name: string;
  child: ChildProcess;
  ask(): Promise<ProbeReport>;
}

export function startProcess(name: string, script: string, env: Record<string, string>, log: WriteStream, ready: string): Promise<Platform> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', PROBE, script], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stderr!.pipe(log, { end: false });
  let asking = Promise.resolve<unknown>(null);
  const ask = () => {
    const answer = asking.then(() => new Promise<ProbeReport>((resolve) => {
      child.once('message', (report) => resolve(report as ProbeReport));
      child.send({});
    }));
    asking = answer;
    return answer;
  };
  // Without a line to wait for, the caller checks readiness itself.
  if (!ready) child.stdout!.pipe(log, { end: false });
  return new Promise((resolve, reject) => {
    if (!ready) resolve({ name, child, ask });
    let seen = '';
    if (ready) child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (seen.includes(ready)) return;
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes(ready)) resolve({ name, child, ask });
    });
    child.once('exit', (code, signal) => reject(new Error(`${name} exited (${signal ?? code}) before it was ready; see ${log.path as string}`)));
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Rows and bytes of every table of the public schema. */
export async function tableSizes(orm: MikroORM): Promise<TableSizes> {
  const connection = orm.em.getConnection();
  const tables = await connection.execute<{ name: string; bytes: string }[]>(
    `select tablename as name, pg_total_relation_size(format('public.%I', tablename)) as bytes from pg_tables where schemaname = 'public' order by tablename`,
  );
  const sizes: TableSizes = {};
  for (const { name, bytes: size } of tables) {
    const [{ n }] = await connection.execute<[{ n: string }]>(`select count(*) as n from "${name}"`);
    sizes[name] = { rows: Number(n), bytes: Number(size) };
  }
  return sizes;
}

export async function visibility(client: Client, sqlite: string): Promise<VisibilitySize> {
  const fileSize = (path: string) => {
    try {
      return statSync(path).size;
    } catch {
      return 0;
    }
  };
  return {
    executions: (await client.workflow.count()).count,
    running: (await client.workflow.count('ExecutionStatus = "Running"')).count,
    sqliteBytes: fileSize(sqlite) + fileSize(`${sqlite}-wal`),
  };
}

/** The API's own view from its metrics listener: RSS, heap used (no forced GC), event-loop p99 and requests waiting for the pool. */
export async function scrapeApi(url: string): Promise<{ rss: number; heapUsed: number; loopP99: number; poolWaiting: number }> {
  const text = await (await fetch(url)).text();
  const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    rss: value('webmagic_api_process_resident_memory_bytes'),
    heapUsed: value('webmagic_api_nodejs_heap_size_used_bytes'),
    loopP99: value('webmagic_api_nodejs_eventloop_lag_p99_seconds') * 1000,
    poolWaiting: value('webmagic_db_pool_connections{state="waiting"}'),
  };
}

/** Workflows in the worker's sticky cache, from the Temporal runtime's exporter on the worker's metrics listener. */
export async function workerCachedWorkflows(url: string): Promise<number> {
  const text = await (await fetch(url)).text();
  return Number(/^temporal_sticky_cache_size\{[^}]*\} (\S+)$/m.exec(text)?.[1] ?? 0);
}
