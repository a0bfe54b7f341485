/**
 * Writes the README's permission tables from api/auth/permissions.ts (`npm run docs:permissions`);
 * test/api/permissions.test.ts fails when the README's tables differ from what the code produces.
 */
import { permissionTables } from '../api/auth/permissions.js';
import { withSection, writeSection, type ReadmeSection } from './readme-section.js';

const PERMISSIONS_SECTION: ReadmeSection = {
  name: 'permission tables',
  start: '<!-- permission tables: generated from api/auth/permissions.ts by `npm run docs:permissions` -->',
  end: '<!-- end of permission tables -->',
  render: permissionTables,
};

/** The README with the text between its two markers replaced by the tables the permission map produces. */
export function withPermissionTables(readme: string): string {
  return withSection(readme, PERMISSIONS_SECTION);
}

if (process.argv[1] === import.meta.filename) writeSection(PERMISSIONS_SECTION);
