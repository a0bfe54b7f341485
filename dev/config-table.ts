/**
 * Writes the README's settings table from the declarations in lib/config.ts (`npm run docs:config`);
 * test/lib/config-docs.test.ts fails when the README's table differs from what they produce.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SETTINGS } from '../lib/config.js';
import { settingsTable } from '../lib/env-settings.js';

/** The README this script keeps up to date. */
export const README_PATH = new URL('../README.md', import.meta.url);

const START = '<!-- settings table: generated from lib/config.ts by `npm run docs:config` -->';
const END = '<!-- end of settings table -->';

/** The README with the text between its two markers replaced by the table the declarations produce. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md must hold the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n\n${settingsTable(SETTINGS)}\n\n${readme.slice(end)}`;
}

if (process.argv[1] === import.meta.filename) {
  const readme = readFileSync(README_PATH, 'utf8');
  const updated = withSettingsTable(readme);
  writeFileSync(README_PATH, updated);
  console.log(updated === readme ? 'README.md settings table already up to date' : 'README.md settings table updated');
}
