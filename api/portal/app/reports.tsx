import { useState } from 'preact/hooks';
import { consoleCall } from './api.js';
import { ConsoleShell } from './console.js';
import { navigate } from './router.js';
import { formatMoney, Notice, PageTitle, useLoad } from './ui.js';

/** The reports the console offers, in the order of the picker (keys as /admin/reports/:report knows them). */
export const REPORTS = [
  { key: 'sites-per-customer', label: 'Sites per customer' },
  { key: 'revenue-by-month', label: 'Revenue per month' },
  { key: 'revenue-by-site', label: 'Revenue per site' },
  { key: 'mrr-history', label: 'MRR history' },
  { key: 'churn-by-month', label: 'Churn per month' },
  { key: 'churn-by-sites-owned', label: 'Churn by sites owned' },
  { key: 'cohort-retention', label: 'Cohort retention' },
  { key: 'never-activated', label: 'Never activated' },
] as const;

type Cell = string | number | null;

/** A report as /admin/reports/:report answers it. */
interface ReportDto {
  key: string;
  title: string;
  description: string;
  from: string;
  to: string;
  columns: { key: string; label: string; kind: string }[];
  rows: Record<string, Cell>[];
  total_rows: number;
  summary: { label: string; value: string }[];
}

/** Rows the page shows; the CSV has them all. */
const PAGE_ROWS = 100;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function cell(value: Cell, kind: string, currency: Cell): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  if (kind === 'money') return formatMoney(value, typeof currency === 'string' ? currency : 'USD');
  if (kind === 'percent') return `${value.toFixed(1)} %`;
  return value.toLocaleString('en-US');
}

const numeric = (kind: string) => kind === 'money' || kind === 'percent' || kind === 'count' || kind === 'number';

/** Business reports for admins: pick a report and a window of months, read it, download it as CSV. */
export function ReportsPage(props: { url: URL }) {
  const chosen = props.url.searchParams.get('report');
  const key = REPORTS.find((r) => r.key === chosen)?.key ?? REPORTS[0].key;
  const from = props.url.searchParams.get('from') ?? '';
  const to = props.url.searchParams.get('to') ?? '';
  return <ConsoleShell url={props.url}>{() => <Reports report={key} from={MONTH.test(from) ? from : ''} to={MONTH.test(to) ? to : ''} />}</ConsoleShell>;
}

function Reports(props: { report: string; from: string; to: string }) {
  const window = new URLSearchParams();
  if (props.from) window.set('from', props.from);
  if (props.to) window.set('to', props.to);
  const query = window.toString();
  const { data, error } = useLoad(
    () => consoleCall<ReportDto>('GET', `/admin/reports/${props.report}?limit=${PAGE_ROWS}${query ? `&${query}` : ''}`),
    [props.report, query],
  );
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams({ report: props.report, from: props.from, to: props.to, ...changes });
    for (const [name, value] of [...next]) if (!value) next.delete(name);
    navigate(`/console/reports?${next.toString()}`);
  };
  return (
    <>
      <PageTitle>Reports</PageTitle>
      <ReportPicker key={`${data?.from ?? ''}:${data?.to ?? ''}`} report={props.report} from={data?.from ?? props.from} to={data?.to ?? props.to} onChange={go} />
      {error && <Notice kind="error">{error.message}</Notice>}
      {!data && !error && <p>Loading…</p>}
      {data && <ReportView report={data} csvUrl={`/api/v1/admin/reports/${props.report}.csv${query ? `?${query}` : ''}`} />}
    </>
  );
}

function ReportPicker(props: { report: string; from: string; to: string; onChange: (changes: Record<string, string>) => void }) {
  const [from, setFrom] = useState(props.from);
  const [to, setTo] = useState(props.to);
  return (
    <form class="report-picker" onSubmit={(event) => {
      event.preventDefault();
      props.onChange({ from, to });
    }}>
      <div class="field">
        <label for="report">Report</label>
        <select id="report" value={props.report} onChange={(event) => props.onChange({ report: event.currentTarget.value })}>
          {REPORTS.map((r) => <option key={r.key} value={r.key}>{r.label}</option>)}
        </select>
      </div>
      <div class="field">
        <label for="report-from">From month</label>
        <input id="report-from" type="month" value={from} onInput={(event) => setFrom(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="report-to">To month</label>
        <input id="report-to" type="month" value={to} onInput={(event) => setTo(event.currentTarget.value)} />
      </div>
      <button type="submit" class="secondary">Show</button>
    </form>
  );
}

function ReportView(props: { report: ReportDto; csvUrl: string }) {
  const { report } = props;
  return (
    <section aria-labelledby="report-heading" class="report">
      <div class="report-head">
        <h2 id="report-heading">{report.title}</h2>
        <a class="button" href={props.csvUrl} download>Download CSV<span class="visually-hidden"> of {report.title}, {report.from} to {report.to}</span></a>
      </div>
      <p class="muted">{report.description}{report.key === 'sites-per-customer' ? '' : ` Months ${report.from} to ${report.to} (UTC).`}</p>
      {report.summary.length > 0 && (
        <dl class="stats report-summary">
          {report.summary.map((s) => <div key={s.label} class="card stat"><dt>{s.label}</dt><dd class="figure">{s.value}</dd></div>)}
        </dl>
      )}
      {report.rows.length > 0 && report.columns.length > 4 && <p class={`muted scroll-hint${report.columns.length > 10 ? ' wide' : ''}`}>Scroll the table sideways to see all {report.columns.length} columns.</p>}
      {report.rows.length === 0 ? <p>Nothing to show for these months.</p> : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={report.title}>
          <table class="report-table">
            <caption class="visually-hidden">{report.title}, {report.from} to {report.to}</caption>
            <thead><tr>{report.columns.map((c) => <th key={c.key} scope="col" class={numeric(c.kind) ? 'num' : undefined}>{c.label.replace(' (%)', '')}</th>)}</tr></thead>
            <tbody>{report.rows.map((row, i) => (
              <tr key={i}>{report.columns.map((c, j) => {
                const text = cell(row[c.key] ?? null, c.kind, row.currency ?? null);
                return j === 0
                  ? <th key={c.key} scope="row">{text}</th>
                  : <td key={c.key} class={numeric(c.kind) ? 'num' : undefined}>{text}</td>;
              })}</tr>
            ))}</tbody>
          </table>
        </div>
      )}
      {report.total_rows > report.rows.length && (
        <p class="muted">Showing the first {report.rows.length} of {report.total_rows.toLocaleString('en-US')} rows; the CSV has them all.</p>
      )}
    </section>
  );
}
