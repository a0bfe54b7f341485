import { describe, expect, it } from 'vitest';
import { ConfigError, EMBEDDED_DATABASE_URL, loadConfig, parseDuration } from '../../lib/config.js';

/** A production configuration with every secret and host set properly. */
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db:5432/webmagic',
  JWT_SECRET: 'x'.repeat(40),
  ADMIN_API_TOKEN: 'admin-token-from-the-vault-0123456789',
  RECURRENTE_WEBHOOK_SECRET: 'whsec_cHJvZHVjdGlvbi1zZWNyZXQ=',
  RECURRENTE_API_URL: 'https://app.recurrente.com/api',
  POSTMARK_API_HOST: 'api.postmarkapp.com',
  POSTMARK_USE_HTTPS: 'true',
  TEMPORAL_CODEC_KEYS: `k2026:${Buffer.alloc(32, 7).toString('base64')}`,
  ANALYTICS_SALT: 'analytics-salt-from-the-vault',
  OUTREACH_POSTAL_ADDRESS: 'WebMagic, 1 Avenida Reforma, Guatemala City, Guatemala',
  OUTREACH_UNSUBSCRIBE_SECRET: 'outreach-unsubscribe-secret-from-the-vault',
  POSTMARK_WEBHOOK_SECRET: 'postmark-webhook-secret-from-the-vault',
};

describe('loadConfig', () => {
  it('fills every setting with its development default', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.database).toMatchObject({ url: EMBEDDED_DATABASE_URL, embedded: true });
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', uiPort: 8233, addressGiven: false });
    expect(config.dataDir).toBe('.data');
    expect(config.pricing).toEqual({ purchaseAmountCents: 49500, monthlyAmountCents: 9500, currency: 'USD' });
    expect(config.subscription.gracePeriodMs).toBe(7 * 86_400_000);
  });

  it('converts values given as text and notes whether the database is embedded', () => {
    const config = loadConfig({ PORT: '4010', POSTMARK_USE_HTTPS: 'true', DATABASE_URL: 'postgres://u@db:5432/x', TEMPORAL_ADDRESS: 'temporal:7233', GRACE_PERIOD: '90s' });
    expect(config.http.port).toBe(4010);
    expect(config.postmark.useHttps).toBe(true);
    expect(config.database.embedded).toBe(false);
    expect(config.temporal).toMatchObject({ address: 'temporal:7233', addressGiven: true });
    expect(config.subscription.gracePeriodMs).toBe(90_000);
  });

  it('puts the embedded database on DB_EMBEDDED_PORT', () => {
    expect(loadConfig({ DB_EMBEDDED_PORT: '6543' }).database).toMatchObject({ url: 'postgres://postgres:postgres@127.0.0.1:6543/webmagic', embedded: true });
  });

  it('leaves the worker\'s sticky cache to the SDK unless WORKER_MAX_CACHED_WORKFLOWS bounds it (at least 2)', () => {
    expect(loadConfig({}).temporal.maxCachedWorkflows).toBeNull();
    expect(loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: '500' }).temporal.maxCachedWorkflows).toBe(500);
    for (const value of ['1', '0', '-5', 'many']) expect(() => loadConfig({ WORKER_MAX_CACHED_WORKFLOWS: value }), value).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('names the bad setting when a value is invalid', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ GRACE_PERIOD: 'a week' })).toThrow(/GRACE_PERIOD/);
    expect(() => loadConfig({ CURRENCY: 'EUR' })).toThrow(/CURRENCY/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('reads the provider clients\' timeouts (shorter than an activity attempt) and the fakes\' faults', () => {
    const config = loadConfig({ RECURRENTE_TIMEOUT: '2s', POSTMARK_TIMEOUT: '1500ms', FAKE_POSTMARK_FAULTS: 'error=0.2,late=0.05,hold=3s,seed=4' });
    expect(config.recurrente.timeoutMs).toBe(2000);
    expect(config.postmark.timeoutSeconds).toBe(1.5);
    expect(config.postmark.fakeFaults).toEqual({ errorRate: 0.2, lateRate: 0.05, holdMs: 3000, seed: 4 });
    expect(config.recurrente.fakeFaults).toEqual({});
    expect(() => loadConfig({ POSTMARK_TIMEOUT: '30s' })).toThrow(/POSTMARK_TIMEOUT: must be shorter than 30s/);
    expect(() => loadConfig({ FAKE_RECURRENTE_FAULTS: 'error=often' })).toThrow(/FAKE_RECURRENTE_FAULTS: fault "error" needs a number/);
  });

  it('refuses development secrets and the embedded database in production', () => {
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const key of ['JWT_SECRET', 'ADMIN_API_TOKEN', 'RECURRENTE_WEBHOOK_SECRET', 'ANALYTICS_SALT', 'DATABASE_URL', 'TEMPORAL_CODEC_KEYS']) expect(message).toContain(key);

    const config = loadConfig(PRODUCTION);
    expect(config.env).toBe('production');
  });
});

