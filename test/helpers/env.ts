import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { inject } from 'vitest';
import { loadConfig, type AppConfig } from '../../lib/config.js';

/** Configuration pointing at the run's test database and Temporal server, on a task queue of its own. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('databaseUrl'),
    DB_POOL_MAX: '4',
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    PUBLIC_BASE_URL: 'http://webmagic.test',
    ...overrides,
  });
}

/** Empties every table (the migrations log excepted) so each test starts from a known state. */
export async function resetDatabase(orm: MikroORM): Promise<void> {
  const rows = await orm.em.getConnection().execute<{ tablename: string }[]>(
    `select tablename from pg_tables where schemaname = 'public' and tablename <> 'mikro_orm_migrations'`,
  );
  if (rows.length === 0) return;
  await orm.em.getConnection().execute(`truncate ${rows.map((r) => `"${r.tablename}"`).join(', ')} cascade`);
}
