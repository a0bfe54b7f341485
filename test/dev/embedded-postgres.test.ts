import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../dev/embedded-postgres.js';
import { freePort } from '../helpers/ports.js';

const folders = [mkdtempSync(join(tmpdir(), 'webmagic-pg-')), mkdtempSync(join(tmpdir(), 'webmagic-owner-only-'))];
const [ownFolder = '', ownerOnlyFolder = ''] = folders;
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('embedded PostgreSQL (the default when DATABASE_URL is not set)', () => {
  it.each([
    ['in a folder of its own', ownFolder],
    ['inside a folder only its owner may enter (kept elsewhere when started by root)', join(ownerOnlyFolder, 'postgres')],
  ])('initialises a data directory %s, creates the database, keeps data across a restart', async (_where, dataDir) => {
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
    try {
      await query('create table kept (n int); insert into kept values (42)');
      await first.stop();

      const second = await startEmbeddedPostgres(url, dataDir);
      expect(second.dataDir).toBe(first.dataDir);
      const { rows } = await query('select n from kept');
      expect(rows).toEqual([{ n: 42 }]);
      await second.stop();
      expect(statSync(ownerOnlyFolder).mode & 0o777).toBe(0o700);
    } finally {
      if (first.dataDir !== dataDir) rmSync(first.dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
