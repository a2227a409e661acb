import type { Command } from 'commander';
import { areaSchema, partnershipCode } from '../modules/partnership/schemas.js';
import { withContext } from './context.js';
import { print } from './io.js';
import { partnershipByCode } from './lookup.js';
import { bySchema, required } from './options.js';

export function registerArea(program: Command): void {
  const group = program.command('area').description('areas (localities) of a partnership, which teams may belong to');

  group
    .command('add')
    .description('Adds an area (locality) to a partnership.')
    .addOption(required('--partnership <code>', 'the partnership’s local authority code', bySchema(partnershipCode)))
    .addOption(required('--name <name>', 'the area’s name, e.g. North', bySchema(areaSchema.shape.name)))
    .action(async (opts: { partnership: string; name: string }) => {
      await withContext(async (ctx) => {
        const partnership = await partnershipByCode(ctx, opts.partnership);
        const area = await ctx.partnerships.addArea(ctx.actor(partnership.id), opts.name);
        print(`Added area ${area.name} to partnership ${partnership.code}.`);
      });
    });
}
