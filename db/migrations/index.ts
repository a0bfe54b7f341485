import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123180015_initial } from './Migration20261123180015_initial.js';

/** Every migration in order; a new migration is added here after it is generated. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123180015_initial', class: Migration20261123180015_initial },
];
