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
import { performance } from 'node:perf_hooks';
import type { Db } from '../../db/database.js';
import type { Actor } from '../../lib/actor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { londonDate } from '../../lib/working-days.js';
import type { ChildAccess } from '../cases/access.js';
import { ensure } from '../cases/policy.js';
import type { ChildRecords, Trx } from '../cases/record.js';
import { type Severity, type StandardKey, STANDARD_KEYS } from './definitions.js';
import { evaluate, type RuleVersion, type StandardResult, type Status, STATUSES } from './engine.js';
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
  timings?: RecomputeTimings;
}

/**
 * The nightly job's recompute, in the server, while people may be using it: one batch at a time, each
 * followed by a pause as long as itself, so that the job takes at most about half of a core and of the
 * database from the pages being served. It takes about twice as long as it could; it is nightly.
 */
export const NIGHTLY_RECOMPUTE: RecomputeOptions = { inFlight: 1, rest: 1 };

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

export class StandardsService {
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

  private async rules(q: Q, partnershipId: string) {
    const rows = await repo.definitionsWithDefaults(q, partnershipId);
    return { rows, rules: toRules(rows), closures: await repo.closures(q, partnershipId) };
  }

  private async evaluateAndStore(q: Q, partnershipId: string, childId: string, ctx?: { rules: RuleVersion[]; closures: Set<string> }): Promise<StandardResult[]> {
    const { rules, closures } = ctx ?? (await this.rules(q, partnershipId));
    const facts = await repo.loadFacts(q, partnershipId, childId);
    const results = evaluate(facts, rules, this.today(), closures);
    await this.store(q, partnershipId, childId, results);
    return results;
  }

  /**
   * Stores a child's results, writing only when they differ from what is stored (most views and many changes
   * leave them as they were). The upsert would skip equal rows too, but it would still lock them: reading
   * first lets two people viewing the same child not wait for each other.
   */
  private async store(q: Q, partnershipId: string, childId: string, results: StandardResult[]): Promise<void> {
    if (!(await repo.storedResultsAre(q, partnershipId, childId, results))) await repo.replaceResultsMany(q, partnershipId, new Map([[childId, results]]), this.records.clock.now());
  }

  /** The partnership's rule versions and closure days, for evaluating facts as at other dates (the month-by-month figures). */
  async ruleContext(partnershipId: string): Promise<{ rules: RuleVersion[]; closures: Set<string> }> {
    return this.db.transaction().execute(async (trx) => {
      const r = await this.rules(trx, partnershipId);
      return { rules: r.rules, closures: r.closures };
    });
  }

  /** The afterChange hook: re-evaluates a child inside the transaction that changed its record. */
  async reevaluate(trx: Trx, childId: string): Promise<void> {
    const partnershipId = await repo.partnershipOfChild(trx, childId);
    if (partnershipId) await this.evaluateAndStore(trx, partnershipId, childId);
  }

  /**
   * Every child of a partnership (a job or the CLI: no person's access applies), a batch of children at
   * a time: each batch's facts in the same few queries (loadFactsMany), evaluated by the same pure
   * engine, and its results written in one upsert, in a transaction of its own. `inFlight` batches at
   * once (default 1): with two, one is evaluated while the other is read or written, which is quicker
   * alone (the CLI) but takes both cores of a small server from the people it is serving (the nightly
   * job, imports and rule changes run in the server). `timings` (optional) gathers where the time went.
   */
  async recomputePartnership(partnershipId: string, opts: RecomputeOptions = {}): Promise<{ children: number }> {
    const ctx = await this.db.transaction().execute(async (trx) => {
      const r = await this.rules(trx, partnershipId);
      return { rules: r.rules, closures: r.closures };
    });
    const ids = await repo.childIds(this.db, partnershipId);
    const size = opts.batchSize ?? RECOMPUTE_BATCH;
    const t = opts.timings;
    const today = this.today();
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const started = performance.now();
        await this.db.transaction().execute(async (trx) => {
          let t0 = performance.now();
          const facts = await repo.loadFactsMany(trx, partnershipId, batch);
          if (t) t.loadMs += performance.now() - t0;
          t0 = performance.now();
          const results = new Map<string, StandardResult[]>();
          let n = 0;
          for (const [id, f] of facts) {
            results.set(id, evaluate(f, ctx.rules, today, ctx.closures));
            // A few children at a time, so that requests served by the same process are not held up behind a whole batch
            if (++n % EVALUATE_SLICE === 0) await new Promise((r) => setImmediate(r));
          }
          if (t) t.evaluateMs += performance.now() - t0;
          t0 = performance.now();
          await repo.replaceResultsMany(trx, partnershipId, results, this.records.clock.now());
          if (t) t.writeMs += performance.now() - t0;
        });
        if (opts.rest) await new Promise((r) => setTimeout(r, opts.rest! * (performance.now() - started)));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.inFlight ?? 1) }, worker));
    return { children: ids.length };
  }

  /** Every partnership's children (the nightly job). */
  async recomputeAll(opts: RecomputeOptions = {}): Promise<{ partnerships: number; children: number }> {
    const ps = await this.db.selectFrom('partnerships').select('id').execute();
    let children = 0;
    for (const p of ps) children += (await this.recomputePartnership(p.id, opts)).children;
    return { partnerships: ps.length, children };
  }

  /** The child's standards, evaluated now and stored (access-logged, for those who may see the child). */
  async forChild(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'standards', async (s) => {
      // Written at the end, after the results: the lock order of every child-record transaction (see ChildRecords)
      await s.log({ action: 'view', recordType: 'standards', recordId: childId });
      const partnershipId = s.access.child.partnership_id;
      const { rows, rules, closures } = await this.rules(s.trx, partnershipId);
      const facts = await repo.loadFacts(s.trx, partnershipId, childId);
      const results = evaluate(facts, rules, s.today, closures);
      await this.store(s.trx, partnershipId, childId, results);
      const definitions = currentDefinitions(rows, s.today);
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
    const { rows } = await this.db.transaction().execute((trx) => this.rules(trx, actor.partnershipId));
    return currentDefinitions(rows, this.today());
  }

  /** Every standard of the partnership with its versions, oldest first (partnership admins). */
  async versions(actor: Actor): Promise<{ today: string; standards: { current: Definition; versions: Definition[] }[] }> {
    assertAdmin(actor);
    const today = this.today();
    const { rows } = await this.db.transaction().execute((trx) => this.rules(trx, actor.partnershipId));
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
