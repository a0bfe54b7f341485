import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../lib/config.js';

interface Service {
  image?: string;
  build?: string;
  command?: string[] | string;
  ports?: string[];
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

  it('publishes the API, and the Web UI on loopback only; Temporal gRPC stays on the internal network', () => {
    expect(services.api?.ports).toContain('3000:3000');
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
      const config = loadConfig({ ...env, JWT_SECRET: 'a'.repeat(48), RECURRENTE_WEBHOOK_SECRET: 'whsec_c2FtcGxl' });
      expect(config.env).toBe('production');
      expect(config.database.url).toContain('@postgres:5432/webmagic');
      expect(config.temporal.address).toBe('temporal:7233');
      expect(config.postmark.useHttps).toBe(true);
    }
  });

  it('keeps secrets out of the file', () => {
    const text = readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8');
    for (const key of ['JWT_SECRET', 'ADMIN_API_TOKEN', 'RECURRENTE_SECRET_KEY', 'RECURRENTE_WEBHOOK_SECRET', 'POSTMARK_SERVER_TOKEN', 'POSTGRES_PASSWORD']) {
      expect(text).toMatch(new RegExp(`\\$\\{${key}:\\?`));
    }
  });
});
