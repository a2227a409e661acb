import type { Command } from 'commander';
import * as ssoRepo from '../modules/auth/sso-repository.js';
import { newPartnershipSchema } from '../modules/partnership/schemas.js';
import { withContext } from './context.js';
import { CliError } from './errors.js';
import { partnershipByCode } from './lookup.js';
import { print } from './io.js';
import { bySchema, required } from './options.js';

export function registerSso(program: Command): void {
  const group = program.command('sso').description('single sign-on (OpenID Connect) of a partnership');

  group
    .command('allow-passwords')
    .description(
      'Break-glass: turns password sign-in back on for a partnership whose single sign-on provider is failing or ' +
        'misconfigured, so its users (and its partnership admins) can sign in with their passwords again. ' +
        'The single sign-on settings are otherwise kept; the change is access-logged.',
    )
    .addOption(required('--partnership <code>', 'the partnership’s code, e.g. 916', bySchema(newPartnershipSchema.shape.code)))
    .action(async (opts: { partnership: string }) => {
      await withContext(async (ctx) => {
        const p = await partnershipByCode(ctx, opts.partnership);
        const changed = await ctx.db.transaction().execute(async (trx) => {
          const done = await ssoRepo.allowPasswords(trx, p.id, ctx.clock.now());
          if (done) await ctx.accessLog.record(trx, ctx.actor(p.id), { action: 'update', recordType: 'single-sign-on', recordId: p.id, details: { passwordSignIn: true, breakGlass: true } });
          return done;
        });
        if (!changed) throw new CliError(`Partnership ${p.code} has no single sign-on settings: password sign-in is already on.`);
        print(`Password sign-in is on again for ${p.code}: ${p.name}`);
      });
    });
}
