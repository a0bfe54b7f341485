/**
 * Login latency: POST /api/v1/customer/login through the real app (`app.inject()`, real PostgreSQL) against a bare
 * Fastify route in the same process that only verifies the same password against the same argon2id hash. The ratio
 * shows what the endpoint costs on top of the password hash itself (lookup, rate limits, refresh-token insert, JWT,
 * profile queries).
 *
 * Usage (the script migrates the database and creates, then removes, one bench account; Temporal is not needed):
 *   createdb -h 127.0.0.1 -U postgres webmagic_bench
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/webmagic_bench npx tsx bench/login.ts [iterations=200]
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { CustomerUser } from '../db/entities/index.js';
import { openOrm } from '../db/orm.js';
import { hashPassword, verifyPassword } from '../lib/auth/passwords.js';
import { loadConfig, type AppConfig } from '../lib/config.js';
import { createTemporalClient } from '../lib/temporal/client.js';
import { ms, summarize } from './stats.js';

const EMAIL = 'bench-login@webmagic.invalid';
const PASSWORD = 'Bench-password-2024';
const WARMUP = 20;

async function timeOne(app: FastifyInstance, url: string): Promise<number> {
  const started = performance.now();
  const res = await app.inject({ method: 'POST', url, payload: { email: EMAIL, password: PASSWORD } });
  const elapsed = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`${url} answered ${res.statusCode}: ${res.body}`);
  return elapsed;
}

const iterations = Number(process.argv[2] ?? 200);
if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`iterations must be a positive integer, got ${process.argv[2]}`);

const loaded = loadConfig();
if (loaded.database.embedded) {
  console.error('Set DATABASE_URL to a scratch database, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/webmagic_bench npx tsx bench/login.ts');
  process.exit(2);
}
// One client logging in over and over is exactly what the login limits stop; lift them for the bench.
const unlimited = { windowMs: 60_000, perIp: Number.MAX_SAFE_INTEGER, perEmail: Number.MAX_SAFE_INTEGER };
const config: AppConfig = { ...loaded, auth: { ...loaded.auth, rateLimits: { login: unlimited, authEmail: unlimited } } };

const orm = await openOrm(config.database);
await orm.migrator.up();
const passwordHash = await hashPassword(PASSWORD);
const em = orm.em.fork();
await em.nativeDelete(CustomerUser, { email: EMAIL });
em.create(CustomerUser, { email: EMAIL, passwordHash, fullName: 'Bench Customer', emailVerifiedAt: new Date() });
await em.flush();

const temporal = createTemporalClient(config.temporal);
const app = await buildApp({ config, orm, temporal }, { logger: false });
const bare = Fastify({ logger: false });
bare.post('/login', async () => ({ ok: await verifyPassword(passwordHash, PASSWORD) }));
await Promise.all([app.ready(), bare.ready()]);

try {
  const samples = { login: [] as number[], bare: [] as number[] };
  for (let i = 0; i < WARMUP + iterations; i++) {
    // Alternate the two so both see the same machine noise.
    const bareMs = await timeOne(bare, '/login');
    const loginMs = await timeOne(app, '/api/v1/customer/login');
    if (i >= WARMUP) {
      samples.bare.push(bareMs);
      samples.login.push(loginMs);
    }
  }
  const login = summarize(samples.login);
  const baseline = summarize(samples.bare);
  console.log(`POST /api/v1/customer/login, ${iterations} sequential requests after ${WARMUP} warm-up, argon2id hash verify as baseline`);
  console.log(`  login     p50 ${ms(login.p50)}   p95 ${ms(login.p95)}`);
  console.log(`  baseline  p50 ${ms(baseline.p50)}   p95 ${ms(baseline.p95)}`);
  console.log(`  ratio     p50 ${(login.p50 / baseline.p50).toFixed(2)}x   p95 ${(login.p95 / baseline.p95).toFixed(2)}x   overhead p50 ${ms(login.p50 - baseline.p50)}`);
} finally {
  await orm.em.fork().nativeDelete(CustomerUser, { email: EMAIL });
  await app.close();
  await bare.close();
  await temporal.connection.close();
  await orm.close();
}
