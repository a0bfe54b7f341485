/**
 * Writes the README's settings table from the declarations in lib/config.ts (`npm run docs:config`);
 * test/lib/config-docs.test.ts fails when the README's table differs from what they produce.
 */
import { SETTINGS } from '../lib/config.js';
import { settingsTable } from '../lib/env-settings.js';
import { withSection, writeSection, type ReadmeSection } from './readme-section.js';

const SETTINGS_SECTION: ReadmeSection = {
  name: 'settings table',
  start: '<!-- settings table: generated from lib/config.ts by `npm run docs:config` -->',
  end: '<!-- end of settings table -->',
  render: () => settingsTable(SETTINGS),
};

/** The README with the text between its two markers replaced by the table the declarations produce. */
export function withSettingsTable(readme: string): string {
  return withSection(readme, SETTINGS_SECTION);
}

if (process.argv[1] === import.meta.filename) writeSection(SETTINGS_SECTION);
