/**
 * Writes the README's permission tables from api/auth/permissions.ts (`node --import tsx dev/permissions-table.ts`);
 * test/api/permissions.test.ts fails when the README's tables differ from what the code produces.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { permissionTables } from '../api/auth/permissions.js';
import { README_PATH } from './config-table.js';

const START = '<!-- permission tables: generated from api/auth/permissions.ts by `node --import tsx dev/permissions-table.ts` -->';
const END = '<!-- end of permission tables -->';

/** The README with the text between its two markers replaced by the tables the permission map produces. */
export function withPermissionTables(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md must hold the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n\n${permissionTables()}\n\n${readme.slice(end)}`;
}

if (process.argv[1] === import.meta.filename) {
  const readme = readFileSync(README_PATH, 'utf8');
  const updated = withPermissionTables(readme);
  writeFileSync(README_PATH, updated);
  console.log(updated === readme ? 'README.md permission tables already up to date' : 'README.md permission tables updated');
}
