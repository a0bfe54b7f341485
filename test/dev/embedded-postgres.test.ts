import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../dev/embedded-postgres.js';
import { freePort } from '../helpers/ports.js';

const dataDir = mkdtempSync(join(tmpdir(), 'webmagic-pg-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('embedded PostgreSQL (the default when DATABASE_URL is not set)', () => {
  it('initialises a data directory, creates the database, keeps data across a restart', async () => {
    const url = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/webmagic_embedded`;
    const query = async (sql: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await client.query<{ n: number }>(sql);
      } finally {
        await client.end();
      }
    };

    const first = await startEmbeddedPostgres(url, dataDir);
    await query('create table kept (n int); insert into kept values (42)');
    await first.stop();

    const second = await startEmbeddedPostgres(url, dataDir);
    const { rows } = await query('select n from kept');
    expect(rows).toEqual([{ n: 42 }]);
    await second.stop();
  }, 120_000);
});
