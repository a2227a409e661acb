/**
 * `assure audit tools|publish-tool|import|report`: the audit tools as JSON (and publishing the partnership's own), a completed audit from a CSV of an
 * audit done before Assure (prints the new audit's id alone), and any audit's report as JSON (on
 * stdout), PDF, XLSX or CSV (to --out). Scripts rely on these outputs' shapes.
 */
import fs from 'node:fs';
import { type Command, Option } from 'commander';
import { toCsv } from '../lib/tabular.js';
import { describeProblem } from '../lib/csv-problems.js';
import { AuditCsvError } from '../modules/audits/csv-import.js';
import { reportPdf, reportXlsx, type ReportHeading } from '../modules/audits/report-files.js';
import { AuditsService } from '../modules/audits/service.js';
import { BUILT_IN_TOOLS, type ToolDefinition, toolSummary } from '../modules/audits/tools.js';
import { ValidationError } from '../lib/errors.js';
import { partnershipCode } from '../modules/partnership/schemas.js';
import type { CliContext } from './context.js';
import { withContext } from './context.js';
import { CliError } from './errors.js';
import { print } from './io.js';
import { partnershipByCode } from './lookup.js';
import { bySchema, required } from './options.js';

/** The partnership given, or the only one there is. */
async function partnershipFor(ctx: CliContext, code: string | undefined) {
  if (code) return partnershipByCode(ctx, code);
  const all = await ctx.db.selectFrom('partnerships').selectAll().orderBy('code').execute();
  if (all.length === 1) return all[0]!;
  throw new CliError(all.length === 0 ? 'There is no partnership yet: add one with `assure partnership add`.' : 'There is more than one partnership: say which with --partnership <code>.');
}

const partnershipOption = () => new Option('--partnership <code>', 'the partnership’s local authority code (needed when there is more than one)').argParser(bySchema(partnershipCode));

