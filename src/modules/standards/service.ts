/**
 * Practice standards: loads a child's facts, evaluates them with the pure engine against the
 * partnership's rule versions, and stores the results (replacing the child's previous ones in the
 * same transaction). A child is re-evaluated whenever its record changes (ChildRecords' afterChange
 * hook, inside the change's own transaction), when its standards page is opened, and for every child
 * of a partnership on demand (CLI) and nightly (jobs/maintenance.ts).
 *
 * Who sees what: the child's page goes through ChildRecords.read (the child's viewers). The dashboard
 * is for team managers (their team's children), QA leads and partnership admins (the whole
 * partnership's figures). Its drill-down lists only children the person may see (visibleChildren):
 * a manager sees their team's children; a QA lead or admin, who cannot open children's records,
 * gets the number of children behind a figure and no names.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/database.js';
import type { Actor } from '../../lib/actor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { Lru } from '../../lib/lru.js';
import { bankHolidays, londonDate } from '../../lib/working-days.js';
import type { ChildAccess } from '../cases/access.js';
import { ensure } from '../cases/policy.js';
import { type ChildRecords, lockChild, tryLockChildren, type Trx } from '../cases/record.js';
import { type Severity, type StandardKey, STANDARD_KEYS } from './definitions.js';
import { assess, ENGINE_VERSION, type RuleVersion, type StandardResult, type Status, STATUSES } from './engine.js';
import * as repo from './repository.js';

type Q = Db | Trx;

/** Children evaluated together in the batch recompute. */
export const RECOMPUTE_BATCH = 250;
/** Children the batch recompute evaluates before letting the process answer anything else waiting (about 5 ms of work). */
const EVALUATE_SLICE = 20;

export interface RecomputeOptions {
  batchSize?: number;
  /** Batches read, evaluated and written at once (default 1). */
  inFlight?: number;
  /** After each batch, a pause of this many times as long as the batch took (default 0: none). */
  rest?: number;
  /**
   * Only the children whose results may have moved since they were stored (`childrenToEvaluate`): the day
   * they held until has passed, or they were worked out on another basis (the engine, the rule versions,
   * the closure days or the bank holidays have changed since), or they never were. Every other child's
   * results are what evaluating it again would give. Default: every child.
   */
  onlyDue?: boolean;
  timings?: RecomputeTimings;
}

/**
 * The nightly job's recompute, in the server, while people may be using it: one batch at a time, each
 * followed by a pause as long as itself, so that the job takes at most about half of a core and of the
 * database from the pages being served. It takes about twice as long as it could; it is nightly.
 */
export const NIGHTLY_RECOMPUTE: RecomputeOptions = { inFlight: 1, rest: 1, onlyDue: true };

/** Where a recompute's time went, summed over its batches (with more than one in flight these can add up to more than the wall time). */
export interface RecomputeTimings {
  loadMs: number;
  evaluateMs: number;
  writeMs: number;
}

export type Counts = Record<Status, number> & { total: number; compliance: number | null };

/** On time out of everything that has come due: met / (met + met late + missed + overdue); null when nothing has. */
export function compliance(c: Record<Status, number>): number | null {
  const decided = c.met + c['met-late'] + c.missed + c.overdue;
  return decided ? Math.round((1000 * c.met) / decided) / 10 : null;
}

export const zero = (): Record<Status, number> => Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
export const withTotals = (c: Record<Status, number>, flag: boolean): Counts => ({ ...c, total: STATUSES.reduce((n, s) => n + c[s], 0), compliance: flag ? null : compliance(c) });

/** Exceptions are a management decision: the child's team manager or conference chair. */
export function canRecordException(a: ChildAccess): boolean {
  return a.actor.kind === 'system' || a.isManager || a.isChair;
}

const DASHBOARD_ROLES = ['team-manager', 'qa-lead', 'partnership-admin'] as const;
export function canSeeDashboard(actor: Actor): boolean {
  return actor.kind === 'system' || (DASHBOARD_ROLES as readonly string[]).includes(actor.role);
}

/** A team manager's figures are their team's children; a QA lead's or admin's the partnership's. */
export function scopeOf(actor: Actor): repo.Scope {
  if (!canSeeDashboard(actor)) throw new ForbiddenError('The standards dashboard is for team managers, quality-assurance leads and partnership admins');
  if (actor.kind === 'user' && actor.role === 'team-manager') return { partnershipId: actor.partnershipId, teamId: actor.teamId ?? '00000000-0000-0000-0000-000000000000' };
  return { partnershipId: actor.partnershipId, teamId: null };
}

