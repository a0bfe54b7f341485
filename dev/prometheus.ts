import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../lib/config.js';

/** The alert rules every Prometheus of the project loads (this one, compose's, production's). */
export const ALERT_RULES = new URL('../deploy/prometheus/alerts.yml', import.meta.url).pathname;

/** How often the local Prometheus scrapes and evaluates the rules. */
export interface LocalPrometheusTiming {
  scrapeInterval: string;
  evaluationInterval: string;
}

/**
 * Writes the local Prometheus configuration into `dir`: the API's and the worker's metrics listeners as the jobs the
 * rules name (`webmagic-api`, `webmagic-worker`), and the project's alert rules. Answers the command line to run.
 */
export function localPrometheusArgs(config: Pick<AppConfig, 'metrics'>, dir: string, port: number, timing: LocalPrometheusTiming = { scrapeInterval: '5s', evaluationInterval: '5s' }): string[] {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const target = (p: number) => `['${config.metrics.host}:${p}']`;
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, [
    '# Written by the run command on each start; edit deploy/prometheus/alerts.yml for the rules.',
    'global:',
    `  scrape_interval: ${timing.scrapeInterval}`,
    `  evaluation_interval: ${timing.evaluationInterval}`,
    'rule_files:',
    `  - ${ALERT_RULES}`,
    'scrape_configs:',
    `  - { job_name: webmagic-api, static_configs: [{ targets: ${target(config.metrics.apiPort)} }] }`,
    `  - { job_name: webmagic-worker, static_configs: [{ targets: ${target(config.metrics.workerPort)} }] }`,
    '',
  ].join('\n'));
  return [
    `--config.file=${file}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--storage.tsdb.retention.time=2d',
    `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn',
  ];
}
