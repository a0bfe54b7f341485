import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { auditTrail, operatorActor, pseudonymiseAudit, recordAudit } from '../../db/audit-log.js';
import { AuditEntry } from '../../db/entities/index.js';
import { openOrm } from '../../db/orm.js';
import { resetDatabase } from '../helpers/env.js';

let orm: MikroORM;
const CUSTOMER = '11111111-1111-4111-8111-111111111111';
const SITE = '22222222-2222-4222-8222-222222222222';

beforeAll(async () => {
  orm = await openOrm({ url: inject('databaseUrl'), poolMax: 2, connectTimeoutMs: 5000, embedded: false });
});
afterAll(() => orm.close());
beforeEach(() => resetDatabase(orm));

async function seedTrail() {
  const em = orm.em.fork();
  recordAudit(em, { actor: operatorActor(null), action: 'site.linked', reason: 'Paid by bank transfer', customerId: CUSTOMER, siteId: SITE, details: { email: 'dana@example.com' } });
  await em.flush();
  recordAudit(em, { actor: { kind: 'customer', id: CUSTOMER, name: 'Dana Whitfield' }, action: 'site.transfer_requested', siteId: SITE, details: { to: 'sam@example.com', from: 'dana@example.com' } });
  await em.flush();
}

describe('the audit log', () => {
  it('lists what happened to a customer (as subject or actor) and to a site, newest first', async () => {
    await seedTrail();
    const em = orm.em.fork();
    expect((await auditTrail(em, { customerId: CUSTOMER })).map((e) => e.action)).toEqual(['site.transfer_requested', 'site.linked']);
    expect((await auditTrail(em, { siteId: SITE })).map((e) => [e.actorName, e.reason])).toEqual([['Dana Whitfield', null], ['Admin API token', 'Paid by bank transfer']]);
  });

  it('is append-only in the database: an update or delete is refused', async () => {
    await seedTrail();
    const conn = orm.em.getConnection();
    await expect(conn.execute(`update audit_entries set reason = 'rewritten'`)).rejects.toThrow(/append-only/);
    await expect(conn.execute(`delete from audit_entries`)).rejects.toThrow(/append-only/);
    expect(await orm.em.fork().count(AuditEntry, { reason: 'rewritten' })).toBe(0);
  });

  it('an erasure replaces the person’s name and email with a pseudonym and keeps the ids, and nothing else may rewrite it', async () => {
    await seedTrail();
    expect(await pseudonymiseAudit(orm.em.fork(), CUSTOMER, 'erased-customer-7f3a', ['dana@example.com', 'Dana Whitfield'])).toBe(2);
    const text = JSON.stringify(await orm.em.fork().find(AuditEntry, {}));
    expect(text).not.toMatch(/dana@example\.com|Dana Whitfield/);
    const entries = await auditTrail(orm.em.fork(), { customerId: CUSTOMER });
    expect(entries.map((e) => [e.actorName, e.details])).toEqual([
      ['erased-customer-7f3a', { to: 'sam@example.com', from: 'erased-customer-7f3a' }],
      ['Admin API token', { email: 'erased-customer-7f3a' }],
    ]);
    await expect(orm.em.getConnection().execute(`update audit_entries set actor_name = 'again'`)).rejects.toThrow(/append-only/);
  });
});
