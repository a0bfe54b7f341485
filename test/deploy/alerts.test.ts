import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { ALERT_RULES, localPrometheusArgs } from '../../dev/prometheus.js';
import { eventually } from '../helpers/eventually.js';
import { freePort } from '../helpers/ports.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const TESTS = join(ROOT, 'deploy/prometheus/alerts.test.yml');

const alertNames = (parse(readFileSync(ALERT_RULES, 'utf8')) as { groups: { rules: { alert: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.alert));

describe('the alert rules', () => {
  it('pass promtool check rules and every promtool unit test', async () => {
    expect((await run('promtool', ['check', 'rules', ALERT_RULES])).stdout).toContain(`SUCCESS: ${alertNames.length} rules found`);
    expect((await run('promtool', ['test', 'rules', TESTS])).stdout).toContain('SUCCESS');
  });

  it('give every alert a firing test case and a runbook entry in the README', () => {
    const tests = parse(readFileSync(TESTS, 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    const firing = new Set(tests.tests.flatMap((t) => t.alert_rule_test.filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname)));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(alertNames.filter((name) => !firing.has(name))).toEqual([]);
    expect(alertNames.filter((name) => !readme.includes(`#### ${name}\n`))).toEqual([]);
  });
});

describe('the local Prometheus', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('fires WorkersNotPolling when the worker stops', async () => {
    const [workerMetricsPort, prometheusPort] = await Promise.all([freePort(), freePort()]);
    const metrics = { host: '127.0.0.1', apiPort: await freePort(), workerPort: workerMetricsPort };
    const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: ROOT, stdio: 'ignore',
      env: {
        ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: `alerts-${process.pid}`, WORKER_METRICS_PORT: String(workerMetricsPort), API_METRICS_PORT: '0',
      },
    });
    children.push(worker);
    const dir = mkdtempSync(join(tmpdir(), 'webmagic-prometheus-'));
    dirs.push(dir);
    children.push(spawn('prometheus', localPrometheusArgs({ metrics }, dir, prometheusPort, { scrapeInterval: '1s', evaluationInterval: '1s' }), { stdio: 'ignore' }));

    const query = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/${path}`).catch(() => null);
      return res?.ok ? ((await res.json()) as { data: unknown }).data : null;
    };
    const workerUp = async () => ((await query('query?query=up%7Bjob%3D%22webmagic-worker%22%7D')) as { result: { value: [number, string] }[] } | null)?.result[0]?.value[1];
    const alertState = async () => ((await query('alerts')) as { alerts: { labels: { alertname: string }; state: string }[] } | null)
      ?.alerts.find((a) => a.labels.alertname === 'WorkersNotPolling')?.state ?? 'inactive';

    await eventually(workerUp, (up) => up === '1', 90_000);
    // A worker that has just started reports 0 pollers for a moment; once polling, nothing is pending.
    await eventually(alertState, (state) => state === 'inactive', 60_000);
    worker.kill('SIGKILL');
    await eventually(alertState, (state) => state === 'pending', 30_000);
    expect(await eventually(alertState, (state) => state === 'firing', 90_000)).toBe('firing');
  }, 240_000);
});
