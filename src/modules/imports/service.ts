/**
 * Importing the DfE CIN census: one import is one transaction. Children are created or updated
 * (keyed by partnership and LAchildID), with their referrals, S47 enquiries, initial conferences,
 * CP plans and review conferences (keyed by the child and the dates), so importing the same or a
 * later file again updates in place and never duplicates. Every rule in validate.ts is checked
 * per child and reported without stopping the import of what is valid; a record the database
 * cannot hold (a plan that ends before it starts, say) is left out and the report says so. A file
 * that is not well-formed, or not a census, changes nothing and the error says where it broke.
 */
import { randomUUID } from 'node:crypto';
import { type Insertable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { ChildrenTable, CpPlansTable, Partnership } from '../../db/schema.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { limitOffset } from '../../lib/pagination.js';
import { DomainError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { londonDate } from '../../lib/working-days.js';
import type { AccessLogService, AccessRecord } from '../access-log/service.js';
import { partnershipClosures } from '../cases/repository.js';
import type { Trx } from '../cases/record.js';
import { addImported, type BatchContext, type BatchResult, emptyCounts, IMPORT_NOTE, importedAccess, importRecord, noneImported, writeCensusBatch } from './census-batch.js';
import { type CensusChild, CensusFormatError, type CensusHeader, readCensusFile } from './cin-census/parse.js';
import { type CensusIssue, validateChild } from './cin-census/validate.js';
import type { CsvProblem } from '../../lib/csv-problems.js';
import { type ChildrenCsv, ChildrenCsvError, parseChildrenCsv } from './children-csv.js';
import { countImportRuns, getImportRun, type ImportCounts, type ImportKind, type ImportRun, insertImportRun, listImportRuns } from './repository.js';
import { changes, inChunks, insertAll, type Table, type Update, updateRow } from './writes.js';

/** Children written per batch: a few statements each, and bounded memory. */
const BATCH_SIZE = 500;

/** A file that cannot be imported: nothing was changed. */
export class ImportRefusedError extends DomainError {
  constructor(message: string) {
    super(message, 'import_refused', 400);
  }
}

export interface ImportSummary extends ImportCounts {
  issues: CensusIssue[];
}

export interface ImportOutcome {
  id: string;
  partnership: { id: string; code: string };
  header: CensusHeader;
  summary: ImportSummary;
}

export interface ImportProgress {
  children: number;
  bytesRead: number;
  totalBytes: number | null;
  /** Set once the import has committed and the partnership's standards are being recomputed. */
  recomputing?: boolean;
}

export interface CinCensusImport {
  filePath: string;
  /** The name to show for the file (the upload's original name). */
  fileName: string;
  /**
   * Which partnership: a known one (the web: the admin's own; the file's LEA must match its code
   * unless `checkLea` is false), or the one whose code is the file's Header/Source/LEA.
   */
  target: { partnershipId: string; checkLea: boolean } | { fromFile: true };
  /** Who acts (and is written in the access log), once the partnership is known. */
  actorFor: (partnershipId: string) => Actor;
  source: 'cli' | 'web' | 'api';
  onProgress?: (p: ImportProgress) => void;
}

export { IMPORT_NOTE, IMPORTED_END_REASON } from './census-batch.js';

export function mayImport(actor: Actor): boolean {
  return hasRole(actor, 'partnership-admin');
}

export class ImportsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
    /** Runs after an import commits: the partnership's practice standards are recomputed with what it brought in. */
    private readonly afterImport?: (partnershipId: string) => Promise<unknown>,
  ) {}

  assertCanImport(actor: Actor): void {
    if (!mayImport(actor)) throw new ForbiddenError('Only partnership admins can import data');
  }

  async run(actor: Actor, id: string): Promise<ImportRun & { user_name: string | null }> {
    this.assertCanImport(actor);
    const run = await getImportRun(this.db, actor.partnershipId, id);
    if (!run) throw new NotFoundError('Import not found');
    return run;
  }

  async recent(actor: Actor) {
    this.assertCanImport(actor);
    return listImportRuns(this.db, actor.partnershipId);
  }

  /** One page of the partnership's imports, newest first, and how many there are. */
  async page(actor: Actor, q: { page: number; pageSize: number; kind?: ImportKind | undefined }) {
    this.assertCanImport(actor);
    const { limit, offset } = limitOffset(q);
    const [rows, total] = await Promise.all([listImportRuns(this.db, actor.partnershipId, limit, offset, q.kind), countImportRuns(this.db, actor.partnershipId, q.kind)]);
    return { rows, total };
  }

  async importCinCensus(req: CinCensusImport): Promise<ImportOutcome> {
    // The last progress reported while reading, so the recompute's is the same figures with its flag
    let last: ImportProgress = { children: 0, bytesRead: 0, totalBytes: null };
    const onProgress = req.onProgress;
    const outcome = await this.importCinCensusOnly(onProgress ? { ...req, onProgress: (p) => onProgress((last = p)) } : req);
    if (this.afterImport) {
      onProgress?.({ ...last, recomputing: true });
      await this.afterImport(outcome.partnership.id);
    }
    return outcome;
  }

  private async importCinCensusOnly(req: CinCensusImport): Promise<ImportOutcome> {
    const startedAt = this.clock.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const counts: ImportCounts = emptyCounts();
        const issues: CensusIssue[] = [];
        const written: BatchResult = { counts, issues, imported: noneImported() };
        let header: CensusHeader | null = null;
        let partnership: Partnership | null = null;
        let actor: Actor | null = null;
        let closures: Set<string> = new Set();
        let seen = 0;
        let bytesRead = 0;
        let totalBytes: number | null = null;
        const ids = new Set<string>();
        let batch: CensusChild[] = [];
        let batchIds = new Set<string>();
        const flush = async () => {
          if (batch.length === 0) return;
          await writeIsolated(trx, { partnershipId: partnership!.id, actor: actor! }, batch, written);
          batch = [];
          batchIds = new Set();
        };

        for await (const ev of readCensusFile(req.filePath, (p) => {
          bytesRead = p.bytesRead;
          totalBytes = p.totalBytes;
        })) {
          if (ev.type === 'header') {
            header = ev.header;
            partnership = await this.resolvePartnership(trx, req.target, header);
            actor = req.actorFor(partnership.id);
            if (actor.partnershipId !== partnership.id) throw new ForbiddenError();
            closures = await partnershipClosures(trx, partnership.id);
            continue;
          }
          if (!partnership || !actor || !header) throw new ImportRefusedError('Nothing was imported: the file has no header before its children.');
          const child = ev.child;
          const childIssues = validateChild(child, { referenceDate: header.referenceDate, closures });
          issues.push(...childIssues);
          for (const p of child.problems) issues.push({ code: IMPORT_NOTE, child: child.laChildId ?? '(no LAchildID)', message: `${p}.` });
          if (child.laChildId && ids.has(child.laChildId)) {
            issues.push({ code: IMPORT_NOTE, child: child.laChildId, message: `This LAchildID appears more than once in the file (again at line ${child.line}); the later entry updated the earlier one.` });
          }
          if (child.laChildId) ids.add(child.laChildId);
          // A LAchildID seen again starts a new batch, so the later entry updates the earlier one
          if (child.laChildId && batchIds.has(child.laChildId)) await flush();
          batch.push(child);
          if (child.laChildId) batchIds.add(child.laChildId);
          if (batch.length >= BATCH_SIZE) await flush();
          seen++;
          req.onProgress?.({ children: seen, bytesRead, totalBytes });
        }
        await flush();
        if (!partnership || !header) throw new ImportRefusedError('Nothing was imported: the file has no census header.');
        // The partnership's access-log chain last, once every child's rows are written (BatchResult)
        for (let i = 0; i < written.imported.ids.length; i += BATCH_SIZE) await this.accessLog.recordMany(trx, actor!, importedAccess(written.imported, i, i + BATCH_SIZE));
        const summary: ImportSummary = { ...counts, issues };
        const id = await insertImportRun(trx, {
          partnershipId: partnership.id,
          fileName: req.fileName,
          source: req.source,
          header: { ...header },
          counts,
          issues,
          startedAt,
          finishedAt: this.clock.now(),
          createdBy: actor?.kind === 'user' ? actor.userId : null,
        });
        return { id, partnership: { id: partnership.id, code: partnership.code }, header, summary };
      });
    } catch (err) {
      if (err instanceof CensusFormatError) throw new ImportRefusedError(`Nothing was imported. ${err.message}.`);
      throw err;
    }
  }

  async importChildrenCsv(req: ChildrenCsvImport): Promise<ChildrenCsvOutcome> {
    const startedAt = this.clock.now();
    const outcome = await this.db.transaction().execute(async (trx) => {
      let partnership: Partnership | undefined;
      if ('partnershipId' in req.target) {
        partnership = await trx.selectFrom('partnerships').selectAll().where('id', '=', req.target.partnershipId).executeTakeFirst();
        if (!partnership) throw new ImportRefusedError('Nothing was imported: the partnership was not found.');
      } else {
        const all = await trx.selectFrom('partnerships').selectAll().limit(2).execute();
        if (all.length !== 1) throw new ImportRefusedError('Nothing was imported: the children CSV does not say which partnership it is for. Give --partnership CODE.');
        partnership = all[0]!;
      }
      const actor = req.actorFor(partnership.id);
      if (actor.partnershipId !== partnership.id) throw new ForbiddenError();
      const [areas, teams] = await Promise.all([
        trx.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', partnership.id).execute(),
        trx.selectFrom('teams').select(['id', 'name']).where('partnership_id', '=', partnership.id).execute(),
      ]);
      const today = londonDate(this.clock.now());
      const file = parseChildrenCsv(req.text, { areas, teams }, { today });
      const counts: ImportCounts = emptyCounts();
      await importChildrenCsvInto(trx, { partnershipId: partnership.id, actor, accessLog: this.accessLog }, file, counts, (field) => file.header.indexOf(field) + 1);
      const id = await insertImportRun(trx, {
        partnershipId: partnership.id,
        kind: 'children-csv',
        fileName: req.fileName,
        source: req.source,
        header: { format: 'children-csv', rows: file.rows },
        counts,
        issues: [],
        startedAt,
        finishedAt: this.clock.now(),
        createdBy: actor.kind === 'user' ? actor.userId : null,
      });
      return { id, partnership: { id: partnership.id, code: partnership.code }, summary: { ...counts, issues: [] }, rows: file.rows };
    });
    await this.afterImport?.(outcome.partnership.id);
    return outcome;
  }

  private async resolvePartnership(trx: Trx, target: CinCensusImport['target'], header: CensusHeader): Promise<Partnership> {
    if ('partnershipId' in target) {
      const p = await trx.selectFrom('partnerships').selectAll().where('id', '=', target.partnershipId).executeTakeFirst();
      if (!p) throw new ImportRefusedError('Nothing was imported: the partnership was not found.');
      if (target.checkLea && header.lea !== null && header.lea !== p.code) {
        throw new ImportRefusedError(
          `Nothing was imported: this file is the census of local authority ${header.lea} (its Header/Source/LEA), but this partnership’s code is ${p.code}.`,
        );
      }
      return p;
    }
    if (!header.lea) throw new ImportRefusedError('Nothing was imported: the file has no Header/Source/LEA code, so the partnership is not known. Give --partnership CODE.');
    const p = await trx.selectFrom('partnerships').selectAll().where('code', '=', header.lea).executeTakeFirst();
    if (!p) {
      throw new ImportRefusedError(
        `Nothing was imported: no partnership has code ${header.lea}, the file's Header/Source/LEA. Add it first (assure partnership add --code ${header.lea} --name NAME) or give --partnership CODE.`,
      );
    }
    return p;
  }
}

