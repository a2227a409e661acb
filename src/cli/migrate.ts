import type { Command } from 'commander';
import { describeDatabase, withContext } from './context.js';
import { print } from './io.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .summary('bring the database schema up to date')
    .description(
      'Brings the database schema up to date. Safe to run at any time: migrations already applied are skipped. ' +
        'Uses the embedded database in ASSURE_DATA_DIR (default ./data), or the PostgreSQL server in DATABASE_URL.',
    )
    .action(async () => {
      await withContext(async (ctx) => {
        const where = describeDatabase(ctx.config);
        if (ctx.migrated.length === 0) {
          print(`The database is up to date (${where}): no migrations to apply.`);
          return;
        }
        print(`Applied ${ctx.migrated.length} migration${ctx.migrated.length === 1 ? '' : 's'} (${where}):`);
        for (const name of ctx.migrated) print(`  ${name}`);
      });
    });
}
