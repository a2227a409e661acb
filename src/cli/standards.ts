import type { Command } from 'commander';
import { ChildRecords } from '../modules/cases/record.js';
import { partnershipCode } from '../modules/partnership/schemas.js';
import { NIGHTLY_RECOMPUTE, StandardsService } from '../modules/standards/service.js';
import { withContext } from './context.js';
import { print } from './io.js';
import { partnershipByCode } from './lookup.js';
import { bySchema } from './options.js';

export function registerStandards(program: Command): void {
  const group = program.command('standards').description('practice standards: statutory and local timescales checked for every child');

  group
    .command('recompute')
    .description('Evaluates every child’s practice standards as at today and stores the results the dashboards show (all partnerships, or one).')
    .option('--partnership <code>', 'only this partnership (its local authority code)', bySchema(partnershipCode))
    .option('--nightly', 'as the server’s nightly job runs it, beside people using Assure: one batch at a time, each followed by a rest as long (about half the speed)')
    .action(async (opts: { partnership?: string; nightly?: boolean }) => {
      await withContext(async (ctx) => {
        const standards = new StandardsService(new ChildRecords(ctx.db, ctx.clock, ctx.accessLog));
        const how = opts.nightly ? NIGHTLY_RECOMPUTE : { inFlight: 2 };
        const started = Date.now();
        if (opts.partnership) {
          const partnership = await partnershipByCode(ctx, opts.partnership);
          const { children } = await standards.recomputePartnership(partnership.id, how);
          print(`Evaluated the standards of ${children} child${children === 1 ? '' : 'ren'} in partnership ${partnership.code} in ${Date.now() - started} ms.`);
        } else {
          const { partnerships, children } = await standards.recomputeAll(how);
          print(`Evaluated the standards of ${children} child${children === 1 ? '' : 'ren'} in ${partnerships} partnership${partnerships === 1 ? '' : 's'} in ${Date.now() - started} ms.`);
        }
      });
    });
}
