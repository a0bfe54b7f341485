/**
 * The pure part of `npm run soak`: what a table's growth means, growth per 1 000 requests, the memory verdict against
 * the first minute's plateau, and the report's lines.
 */

/** Rows and bytes (table, indexes and TOAST) of each table at one moment. */
export type TableSizes = Record<string, { rows: number; bytes: number }>;

/** The Temporal dev server's visibility store at one moment: workflow executions (all, running) and its SQLite file. */
export interface VisibilitySize {
  executions: number;
  running: number;
  sqliteBytes: number;
}

/**
 * One process's memory reading: RSS, and heap used after a full garbage collection of every isolate (for the worker,
 * its main thread's and its workflow thread's), in bytes.
 */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
}

/**
 * Why each table may grow under steady traffic: an intended record (kept by design, some pruned by a housekeeping
 * retention), or state bounded by something other than the traffic's length. A table missing here is reported as
 * unexplained.
 */
export const TABLE_GROWTH: Record<string, string> = {
  analytics_events: 'record: raw page views and clicks, deleted after ANALYTICS_RETENTION by housekeeping',
  visitor_sessions: 'record: raw visitor sessions, deleted after ANALYTICS_RETENTION by housekeeping',
  analytics_hourly: 'record: hourly roll-up, one row per site and hour (kept)',
  analytics_hourly_dimensions: 'record: hourly dimension roll-up, per site, hour and value, deleted after ANALYTICS_DIMENSION_RETENTION',
  analytics_daily_dimensions: 'record: daily dimension roll-up, deleted after ANALYTICS_DIMENSION_RETENTION',
  analytics_bot_counts: 'record: crawler page views per site and hour',
  payments: 'record: one per purchase',
  processed_payments: 'record: one per applied provider payment (exactly-once guard)',
  purchase_holds: 'record: one per checkout, deleted PURCHASE_HOLD_RETENTION after it ended by housekeeping',
  customer_users: 'record: one per buyer',
  customer_site_ownership: 'record: one per purchase',
  subscriptions: 'record: one per purchase',
  site_payment_months: 'record: monthly revenue roll-up per site',
  email_messages: 'record: the email log (one row per email sent)',
  one_time_tokens: 'record: links emailed (set password, edit previews); single-use and expiring; one per email that carries a link',
  support_tickets: 'record: one per ticket',
  ticket_messages: 'record: the ticket conversation',
  ticket_actions: 'record: the ticket history',
  edit_requests: 'record: one per edit request',
  site_versions: 'record: one draft version per edit request',
  audit_entries: 'record: the audit log',
  operator_cases: 'record: cases for operators',
  webhook_events: 'bounded: the webhook inbox, one row per provider event (duplicates stored once); delivered rows deleted after WEBHOOK_INBOX_RETENTION by housekeeping',
  refresh_tokens: 'bounded: one row per login and refresh; a session whose every token expired is deleted by housekeeping',
  rate_limit_counters: 'bounded: one row per limited key (customer, site, client address) while its window lasts; ended ones deleted by housekeeping',
  sites: 'bounded: seeded before the run',
  businesses: 'bounded: seeded before the run',
};

/** A table's change over the run and per 1 000 requests. */
export interface TableGrowth {
  table: string;
  rows: number;
  bytes: number;
  rowsPer1000: number;
  bytesPer1000: number;
  why: string;
}

/** The change of every table between two readings, per 1 000 requests, largest byte growth first; unchanged tables are left out. */
export function tableGrowth(start: TableSizes, end: TableSizes, requests: number): TableGrowth[] {
  const per1000 = (n: number) => (requests > 0 ? (n * 1000) / requests : 0);
  return Object.keys(end)
    .map((table) => {
      const before = start[table] ?? { rows: 0, bytes: 0 };
      const rows = end[table]!.rows - before.rows;
      const bytes = end[table]!.bytes - before.bytes;
      return { table, rows, bytes, rowsPer1000: per1000(rows), bytesPer1000: per1000(bytes), why: TABLE_GROWTH[table] ?? 'UNEXPLAINED' };
    })
    .filter((g) => g.rows !== 0 || g.bytes !== 0)
    .sort((a, b) => b.bytes - a.bytes || a.table.localeCompare(b.table));
}

/** Tables that grew without an entry in TABLE_GROWTH. */
export function unexplainedGrowth(growth: TableGrowth[]): string[] {
  return growth.filter((g) => g.rows > 0 && !(g.table in TABLE_GROWTH)).map((g) => g.table);
}

/** How much memory may exceed the plateau at the end: a share of the plateau plus a fixed allowance, per figure. */
export interface MemoryTolerance {
  heapShare: number;
  heapBytes: number;
  rssShare: number;
  rssBytes: number;
}

export const DEFAULT_TOLERANCE: MemoryTolerance = { heapShare: 0.1, heapBytes: 8 * 2 ** 20, rssShare: 0.2, rssBytes: 32 * 2 ** 20 };

