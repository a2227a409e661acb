/**
 * The CIN census upload page for partnership admins, the import's progress, its result and its
 * validation report as a page, CSV and JSON. The upload is streamed to a temporary file (never
 * held in memory) and imported in one transaction in the background (jobs.ts); a small file's
 * result is shown at once, a large one's progress page follows the import until it ends. The file
 * is removed when the import ends.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../../lib/errors.js';
import { toCsv } from '../../lib/tabular.js';
import { paged, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute, idParams } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { RULES } from './cin-census/validate.js';
import type { CensusIssue as ImportIssue } from './cin-census/validate.js';
import { describeProblem } from '../../lib/csv-problems.js';
import { ChildrenCsvError } from './children-csv.js';
import { ImportJobs, type ImportJob, percentRead } from './jobs.js';
import { IMPORT_NOTE, ImportRefusedError, type ImportsService, mayImport } from './service.js';

/** The largest census file the page accepts. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
/** The largest children CSV the page accepts (it is read whole). */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;
const SHOWN_ISSUES = 500;

const runParams = z.strictObject({ id: z.uuid({ error: 'Import not found' }) });
/** How long the upload waits for its import before showing the progress page instead. */
const WAIT_MS = 1500;
const FORM = 'imports/views/upload.njk';

/** The temporary files of a request, removed when the response is sent. */
const uploads = new WeakMap<FastifyRequest, string[]>();

export function reportCsv(issues: ImportIssue[]): string {
  const rows = [['code', 'rule', 'child', 'message'], ...issues.map((i) => [i.code, i.code === IMPORT_NOTE ? 'Note from the import' : (RULES[i.code] ?? ''), i.child, i.message])];
  return toCsv(rows);
}

/** Where a job's progress points: its result when done, else its own page. */
const nextFor = (job: ImportJob) => (job.state === 'done' ? `/imports/${job.runId}?imported=1` : `/imports/jobs/${job.id}`);

