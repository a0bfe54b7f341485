import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { temporalCliPath } from '../dev/temporal-binaries.js';
import { createThrowawayDatabase } from '../dev/throwaway-database.js';
import { openOrm } from '../db/orm.js';
import { WORKFLOWS_PATH } from '../worker/worker.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/** Creates a fresh migrated database, one shared Temporal dev server and the workflow bundle; removes them afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await createThrowawayDatabase('webmagic_test');
  const orm = await openOrm({ url: database.url, poolMax: 2, connectTimeoutMs: 5000, embedded: false });
  await orm.migrator.up();
  await orm.close();

  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'warn' } },
    }),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  const bundleDir = mkdtempSync(join(tmpdir(), 'webmagic-bundle-'));
  const workflowBundlePath = join(bundleDir, 'workflows.js');
  writeFileSync(workflowBundlePath, bundle.code);

  project.provide('databaseUrl', database.url);
  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await env.teardown();
    rmSync(bundleDir, { recursive: true, force: true });
    await database.drop();
  };
}
