import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import { encryptedDataConverter } from '../../lib/temporal/codec.js';

const HISTORIES = fileURLToPath(new URL('./histories', import.meta.url));
const dataConverter = encryptedDataConverter(loadConfig({ NODE_ENV: 'test' }).temporal.codecKeys);
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays against the current workflow code without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(readFileSync(`${HISTORIES}/${file}`, 'utf8'));
    await expect(
      // With the payload codec the workers run: histories recorded before it (unencrypted payloads) still replay.
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter }, history, file.replace(/\.json$/, '')),
    ).resolves.toBeUndefined();
  });
});
