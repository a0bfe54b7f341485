import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../lib/config.js';
import * as entityClasses from './entities/index.js';
import { migrationsList } from './migrations/index.js';

/** Where generated migrations and their snapshot live. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** What opening the database needs: where it is, the pool's size and how long to wait for one of its connections. */
export type DatabaseSettings = Pick<AppConfig['database'], 'url' | 'poolMax' | 'connectTimeoutMs'> & Partial<AppConfig['database']>;

/** Limits of a process's connections beyond the pool: the API bounds every statement so that no request hangs on the database. */
export interface ConnectionLimits {
  /** `statement_timeout` of every connection (lock waits included); none when absent. */
  statementTimeoutMs?: number;
}

/**
 * The node-postgres settings of a pool (the ORM's and the API's own): bounded waits for a connection (node-postgres waits
 * forever for a pool connection unless told otherwise), TCP keep-alive so that a peer that vanished without closing
 * the connection is noticed, and the process's statement timeout.
 */
export function poolOptions(database: DatabaseSettings, limits: ConnectionLimits = {}) {
  return {
    connectionTimeoutMillis: database.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(limits.statementTimeoutMs === undefined ? {} : { statement_timeout: limits.statementTimeoutMs }),
  };
}

/** The MikroORM configuration for a database URL: explicit entities, code-listed migrations, bounded pool waits. */
export function ormConfig(database: DatabaseSettings, limits: ConnectionLimits = {}) {
  return defineConfig({
    clientUrl: database.url,
    entities: Object.values(entityClasses),
    extensions: [Migrator],
    pool: { min: 0, max: database.poolMax, idleTimeoutMillis: 30_000 },
    driverOptions: poolOptions(database, limits),
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      migrationsList,
      snapshotOnMigrate: false,
      snapshotName: '.snapshot-webmagic',
      emit: 'ts',
      fileName: (timestamp, name) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
    debug: false,
    allowGlobalContext: false,
  });
}

/** Opens the ORM for the given database settings. */
export async function openOrm(database: DatabaseSettings, limits: ConnectionLimits = {}): Promise<MikroORM> {
  return MikroORM.init(ormConfig(database, limits));
}

/** The API's limits: every statement bounded by `DB_API_STATEMENT_TIMEOUT`. */
export function apiConnectionLimits(database: AppConfig['database']): ConnectionLimits {
  return { statementTimeoutMs: database.apiStatementTimeoutMs };
}
