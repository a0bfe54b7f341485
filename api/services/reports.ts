import type { EntityManager } from '@mikro-orm/postgresql';
import {
  buyersIn, churnBySitesOwned, cohortRetention, neverActivated, revenueByMonth, revenueBySite, sitesOwnedCounts, subscriptionFlow,
} from '../../db/reports.js';
import { toCsv, type CsvValue } from '../../lib/csv.js';
import { ValidationError } from '../../lib/errors.js';
import { formatMoney } from '../../lib/money.js';

/** The business reports of the console, in the order the reports page shows them. */
export const REPORT_KEYS = [
  'sites-per-customer', 'revenue-by-month', 'revenue-by-site', 'mrr-history', 'churn-by-month', 'churn-by-sites-owned', 'cohort-retention', 'never-activated',
] as const;
/** One report's key (its URL segment and CSV file name). */
export type ReportKey = (typeof REPORT_KEYS)[number];

/** How a column's values read: money is a decimal amount in the row's currency, percent a share from 0 to 100. */
export type ColumnKind = 'text' | 'month' | 'date' | 'count' | 'number' | 'money' | 'percent';
/** A column of a report table. */
export interface ReportColumn { key: string; label: string; kind: ColumnKind }
/** A report: a table (what the CSV holds) and a few headline figures, already written for people. */
export interface Report {
  key: ReportKey;
  title: string;
  description: string;
  /** First and last month of the window (YYYY-MM), both included. */
  from: string;
  to: string;
  columns: ReportColumn[];
  rows: Record<string, CsvValue>[];
  summary: { label: string; value: string }[];
}

/** A window of whole UTC months: `from` and `to` as the API shows them, and the [start, end) instants the queries use. */
export interface MonthWindow { from: string; to: string; start: string; end: string; cutoff: string; months: string[] }

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** The longest window a report covers. */
export const MAX_REPORT_MONTHS = 120;

const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1));
const monthKey = (date: Date) => date.toISOString().slice(0, 7);
const instant = (date: Date) => date.toISOString();

function parseMonth(value: string, field: string): Date {
  const match = MONTH_PATTERN.exec(value);
  if (!match) throw new ValidationError('invalid_month', `"${field}" must be a month written YYYY-MM, e.g. 2026-03.`);
  return monthStart(Number(match[1]), Number(match[2]) - 1);
}

/** The window a report covers: `to` defaults to the current month, `from` to 23 months before `to`. */
export function reportWindow(query: { from?: string; to?: string }, now = new Date()): MonthWindow {
  const current = monthStart(now.getUTCFullYear(), now.getUTCMonth());
  const last = query.to === undefined ? current : parseMonth(query.to, 'to');
  const first = query.from === undefined ? monthStart(last.getUTCFullYear(), last.getUTCMonth() - 23) : parseMonth(query.from, 'from');
  if (first > last) throw new ValidationError('invalid_range', '"from" must be the same month as "to" or earlier.');
  const months: string[] = [];
  for (let m = first; m <= last; m = monthStart(m.getUTCFullYear(), m.getUTCMonth() + 1)) months.push(monthKey(m));
  if (months.length > MAX_REPORT_MONTHS) throw new ValidationError('invalid_range', `A report covers at most ${MAX_REPORT_MONTHS} months; choose a later "from".`);
  const end = monthStart(last.getUTCFullYear(), last.getUTCMonth() + 1);
  return { from: monthKey(first), to: monthKey(last), start: instant(first), end: instant(end), cutoff: instant(current), months };
}

const amount = (cents: number | string) => Number(cents) / 100;
const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
const percentText = (value: number | null) => (value === null ? '—' : `${value.toFixed(1)} %`);
const moneyTotals = (totals: Map<string, number>) => ([...totals].map(([currency, cents]) => formatMoney(Math.round(cents), currency)).join(' + ') || formatMoney(0, 'USD'));

function addTo(totals: Map<string, number>, currency: string, cents: number): void {
  totals.set(currency, (totals.get(currency) ?? 0) + cents);
}