export interface Definition {
  key: StandardKey;
  name: string;
  checks: string;
  kind: 'timescale' | 'flag';
  source: 'statutory' | 'local';
  citation: string;
  severity: Severity;
  effectiveFrom: string;
  parameters: Record<string, unknown>;
}

function toRules(rows: repo.DefinitionRow[]): RuleVersion[] {
  return rows.map((r) => ({ key: r.key, effectiveFrom: r.effective_from, parameters: (r.parameters ?? {}) as Record<string, unknown> }));
}

/** The bank holidays of every year a plan evaluated now can reach, in one string (worked out once). */
let holidays: string | undefined;
const HOLIDAY_YEARS = { from: 2000, to: 2050 };

/**
 * What a child's results were worked out on besides its own facts: the engine's version, the partnership's
 * rule versions and closure days, the bank holidays, and the types of the partnership's agencies (a
 * strategy discussion's attendance is checked by agency type). Stored with each child's evaluation
 * (migration 018); when it changes, every child of the partnership is evaluated again the next night.
 */
export function basisOf(rules: readonly RuleVersion[], closures: ReadonlySet<string>, agencyTypes: readonly (readonly [string, string])[]): string {
  if (holidays === undefined) {
    const days: string[] = [];
    for (let y = HOLIDAY_YEARS.from; y <= HOLIDAY_YEARS.to; y++) days.push(...bankHolidays(y));
    holidays = days.sort().join(',');
  }
  const sorted = [...rules].sort((a, b) => a.key.localeCompare(b.key) || a.effectiveFrom.localeCompare(b.effectiveFrom));
  return createHash('sha256')
    .update(JSON.stringify({ engine: ENGINE_VERSION, rules: sorted.map((r) => [r.key, r.effectiveFrom, r.parameters]), closures: [...closures].sort(), holidays, agencyTypes }))
    .digest('base64url');
}

/** What a partnership's children are evaluated against: its rule versions as the engine takes them, its closure days, and their basis. */
function contextOf(r: repo.RuleRows) {
  const rules = toRules(r.definitions);
  return { partnershipId: r.partnershipId, rows: r.definitions, rules, closures: r.closures, basis: basisOf(rules, r.closures, r.agencyTypes) };
}

/** The version of each standard in force on a date (for names and descriptions), in the order of the defaults. */
function currentDefinitions(rows: repo.DefinitionRow[], on: string): Definition[] {
  const out: Definition[] = [];
  for (const key of STANDARD_KEYS) {
    const versions = rows.filter((r) => r.key === key);
    const v = versions.filter((r) => r.effective_from <= on).at(-1) ?? versions[0];
    if (!v) continue;
    out.push({ key, name: v.name, checks: v.checks, kind: v.kind, source: v.source, citation: v.citation, severity: v.severity, effectiveFrom: v.effective_from, parameters: (v.parameters ?? {}) as Record<string, unknown> });
  }
  return out;
}

export interface VersionInput {
  effectiveFrom: string;
  name?: string | undefined;
  checks?: string | undefined;
  severity?: Severity | undefined;
  /** New values of the numeric parameters, by name (numbers or the text typed). */
  parameters: Record<string, unknown>;
}

function assertAdmin(actor: Actor): void {
  if (actor.kind === 'user' && actor.role !== 'partnership-admin') throw new ForbiddenError('Only a partnership admin can change the practice standards');
}

const PARAMETER_LABELS: Record<string, string> = { workingDays: 'working days', weeks: 'interval in weeks', firstMonths: 'months to the first review', thenMonths: 'months between reviews', months: 'months', windowFromMonths: 'months from which it is due', reReferralMonths: 'months after a plan ends' };
export const parameterLabel = (name: string): string => PARAMETER_LABELS[name] ?? name;

function toDefinition(v: repo.DefinitionRow): Definition {
  return { key: v.key as StandardKey, name: v.name, checks: v.checks, kind: v.kind, source: v.source, citation: v.citation, severity: v.severity, effectiveFrom: v.effective_from, parameters: (v.parameters ?? {}) as Record<string, unknown> };
}

