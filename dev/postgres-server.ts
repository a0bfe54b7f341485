import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

// A process of its own that stops the server and exits on SIGINT/SIGTERM, so the launcher can stop it last,
// after the API and the worker. The server's log pipe keeps it alive meanwhile.
const config = loadConfig();
const dataDir = resolve(fileURLToPath(new URL('..', import.meta.url)), config.dataDir, 'postgres');
const database = await startEmbeddedPostgres(config.database.url, dataDir);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void database.stop().then(() => process.exit(0)));
}
console.log(`embedded PostgreSQL ready (${database.dataDir})`);