async function sitesPerCustomer(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const rows = await sitesOwnedCounts(em);
  const owners = rows.reduce((sum, row) => sum + row.customers, 0);
  const sites = rows.reduce((sum, row) => sum + row.sites * row.customers, 0);
  const several = rows.filter((row) => row.sites >= 2).reduce((sum, row) => sum + row.customers, 0);
  return {
    title: 'Sites per customer',
    description: 'How many owners own one site, two sites, and so on (today; collaborators not counted), and how many of all owned sites they hold.',
    from: window.from, to: window.to,
    columns: [
      { key: 'sites_owned', label: 'Sites owned', kind: 'count' }, { key: 'owners', label: 'Owners', kind: 'count' },
      { key: 'share_of_owners', label: 'Share of owners (%)', kind: 'percent' }, { key: 'sites', label: 'Sites held', kind: 'count' },
    ],
    rows: rows.map((row) => ({ sites_owned: row.sites, owners: row.customers, share_of_owners: share(row.customers, owners), sites: row.sites * row.customers })),
    summary: [
      { label: 'Owners', value: String(owners) },
      { label: 'Owned sites', value: String(sites) },
      { label: 'Owners with 2 or more sites', value: percentText(share(several, owners)) },
      { label: 'Average sites per owner', value: owners === 0 ? '—' : (sites / owners).toFixed(2) },
    ],
  };
}

async function revenuePerMonth(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const found = await revenueByMonth(em, window.start, window.end);
  const currencies = [...new Set(found.map((row) => row.currency))].sort();
  const net = new Map<string, number>();
  const rows = window.months.flatMap((month) => currencies.map((currency) => {
    const row = found.find((r) => r.month === month && r.currency === currency);
    const cents = row ? Number(row.purchases) + Number(row.subscriptions) - Number(row.refunds) : 0;
    addTo(net, currency, cents);
    return {
      month, currency, purchases: amount(row?.purchases ?? 0), subscriptions: amount(row?.subscriptions ?? 0), refunds: amount(row?.refunds ?? 0),
      net: amount(cents), paying_sites: row?.paying_sites ?? 0, per_paying_site: row && row.paying_sites > 0 ? Math.round(cents / row.paying_sites) / 100 : null,
    };
  }));
  return {
    title: 'Revenue per month',
    description: 'Money taken each month: purchases, subscription payments, refunds (counted in the month of the refunded payment) and what is left, with how many sites paid and the net revenue per paying site.',
    from: window.from, to: window.to,
    columns: [
      { key: 'month', label: 'Month', kind: 'month' }, { key: 'currency', label: 'Currency', kind: 'text' },
      { key: 'purchases', label: 'Purchases', kind: 'money' }, { key: 'subscriptions', label: 'Subscriptions', kind: 'money' },
      { key: 'refunds', label: 'Refunds', kind: 'money' }, { key: 'net', label: 'Net', kind: 'money' },
      { key: 'paying_sites', label: 'Paying sites', kind: 'count' }, { key: 'per_paying_site', label: 'Net per paying site', kind: 'money' },
    ],
    rows,
    summary: [
      { label: 'Net revenue in the window', value: moneyTotals(net) },
      { label: 'Average per month', value: moneyTotals(new Map([...net].map(([c, cents]) => [c, cents / window.months.length]))) },
    ],
  };
}

async function revenuePerSite(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const found = await revenueBySite(em, window.start, window.end);
  const net = new Map<string, number>();
  const rows = found.map((row) => {
    const cents = Number(row.purchases) + Number(row.subscriptions) - Number(row.refunds);
    addTo(net, row.currency, cents);
    return {
      site: row.slug, title: row.title, owner_email: row.owner_email, currency: row.currency, purchases: amount(row.purchases),
      subscriptions: amount(row.subscriptions), refunds: amount(row.refunds), net: amount(cents), paid_months: row.paid_months,
    };
  });
  const sites = new Set(found.map((row) => row.site_id)).size;
  return {
    title: 'Revenue per site',
    description: 'What each site brought in over the window (purchase, subscription payments, refunds), most first.',
    from: window.from, to: window.to,
    columns: [
      { key: 'site', label: 'Site', kind: 'text' }, { key: 'title', label: 'Title', kind: 'text' }, { key: 'owner_email', label: 'Owner', kind: 'text' },
      { key: 'currency', label: 'Currency', kind: 'text' }, { key: 'purchases', label: 'Purchase', kind: 'money' },
      { key: 'subscriptions', label: 'Subscriptions', kind: 'money' }, { key: 'refunds', label: 'Refunds', kind: 'money' },
      { key: 'net', label: 'Net', kind: 'money' }, { key: 'paid_months', label: 'Months paid', kind: 'count' },
    ],
    rows,
    summary: [
      { label: 'Sites that paid', value: String(sites) },
      { label: 'Net revenue', value: moneyTotals(net) },
      { label: 'Average per site', value: sites === 0 ? '—' : moneyTotals(new Map([...net].map(([c, cents]) => [c, cents / sites]))) },
    ],
  };
}

