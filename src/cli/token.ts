import type { Command } from 'commander';
import { Option } from 'commander';
import { tokenSchema } from '../modules/auth/schemas.js';
import * as repo from '../modules/partnership/repository.js';
import { email } from '../lib/validation.js';
import { withContext } from './context.js';
import { CliError } from './errors.js';
import { print } from './io.js';
import { bySchema, required, wholeNumber } from './options.js';

export const DEFAULT_TOKEN_NAME = 'Created with assure token create';
export const DEFAULT_TOKEN_DAYS = 90;

export function registerToken(program: Command): void {
  const group = program.command('token').description('personal access tokens for the API (Authorization: Bearer TOKEN)');

  group
    .command('create')
    .description(
      'Creates a personal access token for a user and prints it on stdout, followed by one newline and nothing else, ' +
        'so `TOKEN=$(assure token create --email …)` works. It is shown only this once: Assure stores only its hash. ' +
        'The token acts as that user, with their role; they can see and revoke it on their account page.',
    )
    .addOption(required('--email <email>', 'the e-mail address of the user the token acts as', bySchema(email())))
    .addOption(new Option('--name <name>', 'what the token is for, shown on the account page').default(DEFAULT_TOKEN_NAME).argParser(bySchema(tokenSchema.shape.name)))
    .addOption(new Option('--days <days>', 'how many days it lasts, 1 to 365').default(DEFAULT_TOKEN_DAYS).argParser(wholeNumber(1, 365)))
    .action(async (opts: { email: string; name: string; days: number }) => {
      await withContext(async (ctx) => {
        const user = await repo.findUserByEmailForSignIn(ctx.db, opts.email);
        if (!user) throw new CliError(`No user with the e-mail address ${opts.email}.`);
        if (user.disabled_at) throw new CliError(`The account ${user.email} is disabled: a token for it would not work. Enable the account first.`);
        const created = await ctx.auth.createToken(user, opts.name, opts.days);
        print(created.token);
      });
    });
}