export async function importsRoutes(app: FastifyInstance, imports: ImportsService, uploadDir: string): Promise<void> {
  const jobs = new ImportJobs();
  app.addHook('onClose', () => jobs.idle());
  await app.register(async (scope) => {
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 4096 },
      async onFile(this: FastifyRequest, part: MultipartFile & { value?: unknown }) {
        const tmp = path.join(uploadDir, `assure-upload-${randomUUID()}.xml`);
        const list = uploads.get(this) ?? [];
        list.push(tmp);
        uploads.set(this, list);
        await pipeline(part.file, fs.createWriteStream(tmp));
        if (part.file.truncated) throw new ValidationError({ file: `The file must be smaller than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB` });
        part.value = { path: tmp, name: path.basename(part.filename || 'census.xml') };
      },
    });
    scope.addHook('onResponse', async (req) => {
      for (const f of uploads.get(req) ?? []) await fs.promises.rm(f, { force: true });
    });

    const context = async (req: FastifyRequest) => ({
      title: 'Import the CIN census',
      section: 'admin',
      recent: await imports.recent(requireActor(req)),
      maxMb: MAX_UPLOAD_BYTES / 1024 / 1024,
      backLink: { href: '/admin', text: 'Partnership admin' },
    });

    // Permission before the body is read: a person who may not import gets 403 whatever they send
    const adminBeforeBody = {
      preParsing: async (req: FastifyRequest) => {
        if (!req.actor) throw new UnauthenticatedError();
        if (!mayImport(req.actor)) throw new ForbiddenError('Only partnership admins can import data');
      },
    };

    scope.get('/imports/cin-census', async (req, reply) => {
      requireActor(req, 'partnership-admin');
      return reply.page(FORM, await context(req));
    });

    scope.post(
      '/imports/cin-census',
      adminBeforeBody,
      async (req, reply) => {
        const actor = requireActor(req, 'partnership-admin');
        const body = (req.body ?? {}) as Record<string, unknown>;
        const file = body.file as { path: string; name: string } | undefined;
        const fail = async (message: string) => reply.status(400).page(FORM, { ...(await context(req)), errors: { file: message } });
        if (!file || typeof file !== 'object' || !file.path) return fail('Choose a CIN census XML file');
        if ((await fs.promises.stat(file.path)).size === 0) return fail('The file is empty: choose a CIN census XML file');
        // The file now belongs to the import, which removes it when it ends
        uploads.set(req, (uploads.get(req) ?? []).filter((f) => f !== file.path));
        const job = jobs.start(
          { partnershipId: actor.partnershipId, fileName: file.name },
          (onProgress) =>
            imports
              .importCinCensus({ filePath: file.path, fileName: file.name, target: { partnershipId: actor.partnershipId, checkLea: true }, actorFor: () => actor, source: 'web', onProgress })
              .finally(() => fs.promises.rm(file.path, { force: true })),
          (err) => (err instanceof ImportRefusedError ? err.message : null),
          (err) => req.log.error({ err }, 'the census import failed'),
        );
        await jobs.wait(job, WAIT_MS);
        if (job.state === 'refused') return fail(job.message!);
        return reply.redirect(nextFor(job), 303);
      },
    );

    scope.get('/imports/jobs/:id', async (req, reply) => {
      const actor = requireActor(req, 'partnership-admin');
      const { id } = parse(runParams, req.params);
      const job = jobs.get(actor.partnershipId, id);
      if (!job) throw new NotFoundError('Import not found: it ended more than an hour ago, or the service was restarted while it ran (then nothing was imported)');
      if (job.state === 'done') return reply.redirect(nextFor(job), 303);
      return reply.page('imports/views/job.njk', {
        title: job.state === 'running' ? `Importing ${job.fileName}` : 'Nothing was imported',
        section: 'admin',
        job,
        percent: percentRead(job.progress),
        backLink: { href: '/imports/cin-census', text: 'Import the CIN census' },
      });
    });

    // For the page's script: the same facts, so it can update in place and move on at the end
    scope.get('/imports/jobs/:id/progress.json', async (req, reply) => {
      const actor = requireActor(req, 'partnership-admin');
      const { id } = parse(runParams, req.params);
      const job = jobs.get(actor.partnershipId, id);
      if (!job) throw new NotFoundError('Import not found');
      return reply.header('cache-control', 'no-store').send({ state: job.state, children: job.progress?.children ?? 0, percent: percentRead(job.progress), recomputing: job.progress?.recomputing ?? false, next: job.state === 'running' ? null : nextFor(job) });
    });

    // The children CSV: the second form on the same page
    scope.post(
      '/imports/children-csv',
      adminBeforeBody,
      async (req, reply) => {
        const actor = requireActor(req, 'partnership-admin');
        const body = (req.body ?? {}) as Record<string, unknown>;
        const file = body.csv as { path: string; name: string } | undefined;
        const fail = async (message: string, problems: string[] = []) => reply.status(400).page(FORM, { ...(await context(req)), errors: { csv: message }, csvProblems: problems });
        if (!file || typeof file !== 'object' || !file.path) return fail('Choose a children CSV file');
        const size = (await fs.promises.stat(file.path)).size;
        if (size === 0) return fail('The file is empty: choose a children CSV file');
        if (size > MAX_CSV_BYTES) return fail(`The children CSV must be smaller than ${MAX_CSV_BYTES / 1024 / 1024} MB`);
        try {
          const outcome = await imports.importChildrenCsv({
            text: await fs.promises.readFile(file.path, 'utf8'),
            fileName: file.name,
            target: { partnershipId: actor.partnershipId },
            actorFor: () => actor,
            source: 'web',
          });
          return reply.redirect(`/imports/${outcome.id}?imported=1`, 303);
        } catch (err) {
          if (err instanceof ChildrenCsvError) return fail(err.message, err.problems.map(describeProblem));
          if (err instanceof ImportRefusedError) return fail(err.message);
          throw err;
        }
      },
    );

    scope.get('/imports/:id', async (req, reply) => {
      const actor = requireActor(req, 'partnership-admin');
      const { id } = parse(runParams, req.params);
      const run = await imports.run(actor, id);
      const byCode = new Map<string, number>();
      for (const i of run.issues) byCode.set(i.code, (byCode.get(i.code) ?? 0) + 1);
      return reply.page('imports/views/result.njk', {
        title: `Import of ${run.file_name}`,
        isCsv: run.kind === 'children-csv',
        section: 'admin',
        run,
        justImported: (req.query as Record<string, unknown>).imported === '1',
        byCode: [...byCode].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => ({ code, n, rule: code === IMPORT_NOTE ? 'Notes from the import: records left out, or to check' : (RULES[code] ?? '') })),
        issues: run.issues.slice(0, SHOWN_ISSUES),
        more: Math.max(0, run.issues.length - SHOWN_ISSUES),
        backLink: { href: '/imports/cin-census', text: 'Import the CIN census' },
      });
    });

    scope.get('/imports/:id/report.csv', async (req, reply) => {
      const actor = requireActor(req, 'partnership-admin');
      const { id } = parse(runParams, req.params);
      const run = await imports.run(actor, id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="cin-census-report-${run.id}.csv"`)
        .header('cache-control', 'no-store')
        .send(reportCsv(run.issues));
    });

    scope.get('/imports/:id/report.json', async (req, reply) => {
      const actor = requireActor(req, 'partnership-admin');
      const { id } = parse(runParams, req.params);
      const run = await imports.run(actor, id);
      return reply
        .header('content-disposition', `attachment; filename="cin-census-report-${run.id}.json"`)
        .header('cache-control', 'no-store')
        .send({
          children: run.counts.children,
          plans: run.counts.plans,
          s47: run.counts.s47,
          conferences: run.counts.conferences,
          reviews: run.counts.reviews,
          created: run.counts.created,
          updated: run.counts.updated,
          issues: run.issues.map((i) => ({ code: i.code, child: i.child, message: i.message })),
        });
    });
  });
}

// API: the imports' results (importing itself is the page's upload and the assure command)

const KINDS = ['cin-census', 'children-csv'] as const;
const countsOut = z.object({
  children: z.number().int(),
  plans: z.number().int(),
  s47: z.number().int(),
  conferences: z.number().int(),
  reviews: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
});
const runOut = z.object({
  id: z.uuid(),
  kind: z.enum(KINDS),
  fileName: z.string(),
  source: z.enum(['cli', 'web', 'api']),
  counts: countsOut,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  by: z.string().nullable().describe('Who imported it (null: the assure command)'),
});
const issueOut = z.object({ code: z.string(), rule: z.string().describe('What the DfE rule (or the import’s note) says'), child: z.string(), message: z.string() });
const iso = (d: Date | string) => new Date(d).toISOString();
const countsOf = (c: unknown) => (typeof c === 'string' ? JSON.parse(c) : c) as z.infer<typeof countsOut>;
const ruleOf = (code: string) => (code === IMPORT_NOTE ? 'Note from the import' : (RULES[code] ?? ''));

export function importsApiRoutes(imports: ImportsService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/imports',
      tag: 'Imports',
      summary: 'The partnership’s imports (the CIN census, the children CSV), newest first, with their counts; filter by kind; page with page and pageSize (partnership admins)',
      roles: ['partnership-admin'],
      query: z.object({ ...pageQuery, kind: z.enum(KINDS, { error: 'kind must be cin-census or children-csv' }).optional() }),
      response: pageOut(runOut),
      handler: async ({ actor, query }) => {
        const r = await imports.page(actor, query);
        return pageOf(
          r.rows.map((x) => ({ id: x.id, kind: x.kind, fileName: x.file_name, source: x.source, counts: countsOf(x.counts), startedAt: iso(x.started_at), finishedAt: iso(x.finished_at), by: x.user_name })),
          r.total,
          query,
        );
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/imports/:id',
      tag: 'Imports',
      summary: 'One import: its counts and how many validation issues of each code (the issues themselves: GET /imports/:id/issues) (partnership admins)',
      roles: ['partnership-admin'],
      params: idParams,
      response: runOut.extend({ issues: z.number().int(), byCode: z.array(z.object({ code: z.string(), rule: z.string(), n: z.number().int() })) }),
      handler: async ({ actor, params }) => {
        const run = await imports.run(actor, params.id);
        const byCode = new Map<string, number>();
        for (const i of run.issues) byCode.set(i.code, (byCode.get(i.code) ?? 0) + 1);
        return {
          id: run.id,
          kind: run.kind,
          fileName: run.file_name,
          source: run.source,
          counts: countsOf(run.counts),
          startedAt: iso(run.started_at),
          finishedAt: iso(run.finished_at),
          by: run.user_name,
          issues: run.issues.length,
          byCode: [...byCode].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => ({ code, rule: ruleOf(code), n })),
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/imports/:id/issues',
      tag: 'Imports',
      summary: 'An import’s validation issues in file order, each with its DfE rule; filter by code; page with page and pageSize (partnership admins)',
      roles: ['partnership-admin'],
      params: idParams,
      query: z.object({ ...pageQuery, code: z.string().trim().max(50, 'code must be 50 characters or fewer').optional().describe('One rule’s code, e.g. 8530 or IMPORT') }),
      response: pageOut(issueOut),
      handler: async ({ actor, params, query }) => {
        const run = await imports.run(actor, params.id);
        return paged(
          run.issues.filter((i) => !query.code || i.code === query.code).map((i) => ({ code: i.code, rule: ruleOf(i.code), child: i.child, message: i.message })),
          query,
        );
      },
    }),
  ];
}
