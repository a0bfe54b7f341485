import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedOperator } from '../../db/scripts/seed-operators.js';
import { parseCsv } from '../../lib/csv.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';
import { seedReportsDataset } from '../helpers/reports-dataset.js';

let api: TestApi;
const AGENT = { email: 'agent@webmagic.test', name: 'Avery Agent', password: 'Agent-password-2026', role: 'agent' as const };
const ADMIN = { email: 'admin@webmagic.test', name: 'Ada Admin', password: 'Admin-password-2026', role: 'admin' as const };
const WINDOW = 'from=2025-01&to=2025-06';

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(() => api.close());
beforeEach(async () => {
  await resetDatabase(api.orm);
  await seedOperator(api.orm.em.fork(), AGENT);
  await seedOperator(api.orm.em.fork(), ADMIN);
  await seedReportsDataset(api.orm);
});

type Headers = Record<string, string>;
interface ReportDto { title: string; from: string; to: string; columns: { key: string; label: string }[]; rows: Record<string, unknown>[]; total_rows: number; summary: { label: string; value: string }[] }

async function signIn(operator: { email: string; password: string }): Promise<Headers> {
  const res = await api.app.inject({ method: 'POST', url: '/api/v1/admin/session', payload: { email: operator.email, password: operator.password } });
  expect(res.statusCode, res.body).toBe(200);
  return { cookie: String(res.headers['set-cookie']).split(';')[0]! };
}

