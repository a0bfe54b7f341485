import pg from 'pg';
import { buildReport, reportCsv, reportWindow } from '../api/services/reports.js';
import { openOrm } from '../db/orm.js';
import { rebuildPaymentMonths, revenueBySite, subscriptionFlow, cohortRetention } from '../db/reports.js';
import { createThrowawayDatabase } from '../dev/throwaway-database.js';
import { loadConfig } from '../lib/config.js';
import { seedBusiness } from './reports-seed.js';
import { summarize } from './stats.js';
const database = await createThrowawayDatabase('webmagic_prof');
const orm = await openOrm({ ...loadConfig().database, url: database.url, embedded: false });
try {
  await orm.migrator.up();
  const now = new Date(); const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const client = new pg.Client({ connectionString: database.url }); await client.connect();
  await seedBusiness(client, { sites: 10000, months: 24, end, seed: 7 }); await rebuildPaymentMonths(orm.em.fork()); await client.query('vacuum analyze');
  const em = orm.em.fork(); const w = reportWindow({}, now);
  const t = async (name: string, f: () => Promise<unknown>) => { const s: number[] = []; for (let i = 0; i < 13; i++) { const a = performance.now(); await f(); if (i >= 3) s.push(performance.now() - a); } console.log(name, summarize(s).p50.toFixed(1)); };
  await t('count', () => em.getConnection().execute('select count(*) from payments'));
  await t('site sql', () => revenueBySite(em, w.start, w.end));
  await t('site sql raw pg', () => client.query(`select 1`));
  let r: any; await t('site build', async () => { r = await buildReport(em, 'revenue-by-site', w); });
  await t('site csv', async () => reportCsv(r));
  await t('flow sql', () => subscriptionFlow(em, w.start, w.end, w.cutoff));
  await t('cohort sql', () => cohortRetention(em, w.start, w.end, w.cutoff));
  const plan = await client.query(`explain analyze select site_id, currency, sum(purchase_cents) from site_payment_months where month >= $1::date and month < $2::date group by site_id, currency`, [w.start, w.end]);
  console.log(plan.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
  await client.end();
} finally { await orm.close(); await database.drop(); }
