import { writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { eventually } from './eventually.js';

/**
 * Writes a workflow's history to `test/workflows/histories/<name>.json` for the replay test, when the run is asked
 * to (`RECORD_HISTORIES=1`); otherwise does nothing, so ordinary runs never rewrite the recorded files. With
 * `closed`, waits first until the handle's run has ended (completed, or continued as new).
 */
export async function recordHistory(handle: WorkflowHandle, name: string, { closed = false }: { closed?: boolean } = {}): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  if (closed) await eventually(async () => (await handle.describe()).status.name, (status) => status !== 'RUNNING');
  const history = await handle.fetchHistory();
  writeFileSync(new URL(`../workflows/histories/${name}.json`, import.meta.url), historyToJSON(history));
}
