import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withSettingsTable } from '../../dev/config-table.js';
import { README_PATH } from '../../dev/readme-section.js';
import { SETTINGS } from '../../lib/config.js';
import { settingsOf } from '../../lib/env-settings.js';

describe('the settings declarations', () => {
  it('declare each environment variable once, with a meaning', () => {
    const settings = settingsOf(SETTINGS);
    const names = settings.map((s) => s.env);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    expect(settings.filter((s) => s.meaning === '').map((s) => s.env)).toEqual([]);
  });

  it('match the README settings table (regenerate it with `npm run docs:config`)', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme, 'README.md is stale: run npm run docs:config').toBe(withSettingsTable(readme));
  });
});
