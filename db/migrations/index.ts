import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123180015_initial } from './Migration20261123180015_initial.js';
import { Migration20261123183501_ticket_close_reason } from './Migration20261123183501_ticket_close_reason.js';
import { Migration20261128064145_money_invariants } from './Migration20261128064145_money_invariants.js';

/** Every migration in order; a new migration is added here after it is generated. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261123180015_initial', class: Migration20261123180015_initial },
  { name: 'Migration20261123183501_ticket_close_reason', class: Migration20261123183501_ticket_close_reason },
  { name: 'Migration20261128064145_money_invariants', class: Migration20261128064145_money_invariants },
];
