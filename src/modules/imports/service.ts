/**
 * Importing the DfE CIN census: one import is one transaction. Children are created or updated
 * (keyed by partnership and LAchildID), with their referrals, S47 enquiries, initial conferences,
 * CP plans and review conferences (keyed by the child and the dates), so importing the same or a
 * later file again updates in place and never duplicates. Every rule in validate.ts is checked
 * per child and reported without stopping the import of what is valid; a record the database
 * cannot hold (a plan that ends before it starts, say) is left out and the report says so. A file
 * that is not well-formed, or not a census, changes nothing and the error says where it broke.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Category, Partnership } from '../../db/schema.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { limitOffset } from '../../lib/pagination.js';
import { DomainError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { londonDate } from '../../lib/working-days.js';
import type { AccessLogService } from '../access-log/service.js';
import { partnershipClosures } from '../cases/repository.js';
import type { Trx } from '../cases/record.js';
import { type CensusChild, CensusFormatError, type CensusHeader, type CensusPlan, readCensusFile } from './cin-census/parse.js';
import { CATEGORY_CODES, type CensusIssue, episodeConferenceDates, showDate, validateChild } from './cin-census/validate.js';
import type { CsvProblem } from '../../lib/csv-problems.js';
import { type ChildrenCsv, ChildrenCsvError, parseChildrenCsv } from './children-csv.js';
import { countImportRuns, getImportRun, type ImportCounts, type ImportKind, type ImportRun, insertImportRun, listImportRuns } from './repository.js';

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

/** Notes about what the import did (not DfE rules) carry this code. */
export const IMPORT_NOTE = 'IMPORT';
export const IMPORTED_END_REASON = 'Imported from the CIN census';
const REFERRAL_SUMMARY = 'Referral recorded in the CIN census';

export function mayImport(actor: Actor): boolean {
  return hasRole(actor, 'partnership-admin');
}

export class ImportsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
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
    const startedAt = this.clock.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const counts: ImportCounts = { children: 0, plans: 0, s47: 0, conferences: 0, reviews: 0, created: 0, updated: 0 };
        const issues: CensusIssue[] = [];
        let header: CensusHeader | null = null;
        let partnership: Partnership | null = null;
        let actor: Actor | null = null;
        let closures: Set<string> = new Set();
        let seen = 0;
        let bytesRead = 0;
        let totalBytes: number | null = null;
        const ids = new Set<string>();

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
          // A record the database refuses leaves out that child only, and says why
          await sql`savepoint census_child`.execute(trx);
          try {
            await importChild(trx, { partnershipId: partnership.id, actor, accessLog: this.accessLog, now: this.clock.now() }, child, counts, issues);
            await sql`release savepoint census_child`.execute(trx);
          } catch (err) {
            await sql`rollback to savepoint census_child`.execute(trx);
            if (err instanceof DomainError) throw err;
            issues.push({
              code: IMPORT_NOTE,
              child: child.laChildId ?? '(no LAchildID)',
              message: `This child (line ${child.line}) could not be imported: ${err instanceof Error ? err.message : String(err)}.`,
            });
          }
          seen++;
          req.onProgress?.({ children: seen, bytesRead, totalBytes });
        }
        if (!partnership || !header) throw new ImportRefusedError('Nothing was imported: the file has no census header.');
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
    return this.db.transaction().execute(async (trx) => {
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
      const counts: ImportCounts = { children: 0, plans: 0, s47: 0, conferences: 0, reviews: 0, created: 0, updated: 0 };
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

async function inChunks<T, R>(items: T[], fn: (chunk: T[]) => Promise<R>, size = 5000): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(await fn(items.slice(i, i + size)));
  return out;
}

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
      await update(trx, 'children', found.id, pid, changes(found, wanted), counts);
      childIdOf.set(c.laChildId, found.id);
    } else {
      if (c.dateOfBirth === undefined && c.expectedDateOfBirth === undefined) {
        problem(c.line, 'date_of_birth', `the child ${c.laChildId} is new to Assure and needs a date of birth (or an expected date of birth)`);
        continue;
      }
      const row = await trx
        .insertInto('children')
        .values({ partnership_id: pid, la_child_id: c.laChildId, first_name: 'Child', last_name: c.laChildId, created_by: createdBy, ...wanted })
        .returning('id')
        .executeTakeFirstOrThrow();
      childIdOf.set(c.laChildId, row.id);
      counts.created++;
    }
    counts.children++;
    await ctx.accessLog.record(trx, ctx.actor, { action: 'import', recordType: 'child', recordId: childIdOf.get(c.laChildId)!, subjectId: childIdOf.get(c.laChildId)!, details: { source: 'children-csv', created: !found } });
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
      await update(trx, 'cp_plans', found.id, pid, diff, counts);
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
      const row = await trx
        .insertInto('cp_plans')
        .values({
          partnership_id: pid,
          child_id: childId,
          created_by: createdBy,
          started_on: p.startedOn,
          ended_on: p.endedOn,
          initial_category: p.initialCategory ?? p.latestCategory,
          latest_category: p.latestCategory,
          previous_plans: p.previousPlans ?? 0,
          end_reason: p.endedOn ? CSV_END_REASON : null,
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      mine.push({ id: row.id, started_on: p.startedOn, ended_on: p.endedOn, end_reason: p.endedOn ? CSV_END_REASON : null, latest_category: p.latestCategory, initial_category: p.initialCategory ?? p.latestCategory, previous_plans: p.previousPlans ?? 0 });
      counts.created++;
    }
    counts.plans++;
  }
  if (problems.length) throw new ChildrenCsvError(problems.sort((a, b) => a.line - b.line).slice(0, 20));
}

