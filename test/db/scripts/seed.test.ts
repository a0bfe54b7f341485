import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Business, Site, SiteVersion } from '../../../db/entities/index.js';
import { openOrm } from '../../../db/orm.js';
import { DEMO_SITES, seedDemoSites } from '../../../db/scripts/seed.js';
import { resetDatabase, testConfig } from '../../helpers/env.js';

const config = testConfig();
let orm: MikroORM;

beforeAll(async () => {
  orm = await openOrm(config.database);
  await resetDatabase(orm);
});
afterAll(() => orm.close());

describe('demo seed', () => {
  it('creates the three preview sites with a published version, and a second run changes nothing', async () => {
    expect(await seedDemoSites(orm.em.fork(), config.pricing)).toEqual(['la-plumbing-pros', 'plumber-joe', 'roofer-bob']);
    expect(await seedDemoSites(orm.em.fork(), config.pricing)).toEqual([]);

    const em = orm.em.fork();
    expect(await em.count(Business)).toBe(DEMO_SITES.length);
    expect(await em.count(SiteVersion)).toBe(DEMO_SITES.length);
    const sites = await em.find(Site, {}, { populate: ['currentVersion'], orderBy: { slug: 'asc' } });
    expect(sites.map((s) => [s.slug, s.status, s.purchaseAmountCents, s.monthlyAmountCents])).toEqual([
      ['la-plumbing-pros', 'preview', 49500, 9500],
      ['plumber-joe', 'preview', 49500, 9500],
      ['roofer-bob', 'preview', 49500, 9500],
    ]);
    for (const site of sites) expect(site.currentVersion?.publishedAt).toBeInstanceOf(Date);
  });
});
