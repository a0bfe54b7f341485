import type { EntityManager } from '@mikro-orm/postgresql';

/** Answers when the database does: the readiness probe's check. */
export async function pingDatabase(em: EntityManager): Promise<void> {
  await em.getConnection().execute('select 1');
}