export function registerAudit(program: Command): void {
  const group = program.command('audit').description('case audits: the tools, importing audits done before Assure, and reports');

  group
    .command('tools')
    .description('Lists the audit tools (latest version of each) with their questions and answer options.')
    .addOption(new Option('--format <format>', 'json for scripts, text to read').choices(['json', 'text']).default('text'))
    .addOption(partnershipOption())
    .action(async (opts: { format: 'json' | 'text'; partnership?: string }) => {
      await withContext(async (ctx) => {
        const partnership = await partnershipFor(ctx, opts.partnership);
        const tools = (await new AuditsService(ctx.db, ctx.clock, ctx.accessLog).tools(ctx.actor(partnership.id))).map(toolSummary);
        if (opts.format === 'json') return print(JSON.stringify(tools));
        for (const t of tools) {
          print(`${t.key} (version ${t.version}): ${t.name}`);
          for (const q of t.questions) print(`  ${q.key.padEnd(28)} ${q.type.padEnd(14)} ${q.options.join(' / ')}`);
        }
      });
    });

  group
    .command('list')
    .description('Lists the partnership’s audits, newest first.')
    .addOption(new Option('--format <format>', 'json for scripts, text to read').choices(['json', 'text']).default('text'))
    .addOption(partnershipOption())
    .action(async (opts: { format: 'json' | 'text'; partnership?: string }) => {
      await withContext(async (ctx) => {
        const partnership = await partnershipFor(ctx, opts.partnership);
        const audits = (await new AuditsService(ctx.db, ctx.clock, ctx.accessLog).list(ctx.actor(partnership.id))).map((a) => ({
          id: a.id,
          title: a.title,
          tool: a.tool_key,
          toolVersion: a.tool_version,
          status: a.status,
          source: a.source,
          cases: Number(a.cases),
        }));
        if (opts.format === 'json') return print(JSON.stringify(audits));
        if (audits.length === 0) return print('No audits yet.');
        for (const a of audits) print(`${a.id}  ${a.status.padEnd(10)} ${String(a.cases).padStart(5)} cases  ${a.tool} v${a.toolVersion}  ${a.title}`);
      });
    });

  group
    .command('import')
    .description(
      'Creates a completed audit from a CSV: header case_ref,area then one column per question key of the tool, values being ' +
        'option labels. The file is checked whole: a bad file changes nothing and the error names its line and column. Prints the new audit’s id.',
    )
    .argument('<file>', 'the CSV file')
    .addOption(required('--tool <key>', 'the audit tool’s key, e.g. cp-multi-agency', (v) => v))
    .addOption(required('--title <title>', 'the audit’s title', (v) => v))
    .option('--purpose <text>', 'what the audit looked at and why')
    .addOption(partnershipOption())
    .action(async (file: string, opts: { tool: string; title: string; purpose?: string; partnership?: string }) => {
      let csv: string;
      try {
        csv = fs.readFileSync(file, 'utf8');
      } catch (err) {
        throw new CliError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
      }
      await withContext(async (ctx) => {
        const partnership = await partnershipFor(ctx, opts.partnership);
        try {
          const { id } = await new AuditsService(ctx.db, ctx.clock, ctx.accessLog).importAudit(ctx.actor(partnership.id), { toolKey: opts.tool, title: opts.title, purpose: opts.purpose ?? null, csv });
          print(id);
        } catch (err) {
          if (err instanceof AuditCsvError) throw new CliError(`${file} was not imported:\n${err.problems.map((p) => `  ${describeProblem(p)}`).join('\n')}`);
          throw err;
        }
      });
    });

  group
    .command('publish-tool')
    .description(
      'Publishes one of the partnership’s own audit tools from a JSON definition ({key, name, description, scale, scaleOptions?, domains: [{key, name, questions}]}): ' +
        'version 1 of a new key, or the next version of a tool the partnership has. Audits already planned keep their version. Prints the key and the version.',
    )
    .argument('<file>', 'the JSON file')
    .addOption(partnershipOption())
    .action(async (file: string, opts: { partnership?: string }) => {
      let definition: ToolDefinition;
      try {
        definition = JSON.parse(fs.readFileSync(file, 'utf8')) as ToolDefinition;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new CliError(`Cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : err instanceof SyntaxError ? `not valid JSON (${e.message})` : e.message}`);
      }
      if (!definition || typeof definition !== 'object' || Array.isArray(definition)) throw new CliError(`${file} must hold one JSON object: the tool's definition`);
      await withContext(async (ctx) => {
        const partnership = await partnershipFor(ctx, opts.partnership);
        const service = new AuditsService(ctx.db, ctx.clock, ctx.accessLog);
        const actor = ctx.actor(partnership.id);
        try {
          const own = (await service.tools(actor)).some((t) => t.key === definition.key && !BUILT_IN_TOOLS.some((b) => b.key === t.key));
          const tool = own ? await service.publishVersion(actor, definition.key, definition) : await service.createTool(actor, definition);
          print(`${tool.key} version ${tool.version}`);
        } catch (err) {
          if (err instanceof ValidationError) throw new CliError(`${file} was not published:\n${Object.entries(err.fields).map(([k, v]) => `  ${k}: ${v}`).join('\n')}`);
          throw err;
        }
      });
    });

  group
    .command('report')
    .description('An audit’s report: JSON on stdout ({cases, questions, byArea, …}), or PDF, XLSX (summary, by area, every response) or CSV (every response) to --out.')
    .argument('<id>', 'the audit’s id')
    .addOption(new Option('--format <format>', 'json, pdf, xlsx or csv').choices(['json', 'pdf', 'xlsx', 'csv']).default('json'))
    .option('--out <file>', 'where to write a PDF, XLSX or CSV')
    .action(async (id: string, opts: { format: 'json' | 'pdf' | 'xlsx' | 'csv'; out?: string }) => {
      if (opts.format !== 'json' && !opts.out) throw new CliError(`Say where to write the ${opts.format.toUpperCase()} with --out FILE.`);
      await withContext(async (ctx) => {
        const audit = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.db.selectFrom('audits').select('partnership_id').where('id', '=', id).executeTakeFirst() : undefined;
        if (!audit) throw new CliError(`There is no audit with the id ${id}.`);
        const service = new AuditsService(ctx.db, ctx.clock, ctx.accessLog);
        const actor = ctx.actor(audit.partnership_id);
        const { data, report, comparison } = await service.report(actor, id);
        if (opts.format === 'json') return print(JSON.stringify({ id, title: data.audit.title, ...report, tool: { key: data.tool.key, name: data.tool.name, version: data.tool.version }, comparison }));
        const heading: ReportHeading = {
          title: data.audit.title,
          toolName: data.tool.name,
          toolVersion: data.tool.version,
          purpose: data.audit.purpose,
          status: data.audit.status,
          completedOn: data.audit.completed_at ? data.audit.completed_at.toISOString().slice(0, 10) : null,
          source: data.audit.source,
        };
        let bytes: Buffer | string;
        if (opts.format === 'pdf') bytes = await reportPdf(heading, report, comparison);
        else {
          const { rows } = await service.responses(actor, id);
          bytes = opts.format === 'xlsx' ? await reportXlsx(heading, report, rows) : toCsv(rows);
        }
        fs.writeFileSync(opts.out!, bytes);
        print(`Wrote the report of “${data.audit.title}” to ${opts.out} (${Buffer.byteLength(bytes).toLocaleString('en-GB')} bytes).`);
      });
    });
}
