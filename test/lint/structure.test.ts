import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints `code` with the real config as if it were the content of the existing file `filePath`; returns the messages of `rule`. */
async function ruleErrors(rule: string, filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((message) => message.ruleId === rule).map((message) => message.message);
}

/** A function of `lines` statements, one per line: `lines + 4` lines in all. */
function functionOf(lines: number): string {
  const body = Array.from({ length: lines }, (_, i) => `  total += ${i};`).join('\n');
  return `export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
}

describe('structure rules', { timeout: 120_000 }, () => {
  it('rejects an import cycle, and lets a type-only import close the loop', async () => {
    // lib/email/templates.ts imports lib/html.ts, so html.ts importing the templates back is a cycle.
    expect(await ruleErrors('import-x/no-cycle', 'lib/html.ts', "import { renderEmail } from './email/templates.js';\nexport const render = renderEmail;\n"))
      .toEqual([expect.stringContaining('Dependency cycle')]);
    expect(await ruleErrors('import-x/no-cycle', 'lib/html.ts', "import type { SendEmailInput } from './email/templates.js';\nexport type Input = SendEmailInput;\n"))
      .toEqual([]);
  });

  it('rejects a source function over 80 lines, but not in tests or in a listed exception', async () => {
    expect(await ruleErrors('max-lines-per-function', 'lib/money.ts', functionOf(77))).toEqual([expect.stringContaining('too many lines (81)')]);
    expect(await ruleErrors('max-lines-per-function', 'lib/money.ts', functionOf(76))).toEqual([]);
    expect(await ruleErrors('max-lines-per-function', 'test/lint/layout.test.ts', functionOf(200))).toEqual([]);
    expect(await ruleErrors('max-lines-per-function', 'activities/site-edits.ts', functionOf(200))).toEqual([]);
  });
});
