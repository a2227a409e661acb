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
    .description('Evaluates every child’s practice standards as at today and stores the results the dashboards show (all partnerships, or one; with --nightly, only the children whose results may have moved).')
    .option('--partnership <code>', 'only this partnership (its local authority code)', bySchema(partnershipCode))
    .option('--nightly', 'as the server’s nightly job runs it, beside people using Assure: only the children whose results may have moved since they were stored (a day they held until has passed, or the rules, closure days, bank holidays or engine have changed), one batch at a time, each followed by a rest as long')
    .option('--all', 'with --nightly: every child, not only those whose results may have moved')
    .action(async (opts: { partnership?: string; nightly?: boolean; all?: boolean }) => {
      await withContext(async (ctx) => {
        const standards = new StandardsService(new ChildRecords(ctx.db, ctx.clock, ctx.accessLog));
        const due = opts.nightly && !opts.all;
        const how = opts.nightly ? { ...NIGHTLY_RECOMPUTE, onlyDue: due } : { inFlight: 2 };
        const started = Date.now();
        if (opts.partnership) {
          const partnership = await partnershipByCode(ctx, opts.partnership);
          const { children } = await standards.recomputePartnership(partnership.id, how);
          print(`Evaluated the standards of ${children} child${children === 1 ? '' : 'ren'}${due ? ' whose results may have moved' : ''} in partnership ${partnership.code} in ${Date.now() - started} ms.`);
        } else {
          const { partnerships, children } = await standards.recomputeAll(how);
          print(`Evaluated the standards of ${children} child${children === 1 ? '' : 'ren'}${due ? ' whose results may have moved' : ''} in ${partnerships} partnership${partnerships === 1 ? '' : 's'} in ${Date.now() - started} ms.`);
        }
      });
    });
}
