import { useState } from 'preact/hooks';
import { ownerCall } from './api.js';
import { SitePage, type OwnedSite } from './account.js';
import { humanize, Notice, PageTitle, useLoad } from './ui.js';

type Top = { value: string; sessions: number }[];

/** The dashboard `/customer/sites/:siteId/analytics` answers. */
interface Report {
  from: string;
  to: string;
  totals: { visitors: number; sessions: number; pageViews: number; bookings: number };
  bounceRate: number;
  medianSessionSeconds: number;
  bookingConversionRate: number;
  top: { utm_source: Top; utm_campaign: Top; referrer: Top; landing_path: Top };
  funnels: { contact: { step: string; count: number; rate: number }[] };
  daily: { date: string; visitors: number }[];
}

const RANGES = [7, 30, 90];
const PERCENT = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Visitors, sources, funnel and bookings of one site (`/account/analytics?site_id=`). */
export function AnalyticsPage(props: { url: URL }) {
  return (
    <SitePage url={props.url}>{(site) => <Analytics key={site.site_id} site={site} />}</SitePage>
  );
}

function Analytics(props: { site: OwnedSite }) {
  const { site } = props;
  const [days, setDays] = useState(30);
  const { data, error } = useLoad(() => {
    const to = new Date();
    const from = new Date(to.getTime() - days * 86_400_000);
    return ownerCall<Report>('GET', `/customer/sites/${site.site_id}/analytics?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
  }, [site.site_id, days]);
  const kpis: [string, string][] = data ? [
    ['Unique visitors', String(data.totals.visitors)],
    ['Sessions', String(data.totals.sessions)],
    ['Page views', String(data.totals.pageViews)],
    ['Bounce rate', PERCENT.format(data.bounceRate)],
    ['Median visit', duration(data.medianSessionSeconds)],
    ['Conversion rate', PERCENT.format(data.bookingConversionRate)],
    ['Bookings', String(data.totals.bookings)],
  ] : [];
  return (
    <>
      <PageTitle>Analytics — {site.site_title}</PageTitle>
      <div class="field inline">
        <label for="analytics-range">Period</label>
        <select id="analytics-range" value={String(days)} onChange={(event) => setDays(Number(event.currentTarget.value))}>
          {RANGES.map((n) => <option key={n} value={String(n)}>Last {n} days</option>)}
        </select>
      </div>
      {error && <Notice kind="error">{error.message}</Notice>}
      {!data && !error && <p>Loading…</p>}
      {data && (
        <>
          <ul class="stats kpis" aria-label={`Key figures, last ${days} days`}>
            {kpis.map(([label, value]) => (
              <li key={label} class="card stat"><h2>{label}</h2><p class="figure">{value}</p></li>
            ))}
          </ul>
          <section aria-labelledby="daily-heading" class="card">
            <h2 id="daily-heading">Visitors per day</h2>
            <DailyChart days={data.daily} />
          </section>
          <section aria-labelledby="funnel-heading">
            <h2 id="funnel-heading">From visit to contact</h2>
            <TopTable caption="Funnel" head={['Step', 'Sessions', 'Share of visits']} rows={data.funnels.contact.map((s) => [humanize(s.step), String(s.count), PERCENT.format(s.rate)])} />
          </section>
          <section aria-labelledby="sources-heading">
            <h2 id="sources-heading">Where visitors come from</h2>
            <TopTable caption="Sources (utm_source)" head={['Source', 'Sessions']} rows={data.top.utm_source.map((t) => [t.value, String(t.sessions)])} />
            <TopTable caption="Campaigns (utm_campaign)" head={['Campaign', 'Sessions']} rows={data.top.utm_campaign.map((t) => [t.value, String(t.sessions)])} />
            <TopTable caption="Referring sites" head={['Referrer', 'Sessions']} rows={data.top.referrer.map((t) => [t.value, String(t.sessions)])} />
            <TopTable caption="Landing pages" head={['Page', 'Sessions']} rows={data.top.landing_path.map((t) => [t.value, String(t.sessions)])} />
          </section>
        </>
      )}
    </>
  );
}

function TopTable(props: { caption: string; head: string[]; rows: string[][] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead><tr>{props.head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>
          {props.rows.length === 0 && <tr><td colSpan={props.head.length}>None in this period</td></tr>}
          {props.rows.map((row) => <tr key={row[0]}>{row.map((cell, i) => (i === 0 ? <th key={i} scope="row">{cell}</th> : <td key={i}>{cell}</td>))}</tr>)}
        </tbody>
      </table>
    </div>
  );
}

/** Daily visitors as vertical bars in inline SVG; the same numbers are in a table for screen readers. */
function DailyChart(props: { days: { date: string; visitors: number }[] }) {
  const peak = Math.max(0, ...props.days.map((d) => d.visitors));
  const max = Math.max(1, peak);
  const width = 560;
  const height = 180;
  const bottom = 24;
  const step = width / Math.max(1, props.days.length);
  const label = (date: string) => DAY.format(new Date(`${date}T00:00:00Z`));
  const first = props.days[0];
  const last = props.days.at(-1);
  const total = props.days.reduce((sum, d) => sum + d.visitors, 0);
  return (
    <>
      <svg class="chart daily-chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="daily-chart-title">
        <title id="daily-chart-title">Visitors per day{first && last ? ` from ${label(first.date)} to ${label(last.date)}` : ''}: {total} in total, at most {peak} on one day</title>
        {props.days.map((d, i) => {
          const h = (d.visitors / max) * (height - bottom - 16);
          return <rect key={d.date} class="chart-bar" x={i * step + step * 0.15} y={height - bottom - h} width={Math.max(1, step * 0.7)} height={h} rx={2} />;
        })}
        <line x1={0} x2={width} y1={height - bottom} y2={height - bottom} stroke="#6b7280" />
        {first && <text class="chart-label" x={0} y={height - 6}>{label(first.date)}</text>}
        {last && <text class="chart-label" x={width} y={height - 6} text-anchor="end">{label(last.date)}</text>}
        <text class="chart-value" x={0} y={14}>{peak}</text>
      </svg>
      <table class="visually-hidden">
        <caption>Visitors per day</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">Visitors</th></tr></thead>
        <tbody>{props.days.map((d) => <tr key={d.date}><th scope="row">{label(d.date)}</th><td>{d.visitors}</td></tr>)}</tbody>
      </table>
    </>
  );
}
