import type { Command } from 'commander';
import { verifyChain } from '../modules/access-log/repository.js';
import * as repo from '../modules/partnership/repository.js';
import { withContext } from './context.js';
import { CliError } from './errors.js';
import { print } from './io.js';

export function registerAuditLog(program: Command): void {
  const group = program.command('audit-log').description('the access log: who viewed or changed which record');

  group
    .command('verify')
    .description(
      'Checks the hash chain of every partnership’s access log: each row’s hash covers its contents and the row before it, ' +
        'so a row altered or removed after it was written shows up. Exits 0 when intact, 1 naming the first broken row.',
    )
    .action(async () => {
      await withContext(async (ctx) => {
        const { checked, broken } = await verifyChain(ctx.db);
        if (!broken) {
          print(`Access log intact: ${checked} row${checked === 1 ? '' : 's'} checked.`);
          return;
        }
        const partnership = await repo.getPartnership(ctx.db, broken.partnershipId).catch(() => null);
        throw new CliError(`Access log broken at row ${broken.id} (partnership ${partnership?.code ?? broken.partnershipId}): ${broken.reason}`);
      });
    });
}
