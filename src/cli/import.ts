/**
 * `assure import cin-census FILE`: imports the DfE children in need census into a partnership
 * (the one given, or the one whose code is the file's Header/Source/LEA), in one transaction.
 * With --format json it prints one JSON object; a progress bar goes to stderr on a terminal only.
 * `assure import children-csv FILE`: children and CP plans from the children CSV (docs/children-csv.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { describeProblem } from '../lib/csv-problems.js';
import { ChildrenCsvError } from '../modules/imports/children-csv.js';
import { ChildRecords } from '../modules/cases/record.js';
import { type ImportProgress, ImportsService, type ImportSummary } from '../modules/imports/service.js';
import { StandardsService } from '../modules/standards/service.js';
import { type CliContext, withContext } from './context.js';
import { CliError } from './errors.js';
import { print } from './io.js';
import { partnershipByCode } from './lookup.js';

const SHOWN_ISSUES = 30;

/** The imports, recomputing the partnership's practice standards once an import has committed. */
function importsService(ctx: CliContext): ImportsService {
  const standards = new StandardsService(new ChildRecords(ctx.db, ctx.clock, ctx.accessLog));
  return new ImportsService(ctx.db, ctx.clock, ctx.accessLog, async (pid) => {
    try {
      await standards.recomputeAfterBulkChange(pid, { inFlight: 2 });
    } catch (err) {
      process.stderr.write(`The import is saved, but recomputing the practice standards failed (run npx assure standards recompute, or the nightly job will): ${err instanceof Error ? err.message : String(err)}\n`);
    }
  });
}

/** A one-line progress bar, redrawn at most ten times a second. */
function progressBar(stream: NodeJS.WriteStream): { update(p: ImportProgress): void; done(): void } {
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = 30;
      const share = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
      const filled = Math.round(share * width);
      stream.write(`\rImporting [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}%  ${p.children.toLocaleString('en-GB')} children`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

export function summaryText(summary: ImportSummary, fileName: string, partnershipCode: string): string {
  const lines = [
    `Imported ${fileName} into partnership ${partnershipCode}:`,
    `  children     ${summary.children}`,
    `  CP plans     ${summary.plans}`,
    `  S47s         ${summary.s47}`,
    `  initial conferences ${summary.conferences}`,
    `  reviews      ${summary.reviews}`,
    `  records created ${summary.created}, updated ${summary.updated}`,
  ];
  if (summary.issues.length === 0) lines.push('No validation issues.');
  else {
    const byCode = new Map<string, number>();
    for (const i of summary.issues) byCode.set(i.code, (byCode.get(i.code) ?? 0) + 1);
    lines.push(`${summary.issues.length} validation issue${summary.issues.length === 1 ? '' : 's'}: ${[...byCode].map(([c, n]) => `${c} ×${n}`).join(', ')}`);
    for (const i of summary.issues.slice(0, SHOWN_ISSUES)) lines.push(`  ${i.code}  ${i.child}: ${i.message}`);
    if (summary.issues.length > SHOWN_ISSUES) lines.push(`  … and ${summary.issues.length - SHOWN_ISSUES} more (--format json lists them all)`);
  }
  return lines.join('\n');
}

function fileAt(file: string): string {
  const filePath = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch {
    throw new CliError(`No file at ${filePath}.`);
  }
  if (!stat.isFile()) throw new CliError(`${filePath} is not a file.`);
  return filePath;
}

export function registerImport(program: Command): void {
  const group = program.command('import').description('import records from other systems');
  group
    .command('cin-census')
    .description(
      'Imports a DfE children in need (CIN) census XML file: children, S47 enquiries, initial conferences, CP plans and reviews. ' +
        'Importing the same or a later file again updates in place. One transaction: a file that fails to parse changes nothing.',
    )
    .argument('<file>', 'the census XML file')
    .option('--partnership <code>', "the partnership's code (default: the file's Header/Source/LEA)")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, opts: { partnership?: string; format: 'text' | 'json' }) => {
      const filePath = fileAt(file);
      await withContext(async (ctx) => {
        const service = importsService(ctx);
        const partnership = opts.partnership ? await partnershipByCode(ctx, opts.partnership) : null;
        const bar = process.stderr.isTTY ? progressBar(process.stderr) : null;
        try {
          const outcome = await service.importCinCensus({
            filePath,
            fileName: path.basename(filePath),
            target: partnership ? { partnershipId: partnership.id, checkLea: false } : { fromFile: true },
            actorFor: (id) => ctx.actor(id),
            source: 'cli',
            ...(bar ? { onProgress: (p: ImportProgress) => bar.update(p) } : {}),
          });
          bar?.done();
          const s = outcome.summary;
          if (opts.format === 'json') {
            print(JSON.stringify({ children: s.children, plans: s.plans, s47: s.s47, conferences: s.conferences, reviews: s.reviews, created: s.created, updated: s.updated, issues: s.issues }));
          } else {
            print(summaryText(s, path.basename(filePath), outcome.partnership.code));
          }
        } catch (err) {
          bar?.done();
          throw err;
        }
      });
    });
  group
    .command('children-csv')
    .description(
      'Imports children and their child protection plans from a CSV file (header: la_child_id, plan_start, category and optional columns; see docs/children-csv.md). ' +
        'Children are matched by LA child ID and plans by start date, so importing the same file again changes nothing. One transaction: any invalid row refuses the whole file, naming the line and column.',
    )
    .argument('<file>', 'the CSV file (UTF-8)')
    .option('--partnership <code>', "the partnership's code (default: the installation's only partnership)")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (file: string, opts: { partnership?: string; format: 'text' | 'json' }) => {
      const filePath = fileAt(file);
      const text = fs.readFileSync(filePath, 'utf8');
      await withContext(async (ctx) => {
        const service = importsService(ctx);
        const partnership = opts.partnership ? await partnershipByCode(ctx, opts.partnership) : null;
        try {
          const outcome = await service.importChildrenCsv({
            text,
            fileName: path.basename(filePath),
            target: partnership ? { partnershipId: partnership.id } : { onlyOne: true },
            actorFor: (id) => ctx.actor(id),
            source: 'cli',
          });
          const s = outcome.summary;
          if (opts.format === 'json') print(JSON.stringify({ children: s.children, plans: s.plans, created: s.created, updated: s.updated, issues: s.issues }));
          else {
            print(
              [
                `Imported ${path.basename(filePath)} into partnership ${outcome.partnership.code}:`,
                `  rows         ${outcome.rows}`,
                `  children     ${s.children}`,
                `  CP plans     ${s.plans}`,
                `  records created ${s.created}, updated ${s.updated}`,
              ].join('\n'),
            );
          }
        } catch (err) {
          if (err instanceof ChildrenCsvError) throw new CliError(['Nothing was imported. The file was refused:', ...err.problems.map((p) => `  ${describeProblem(p)}`)].join('\n'));
          throw err;
        }
      });
    });
}
