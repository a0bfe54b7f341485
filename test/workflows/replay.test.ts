import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';

const HISTORIES = fileURLToPath(new URL('./histories', import.meta.url));
const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort();

describe('replay of recorded histories', () => {
  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s replays against the current workflow code without nondeterminism', async (file) => {
    const history: unknown = JSON.parse(readFileSync(`${HISTORIES}/${file}`, 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file.replace(/\.json$/, '')),
    ).resolves.toBeUndefined();
  });
});
