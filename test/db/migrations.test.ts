import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../db/orm.js';
import { migrationsList } from '../../db/migrations/index.js';
import { createThrowawayDatabase, type ThrowawayDatabase } from '../../dev/throwaway-database.js';

let database: ThrowawayDatabase;
let orm: MikroORM;

async function tables(): Promise<string[]> {
  const rows = await orm.em.getConnection().execute<{ tablename: string }[]>(`select tablename from pg_tables where schemaname = 'public' order by 1`);
  return rows.map((r) => r.tablename).filter((t) => t !== 'mikro_orm_migrations');
}

beforeAll(async () => {
  database = await createThrowawayDatabase('webmagic_migrations', inject('databaseUrl'));
  orm = await openOrm({ url: database.url, poolMax: 2, connectTimeoutMs: 5000, embedded: false });
});

afterAll(async () => {
  await orm.close();
  await database.drop();
});

describe('migrations', () => {
  it('migrate up, down to nothing and up again on a real PostgreSQL', async () => {
    const up = await orm.migrator.up();
    expect(up.map((m) => m.name)).toEqual(migrationsList.map((m) => m.name));
    const created = await tables();
    expect(created).toEqual(expect.arrayContaining([
      'businesses', 'sites', 'site_versions', 'customer_users', 'customer_site_ownership', 'payments', 'subscriptions',
      'support_tickets', 'ticket_messages', 'edit_requests', 'domain_verification_records', 'webhook_events', 'email_messages',
      'refresh_tokens', 'one_time_tokens', 'visitor_sessions', 'analytics_events', 'experiments', 'experiment_assignments', 'bookings',
    ]));

    await orm.migrator.down({ to: 0 });
    expect(await tables()).toEqual([]);

    await orm.migrator.up();
    expect(await tables()).toEqual(created);
    expect(await orm.migrator.getPending()).toEqual([]);
  });

  it('the entities and the migrations describe the same schema', async () => {
    await orm.migrator.up();
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('enforces one primary site per customer and case-folded emails in the database itself', async () => {
    await orm.migrator.up();
    const conn = orm.em.getConnection();
    await expect(conn.execute(`insert into customer_users (id, created_at, updated_at, email, full_name, is_active) values (gen_random_uuid(), now(), now(), 'Mixed@Case.com', 'x', true)`)).rejects.toThrow(/customer_users_email_check/);
  });
});
