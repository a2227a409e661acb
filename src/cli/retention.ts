import { Option } from 'commander';
import type { Command } from 'commander';
import { partnershipCode } from '../modules/partnership/schemas.js';
import { RetentionService } from '../modules/retention/service.js';
import { withContext } from './context.js';
import { print } from './io.js';
import { partnershipByCode } from './lookup.js';
import { bySchema } from './options.js';

export function registerRetention(program: Command): void {
  const group = program.command('retention').description('retention of closed child records: the records due for review under each partnership’s rule');

  group
    .command('review')
    .description(
      'Marks the closed records due for review as at today under each partnership’s retention rule (years after the ' +
        'last involvement, and the child’s minimum age), then lists those waiting for a decision: case reference, closing ' +
        'date, age band and the date it became due, never a name. Each record listed is access-logged as system:cli. ' +
        'Decisions (anonymise, keep for now) are made by a partnership admin under Partnership admin → Retention review.',
    )
    .option('--partnership <code>', 'only this partnership (its local authority code)', bySchema(partnershipCode))
    .addOption(
      new Option('--format <format>', 'table: for people; json: one object, {"asOf", "partnerships": [{"partnership", "rule": {"yearsAfterClosure", "minimumAge"}, "due": [{"caseRef", "closedOn", "dueOn", "ageBand"}]}]}')
        .choices(['table', 'json'])
        .default('table'),
    )
    .action(async (opts: { partnership?: string; format: 'table' | 'json' }) => {
      await withContext(async (ctx) => {
        const retention = new RetentionService(ctx.db, ctx.clock, ctx.accessLog);
        const partnerships = opts.partnership
          ? [await partnershipByCode(ctx, opts.partnership)]
          : await ctx.db.selectFrom('partnerships').selectAll().orderBy('code').execute();
        const results = [];
        let asOf = '';
        for (const p of partnerships) {
          const r = await retention.list(ctx.actor(p.id));
          asOf = r.today;
          results.push({
            partnership: p.code,
            rule: { yearsAfterClosure: r.rule.yearsAfterClosure, minimumAge: r.rule.minimumAge },
            due: r.due.map((d) => ({ caseRef: d.caseRef, closedOn: d.closedOn, dueOn: d.dueOn, ageBand: d.ageBand })),
          });
        }
        if (opts.format === 'json') {
          print(JSON.stringify({ asOf, partnerships: results }));
          return;
        }
        for (const r of results) {
          const rule = `${r.rule.yearsAfterClosure} years after closing${r.rule.minimumAge === null ? '' : `, the child ${r.rule.minimumAge} or older`}`;
          print(`Partnership ${r.partnership} (${rule}): ${r.due.length} record${r.due.length === 1 ? '' : 's'} due for review.`);
          if (r.due.length) {
            print(['case reference', 'closed', 'age', 'due since'].join('\t'));
            for (const d of r.due) print([d.caseRef, d.closedOn, d.ageBand, d.dueOn].join('\t'));
          }
        }
      });
    });
}