/** One partnership's part of a recompute: its rules and the children of it to evaluate. */
interface Recompute {
  partnershipId: string;
  ctx: { rules: RuleVersion[]; closures: Set<string>; basis: string };
  ids: string[];
}

/** Sets of figures kept (StandardsService.kept): a partnership's dashboards by area, team and agency, for each team, and more. */
const KEPT_FIGURES = 500;

export class StandardsService {
  private readonly figures = new Lru<string, unknown>(KEPT_FIGURES);
  constructor(private readonly records: ChildRecords) {}

  get db(): Db {
    return this.records.db;
  }

  /** Children's standards read out as a file: every child in it access-logged (as exported), in one transaction. */
  exportList<T extends { id: string }>(actor: Actor, read: (trx: Trx) => Promise<T[]>, details: Record<string, unknown>): Promise<T[]> {
    return this.records.exportList(actor, 'standards', read, details);
  }

  today(): string {
    return londonDate(this.records.clock.now());
  }

  /** What the partnership's (or the child's partnership's) children are evaluated against: null when there is no such child. */
  private async rules(q: Q, of: { partnershipId: string } | { childId: string }) {
    const r = await repo.ruleRows(q, of);
    return r ? contextOf(r) : null;
  }

  private async rulesOf(q: Q, partnershipId: string) {
    return (await this.rules(q, { partnershipId }))!;
  }

  /** One child evaluated as at `today` against its partnership's rules, and (`store`) its results stored. */
  private async evaluate(q: Q, ctx: NonNullable<Awaited<ReturnType<StandardsService['rules']>>>, childId: string, today: string, store: boolean) {
    const facts = await repo.loadFacts(q, ctx.partnershipId, childId);
    const assessed = assess(facts, ctx.rules, today, ctx.closures);
    const { changed } = store ? await this.store(q, ctx.partnershipId, childId, assessed, ctx.basis) : { changed: false };
    return { facts, results: assessed.results, changed };
  }

  /**
   * Stores a child's results and until when they hold, writing only what differs from what is stored (most
   * views and many changes leave them as they were). What is stored is read first: it says whether anything
   * changed (the caller moves the records version on only then), whether a stored standard is no longer the
   * child's, and lets the commonest case, nothing changed, cost that one read and no write.
   */
  private async store(q: Q, partnershipId: string, childId: string, assessed: { results: StandardResult[]; holdsUntil: string | null }, basis: string): Promise<{ changed: boolean }> {
    const at = this.records.clock.now();
    const stored = await repo.storedOf(q, partnershipId, childId);
    const changed = !repo.resultsAre(stored.results, assessed.results);
    if (changed) {
      const keys = new Set<string>(assessed.results.map((r) => r.key));
      await repo.replaceResultsMany(q, [{ partnershipId, results: new Map([[childId, assessed.results]]) }], at, { stale: stored.results.some((s) => !keys.has(s.standard_key)) });
    }
    if (stored.evaluation?.basis !== basis || stored.evaluation.holds_until !== assessed.holdsUntil) await repo.writeEvaluations(q, [{ partnershipId, basis, holds: new Map([[childId, assessed.holdsUntil]]) }], at);
    return { changed };
  }

  /**
   * Figures worked out from many children's records or results (the dashboards' counts), kept until any
   * of the partnership's children's records or results change (the records version, migration 019): the
   * version is read first, so figures read after it are at least as new as it says.
   */
  async kept<T>(partnershipId: string, what: string, compute: () => Promise<T>): Promise<T> {
    const version = await repo.recordsVersion(this.db, partnershipId);
    const key = `${partnershipId}|${version}|${what}`;
    const hit = this.figures.get(key) as T | undefined;
    if (hit !== undefined) return hit;
    const value = await compute();
    this.figures.set(key, value);
    return value;
  }

  /** The partnership's rule versions and closure days, for evaluating facts as at other dates (the month-by-month figures). */
  async ruleContext(partnershipId: string): Promise<{ rules: RuleVersion[]; closures: Set<string> }> {
    return this.db.transaction().execute(async (trx) => {
      const r = await this.rulesOf(trx, partnershipId);
      return { rules: r.rules, closures: r.closures };
    });
  }