/** Growth of a process's memory from the plateau (after the first minute) to the end, with the limits it is held to. */
export interface MemoryVerdict {
  heapGrowth: number;
  heapLimit: number;
  /** From the plateau to the floor of the run's last third: the lowest RSS read there. */
  rssGrowth: number;
  rssLimit: number;
  ok: boolean;
}

/**
 * What one more workflow in the worker's sticky cache may cost: the bench measured 262 kB of RSS per cached idle
 * subscription, and the soak 80–140 kB of the workflow thread's heap per cached workflow of its mix (tickets, edits,
 * purchases, subscriptions); the margin is for workflows that carry more state. The cache is bounded by the worker's
 * `maxCachedWorkflows`.
 */
export const PER_CACHED_WORKFLOW: MemoryReading = { heapUsed: 160 * 1024, rss: 400 * 1024 };

/**
 * The readings the RSS is judged by: the last third of those after the plateau (at least one). RSS is not collected
 * like a heap: each V8 isolate keeps the pages it has grown into, young generation included, and hands them back when
 * it decides to, and the allocator keeps what it was given, so a process's RSS moves in a saw-tooth of tens of MB. A
 * single reading may land on a tooth; the lowest of the last third is the floor the process came back to, and a leak
 * raises that floor as surely as the teeth.
 */
export function rssFloor(readings: readonly MemoryReading[]): number {
  const last = readings.slice(-Math.max(1, Math.ceil(readings.length / 3)));
  return Math.min(...last.map((r) => r.rss));
}

/** What may have grown past the plateau for reasons the report shows, widening the limits. */
export interface MemoryAllowances {
  /** Workflows more in the worker's sticky cache at the end than at the plateau: PER_CACHED_WORKFLOW each. */
  cachedWorkflows?: number;
  /**
   * Bytes the isolates' young generations (new space) grew past their size at the plateau, at their largest over the
   * run: V8 sizes them to the allocation rate, up to `--max-semi-space-size`, and pages they give back mostly stay in
   * the process, so the RSS keeps that high-water mark.
   */
  youngGeneration?: number;
}

/**
 * Judges the growth from the plateau to the end against the tolerance: the heap at the last reading, the RSS at its
 * floor over the last third of `later` (the readings after the plateau, the last one the end), the limits widened by
 * the allowances (never narrowed).
 */
export function memoryVerdict(plateau: MemoryReading, later: readonly MemoryReading[], allowances: MemoryAllowances = {}, tolerance: MemoryTolerance = DEFAULT_TOLERANCE): MemoryVerdict {
  const end = later.at(-1) ?? plateau;
  const cached = Math.max(0, allowances.cachedWorkflows ?? 0);
  const young = Math.max(0, allowances.youngGeneration ?? 0);
  const heapLimit = plateau.heapUsed * tolerance.heapShare + tolerance.heapBytes + cached * PER_CACHED_WORKFLOW.heapUsed;
  const rssLimit = plateau.rss * tolerance.rssShare + tolerance.rssBytes + cached * PER_CACHED_WORKFLOW.rss + young;
  const heapGrowth = end.heapUsed - plateau.heapUsed;
  const rssGrowth = (later.length > 0 ? rssFloor(later) : plateau.rss) - plateau.rss;
  return { heapGrowth, heapLimit, rssGrowth, rssLimit, ok: heapGrowth <= heapLimit && rssGrowth <= rssLimit };
}

/** Bytes for people: `12.3 MB`, `-4.0 kB`, `512 B`. */
export function bytes(n: number): string {
  const size = Math.abs(n);
  if (size >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MB`;
  if (size >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
}

/** The growth table of the report, in Markdown. */
export function growthTable(growth: TableGrowth[]): string[] {
  return [
    '| table | rows | bytes | rows / 1000 req | bytes / 1000 req | why it grows |',
    '|---|---:|---:|---:|---:|---|',
    ...growth.map((g) => `| ${g.table} | ${g.rows} | ${bytes(g.bytes)} | ${g.rowsPer1000.toFixed(1)} | ${bytes(g.bytesPer1000)} | ${g.why} |`),
  ];
}

/** The visibility store's line of the report. */
export function visibilityLine(start: VisibilitySize, end: VisibilitySize, requests: number): string {
  const per1000 = (n: number) => (requests > 0 ? ((n * 1000) / requests).toFixed(1) : '0');
  const executions = end.executions - start.executions;
  const sqlite = end.sqliteBytes - start.sqliteBytes;
  return `Temporal visibility: ${start.executions} → ${end.executions} workflow executions (+${executions}, ${per1000(executions)} per 1000 req; running ${start.running} → ${end.running}); `
    + `SQLite file ${bytes(start.sqliteBytes)} → ${bytes(end.sqliteBytes)} (+${bytes(sqlite)}, ${bytes(requests > 0 ? (sqlite * 1000) / requests : 0)} per 1000 req)`;
}
