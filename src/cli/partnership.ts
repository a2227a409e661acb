import type { Command } from 'commander';
import * as repo from '../modules/partnership/repository.js';
import { newPartnershipSchema } from '../modules/partnership/schemas.js';
import { withContext } from './context.js';
import { print } from './io.js';
import { bySchema, required } from './options.js';

export function registerPartnership(program: Command): void {
  const group = program.command('partnership').description('safeguarding children partnerships (tenants)');

  group
    .command('add')
    .description('Adds a partnership. Then add its agencies (assure agency add) and its first partnership admin (assure user add).')
    .addOption(required('--code <code>', 'the local authority code, e.g. 916 (1 to 12 letters, digits or hyphens)', bySchema(newPartnershipSchema.shape.code)))
    .addOption(required('--name <name>', 'the partnership’s name, e.g. "Northbridge Safeguarding Children Partnership"', bySchema(newPartnershipSchema.shape.name)))
    .action(async (opts: { code: string; name: string }) => {
      await withContext(async (ctx) => {
        const p = await repo.insertPartnership(ctx.db, { code: opts.code, name: opts.name });
        print(`Added partnership ${p.code}: ${p.name}`);
      });
    });
}