export interface ChildrenCsvImport {
  /** The file's text (the CLI reads the file; the page the upload). */
  text: string;
  fileName: string;
  /** A known partnership, or the only one of the installation (the CLI without --partnership). */
  target: { partnershipId: string } | { onlyOne: true };
  actorFor: (partnershipId: string) => Actor;
  source: 'cli' | 'web' | 'api';
}

export interface ChildrenCsvOutcome {
  id: string;
  partnership: { id: string; code: string };
  summary: ImportSummary;
  rows: number;
}

export const CSV_END_REASON = 'Imported from the children CSV';

/**
 * Children and CP plans from the children CSV (children-csv.ts), in one transaction. Children are
 * created or updated by LA child ID, plans by child and start date, so importing the same file
 * again changes nothing. Any invalid row, or a row that conflicts with what Assure holds (a second
 * open plan, a new child with no date of birth), refuses the whole file, naming line and column.
 */
export async function importChildrenCsvInto(
  trx: Trx,
  ctx: { partnershipId: string; actor: Actor; accessLog: AccessLogService },
  file: ChildrenCsv,
  counts: ImportCounts,
  columnOf: (field: string) => number,
): Promise<void> {
  const pid = ctx.partnershipId;
  const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  const problems: CsvProblem[] = [];
  const problem = (line: number, field: string, message: string) => problems.push({ line, column: columnOf(field), field, message });
  // In chunks: a query has at most 65,535 parameters
  const existing = (
    await inChunks(
      file.children.map((c) => c.laChildId),
      (ids) => trx.selectFrom('children').selectAll().where('partnership_id', '=', pid).where('la_child_id', 'in', ids).execute(),
    )
  ).flat();
  const byLaId = new Map(existing.map((c) => [c.la_child_id, c]));
  const storedPlans = (
    await inChunks(
      existing.map((c) => c.id),
      (ids) => trx.selectFrom('cp_plans').selectAll().where('partnership_id', '=', pid).where('child_id', 'in', ids).execute(),
    )
  ).flat();
  type PlanRow = (typeof storedPlans)[number];
  /** Each child's plans: those stored, then those this file adds. */
  const plansOf = new Map<string, Pick<PlanRow, 'id' | 'started_on' | 'ended_on' | 'end_reason' | 'latest_category' | 'initial_category' | 'previous_plans'>[]>();
  for (const r of storedPlans) plansOf.set(r.child_id, [...(plansOf.get(r.child_id) ?? []), r]);
  const childIdOf = new Map<string, string>();
  const newChildren: Insertable<ChildrenTable>[] = [];
  const newPlans: Insertable<CpPlansTable>[] = [];
  const updates: Update[] = [];
  const access: AccessRecord[] = [];
  const update = (table: Table, id: string, values: Record<string, unknown>) => {
    if (Object.keys(values).length) updates.push({ table, id, values });
  };

  for (const c of file.children) {
    const found = byLaId.get(c.laChildId);
    const wanted: Record<string, unknown> = {};
    if (c.firstName !== undefined) wanted.first_name = c.firstName;
    if (c.lastName !== undefined) wanted.last_name = c.lastName;
    if (c.dateOfBirth !== undefined) wanted.date_of_birth = c.dateOfBirth;
    if (c.expectedDateOfBirth !== undefined) wanted.expected_date_of_birth = c.expectedDateOfBirth;
    if (c.sex !== undefined) wanted.sex = c.sex;
    if (c.upn !== undefined) wanted.upn = c.upn;
    if (c.ethnicity !== undefined) wanted.ethnicity = c.ethnicity;
    if (c.areaId !== undefined) wanted.area_id = c.areaId;
    if (c.teamId !== undefined) wanted.team_id = c.teamId;
    if (found) {
      update('children', found.id, changes(found, wanted));
      childIdOf.set(c.laChildId, found.id);
    } else {
      if (c.dateOfBirth === undefined && c.expectedDateOfBirth === undefined) {
        problem(c.line, 'date_of_birth', `the child ${c.laChildId} is new to Assure and needs a date of birth (or an expected date of birth)`);
        continue;
      }
      const id = randomUUID();
      newChildren.push({ id, partnership_id: pid, la_child_id: c.laChildId, first_name: 'Child', last_name: c.laChildId, created_by: createdBy, ...wanted });
      childIdOf.set(c.laChildId, id);
      counts.created++;
    }
    counts.children++;
    const id = childIdOf.get(c.laChildId)!;
    access.push(importRecord(id, 'children-csv', !found));
  }

  // Ended plans first, so a file may end the open plan Assure holds and start the next
  const plans = [...file.plans].sort((a, b) => Number(a.endedOn === null) - Number(b.endedOn === null) || a.startedOn.localeCompare(b.startedOn));
  for (const p of plans) {
    const childId = childIdOf.get(p.laChildId);
    if (!childId) continue;
    const mine = plansOf.get(childId) ?? [];
    plansOf.set(childId, mine);
    const found = mine.find((r) => r.started_on === p.startedOn);
    if (found) {
      const wanted: Record<string, unknown> = { latest_category: p.latestCategory };
      if (p.initialCategory) wanted.initial_category = p.initialCategory;
      if (p.previousPlans !== undefined) wanted.previous_plans = p.previousPlans;
      // An end date is added or corrected, never cleared (the plan may have ended in Assure since)
      if (p.endedOn && found.ended_on !== p.endedOn) {
        wanted.ended_on = p.endedOn;
        if (!found.end_reason) wanted.end_reason = CSV_END_REASON;
      }
      const diff = changes(found, wanted);
      update('cp_plans', found.id, diff);
      Object.assign(found, diff);
    } else {
      const open = mine.find((r) => r.ended_on === null);
      if (!p.endedOn && open) {
        problem(p.line, 'plan_start', `the child ${p.laChildId} already has an open plan in Assure, started ${open.started_on}: end it (a row with that plan_start and a plan_end) before starting another`);
        continue;
      }
      const overlapping = mine.find((r) => r.started_on < (p.endedOn ?? '9999-12-31') && (r.ended_on === null || r.ended_on > p.startedOn));
      if (overlapping) {
        problem(p.line, 'plan_start', `the child ${p.laChildId} has a plan in Assure from ${overlapping.started_on}${overlapping.ended_on ? ` to ${overlapping.ended_on}` : ''} that this plan overlaps`);
        continue;
      }
      const row = { id: randomUUID() };
      newPlans.push({
          id: row.id,
          partnership_id: pid,
          child_id: childId,
          created_by: createdBy,
          started_on: p.startedOn,
          ended_on: p.endedOn,
          initial_category: p.initialCategory ?? p.latestCategory,
          latest_category: p.latestCategory,
          previous_plans: p.previousPlans ?? 0,
          end_reason: p.endedOn ? CSV_END_REASON : null,
      });
      mine.push({ id: row.id, started_on: p.startedOn, ended_on: p.endedOn, end_reason: p.endedOn ? CSV_END_REASON : null, latest_category: p.latestCategory, initial_category: p.initialCategory ?? p.latestCategory, previous_plans: p.previousPlans ?? 0 });
      counts.created++;
    }
    counts.plans++;
  }
  if (problems.length) throw new ChildrenCsvError(problems.sort((a, b) => a.line - b.line).slice(0, 20));
  // Ended plans are updated before new plans are written: a child has one open plan at most
  await insertAll(trx, 'children', newChildren);
  for (const u of updates) await updateRow(trx, u.table, u.id, pid, u.values, counts);
  await insertAll(trx, 'cp_plans', newPlans);
  // The partnership's access-log chain last, once every child's rows are written, as a change to one child takes it
  await ctx.accessLog.recordMany(trx, ctx.actor, access);
}

