import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../helpers/api.js';

let api: TestApi;
let unreachable: TestApi;

beforeAll(async () => {
  api = await createTestApi();
  // Nothing listens on port 1: readiness must notice.
  unreachable = await createTestApi({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
});
afterAll(async () => {
  await api.close();
  await unreachable.close();
});

describe('health', () => {
  it('liveness answers without touching dependencies', async () => {
    const res = await unreachable.app.inject({ method: 'GET', url: '/api/v1/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('readiness is 200 when PostgreSQL and Temporal answer', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/health/ready', headers: { authorization: `Bearer ${api.config.auth.adminApiToken}` } });
    expect(res.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true } } });
    expect(res.statusCode).toBe(200);
  });

  it('readiness is 503 when Temporal is unreachable, and names it only to an operator', async () => {
    expect((await unreachable.app.inject({ method: 'GET', url: '/api/v1/health/ready' })).json()).toEqual({ status: 'not_ready' });
    const res = await unreachable.app.inject({ method: 'GET', url: '/api/v1/health/ready', headers: { authorization: `Bearer ${unreachable.config.auth.adminApiToken}` } });
    expect(res.statusCode).toBe(503);
    const body = res.json<{ status: string; checks: { database: { ok: boolean }; temporal: { ok: boolean; error?: string } } }>();
    expect(body.status).toBe('not_ready');
    expect(body.checks.database.ok).toBe(true);
    expect(body.checks.temporal.ok).toBe(false);
    expect(body.checks.temporal.error).toBeTruthy();
  });
});

describe('API conventions', () => {
  it('answers unknown routes with a JSON 404', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not_found', code: 'not_found', message: 'No route GET /api/v1/nope' });
  });

  it('gives every response a request id, reusing a well-formed one from the caller', async () => {
    const fresh = await api.app.inject({ method: 'GET', url: '/api/v1/health/live' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await api.app.inject({ method: 'GET', url: '/api/v1/health/live', headers: { 'x-request-id': 'trace-1234abcd' } });
    expect(given.headers['x-request-id']).toBe('trace-1234abcd');
  });

  it('publishes an OpenAPI document covering the routes, and a docs page', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/health/live', '/api/v1/health/ready', '/api/v1/sites/{slug}', '/sites/{slug}']));
    const docs = await api.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