interface ChildContext {
  partnershipId: string;
  actor: Actor;
  accessLog: AccessLogService;
  now: Date;
}

const sameArray = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Sets only the values that differ; returns whether anything changed. */
function changes<T extends Record<string, unknown>>(current: Record<string, unknown>, wanted: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(wanted)) {
    const c = current[k];
    const same = Array.isArray(v) && Array.isArray(c) ? sameArray(v as string[], c as string[]) : c === v;
    if (!same) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

type Table = 'children' | 'referrals' | 's47_enquiries' | 'cp_plans' | 'conferences';

async function update(trx: Trx, table: Table, id: string, partnershipId: string, values: Record<string, unknown>, counts: ImportCounts): Promise<void> {
  if (Object.keys(values).length === 0) return;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await (trx as any)
    .updateTable(table)
    .set({ ...values, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('partnership_id', '=', partnershipId)
    .execute();
  counts.updated++;
}

function isCategory(v: string | null): v is Category {
  return v !== null && (CATEGORY_CODES as readonly string[]).includes(v);
}

async function importChild(trx: Trx, ctx: ChildContext, child: CensusChild, counts: ImportCounts, issues: CensusIssue[]): Promise<void> {
  const pid = ctx.partnershipId;
  const note = (message: string) => issues.push({ code: IMPORT_NOTE, child: child.laChildId ?? '(no LAchildID)', message });
  if (!child.laChildId) {
    note(`The child at line ${child.line} has no LAchildID, so it was not imported.`);
    return;
  }
  if (!child.birthDate && !child.expectedBirthDate) {
    note('The child has neither a date of birth nor an expected date of birth, so it was not imported.');
    return;
  }
  const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : null;

  // The child (names are not in the census: placeholders, never overwriting names entered since)
  const census = {
    upn: child.upn,
    date_of_birth: child.birthDate,
    expected_date_of_birth: child.expectedBirthDate,
    sex: child.sex,
    ethnicity: child.ethnicity,
    disabilities: child.disabilities,
  };
  const existing = await trx.selectFrom('children').selectAll().where('partnership_id', '=', pid).where('la_child_id', '=', child.laChildId).executeTakeFirst();
  let childId: string;
  const isNew = !existing;
  if (existing) {
    childId = existing.id;
    await update(trx, 'children', childId, pid, changes(existing, census), counts);
  } else {
    const row = await trx
      .insertInto('children')
      .values({ partnership_id: pid, la_child_id: child.laChildId, first_name: 'Child', last_name: child.laChildId, created_by: createdBy, ...census })
      .returning('id')
      .executeTakeFirstOrThrow();
    childId = row.id;
    counts.created++;
  }
  counts.children++;
  await ctx.accessLog.record(trx, ctx.actor, { action: 'import', recordType: 'child', recordId: childId, subjectId: childId, details: { source: 'cin-census', created: isNew } });

  const [referrals, s47Rows, planRows, conferenceRows] = isNew
    ? [[], [], [], []]
    : await Promise.all([
        trx.selectFrom('referrals').selectAll().where('partnership_id', '=', pid).where('child_id', '=', childId).execute(),
        trx.selectFrom('s47_enquiries').selectAll().where('partnership_id', '=', pid).where('child_id', '=', childId).execute(),
        trx.selectFrom('cp_plans').selectAll().where('partnership_id', '=', pid).where('child_id', '=', childId).execute(),
        trx.selectFrom('conferences').selectAll().where('partnership_id', '=', pid).where('child_id', '=', childId).execute(),
      ]);
  const common = { partnership_id: pid, child_id: childId, created_by: createdBy };

  // Referrals, keyed by date
  const referralDone = new Set<string>();
  for (const e of child.episodes) {
    if (!e.referralDate || referralDone.has(e.referralDate)) continue;
    referralDone.add(e.referralDate);
    const wanted = { source: e.referralSource, primary_need: e.primaryNeed };
    const found = referrals.find((r) => r.received_on === e.referralDate);
    if (found) await update(trx, 'referrals', found.id, pid, changes(found, wanted), counts);
    else {
      await trx.insertInto('referrals').values({ ...common, received_on: e.referralDate, summary: REFERRAL_SUMMARY, ...wanted }).execute();
      counts.created++;
    }
  }

  // S47 enquiries, keyed by start date
  const s47Ids = new Map<string, string>();
  const s47Starts: string[] = [];
  for (const e of child.episodes) {
    for (const s of e.s47s) {
      if (!s.startDate) {
        note('A S47 enquiry with no start date was not imported.');
        continue;
      }
      if (s47Ids.has(s.startDate)) continue;
      const wanted = { icpc_target_on: s.icpcTarget, ...(s.icpcDate ? { outcome: 'icpc' as const } : {}) };
      const found = s47Rows.find((r) => r.started_on === s.startDate);
      if (found) {
        await update(trx, 's47_enquiries', found.id, pid, changes(found, wanted), counts);
        s47Ids.set(s.startDate, found.id);
      } else {
        const row = await trx.insertInto('s47_enquiries').values({ ...common, started_on: s.startDate, ...wanted }).returning('id').executeTakeFirstOrThrow();
        s47Ids.set(s.startDate, row.id);
        counts.created++;
      }
      s47Starts.push(s.startDate);
      counts.s47++;
    }
  }

  // CP plans, keyed by start date. The database holds a plan only with a start, a known
  // category, an end after its start, and at most one open plan per child.
  const allPlans = child.episodes.flatMap((e) => e.plans);
  const censusPlanStarts = new Set(allPlans.map((p) => p.startDate).filter((d): d is string => d !== null));
  const cinPlanStarts = child.episodes.flatMap((e) => e.cinPlans.map((c) => c.startDate)).filter((d): d is string => d !== null).sort();
  const importable: (CensusPlan & { startDate: string; initialCategory: Category })[] = [];
  for (const p of allPlans) {
    const label = p.startDate ? `The CP plan starting ${showDate(p.startDate)}` : 'A CP plan with no start date';
    if (!p.startDate) note(`${label} was not imported.`);
    else if (!isCategory(p.initialCategory)) note(`${label} was not imported: its initial category of abuse is missing or not one of NEG, PHY, EMO, SAB, MUL.`);
    else if (p.endDate && p.endDate <= p.startDate) note(`${label} was not imported: it ends on ${showDate(p.endDate)}, not after it starts.`);
    else if (importable.some((q) => q.startDate === p.startDate)) continue; // the same plan listed twice (8940 reports it)
    else importable.push(p as CensusPlan & { startDate: string; initialCategory: Category });
  }
  const openInFile = importable.filter((p) => !p.endDate).sort((a, b) => b.startDate.localeCompare(a.startDate));
  for (const extra of openInFile.slice(1)) {
    note(`The CP plan starting ${showDate(extra.startDate)} was not imported: the child has a later open plan, and a child has one open plan at most.`);
    importable.splice(importable.indexOf(extra), 1);
  }
  const planIds = new Map<string, string>();
  for (const p of importable.sort((a, b) => a.startDate.localeCompare(b.startDate))) {
    const found = planRows.find((r) => r.started_on === p.startDate);
    const latest = isCategory(p.latestCategory) ? p.latestCategory : p.initialCategory;
    let cinPlan: string | null = null;
    if (p.endDate) {
      const stepDown = cinPlanStarts.find((d) => d >= p.endDate!);
      if (stepDown) cinPlan = `A child in need plan from ${showDate(stepDown)} (recorded in the CIN census).`;
      else note(`The CP plan starting ${showDate(p.startDate)} ended on ${showDate(p.endDate)} with no child in need plan recorded in the census after it.`);
    }
    if (found) {
      const wanted: Record<string, unknown> = { initial_category: p.initialCategory, latest_category: latest, previous_plans: p.previousPlans ?? found.previous_plans };
      // An end date is added or corrected, never cleared (the plan may have ended in Assure since)
      if (p.endDate && found.ended_on !== p.endDate) {
        wanted.ended_on = p.endDate;
        if (!found.end_reason) wanted.end_reason = IMPORTED_END_REASON;
        if (!found.cin_plan && !found.no_cin_plan_reason && cinPlan) wanted.cin_plan = cinPlan;
      }
      await update(trx, 'cp_plans', found.id, pid, changes(found, wanted), counts);
      planIds.set(p.startDate, found.id);
    } else {
      const otherOpen = planRows.find((r) => r.ended_on === null && r.started_on !== p.startDate);
      if (!p.endDate && otherOpen) {
        note(`The CP plan starting ${showDate(p.startDate)} was not imported: the child already has an open plan in Assure, started ${showDate(otherOpen.started_on)}.`);
        continue;
      }
      const row = await trx
        .insertInto('cp_plans')
        .values({
          ...common,
          started_on: p.startDate,
          ended_on: p.endDate,
          initial_category: p.initialCategory,
          latest_category: latest,
          previous_plans: p.previousPlans ?? 0,
          end_reason: p.endDate ? IMPORTED_END_REASON : null,
          cin_plan: cinPlan,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      planIds.set(p.startDate, row.id);
      counts.created++;
    }
    counts.plans++;
  }

  // Initial conferences: one per date (S47 level or CINdetails level); the decision is a plan
  // when a census plan started that day
  const conferenceDone = new Set<string>();
  for (const e of child.episodes) {
    for (const date of episodeConferenceDates(e)) {
      if (conferenceDone.has(date)) continue;
      conferenceDone.add(date);
      const fromS47 = e.s47s.find((s) => s.icpcDate === date && s.startDate)?.startDate;
      const s47Start = fromS47 ?? [...s47Starts].filter((d) => d <= date).sort().pop();
      const s47Id = s47Start ? (s47Ids.get(s47Start) ?? null) : null;
      const planId = planIds.get(date) ?? null;
      const startedPlan = censusPlanStarts.has(date);
      const plan = importable.find((p) => p.startDate === date);
      const wanted = {
        status: 'completed' as const,
        held_on: date,
        decision: startedPlan ? ('plan' as const) : ('no-plan' as const),
        categories: plan ? [plan.initialCategory] : [],
        ...(s47Id ? { s47_id: s47Id } : {}),
        ...(planId ? { plan_id: planId } : {}),
      };
      const found = conferenceRows.find((c) => c.kind === 'initial' && (c.held_on === date || (c.held_on === null && c.scheduled_on === date)));
      let conferenceId: string;
      if (found) {
        // A conference recorded in Assure keeps its own decision and categories
        const keep = found.status === 'completed' ? { decision: found.decision, categories: found.categories } : {};
        await update(trx, 'conferences', found.id, pid, changes(found, { ...wanted, ...keep, completed_at: found.completed_at ?? new Date(`${date}T12:00:00Z`) }), counts);
        conferenceId = found.id;
      } else {
        const row = await trx
          .insertInto('conferences')
          .values({ ...common, kind: 'initial', scheduled_on: date, completed_at: new Date(`${date}T12:00:00Z`), ...wanted })
          .returning('id')
          .executeTakeFirstOrThrow();
        conferenceId = row.id;
        counts.created++;
      }
      counts.conferences++;
      if (planId) {
        const planRow = planRows.find((r) => r.id === planId);
        if (!planRow || planRow.started_by_conference_id === null) {
          await trx.updateTable('cp_plans').set({ started_by_conference_id: conferenceId }).where('id', '=', planId).where('partnership_id', '=', pid).execute();
        }
      }
    }
  }

  // Review conferences of each imported plan, keyed by date
  for (const p of importable) {
    const planId = planIds.get(p.startDate);
    if (!planId) continue;
    const reviewDone = new Set<string>();
    for (const date of p.reviews) {
      if (!date || reviewDone.has(date)) continue;
      reviewDone.add(date);
      const found = conferenceRows.find((c) => c.kind === 'review' && (c.held_on === date || (c.held_on === null && c.scheduled_on === date)));
      const wanted = { status: 'completed' as const, held_on: date, plan_id: planId };
      if (found) {
        await update(trx, 'conferences', found.id, pid, changes(found, { ...wanted, decision: found.decision ?? 'continue' }), counts);
      } else {
        await trx
          .insertInto('conferences')
          .values({ ...common, kind: 'review', scheduled_on: date, decision: 'continue', completed_at: new Date(`${date}T12:00:00Z`), ...wanted })
          .execute();
        counts.created++;
      }
      counts.reviews++;
    }
  }
}