/**
 * Writes a batch in a savepoint. When the database refuses a row, the batch is rolled back and its
 * children written one by one, so a record the database cannot hold leaves out that child only,
 * and the report says why.
 */
async function writeIsolated(trx: Trx, ctx: BatchContext, batch: CensusChild[], into: BatchResult): Promise<void> {
  const result: BatchResult = { counts: emptyCounts(), issues: [], imported: noneImported() };
  await sql`savepoint census_batch`.execute(trx);
  try {
    await writeCensusBatch(trx, ctx, batch, result);
    await sql`release savepoint census_batch`.execute(trx);
  } catch (err) {
    await sql`rollback to savepoint census_batch`.execute(trx);
    await sql`release savepoint census_batch`.execute(trx);
    if (err instanceof DomainError) throw err;
    if (batch.length > 1) {
      for (const child of batch) await writeIsolated(trx, ctx, [child], into);
      return;
    }
    const child = batch[0]!;
    into.issues.push(...result.issues, {
      code: IMPORT_NOTE,
      child: child.laChildId ?? '(no LAchildID)',
      message: `This child (line ${child.line}) could not be imported: ${err instanceof Error ? err.message : String(err)}.`,
    });
    return;
  }
  for (const k of Object.keys(into.counts) as (keyof ImportCounts)[]) into.counts[k] += result.counts[k];
  into.issues.push(...result.issues);
  addImported(into.imported, result.imported);
}
