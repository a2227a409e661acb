import type { Command } from 'commander';
import { partnershipCode, teamSchema } from '../modules/partnership/schemas.js';
import { withContext } from './context.js';
import { print } from './io.js';
import { agencyByName, areaByName, partnershipByCode } from './lookup.js';
import { bySchema, lookupName, required } from './options.js';

export function registerTeam(program: Command): void {
  const group = program.command('team').description('teams within an agency');

  group
    .command('add')
    .description('Adds a team to an agency of a partnership, optionally in an area.')
    .addOption(required('--partnership <code>', 'the partnership’s local authority code', bySchema(partnershipCode)))
    .addOption(required('--agency <name>', 'the agency the team belongs to, by name (case does not matter)', lookupName('agency')))
    .addOption(required('--name <name>', 'the team’s name, e.g. "Family Safeguarding Team North"', bySchema(teamSchema.shape.name)))
    .option('--area <name>', 'the area the team works in, by name (add areas with assure area add)', lookupName('area'))
    .action(async (opts: { partnership: string; agency: string; name: string; area?: string }) => {
      await withContext(async (ctx) => {
        const partnership = await partnershipByCode(ctx, opts.partnership);
        const agency = await agencyByName(ctx, partnership, opts.agency);
        const area = opts.area === undefined ? null : await areaByName(ctx, partnership, opts.area);
        const team = await ctx.partnerships.addTeam(ctx.actor(partnership.id), { name: opts.name, agencyId: agency.id, areaId: area?.id ?? null });
        print(`Added team ${team.name} to agency ${agency.name}${area ? ` (area ${area.name})` : ''} in partnership ${partnership.code}.`);
      });
    });
}
