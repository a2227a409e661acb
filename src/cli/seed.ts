import { Option } from 'commander';
import type { Command } from 'commander';
import { DEMO_CODE } from '../demo/generate.js';
import { DEFAULT_DEMO_CHILDREN, seedDemo } from '../demo/seed.js';
import * as repo from '../modules/partnership/repository.js';
import { withContext } from './context.js';
import { CliError } from './errors.js';
import { print } from './io.js';
import { wholeNumber } from './options.js';

export const MAX_DEMO_CHILDREN = 5000;

export function registerSeed(program: Command): void {
  const group = program.command('seed').description('synthetic data for trying Assure out (never in production)');

  group
    .command('demo')
    .description(
      'Creates the synthetic demo partnership (code 999, every person made up) with one user of each role, and prints ' +
        'their sign-in details. The passwords are random for each seeding: running it again keeps the partnership and ' +
        'gives every demo user a new password. Refuses to run when NODE_ENV=production.',
    )
    .addOption(
      new Option(
        '--children <n>',
        `how many synthetic children to create, 0 to ${MAX_DEMO_CHILDREN} (default ${DEFAULT_DEMO_CHILDREN} for a new demo partnership; ` +
          'given when the demo partnership exists, adds that many more)',
      ).argParser(wholeNumber(0, MAX_DEMO_CHILDREN)),
    )
    .addOption(
      new Option('--format <format>', 'table: for people; json: one object, {"partnership", "users": [{"email", "name", "role", "agency", "team", "password"}]}')
        .choices(['table', 'json'])
        .default('table'),
    )
    .action(async (opts: { children?: number; format: 'table' | 'json' }) => {
      const refuseInProduction = (config: { env: string }) => {
        if (config.env === 'production') {
          throw new CliError('assure seed demo does not run when NODE_ENV=production: demo data never goes into production.');
        }
      };
      const result = await withContext(
        async (ctx) => {
          const existing = await repo.findPartnershipByCode(ctx.db, DEMO_CODE);
          if (existing && !existing.is_demo) {
            throw new CliError(`Partnership ${DEMO_CODE} exists and is not the demo partnership: assure seed demo leaves it alone.`);
          }
          return seedDemo(ctx.db, ctx.clock, opts.children === undefined ? {} : { children: opts.children });
        },
        { beforeOpen: refuseInProduction },
      );
      const users = result.users.map((u) => ({ email: u.email, name: u.name, role: u.role, agency: u.agency, team: u.team, password: u.password }));
      if (opts.format === 'json') {
        print(JSON.stringify({ partnership: result.partnership, users }));
        return;
      }
      print(
        result.created
          ? `Created the demo partnership ${result.partnership} (synthetic data). Sign in as any of these:`
          : `The demo partnership ${result.partnership} was already there: every demo user has a new password.`,
      );
      print();
      const header = { email: 'E-mail', password: 'Password', role: 'Role' };
      const rows = [header, ...users];
      const emailWidth = Math.max(...rows.map((r) => r.email.length));
      const passwordWidth = Math.max(...rows.map((r) => r.password.length));
      for (const r of rows) print(`  ${r.email.padEnd(emailWidth)}  ${r.password.padEnd(passwordWidth)}  ${r.role}`);
      print();
      print('These passwords are shown only now. Run assure seed demo again for new ones.');
    });
}
