import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests and benches create their throw-away databases on (the machine's own by default). */
export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDatabase {
  url: string;
  /** Drops the database, closing the connections still open to it. */
  drop(): Promise<void>;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

/** Creates an empty database `<prefix>_<random>` on the server of `serverUrl` (any database of it). */
export async function createThrowawayDatabase(prefix: string, serverUrl = ADMIN_URL): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `create database ${name}`);
  return {
    url: Object.assign(new URL(serverUrl), { pathname: `/${name}` }).toString(),
    drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`),
  };
}
