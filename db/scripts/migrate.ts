import { loadConfig } from '../../lib/config.js';
import { MIGRATIONS_DIR, openOrm } from '../orm.js';

/** `npm run migrate [up|down|create [name]|pending]` — runs or generates migrations. */
async function main(argv: string[]): Promise<void> {
  const [command = 'up', name] = argv;
  const orm = await openOrm(loadConfig().database);
  try {
    switch (command) {
      case 'up': {
        const done = await orm.migrator.up();
        console.log(done.length ? `applied: ${done.map((m) => m.name).join(', ')}` : 'database is up to date');
        break;
      }
      case 'down': {
        const done = await orm.migrator.down();
        console.log(done.length ? `reverted: ${done.map((m) => m.name).join(', ')}` : 'nothing to revert');
        break;
      }
      case 'create': {
        const result = await orm.migrator.create(MIGRATIONS_DIR, false, false, name);
        console.log(result.fileName ? `created ${result.fileName}; add it to db/migrations/index.ts` : 'no schema changes');
        break;
      }
      case 'pending': {
        const pending = await orm.migrator.getPending();
        console.log(pending.map((m) => m.name).join('\n') || 'none');
        break;
      }
      default:
        throw new Error(`unknown migrate command "${command}" (use up, down, create or pending)`);
    }
  } finally {
    await orm.close();
  }
}

await main(process.argv.slice(2));