async function mrrHistory(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const found = await subscriptionFlow(em, window.start, window.end, window.cutoff);
  const currencies = [...new Set(found.map((row) => row.currency))].sort();
  const complete = (month: string) => `${month}-01T00:00:00.000Z` < window.cutoff;
  const rows = window.months.flatMap((month) => currencies.map((currency) => {
    const row = found.find((r) => r.month === month && r.currency === currency);
    return {
      month, currency, mrr: amount(row?.mrr ?? 0), subscriptions: row?.subscriptions ?? 0, new: row?.new ?? 0, returned: row?.returned ?? 0,
      churned: complete(month) ? row?.churned ?? 0 : null, churned_mrr: complete(month) ? amount(row?.churned_mrr ?? 0) : null,
    };
  }));
  const latest = new Map<string, number>();
  const first = new Map<string, number>();
  for (const row of rows) {
    if (row.month === window.to) latest.set(row.currency, row.mrr * 100);
    if (row.month === window.from) first.set(row.currency, row.mrr * 100);
  }
  return {
    title: 'MRR history',
    description: 'Monthly recurring revenue: what the sites that paid their subscription in a month paid, with new sites (first payment), returning sites (paying again after a gap) and churned sites (paid the month before, not this month; complete months only).',
    from: window.from, to: window.to,
    columns: [
      { key: 'month', label: 'Month', kind: 'month' }, { key: 'currency', label: 'Currency', kind: 'text' }, { key: 'mrr', label: 'MRR', kind: 'money' },
      { key: 'subscriptions', label: 'Paying sites', kind: 'count' }, { key: 'new', label: 'New', kind: 'count' }, { key: 'returned', label: 'Returned', kind: 'count' },
      { key: 'churned', label: 'Churned', kind: 'count' }, { key: 'churned_mrr', label: 'Churned MRR', kind: 'money' },
    ],
    rows,
    summary: [
      { label: `MRR in ${window.to}`, value: moneyTotals(latest) },
      { label: `MRR in ${window.from}`, value: moneyTotals(first) },
    ],
  };
}

async function churnPerMonth(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const previous = monthKey(monthStart(Number(window.from.slice(0, 4)), Number(window.from.slice(5, 7)) - 2));
  const found = await subscriptionFlow(em, `${previous}-01T00:00:00.000Z`, window.end, window.cutoff);
  const paying = new Map<string, number>();
  const churned = new Map<string, number>();
  for (const row of found) {
    paying.set(row.month, (paying.get(row.month) ?? 0) + row.subscriptions);
    if (row.churned !== null) churned.set(row.month, (churned.get(row.month) ?? 0) + row.churned);
  }
  const complete = window.months.filter((month) => `${month}-01T00:00:00.000Z` < window.cutoff);
  const rows = complete.map((month, i) => {
    const before = i === 0 ? previous : complete[i - 1] ?? previous;
    const start = paying.get(before) ?? 0;
    const lost = churned.get(month) ?? 0;
    return { month, paying_at_start: start, churned: lost, churn_rate: share(lost, start) };
  });
  const atRisk = rows.reduce((sum, row) => sum + row.paying_at_start, 0);
  const lost = rows.reduce((sum, row) => sum + row.churned, 0);
  return {
    title: 'Churn per month',
    description: 'Of the sites that paid their subscription in the month before, how many did not pay in the month (complete months only).',
    from: window.from, to: window.to,
    columns: [
      { key: 'month', label: 'Month', kind: 'month' }, { key: 'paying_at_start', label: 'Paying the month before', kind: 'count' },
      { key: 'churned', label: 'Churned', kind: 'count' }, { key: 'churn_rate', label: 'Churn rate (%)', kind: 'percent' },
    ],
    rows,
    summary: [
      { label: 'Sites churned', value: String(lost) },
      { label: 'Average monthly churn', value: percentText(share(lost, atRisk)) },
    ],
  };
}

async function churnPerSitesOwned(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const found = await churnBySitesOwned(em, window.start, window.end, window.cutoff);
  const atRisk = found.reduce((sum, row) => sum + row.at_risk, 0);
  const lost = found.reduce((sum, row) => sum + row.churned, 0);
  return {
    title: 'Churn by number of sites owned',
    description: 'Monthly churn over the window\'s complete months, grouped by how many sites the site\'s owner owns today: site-months that could churn (paid the month before) and those that did.',
    from: window.from, to: window.to,
    columns: [
      { key: 'sites_owned', label: 'Owner’s sites', kind: 'text' }, { key: 'owners', label: 'Owners', kind: 'count' },
      { key: 'site_months', label: 'Site-months paying before', kind: 'count' }, { key: 'churned', label: 'Churned', kind: 'count' },
      { key: 'churn_rate', label: 'Monthly churn (%)', kind: 'percent' },
    ],
    rows: found.map((row) => ({
      sites_owned: row.sites_owned >= 4 ? '4 or more' : String(row.sites_owned), owners: row.owners, site_months: row.at_risk, churned: row.churned,
      churn_rate: share(row.churned, row.at_risk),
    })),
    summary: [{ label: 'Average monthly churn, all owners', value: percentText(share(lost, atRisk)) }],
  };
}

