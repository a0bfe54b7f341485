import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS_BIN = fileURLToPath(new URL('../.tools/temporal/bin', import.meta.url));

function onPath(name: string): string | undefined {
  return (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
}

function resolveBinary(name: string): string {
  const local = join(TOOLS_BIN, name);
  const found = existsSync(local) ? local : onPath(name);
  if (!found) throw new Error(`${name} not found: run "bash dev/install-temporal.sh"`);
  return found;
}

/** Path of the Temporal CLI (dev server with Web UI). */
export function temporalCliPath(): string {
  return resolveBinary('temporal');
}

/** Path of the Temporal time-skipping test server. */
export function temporalTestServerPath(): string {
  return resolveBinary('temporal-test-server');
}
