import type { MikroORM } from '@mikro-orm/postgresql';
import type { AppConfig } from '../../lib/config.js';
import { seedDemoSites } from './seed.js';
import { DEV_OPERATOR, seedOperator } from './seed-operators.js';

/** Applies pending migrations, then seeds the demo sites; both are idempotent. */
export async function migrateAndSeed(orm: MikroORM, pricing: AppConfig['pricing']): Promise<{ applied: string[]; seeded: string[] }> {
  const applied = await orm.migrator.up();
  const seeded = await seedDemoSites(orm.em.fork(), pricing);
  await seedOperator(orm.em.fork(), DEV_OPERATOR);
  return { applied: applied.map((m) => m.name), seeded };
}
