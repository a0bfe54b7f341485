import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggableUrl } from '../../api/request-log.js';
import { seedDemoSites } from '../../db/scripts/seed.js';
import { createTestApi, type TestApi } from '../helpers/api.js';
import { resetDatabase } from '../helpers/env.js';

let api: TestApi;
let forks = 0;

beforeAll(async () => {
  api = await createTestApi();
  await resetDatabase(api.orm);
  await seedDemoSites(api.orm.em.fork(), api.config.pricing);
  const fork = api.orm.em.fork.bind(api.orm.em);
  api.orm.em.fork = ((...args: Parameters<typeof fork>) => {
    forks += 1;
    return fork(...args);
  });
});
afterAll(() => api.close());

describe('per-request context', () => {
  it('forks no entity manager for the health probe, one for a route that reads through the ORM', async () => {
    forks = 0;
    for (let i = 0; i < 5; i += 1) expect((await api.app.inject({ method: 'GET', url: '/api/v1/health/live' })).statusCode).toBe(200);
    expect(forks).toBe(0);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/sites/plumber-joe' })).statusCode).toBe(200);
    expect(forks).toBe(1);
  });
});

describe('loggableUrl', () => {
  it('replaces one-time tokens and preview keys in the query and leaves everything else', () => {
    expect(loggableUrl('/account/set-password?token=abc.def&next=/x')).toBe('/account/set-password?token=[redacted]&next=/x');
    expect(loggableUrl('/sites/joe?preview=k3y&TOKEN=zz')).toBe('/sites/joe?preview=[redacted]&TOKEN=[redacted]');
    expect(loggableUrl('/sites/joe?tokens=1&mytoken=2')).toBe('/sites/joe?tokens=1&mytoken=2');
    expect(loggableUrl('/api/v1/health/live')).toBe('/api/v1/health/live');
  });
});
