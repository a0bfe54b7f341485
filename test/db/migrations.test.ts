import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../db/orm.js';
import { migrationsList } from '../../db/migrations/index.js';

const adminUrl = inject('databaseUrl');
const name = `webmagic_migrations_${randomBytes(4).toString('hex')}`;
let orm: MikroORM;

async function onAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

async function tables(): Promise<string[]> {
  const rows = await orm.em.getConnection().execute<{ tablename: string }[]>(`select tablename from pg_tables where schemaname = 'public' order by 1`);
  return rows.map((r) => r.tablename).filter((t) => t !== 'mikro_orm_migrations');
}

beforeAll(async () => {
  await onAdmin(`create database ${name}`);
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  orm = await openOrm({ url, poolMax: 2, connectTimeoutMs: 5000, embedded: false });
});

afterAll(async () => {
  await orm.close();
  await onAdmin(`drop database if exists ${name} with (force)`);
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