async function report(name: string, query = WINDOW): Promise<ReportDto> {
  const res = await api.app.inject({ method: 'GET', url: `/api/v1/admin/reports/${name}?${query}`, headers: await signIn(ADMIN) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ReportDto>();
}

const summary = (dto: ReportDto) => Object.fromEntries(dto.summary.map((s) => [s.label, s.value]));
const pick = (rows: Record<string, unknown>[], keys: string[]) => rows.map((row) => keys.map((key) => row[key]));

describe('business reports on a hand-built business', () => {
  it('sites per customer: owners by sites owned, multi-site share and average (collaborators not counted)', async () => {
    const dto = await report('sites-per-customer');
    expect(pick(dto.rows, ['sites_owned', 'owners', 'share_of_owners', 'sites'])).toEqual([[1, 2, 50, 2], [2, 1, 25, 2], [3, 1, 25, 3]]);
    expect(summary(dto)).toEqual({ Owners: '4', 'Owned sites': '7', 'Owners with 2 or more sites': '50.0 %', 'Average sites per owner': '1.75' });
  });

  it('revenue per month: purchases, subscriptions, refunds, net and per paying site; failed charges left out', async () => {
    const dto = await report('revenue-by-month');
    expect(pick(dto.rows, ['month', 'currency', 'purchases', 'subscriptions', 'refunds', 'net', 'paying_sites', 'per_paying_site'])).toEqual([
      ['2025-01', 'USD', 990, 190, 0, 1180, 2, 590],
      ['2025-02', 'USD', 495, 285, 0, 780, 3, 260],
      ['2025-03', 'USD', 990, 380, 0, 1370, 4, 342.5],
      ['2025-04', 'USD', 495, 380, 95, 780, 4, 195],
      ['2025-05', 'USD', 495, 380, 0, 875, 5, 175],
      ['2025-06', 'USD', 0, 380, 0, 380, 4, 95],
    ]);
    expect(summary(dto)).toEqual({ 'Net revenue in the window': '$5,365', 'Average per month': '$894.17' });
    const march = await report('revenue-by-month', 'from=2025-03&to=2025-03');
    expect(march.rows.map((row) => row.net)).toEqual([1370]);
  });

  it('revenue per site: most first, with months paid', async () => {
    const dto = await report('revenue-by-site');
    expect(pick(dto.rows, ['site', 'owner_email', 'purchases', 'subscriptions', 'refunds', 'net', 'paid_months'])).toEqual([
      ['ann-1', 'ann@example.com', 495, 570, 0, 1065, 6],
      ['ben-1', 'ben@example.com', 495, 380, 0, 875, 4],
      ['cat-1', 'cat@example.com', 495, 380, 0, 875, 4],
      ['cat-3', 'cat@example.com', 495, 285, 0, 780, 3],
      ['ann-2', 'ann@example.com', 495, 190, 0, 685, 2],
      ['cat-2', 'cat@example.com', 495, 190, 95, 590, 1],
      ['dan-1', 'dan@example.com', 495, 0, 0, 495, 0],
    ]);
    expect(summary(dto)).toEqual({ 'Sites that paid': '7', 'Net revenue': '$5,365', 'Average per site': '$766.43' });
  });

  it('MRR history: MRR, paying, new, returned and churned sites per month', async () => {
    const dto = await report('mrr-history');
    expect(pick(dto.rows, ['month', 'mrr', 'subscriptions', 'new', 'returned', 'churned', 'churned_mrr'])).toEqual([
      ['2025-01', 190, 2, 2, 0, 0, 0],
      ['2025-02', 285, 3, 1, 0, 0, 0],
      ['2025-03', 380, 4, 2, 0, 1, 95],
      ['2025-04', 285, 3, 1, 0, 2, 190],
      ['2025-05', 380, 4, 0, 1, 0, 0],
      ['2025-06', 380, 4, 0, 0, 0, 0],
    ]);
    expect(summary(dto)).toEqual({ 'MRR in 2025-06': '$380', 'MRR in 2025-01': '$190' });
  });

  it('churn per month and by number of sites owned', async () => {
    const monthly = await report('churn-by-month');
    expect(pick(monthly.rows, ['month', 'paying_at_start', 'churned', 'churn_rate'])).toEqual([
      ['2025-01', 0, 0, null], ['2025-02', 2, 0, 0], ['2025-03', 3, 1, 33.3], ['2025-04', 4, 2, 50], ['2025-05', 3, 0, 0], ['2025-06', 4, 0, 0],
    ]);
    expect(summary(monthly)).toEqual({ 'Sites churned': '3', 'Average monthly churn': '18.8 %' });
    const bySize = await report('churn-by-sites-owned');
    expect(pick(bySize.rows, ['sites_owned', 'owners', 'site_months', 'churned', 'churn_rate'])).toEqual([
      ['1', 1, 3, 1, 33.3], ['2', 1, 7, 1, 14.3], ['3', 1, 6, 1, 16.7],
    ]);
    expect(summary(bySize)).toEqual({ 'Average monthly churn, all owners': '18.8 %' });
  });

  it('monthly cohort retention by first subscription payment', async () => {
    const dto = await report('cohort-retention');
    expect(dto.columns.map((c) => c.key)).toEqual(['cohort', 'sites', 'm0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    expect(pick(dto.rows, ['cohort', 'sites', 'm0', 'm1', 'm2', 'm3', 'm4', 'm5'])).toEqual([
      ['2025-01', 2, 100, 100, 50, 50, 100, 100],
      ['2025-02', 1, 100, 100, 0, 0, 0, 0],
      ['2025-03', 2, 100, 50, 50, 50, 0, 0],
      ['2025-04', 1, 100, 100, 100, 0, 0, 0],
    ]);
    expect(summary(dto)).toEqual({ Cohorts: '4', 'Sites in them': '6' });
  });

  it('owners who bought a site but never activated its subscription', async () => {
    const dto = await report('never-activated');
    const days = Math.floor((Date.now() - Date.parse('2025-05-03T15:00:00Z')) / 86_400_000);
    expect(dto.rows).toEqual([{
      owner_email: 'dan@example.com', owner_name: 'Dan Owner', site: 'dan-1', title: 'Site dan-1', purchased_on: '2025-05-03',
      days_since_purchase: days, subscription_status: 'pending_activation', sites_owned: 1,
    }]);
    expect(summary(dto)).toEqual({ 'Owners who never activated': '1 of 4 buyers (25.0 %)', 'Sites never activated': '1 of 7 bought' });
  });

  it('keeps the roll-up right when a payment is refunded or removed', async () => {
    const connection = api.orm.em.getConnection();
    await connection.execute(`update payments set status = 'refunded' where provider_payment_id in (select provider_payment_id from payments p join sites s on s.id = p.site_id where s.slug = 'ann-1' and p.kind = 'subscription' and p.paid_at < '2025-02-01')`);
    await connection.execute(`delete from payments where site_id = (select id from sites where slug = 'cat-3')`);
    const mrr = await report('mrr-history');
    expect(pick(mrr.rows, ['month', 'mrr', 'subscriptions', 'new'])).toEqual([
      ['2025-01', 95, 1, 1], ['2025-02', 285, 3, 2], ['2025-03', 380, 4, 2], ['2025-04', 190, 2, 0], ['2025-05', 285, 3, 0], ['2025-06', 285, 3, 0],
    ]);
  });
});

describe('report downloads and access', () => {
  it('downloads a report as CSV with every row, a file name and formula-safe text', async () => {
    await api.orm.em.getConnection().execute(`update customer_users set full_name = '=HYPERLINK("http://evil.test","x"), Dan' where email = 'dan@example.com'`);
    const res = await api.app.inject({ method: 'GET', url: `/api/v1/admin/reports/never-activated.csv?${WINDOW}`, headers: await signIn(ADMIN) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="webmagic-never-activated-2025-01-to-2025-06.csv"');
    expect(res.body.startsWith('\uFEFFOwner,Name,Site,')).toBe(true);
    expect(res.body).toContain('"\'=HYPERLINK(""http://evil.test"",""x""), Dan"');
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual(['Owner', 'Name', 'Site', 'Title', 'Bought on', 'Days since purchase', 'Subscription', 'Sites owned']);
    expect(rows[1]?.slice(0, 5)).toEqual(['dan@example.com', '\'=HYPERLINK("http://evil.test","x"), Dan', 'dan-1', 'Site dan-1', '2025-05-03']);

    const revenue = await api.app.inject({ method: 'GET', url: `/api/v1/admin/reports/revenue-by-month.csv?${WINDOW}`, headers: await signIn(ADMIN) });
    expect(parseCsv(revenue.body)).toEqual([
      ['Month', 'Currency', 'Purchases', 'Subscriptions', 'Refunds', 'Net', 'Paying sites', 'Net per paying site'],
      ['2025-01', 'USD', '990', '190', '0', '1180', '2', '590'],
      ['2025-02', 'USD', '495', '285', '0', '780', '3', '260'],
      ['2025-03', 'USD', '990', '380', '0', '1370', '4', '342.5'],
      ['2025-04', 'USD', '495', '380', '95', '780', '4', '195'],
      ['2025-05', 'USD', '495', '380', '0', '875', '5', '175'],
      ['2025-06', 'USD', '0', '380', '0', '380', '4', '95'],
    ]);
  });

  it('answers only admins: an agent gets 403, nobody signed in 401', async () => {
    const agent = await signIn(AGENT);
    for (const url of ['/api/v1/admin/reports/mrr-history', '/api/v1/admin/reports/mrr-history.csv']) {
      const res = await api.app.inject({ method: 'GET', url, headers: agent });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'admin_role_required' });
      expect((await api.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    }
  });

  it('refuses a bad window or an unknown report with a clear 400', async () => {
    const admin = await signIn(ADMIN);
    const cases = ['mrr-history?from=2025-13', 'mrr-history?from=2025-06&to=2025-01', 'mrr-history?from=2010-01&to=2025-01', 'no-such-report', 'mrr-history?limit=0'];
    for (const query of cases) {
      const res = await api.app.inject({ method: 'GET', url: `/api/v1/admin/reports/${query}`, headers: admin });
      expect(res.statusCode, query).toBe(400);
      expect(res.json<{ message: string }>().message.length).toBeGreaterThan(10);
    }
  });
});
