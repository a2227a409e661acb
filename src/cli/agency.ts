import type { Command } from 'commander';
import { AGENCY_TYPES, type AgencyType } from '../db/schema.js';
import { AGENCY_TYPE_LABELS, agencySchema, partnershipCode } from '../modules/partnership/schemas.js';
import { withContext } from './context.js';
import { print } from './io.js';
import { partnershipByCode } from './lookup.js';
import { bySchema, oneOf, required } from './options.js';

export function registerAgency(program: Command): void {
  const group = program.command('agency').description('agencies of a partnership (social care, police, health, schools, …)');

  group
    .command('add')
    .description('Adds an agency to a partnership.')
    .addOption(required('--partnership <code>', 'the partnership’s local authority code', bySchema(partnershipCode)))
    .addOption(required('--name <name>', 'the agency’s name, e.g. "Northbridge Police"', bySchema(agencySchema.shape.name)))
    .addOption(oneOf('--type <type>', 'the kind of agency', AGENCY_TYPES))
    .action(async (opts: { partnership: string; name: string; type: AgencyType }) => {
      await withContext(async (ctx) => {
        const partnership = await partnershipByCode(ctx, opts.partnership);
        const agency = await ctx.partnerships.addAgency(ctx.actor(partnership.id), { name: opts.name, type: opts.type });
        print(`Added agency ${agency.name} (${AGENCY_TYPE_LABELS[agency.type]}) to partnership ${partnership.code}.`);
      });
    });
}