  /**
   * The afterChange hook: re-evaluates a child inside the transaction that changed its record (which moves
   * the records version on). The change holds the child's lock (ChildRecords.change), so no other change,
   * view or recompute stores the child's results until it commits.
   */
  async reevaluate(trx: Trx, childId: string): Promise<void> {
    const ctx = await this.rules(trx, { childId });
    if (!ctx) return;
    await this.evaluate(trx, ctx, childId, this.today(), true);
    await repo.bumpRecordsVersion(trx, ctx.partnershipId);
  }

  /**
   * Every child of a partnership (a job or the CLI: no person's access applies), or with `onlyDue` those
   * whose results may have moved; see `recompute` for how.
   */
  async recomputePartnership(partnershipId: string, opts: RecomputeOptions = {}): Promise<{ children: number }> {
    return { children: await this.recompute(await this.toRecompute([partnershipId], opts), opts) };
  }

  /** The partnerships' rules and the children of each to evaluate, in two statements whatever their number. */
  private async toRecompute(partnershipIds: readonly string[], opts: RecomputeOptions): Promise<Recompute[]> {
    const ctxs = (await this.db.transaction().execute((trx) => repo.ruleRowsOf(trx, partnershipIds))).map(contextOf);
    const ids = await repo.childrenToEvaluate(this.db, ctxs, opts.onlyDue ? this.today() : null);
    return ctxs.map((ctx) => ({ partnershipId: ctx.partnershipId, ctx, ids: ids.get(ctx.partnershipId) ?? [] }));
  }

