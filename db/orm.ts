import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../lib/config.js';
import * as entityClasses from './entities/index.js';
import { migrationsList } from './migrations/index.js';

/** Where generated migrations and their snapshot live. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

/** The MikroORM configuration for a database URL: explicit entities, code-listed migrations, bounded pool waits. */
export function ormConfig(database: AppConfig['database']) {
  return defineConfig({
    clientUrl: database.url,
    entities: Object.values(entityClasses),
    extensions: [Migrator],
    pool: { min: 0, max: database.poolMax, idleTimeoutMillis: 30_000 },
    // node-postgres waits forever for a pool connection unless told otherwise.
    driverOptions: { connectionTimeoutMillis: database.connectTimeoutMs },
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
export async function openOrm(database: AppConfig['database']): Promise<MikroORM> {
  return MikroORM.init(ormConfig(database));
}
