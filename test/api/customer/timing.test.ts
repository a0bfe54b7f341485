import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerUser } from '../../../db/entities/index.js';
import { createTestApi, type TestApi } from '../../helpers/api.js';
import { resetDatabase } from '../../helpers/env.js';

const TRIES = 200;

// No worker: the queued emails are never sent, which keeps this file about the API's own answer time.
let api: TestApi;
beforeAll(async () => {
  api = await createTestApi({ AUTH_EMAIL_MAX_PER_IP: '100000', AUTH_EMAIL_MAX_PER_EMAIL: '100000' });
  await resetDatabase(api.orm);
  const em = api.orm.em.fork();
  for (let i = 0; i < TRIES; i++) em.create(CustomerUser, { email: `known-${i}@example.com`, fullName: 'Known', emailVerifiedAt: null });
  await em.flush();
});
afterAll(() => api.close());


function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function answerTimes(url: string): Promise<{ known: number[]; unknown: number[] }> {
  const times = { known: [] as number[], unknown: [] as number[] };
  // Interleaved in alternating order, so the work a known address starts after its answer slows the next request
  // of either kind alike.
  for (let i = 0; i < TRIES; i++) {
    for (const kind of i % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
      // A new address on both sides, so both pay for a first per-address rate-limit counter alike.
      const email = kind === 'known' ? `known-${i}@example.com` : `nobody-${i}@example.com`;
      const started = process.hrtime.bigint();
      const res = await api.app.inject({ method: 'POST', url, payload: { email } });
      times[kind].push(Number(process.hrtime.bigint() - started) / 1e6);
      expect(res.statusCode).toBe(202);
    }
  }
  return times;
}

describe('link requests take the same time whether or not the account exists', () => {
  for (const url of ['/api/v1/customer/forgot-password', '/api/v1/customer/resend-verification']) {
    it(`${url}: medians of ${TRIES} known and ${TRIES} unknown addresses differ by less than the spread`, async () => {
      const { known, unknown } = await answerTimes(url);
      const [k, u] = [known.sort((a, b) => a - b), unknown.sort((a, b) => a - b)];
      const spread = Math.max(quantile(k, 0.75) - quantile(k, 0.25), quantile(u, 0.75) - quantile(u, 0.25));
      const gap = Math.abs(quantile(k, 0.5) - quantile(u, 0.5));
      console.log(`${url}: median known ${quantile(k, 0.5).toFixed(2)} ms, unknown ${quantile(u, 0.5).toFixed(2)} ms, gap ${gap.toFixed(2)} ms, IQR ${spread.toFixed(2)} ms`);
      expect(gap).toBeLessThanOrEqual(spread);
    }, 120_000);
  }
});
