import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the content of the existing file `filePath`; returns the layer-rule messages. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('layer import rules', { timeout: 120_000 }, () => {
  it('rejects a database import from lib/ and accepts a lib/ import there', async () => {
    expect(await layerErrors('lib/money.ts', "import { CustomerUser } from '../db/entities/index.js';\nexport const entity = CustomerUser;\n"))
      .toEqual([expect.stringContaining('lib/ is the pure bottom layer')]);
    expect(await layerErrors('lib/money.ts', "import { escapeHtml } from './html.js';\nexport const escaped = escapeHtml('<b>');\n")).toEqual([]);
  });

  it('rejects activity, API and dev imports from lib/', async () => {
    const code = [
      "import { createEmailActivities } from '../activities/email.js';",
      "import { buildApp } from '../api/app.js';",
      "import '../dev/start.js';",
      'export const all = [createEmailActivities, buildApp];',
      '',
    ].join('\n');
    expect(await layerErrors('lib/money.ts', code)).toHaveLength(3);
  });

  it('lets the API import activity types but not activity code', async () => {
    expect(await layerErrors('api/email.ts', "import { createEmailActivities } from '../activities/email.js';\nexport const factory = createEmailActivities;\n"))
      .toEqual([expect.stringContaining('activity types only')]);
    expect(await layerErrors('api/email.ts', "import type { SendEmailInput } from '../activities/email.js';\nexport type Input = SendEmailInput;\n")).toEqual([]);
  });

  it('rejects API imports from activities/ and db/', async () => {
    const code = "import { buildApp } from '../api/app.js';\nexport const app = buildApp;\n";
    expect(await layerErrors('activities/email.ts', code)).toEqual([expect.stringContaining('thin factories')]);
    expect(await layerErrors('db/sites.ts', "import { buildApp } from '../api/app.js';\nexport const app = buildApp;\n")).toEqual([expect.stringContaining('db/ imports only')]);
  });

  it('rejects workflow imports from activities/, types included', async () => {
    expect(await layerErrors('activities/payments.ts', "import type { ClaimPayment } from '../workflows/claim/contract.js';\nexport type Payment = ClaimPayment;\n"))
      .toEqual([expect.stringContaining('below the workflows')]);
    expect(await layerErrors('activities/payments.ts', "import { workflowIds } from '../lib/workflow-ids.js';\nexport const ids = workflowIds;\n")).toEqual([]);
  });

  it('rejects ORM, driver and entity imports from a route, and accepts a service import there', async () => {
    const file = 'api/routes/customer/payments.ts';
    const code = [
      "import { wrap } from '@mikro-orm/core';",
      "import pg from 'pg';",
      "import { Payment } from '../../../db/entities/index.js';",
      "import { openOrm } from '../../../db/orm.js';",
      'export const all = [wrap, pg, Payment, openOrm];',
      '',
    ].join('\n');
    const errors = await layerErrors(file, code);
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(error).toContain('Routes never query the database');
    expect(await layerErrors(file, "import { sitePayments } from '../../services/payments.js';\nexport const query = sitePayments;\n")).toEqual([]);
  });
});
