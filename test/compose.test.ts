import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../lib/config.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string } | null>;
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as { services: Record<string, Service> };
const { services } = compose;

/** Resolves `${VAR:-default}` to its default and `${VAR}` / `${VAR:?message}` to a sample value, as compose would with those variables set. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => (op === '-' ? (arg ?? '') : `sample-${name.toLowerCase()}`));
}

describe('docker-compose.yml', () => {
  it('describes postgres, temporal, temporal-ui, api and worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'temporal', 'temporal-ui', 'api', 'worker']));
    expect(services.temporal?.image).toMatch(/^temporalio\/auto-setup:/);
    expect(services['temporal-ui']?.image).toMatch(/^temporalio\/ui:/);
    expect(services.api?.build).toBe('.');
    expect(services.worker?.build).toBe('.');
  });

  it('gives Temporal PostgreSQL persistence', () => {
    expect(services.temporal?.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    expect(services.temporal?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('publishes only the edge (80, 443) and the Web UI on loopback; the API and Temporal gRPC stay on internal networks', () => {
    expect(services.caddy?.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    expect(services.api?.ports).toBeUndefined();
    expect(services.api?.expose).toContain('3000');
    expect(services.temporal?.ports).toBeUndefined();
    expect(services['temporal-ui']?.ports).toEqual(['127.0.0.1:8233:8080']);
  });

  it('health-checks the long-running services and starts each after what it needs is healthy', () => {
    for (const name of ['postgres', 'temporal', 'temporal-ui', 'api']) expect(services[name]?.healthcheck?.test.length, name).toBeGreaterThan(0);
    for (const name of ['api', 'worker']) {
      expect(services[name]?.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(services[name]?.depends_on?.temporal?.condition, name).toBe('service_healthy');
    }
    expect(services.api?.healthcheck?.test.join(' ')).toContain('/api/v1/health/ready');
  });

  it('wires an environment the production configuration accepts, for both api and worker', () => {
    for (const name of ['api', 'worker']) {
      const env = Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
      const config = loadConfig({
        ...env, JWT_SECRET: 'a'.repeat(48), ADMIN_API_TOKEN: 'b'.repeat(40), RECURRENTE_WEBHOOK_SECRET: 'whsec_c2FtcGxl', DOMAIN_A_RECORDS: '203.0.113.10',
        TEMPORAL_CODEC_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      });
      expect(config.env).toBe('production');
      expect(config.database.url).toContain('@postgres:5432/webmagic');
      expect(config.temporal.address).toBe('temporal:7233');
      expect(config.postmark.useHttps).toBe(true);
      expect(config.hosting.sitesDomain).toBe('webmagic.site');
      expect(config.dns.servers.length).toBeGreaterThan(0);
    }
  });

  it('puts Caddy in front: on-demand TLS asked of the API, HTTP redirected, and only its forwarded headers trusted', () => {
    const caddy = services.caddy;
    expect(caddy?.image).toMatch(/^caddy:2/);
    expect(caddy?.volumes).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(caddy?.depends_on?.api?.condition).toBe('service_healthy');
    const edgeAddress = caddy?.networks?.edge?.ipv4_address;
    expect(edgeAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(services.api?.environment?.TRUST_PROXY).toBe(edgeAddress);
    expect(services.api?.networks).toHaveProperty('edge');

    const caddyfile = readFileSync(new URL('../deploy/Caddyfile', import.meta.url), 'utf8');
    expect(caddyfile).toMatch(/on_demand_tls\s*\{\s*ask http:\/\/api:3000\/api\/v1\/hosting\/tls-ask\s*\}/);
    expect(caddyfile).toMatch(/https:\/\/ \{\s*tls \{\s*on_demand\s*\}\s*reverse_proxy api:3000/);
    expect(caddyfile).toMatch(/http:\/\/ \{\s*redir https:\/\/\{host\}\{uri\} permanent/);
  });

  it('runs Prometheus with the alert rules and Grafana with the provisioned dashboard, both on loopback, scraping the internal metrics listeners', () => {
    expect(services.prometheus?.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(services.grafana?.ports).toEqual(['127.0.0.1:3030:3000']);
    expect(services.api?.environment?.METRICS_HOST).toBe('0.0.0.0');
    const prometheus = parse(readFileSync(new URL('../deploy/prometheus/prometheus.compose.yml', import.meta.url), 'utf8')) as {
      rule_files: string[]; scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    expect(prometheus.scrape_configs.map((c) => [c.job_name, c.static_configs[0]?.targets])).toEqual([['webmagic-api', ['api:9464']], ['webmagic-worker', ['worker:9465']]]);
    const dashboard = JSON.parse(readFileSync(new URL('../deploy/grafana/dashboards/webmagic.json', import.meta.url), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n');
    for (const series of ['webmagic_http_requests_total', 'webmagic_webhook_inbox_depth', 'webmagic_page_cache_lookups_total', 'temporal_num_pollers', 'webmagic_subscriptions']) {
      expect(exprs).toContain(series);
    }
  });

  it('keeps secrets out of the file', () => {
    const text = readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8');
    for (const key of ['JWT_SECRET', 'GRAFANA_ADMIN_PASSWORD', 'ADMIN_API_TOKEN', 'TEMPORAL_CODEC_KEYS', 'RECURRENTE_SECRET_KEY', 'RECURRENTE_WEBHOOK_SECRET', 'POSTMARK_SERVER_TOKEN', 'POSTGRES_PASSWORD', 'ACME_EMAIL']) {
      expect(text).toMatch(new RegExp(`\\$\\{${key}:\\?`));
    }
  });
});