  /**
   * The children of one or more partnerships, a batch of children at a time, a batch reaching across
   * partnerships (most partnerships have only a few children to evaluate on a night): each batch's facts in
   * the same few queries (loadFactsMany), evaluated by the same pure engine against each child's
   * partnership's rules, and its results and until when they hold written in two statements whatever the
   * partnerships, in a transaction of its own. The partnerships' records versions are moved on once the batch
   * has committed, in one statement taking their chains' locks in the order of their ids, in a transaction of
   * its own: those locks are always taken in one order, and never waited for while the batch holds its
   * children's locks (a change or an import holds its partnership's chain from its last writes until it commits,
   * and the batch would make it wait in turn). `inFlight` batches at once (default 1): with two, one is evaluated while the other is read or written, which is quicker
   * alone (the CLI) but takes both cores of a small server from the people it is serving (the nightly job,
   * imports and rule changes run in the server). `timings` (optional) gathers where the time went. A batch
   * evaluates only the children whose lock it gets (tryLockChildren), so that it never waits for a change
   * while holding others; a child someone else held is evaluated at the end, alone, once it is free.
   * Returns the number of children evaluated.
   */
  private async recompute(work: Recompute[], opts: RecomputeOptions): Promise<number> {
    const today = this.today();
    const size = Math.max(1, opts.batchSize ?? RECOMPUTE_BATCH);
    const t = opts.timings;
    const sorted = [...work].sort((a, b) => a.partnershipId.localeCompare(b.partnershipId));
    const ctxOf = new Map(sorted.map((w) => [w.partnershipId, w.ctx]));
    const batches: { partnershipId: string; ids: string[] }[][] = [];
    let batch: { partnershipId: string; ids: string[] }[] = [];
    let room = size;
    for (const w of sorted) {
      for (let i = 0; i < w.ids.length; ) {
        const ids = w.ids.slice(i, i + room);
        batch.push({ partnershipId: w.partnershipId, ids });
        i += ids.length;
        room -= ids.length;
        if (!room) {
          batches.push(batch);
          batch = [];
          room = size;
        }
      }
    }
    if (batch.length) batches.push(batch);
    let next = 0;
    let evaluatedChildren = 0;
    const skipped: string[] = [];
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const started = performance.now();
        const written = await this.db.transaction().execute(async (trx) => {
          let t0 = performance.now();
          // Only the children whose lock it gets; the others are come back to at the end
          const locked = await tryLockChildren(
            trx,
            batch.flatMap((p) => p.ids),
          );
          for (const p of batch) skipped.push(...p.ids.filter((id) => !locked.has(id)));
          const parts = batch.map((p) => ({ ...p, ids: p.ids.filter((id) => locked.has(id)) })).filter((p) => p.ids.length);
          const facts = await repo.loadFactsMany(
            trx,
            parts.map((p) => p.partnershipId),
            parts.flatMap((p) => p.ids),
          );
          if (t) t.loadMs += performance.now() - t0;
          t0 = performance.now();
          const evaluated = parts.map(() => ({ results: new Map<string, StandardResult[]>(), holds: new Map<string, string | null>() }));
          let n = 0;
          for (const [i, part] of parts.entries()) {
            const ctx = ctxOf.get(part.partnershipId)!;
            for (const id of part.ids) {
              const assessed = assess(facts.get(id)!, ctx.rules, today, ctx.closures);
              evaluated[i]!.results.set(id, assessed.results);
              evaluated[i]!.holds.set(id, assessed.holdsUntil);
              // A few children at a time, so that requests served by the same process are not held up behind a whole batch
              if (++n % EVALUATE_SLICE === 0) await new Promise((r) => setImmediate(r));
            }
          }
          if (t) t.evaluateMs += performance.now() - t0;
          t0 = performance.now();
          const at = this.records.clock.now();
          // Every partnership's part of the batch in the same two statements
          await repo.replaceResultsMany(
            trx,
            parts.map((part, i) => ({ partnershipId: part.partnershipId, results: evaluated[i]!.results })),
            at,
          );
          await repo.writeEvaluations(
            trx,
            parts.map((part, i) => ({ partnershipId: part.partnershipId, basis: ctxOf.get(part.partnershipId)!.basis, holds: evaluated[i]!.holds })),
            at,
          );
          if (t) t.writeMs += performance.now() - t0;
          evaluatedChildren += locked.size;
          return parts.map((p) => p.partnershipId);
        });
        // Then, on their own, the records versions: the chain's locks they take (which a change or an import holds
        // until it commits) are never waited for while the batch holds its children's locks
        await this.db.transaction().execute((trx) => repo.bumpRecordsVersion(trx, written));
        if (opts.rest) await new Promise((r) => setTimeout(r, opts.rest! * (performance.now() - started)));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.inFlight ?? 1) }, worker));
    // The children someone else held when their batch came (a change, a view): each evaluated now, once its lock
    // is free, on its record and rules as they then are (what the holder read may have been older than either)
    for (const id of skipped.sort()) {
      await this.db.transaction().execute(async (trx) => {
        await lockChild(trx, id);
        await this.reevaluate(trx, id);
      });
      evaluatedChildren++;
    }
    return evaluatedChildren;
  }

  /**
   * After many children's records changed outside their change hook (an import, once it has committed):
   * every child of the partnership evaluated again. Should that fail, until when the partnership's
   * results hold is forgotten, so that the next nightly recompute evaluates every child; the error is
   * passed on.
   */
  async recomputeAfterBulkChange(partnershipId: string, opts: RecomputeOptions = {}): Promise<void> {
    try {
      await this.recomputePartnership(partnershipId, opts);
    } catch (err) {
      await this.forgetEvaluations(partnershipId).catch(() => undefined);
      throw err;
    }
  }

  /** Forgets until when the partnership's children's results hold: the next nightly recompute evaluates every one of them. */
  async forgetEvaluations(partnershipId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('standard_evaluations').where('partnership_id', '=', partnershipId).execute();
      // The records changed without a recompute: figures kept against the old version are not read again
      await repo.bumpRecordsVersion(trx, partnershipId);
    });
  }

  /**
   * Every partnership's children (the nightly job, with `onlyDue` those whose results may have moved): every
   * partnership's rules and children worked out together, then their children evaluated in batches that
   * reach across partnerships (`recompute`).
   */
  async recomputeAll(opts: RecomputeOptions = {}): Promise<{ partnerships: number; children: number }> {
    const ps = (await this.db.selectFrom('partnerships').select('id').orderBy('id').execute()).map((p) => p.id);
    return { partnerships: ps.length, children: await this.recompute(await this.toRecompute(ps, opts), opts) };
  }

  /** The child's standards, evaluated now and stored (access-logged, for those who may see the child). */
  async forChild(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'standards', async (s) => {
      // Written at the end, after the results: the lock order of every child-record transaction (see ChildRecords)
      await s.log({ action: 'view', recordType: 'standards', recordId: childId });
      // The child's id as the database holds it, whatever case the address gave it in
      const { id, partnership_id: partnershipId } = s.access.child;
      // Stored only by whoever holds the child's lock: while a change to the child is being made, the person
      // sees the results of the record as it stands, and the change stores its own
      const mayStore = (await tryLockChildren(s.trx, [id])).size === 1;
      const ctx = await this.rulesOf(s.trx, partnershipId);
      const { facts, results, changed } = await this.evaluate(s.trx, ctx, id, s.today, mayStore);
      if (changed) await repo.bumpRecordsVersion(s.trx, partnershipId);
      const definitions = currentDefinitions(ctx.rows, s.today);
      return {
        child: s.access.child,
        today: s.today,
        results: definitions.map((d) => ({ definition: d, result: results.find((r) => r.key === d.key) })).filter((x): x is { definition: Definition; result: StandardResult } => x.result !== undefined),
        exceptions: facts.exceptions,
        can: { except: canRecordException(s.access) },
      };
    });
  }

  async assertCanRecordException(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canRecordException), 'Only the child’s team manager or conference chair can record an exception to a standard');
  }

  /** Records that a standard does not apply to this child, with the reason (the change hook re-evaluates the child). */
  async addException(actor: Actor, childId: string, input: { key: string; reason: string }): Promise<string> {
    return this.records.change(actor, childId, async (s) => {
      ensure(canRecordException(s.access), 'Only the child’s team manager or conference chair can record an exception to a standard');
      if (!(STANDARD_KEYS as readonly string[]).includes(input.key)) throw new ValidationError({ key: 'Select a standard' });
      const id = await repo.insertException(s.trx, { partnershipId: actor.partnershipId, childId, key: input.key, reason: input.reason, createdBy: actor.kind === 'user' ? actor.userId : null });
      await s.log({ action: 'create', recordType: 'standard-exception', recordId: id, details: { standard: input.key } });
      return id;
    });
  }

  /** The partnership's standards (current versions), for forms and pages. */
  async definitions(actor: Actor): Promise<Definition[]> {
    const { rows } = await this.db.transaction().execute((trx) => this.rulesOf(trx, actor.partnershipId));
    return currentDefinitions(rows, this.today());
  }

  /** Every standard of the partnership with its versions, oldest first (partnership admins). */
  async versions(actor: Actor): Promise<{ today: string; standards: { current: Definition; versions: Definition[] }[] }> {
    assertAdmin(actor);
    const today = this.today();
    const { rows } = await this.db.transaction().execute((trx) => this.rulesOf(trx, actor.partnershipId));
    const current = currentDefinitions(rows, today);
    return { today, standards: current.map((c) => ({ current: c, versions: rows.filter((r) => r.key === c.key).map(toDefinition) })) };
  }

  async standard(actor: Actor, key: string): Promise<{ today: string; current: Definition; versions: Definition[] }> {
    const all = await this.versions(actor);
    const s = all.standards.find((x) => x.current.key === key);
    if (!s) throw new NotFoundError('Standard not found');
    return { today: all.today, ...s };
  }

  /**
   * A new version of a standard from a date (partnership admins); a version is never edited in
   * place. Numeric parameters may change (others carry over); the date must be after the version
   * in force today. The partnership's results are then recomputed.
   */
  async addVersion(actor: Actor, key: string, input: VersionInput): Promise<{ children: number }> {
    assertAdmin(actor);
    const { current, today } = await this.standard(actor, key);
    const errors: Record<string, string> = {};
    if (input.effectiveFrom <= current.effectiveFrom) errors.effectiveFrom = `The date the new version takes effect must be after ${current.effectiveFrom}, when the version in force took effect`;
    else if (input.effectiveFrom < today) errors.effectiveFrom = 'The date the new version takes effect must be today or in the future';
    const parameters: Record<string, unknown> = { ...current.parameters };
    for (const [name, value] of Object.entries(current.parameters)) {
      if (typeof value !== 'number') continue;
      const raw = input.parameters[name];
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(n) || n < 1 || n > 520) errors[`param_${name}`] = `Enter the ${parameterLabel(name)} as a whole number from 1 to 520`;
      else parameters[name] = n;
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
    await repo.insertDefinitionVersion(this.db, {
      ...current,
      name: input.name ?? current.name,
      checks: input.checks ?? current.checks,
      severity: input.severity ?? current.severity,
      partnershipId: actor.partnershipId,
      parameters,
      effectiveFrom: input.effectiveFrom,
      createdBy: actor.kind === 'user' ? actor.userId : null,
    });
    return this.recomputePartnership(actor.partnershipId);
  }

}
