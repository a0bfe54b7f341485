import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { openOrm } from '../../db/orm.js';
import { createTemporalClient } from '../../lib/temporal/client.js';
import { testConfig } from '../helpers/env.js';

let app: FastifyInstance;
let close: () => Promise<void>;
let log = '';

beforeAll(async () => {
  const config = testConfig({ LOG_LEVEL: 'info' });
  const orm = await openOrm(config.database);
  const temporal = createTemporalClient(config.temporal);
  const logStream = new Writable({ write(chunk: Buffer, _enc, done) { log += chunk.toString(); done(); } });
  app = await buildApp({ config, orm, temporal }, { logStream, relay: false });
  close = async () => { await app.close(); await temporal.connection.close(); await orm.close(); };
});
afterAll(() => close());

function lines(): Record<string, unknown>[] {
  return log.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

it('writes exactly one line per request — found, not found and refused — with its status, a truncated IP and no link token', async () => {
  log = '';
  const from = { remoteAddress: '198.51.100.77' };
  const answers = [
    await app.inject({ method: 'GET', url: '/api/v1/health/live', ...from }),
    await app.inject({ method: 'GET', url: '/api/v1/no-such-route', ...from }),
    await app.inject({ method: 'GET', url: '/account/set-password?token=secret-link-token', ...from }),
    await app.inject({ method: 'POST', url: '/api/v1/customer/login', payload: { email: 'not-an-email' }, ...from }),
  ];

  const requests = lines().filter((line) => line.msg === 'request');
  expect(requests.map((line) => [line.method, line.status])).toEqual([['GET', 200], ['GET', 404], ['GET', 200], ['POST', 400]]);
  expect(requests.every((line) => line.ip === '198.51.100.0' && typeof line.reqId === 'string' && typeof line.ms === 'number')).toBe(true);
  // Every answer, refused ones included, carries the id its log line names.
  expect(answers.map((answer) => answer.headers['x-request-id'])).toEqual(requests.map((line) => line.reqId));
  expect(requests[2]!.url).toBe('/account/set-password?token=[redacted]');
  expect(lines().filter((line) => line.msg === 'incoming request' || line.msg === 'request completed' || line.msg === 'Route not found')).toEqual([]);
  expect(log).not.toContain('198.51.100.77');
  expect(log).not.toContain('secret-link-token');
});

it('replaces the token of a private edit preview in the path', async () => {
  log = '';
  const token = 'Zm9vYmFyLXByZXZpZXctdG9rZW4tc2VjcmV0LTAxMjM0';
  await app.inject({ method: 'GET', url: `/preview/${token}?utm_source=mail` });
  await app.inject({ method: 'GET', url: `/preview/${token}/` });
  const urls = lines().filter((line) => line.msg === 'request').map((line) => line.url);
  expect(urls).toEqual(['/preview/[redacted]?utm_source=mail', '/preview/[redacted]/']);
  expect(log).not.toContain(token);
});
