import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordHold } from '../../api/services/purchase-holds.js';
import { PurchaseHold, Site } from '../../db/entities/index.js';
import { openOrm } from '../../db/orm.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { ConflictError } from '../../lib/errors.js';
import { resetDatabase, testConfig } from '../helpers/env.js';

const config = testConfig();
let orm: MikroORM;
let siteId: string;

beforeAll(async () => {
  orm = await openOrm(config.database);
});
afterAll(() => orm.close());
beforeEach(async () => {
  await resetDatabase(orm);
  await seedDemoSites(orm.em.fork(), config.pricing);
  siteId = (await orm.em.fork().findOneOrFail(Site, { slug: 'plumber-joe' })).id;
});

const inAnHour = () => new Date(Date.now() + 3_600_000);
const hold = (email: string, clientKey = 'purchase-hold:a') => ({ siteId, email, clientKey });
const holds = async () =>
  (await orm.em.fork().find(PurchaseHold, { siteId }, { orderBy: { email: 'asc' } })).map((h) => ({ email: h.email, open: h.releasedAt === null }));

describe('one open claim per site', () => {
  it('lets one of two different claimants racing for a site hold it; the other gets 409 site_being_claimed', async () => {
    const results = await Promise.allSettled([recordHold(orm.em.fork(), hold('ana@example.com'), inAnHour()), recordHold(orm.em.fork(), hold('bob@example.com'), inAnHour())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(ConflictError);
    expect(refused?.reason).toMatchObject({ statusCode: 409, code: 'site_being_claimed' });
    expect((await holds()).filter((h) => h.open)).toHaveLength(1);
  });

  it('refuses a second open hold in the database itself', async () => {
    const insert = (email: string) => orm.em.getConnection().execute(
      `insert into purchase_holds (id, created_at, site_id, email, client_ip, expires_at) values (gen_random_uuid(), now(), ?, ?, '203.0.113.7', now() + interval '1 hour')`,
      [siteId, email],
    );
    await insert('ana@example.com');
    await expect(insert('bob@example.com')).rejects.toThrow(/purchase_holds_one_open_per_site/);
  });

  it('keeps the same claimant asking again (even at once) on their one hold, with the latest expiry and address', async () => {
    const later = new Date(Date.now() + 7_200_000);
    await Promise.all([recordHold(orm.em.fork(), hold('ana@example.com', 'purchase-hold:a'), inAnHour()), recordHold(orm.em.fork(), hold('ana@example.com', 'purchase-hold:a'), inAnHour())]);
    await recordHold(orm.em.fork(), hold('ana@example.com', 'purchase-hold:b'), later);
    const rows = await orm.em.fork().find(PurchaseHold, { siteId });
    expect(rows.map((h) => [h.email, h.clientKey, h.expiresAt.getTime(), h.releasedAt])).toEqual([['ana@example.com', 'purchase-hold:b', later.getTime(), null]]);
  });

  it('releases an expired hold when someone else claims, and then refuses the first claimant while the new hold runs', async () => {
    const start = Date.now();
    await recordHold(orm.em.fork(), hold('ana@example.com'), new Date(start + 60_000), new Date(start));
    await expect(recordHold(orm.em.fork(), hold('bob@example.com'), new Date(start + 120_000), new Date(start + 30_000))).rejects.toMatchObject({ code: 'site_being_claimed' });

    await recordHold(orm.em.fork(), hold('bob@example.com'), new Date(start + 180_000), new Date(start + 60_000));
    expect(await holds()).toEqual([{ email: 'ana@example.com', open: false }, { email: 'bob@example.com', open: true }]);
    await expect(recordHold(orm.em.fork(), hold('ana@example.com'), new Date(start + 240_000), new Date(start + 90_000))).rejects.toMatchObject({ code: 'site_being_claimed' });
    expect(await holds()).toEqual([{ email: 'ana@example.com', open: false }, { email: 'bob@example.com', open: true }]);
  });
});
