import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase, type ShutdownMode } from '../../dev/embedded-postgres.js';
import { openOrm } from '../../db/orm.js';
import { freePort } from './ports.js';

/**
 * A PostgreSQL server of a test's own (the embedded-postgres binaries, a fresh migrated database), which the test may
 * stop, crash and start again: the machine's shared server must never be stopped.
 */
export interface OwnPostgres {
  /** The connection string of its `webmagic` database. */
  url: string;
  /** Stops the server: `immediate` ends every process at once, as a crash would. */
  stop(mode?: ShutdownMode): Promise<void>;
  /** Starts the stopped server again on the same port and data. */
  start(): Promise<void>;
  /** Runs one statement on a connection of its own (e.g. to hold a lock from outside the API). */
  query(sql: string): Promise<void>;
  /** Stops the server and removes its data. */
  remove(): Promise<void>;
}

/** Starts a server on a free port with its data in a temporary folder, and migrates its database. */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  const port = await freePort();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/webmagic`;
  const folder = mkdtempSync(join(tmpdir(), 'webmagic-own-pg-'));
  const dataDir = join(folder, 'data');
  let server: EmbeddedDatabase | null = await startEmbeddedPostgres(url, dataDir);
  const orm = await openOrm({ url, poolMax: 1, connectTimeoutMs: 10_000 });
  try {
    await orm.migrator.up();
  } finally {
    await orm.close();
  }
  const { dataDir: usedDataDir } = server;
  return {
    url,
    async stop(mode) {
      await server?.stop(mode);
      server = null;
    },
    async start() {
      server ??= await startEmbeddedPostgres(url, dataDir);
    },
    async query(sql) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    },
    async remove() {
      await server?.stop('immediate');
      server = null;
      rmSync(usedDataDir, { recursive: true, force: true });
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