describe('production hosts and tokens', () => {
  it('refuses local provider and Postmark hosts and a short admin token in production', () => {
    for (const [key, value] of [
      ['RECURRENTE_API_URL', 'http://127.0.0.1:3001/api'],
      ['RECURRENTE_API_URL', 'http://localhost:3001/api'],
      ['POSTMARK_API_HOST', '127.0.0.1:3002'],
      ['POSTMARK_API_HOST', 'localhost'],
      ['ADMIN_API_TOKEN', 'only-twenty-chars-xx'],
      ['POSTMARK_USE_HTTPS', 'false'],
      ['RECURRENTE_API_URL', 'http://app.recurrente.com/api'],
      ['OPENAI_BASE_URL', 'http://api.openai.com/v1'],
      ['TRUST_PROXY', 'true'],
    ] as const) {
      expect(() => loadConfig({ ...PRODUCTION, [key]: value }), `${key}=${value}`).toThrow(new RegExp(key));
    }
    expect(loadConfig(PRODUCTION).recurrente.apiUrl).toBe('https://app.recurrente.com/api');
    expect(() => loadConfig({ ...PRODUCTION, POSTMARK_USE_HTTPS: undefined })).toThrow(/POSTMARK_USE_HTTPS: must be true/);
    const trusted = loadConfig({ ...PRODUCTION, TRUST_PROXY: '10.0.0.0/8', OPENAI_BASE_URL: 'https://llm.example.com/v1' });
    expect([trusted.http.trustProxy, trusted.assistant.baseUrl, trusted.postmark.useHttps]).toEqual([['10.0.0.0/8'], 'https://llm.example.com/v1', true]);
  });

  it('accepts several webhook secrets (rotation) and several codec keys, the first signing and encrypting', () => {
    const config = loadConfig({
      RECURRENTE_WEBHOOK_SECRET: 'whsec_bmV3LXNlY3JldA==,whsec_b2xkLXNlY3JldA==',
      TEMPORAL_CODEC_KEYS: `new:${Buffer.alloc(32, 1).toString('base64')},old:${Buffer.alloc(32, 2).toString('base64')}`,
    });
    expect(config.recurrente.webhookSecret).toBe('whsec_bmV3LXNlY3JldA==');
    expect(config.recurrente.webhookSecrets).toEqual(['whsec_bmV3LXNlY3JldA==', 'whsec_b2xkLXNlY3JldA==']);
    expect(config.temporal.codecKeys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(() => loadConfig({ TEMPORAL_CODEC_KEYS: `short:${Buffer.alloc(16).toString('base64')}` })).toThrow(/TEMPORAL_CODEC_KEYS/);
  });
});

describe('settings read together or from other settings', () => {
  it('derives the UI origin, the mTLS files, the API hosts and the DNS servers', () => {
    const development = loadConfig({ TEMPORAL_UI_PORT: '9000', TEMPORAL_TLS_CERT: 'c.pem', TEMPORAL_TLS_KEY: 'k.pem' });
    expect(development.temporal.uiOrigin).toBe('http://127.0.0.1:9000');
    expect(development.temporal.security).toEqual({ tls: { certPath: 'c.pem', keyPath: 'k.pem', caPath: null, serverName: null }, apiKey: null });
    expect(development.hosting.apiHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(development.dns.servers).toEqual(['127.0.0.1:5354']);
    expect(development.subscription.activationRemindersMs).toEqual([7 * 86_400_000, 13 * 86_400_000]);

    const production = loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: 'https://api.example.com/', API_HOSTS: 'Edge.example.com' });
    expect(production.publicBaseUrl).toBe('https://api.example.com');
    expect(production.hosting.apiHosts).toEqual(['api.example.com', 'edge.example.com']);
    expect(production.dns.servers).toEqual([]);
    expect(production.temporal.security.tls).toBeNull();
  });
});

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default, and reads true or a list of proxy addresses', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });
});

describe('parseDuration', () => {
  it('reads each unit', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(() => parseDuration('7 days')).toThrow(ConfigError);
  });
});