async function cohorts(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const found = await cohortRetention(em, window.start, window.end, window.cutoff);
  const names = [...new Set(found.map((row) => row.cohort))].sort();
  const widest = Math.max(0, ...found.map((row) => row.offset));
  const rows = names.map((cohort) => {
    const mine = found.filter((row) => row.cohort === cohort);
    const size = mine.find((row) => row.offset === 0)?.sites ?? 0;
    const completeMonths = monthsBetween(cohort, monthKey(new Date(Date.parse(window.cutoff) - 1))) + 1;
    const row: Record<string, CsvValue> = { cohort, sites: size };
    for (let offset = 0; offset <= widest; offset += 1) {
      row[`m${offset}`] = offset < completeMonths ? share(mine.find((r) => r.offset === offset)?.sites ?? 0, size) : null;
    }
    return row;
  });
  const sites = rows.reduce((sum, row) => sum + Number(row.sites), 0);
  return {
    title: 'Monthly cohort retention',
    description: 'Sites grouped by the month of their first subscription payment; each column is the share of the cohort that paid its subscription that many months later (complete months only).',
    from: window.from, to: window.to,
    columns: [
      { key: 'cohort', label: 'Cohort', kind: 'month' }, { key: 'sites', label: 'Sites', kind: 'count' },
      ...Array.from({ length: widest + 1 }, (_, offset) => ({ key: `m${offset}`, label: `Month ${offset} (%)`, kind: 'percent' as const })),
    ],
    rows,
    summary: [{ label: 'Cohorts', value: String(rows.length) }, { label: 'Sites in them', value: String(sites) }],
  };
}

function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}

async function neverActivatedOwners(em: EntityManager, window: MonthWindow): Promise<Omit<Report, 'key'>> {
  const [found, buyers] = await Promise.all([neverActivated(em, window.start, window.end), buyersIn(em, window.start, window.end)]);
  const owners = new Set(found.map((row) => row.customer_id)).size;
  return {
    title: 'Owners who never activated',
    description: 'Sites bought in the window whose monthly subscription never took a payment, with their owners: people to call.',
    from: window.from, to: window.to,
    columns: [
      { key: 'owner_email', label: 'Owner', kind: 'text' }, { key: 'owner_name', label: 'Name', kind: 'text' }, { key: 'site', label: 'Site', kind: 'text' },
      { key: 'title', label: 'Title', kind: 'text' }, { key: 'purchased_on', label: 'Bought on', kind: 'date' },
      { key: 'days_since_purchase', label: 'Days since purchase', kind: 'count' }, { key: 'subscription_status', label: 'Subscription', kind: 'text' },
      { key: 'sites_owned', label: 'Sites owned', kind: 'count' },
    ],
    rows: found.map((row) => ({
      owner_email: row.email, owner_name: row.full_name, site: row.slug, title: row.title, purchased_on: row.purchased_on,
      days_since_purchase: row.days_since_purchase, subscription_status: row.subscription_status, sites_owned: row.sites_owned,
    })),
    summary: [
      { label: 'Owners who never activated', value: `${owners} of ${buyers.owners} buyers (${percentText(share(owners, buyers.owners))})` },
      { label: 'Sites never activated', value: `${found.length} of ${buyers.sites} bought` },
    ],
  };
}

const BUILDERS: Record<ReportKey, (em: EntityManager, window: MonthWindow) => Promise<Omit<Report, 'key'>>> = {
  'sites-per-customer': sitesPerCustomer,
  'revenue-by-month': revenuePerMonth,
  'revenue-by-site': revenuePerSite,
  'mrr-history': mrrHistory,
  'churn-by-month': churnPerMonth,
  'churn-by-sites-owned': churnPerSitesOwned,
  'cohort-retention': cohorts,
  'never-activated': neverActivatedOwners,
};

/** Builds one report over the window. */
export async function buildReport(em: EntityManager, key: ReportKey, window: MonthWindow): Promise<Report> {
  return { key, ...(await BUILDERS[key](em, window)) };
}

/** The report as CSV: the column labels, then one line per row (money as plain decimals, percentages as numbers). */
export function reportCsv(report: Report): string {
  return toCsv([report.columns.map((column) => column.label), ...report.rows.map((row) => report.columns.map((column) => row[column.key] ?? null))]);
}

/** The CSV file name of a report over its window, e.g. `webmagic-mrr-history-2025-01-to-2026-12.csv`. */
export function reportFileName(report: Report): string {
  return `webmagic-${report.key}-${report.from}-to-${report.to}.csv`;
}
