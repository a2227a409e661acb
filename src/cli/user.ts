import type { Command } from 'commander';
import { ROLES, type Role } from '../db/schema.js';
import { ValidationError } from '../lib/errors.js';
import { passwordProblem } from '../modules/auth/password-policy.js';
import { partnershipCode, ROLE_LABELS, userSchema } from '../modules/partnership/schemas.js';
import { withContext } from './context.js';
import { print, readNewPassword } from './io.js';
import { agencyByName, partnershipByCode, teamByName } from './lookup.js';
import { bySchema, lookupName, oneOf, required } from './options.js';

export function registerUser(program: Command): void {
  const group = program.command('user').description('people who sign in to Assure');

  group
    .command('add')
    .description(
      'Adds a person to a partnership. The password is read from stdin (all of it, less one trailing newline); ' +
        'in a terminal you are asked for it instead, without echo. It must be at least 12 characters and not a common password.',
    )
    .addOption(required('--partnership <code>', 'the partnership’s local authority code', bySchema(partnershipCode)))
    .addOption(required('--email <email>', 'their e-mail address, which they sign in with', bySchema(userSchema.shape.email)))
    .addOption(required('--name <name>', 'their full name', bySchema(userSchema.shape.name)))
    .addOption(oneOf('--role <role>', 'what they may do', ROLES))
    .addOption(required('--agency <name>', 'the agency they work for, by name (case does not matter)', lookupName('agency')))
    .option('--team <name>', 'their team within that agency, by name', lookupName('team'))
    .addHelpText('after', '\nExample:\n  printf %s "$ADMIN_PASSWORD" | assure user add --partnership 916 --email admin@example.org \\\n    --name "Sam Admin" --role partnership-admin --agency "Children\'s Social Care"')
    .action(async (opts: { partnership: string; email: string; name: string; role: Role; agency: string; team?: string }) => {
      const password = await readNewPassword();
      // The service checks this too; checking first fails before the database is opened.
      const problem = passwordProblem(password, { email: opts.email, name: opts.name });
      if (problem) throw new ValidationError({ password: problem });
      await withContext(async (ctx) => {
        const partnership = await partnershipByCode(ctx, opts.partnership);
        const agency = await agencyByName(ctx, partnership, opts.agency);
        const team = opts.team === undefined ? null : await teamByName(ctx, partnership, agency, opts.team);
        const user = await ctx.partnerships.addUser(ctx.actor(partnership.id), {
          email: opts.email,
          name: opts.name,
          role: opts.role,
          agencyId: agency.id,
          teamId: team?.id ?? null,
          password,
        });
        print(`Added ${user.email} (${user.name}, ${ROLE_LABELS[user.role]}) to ${agency.name}${team ? `, ${team.name}` : ''}, partnership ${partnership.code}.`);
      });
    });
}
