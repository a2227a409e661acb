/**
 * Writing census children to the database in batches. For a batch, the rows Assure already holds
 * are read in a few queries (children by LAchildID, then their referrals, S47 enquiries, plans and
 * conferences), what the batch changes is worked out in memory child by child, and then written
 * with multi-row inserts: a 50,000-child file is a few hundred statements, not half a million.
 *
 * Keys: a child by partnership and LAchildID; a referral by the child and its date; a S47 enquiry
 * by its start date; a plan by its start date; a conference by its kind and date. New rows get
 * their ids here, so conferences can name the plan and enquiry they belong to before either is
 * written. A batch holds each LAchildID once (the caller starts a new batch at a repeat).
 */
import { randomUUID } from 'node:crypto';
import { type Insertable, type Selectable, sql } from 'kysely';
import type { Category, ChildrenTable, ConferencesTable, CpPlansTable, ReferralsTable, S47EnquiriesTable } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import type { AccessRecord } from '../access-log/service.js';
import type { Trx } from '../cases/record.js';
import type { CensusChild, CensusPlan } from './cin-census/parse.js';
import { CATEGORY_CODES, type CensusIssue, episodeConferenceDates, showDate } from './cin-census/validate.js';
import type { ImportCounts } from './repository.js';
import { changes, inChunks, insertAll, type Table, type Update, updateRow } from './writes.js';

/** Notes about what the import did (not DfE rules) carry this code. */
export const IMPORT_NOTE = 'IMPORT';
export const IMPORTED_END_REASON = 'Imported from the CIN census';
const REFERRAL_SUMMARY = 'Referral recorded in the CIN census';

export interface BatchContext {
  partnershipId: string;
  actor: Actor;
}

/**
 * What a batch did: merged into the import's totals only when the batch is written. Its access-log rows are
 * appended when the whole import is written, just before it commits: the partnership's chain is taken last,
 * after every child's row, as a change to one child takes it, so the two never wait on each other in turn.
 */
export interface BatchResult {
  counts: ImportCounts;
  issues: CensusIssue[];
  imported: Imported;
}

/** The children imported, in the file's order, and whether each was new to Assure: kept small, as ids and flags. */
export interface Imported {
  ids: string[];
  created: boolean[];
}

export const noneImported = (): Imported => ({ ids: [], created: [] });

/** Adds `more` to `into`, in order. */
export function addImported(into: Imported, more: Imported): void {
  into.ids.push(...more.ids);
  into.created.push(...more.created);
}

/** The access-log row of a child an import wrote (`created`: new to Assure), whichever the import. */
export function importRecord(childId: string, source: 'cin-census' | 'children-csv', created: boolean): AccessRecord {
  return { action: 'import', recordType: 'child', recordId: childId, subjectId: childId, details: { source, created } };
}

/** The access-log rows of the children imported from `from` up to `to`. */
export function importedAccess(imported: Imported, from: number, to: number): AccessRecord[] {
  return imported.ids.slice(from, to).map((id, i) => importRecord(id, 'cin-census', imported.created[from + i]!));
}

export const emptyCounts = (): ImportCounts => ({ children: 0, plans: 0, s47: 0, conferences: 0, reviews: 0, created: 0, updated: 0 });


/** Everything one batch writes, in the order it must be written. */
interface Writes {
  children: Insertable<ChildrenTable>[];
  /** Updates of rows that exist, touching no new row (children, referrals, enquiries, plans). */
  updates: Update[];
  referrals: Insertable<ReferralsTable>[];
  s47: Insertable<S47EnquiriesTable>[];
  plans: Insertable<CpPlansTable>[];
  conferences: Insertable<ConferencesTable>[];
  /** Conference updates, which may name a plan or enquiry this batch creates. */
  conferenceUpdates: Update[];
  /** A plan and the initial conference that started it. */
  startedBy: [planId: string, conferenceId: string][];
  imported: Imported;
}

function isCategory(v: string | null): v is Category {
  return v !== null && (CATEGORY_CODES as readonly string[]).includes(v);
}

/**
 * Writes a batch of census children. Throws when the database refuses any row; the caller rolls
 * the batch back and writes its children one at a time, so only the refused child is left out.
 */
export async function writeCensusBatch(trx: Trx, ctx: BatchContext, batch: CensusChild[], result: BatchResult): Promise<void> {
  const pid = ctx.partnershipId;
  const ids = batch.map((c) => c.laChildId).filter((id): id is string => id !== null);
  const existing = (await inChunks(ids, (chunk) => trx.selectFrom('children').selectAll().where('partnership_id', '=', pid).where('la_child_id', 'in', chunk).execute())).flat();
  const byLaId = new Map(existing.map((c) => [c.la_child_id, c]));
  const known = existing.map((c) => c.id);
  const byChild = <R extends { child_id: string }>(rows: R[][]) => {
    const of = new Map<string, R[]>();
    for (const r of rows.flat()) of.set(r.child_id, [...(of.get(r.child_id) ?? []), r]);
    return of;
  };
  const each = <R>(fn: (chunk: string[]) => Promise<R>) => inChunks(known, fn);
  const [referrals, s47s, plans, conferences] = await Promise.all([
    each((chunk) => trx.selectFrom('referrals').selectAll().where('partnership_id', '=', pid).where('child_id', 'in', chunk).execute()).then(byChild),
    each((chunk) => trx.selectFrom('s47_enquiries').selectAll().where('partnership_id', '=', pid).where('child_id', 'in', chunk).execute()).then(byChild),
    each((chunk) => trx.selectFrom('cp_plans').selectAll().where('partnership_id', '=', pid).where('child_id', 'in', chunk).execute()).then(byChild),
    each((chunk) => trx.selectFrom('conferences').selectAll().where('partnership_id', '=', pid).where('child_id', 'in', chunk).execute()).then(byChild),
  ]);

  const w: Writes = { children: [], updates: [], referrals: [], s47: [], plans: [], conferences: [], conferenceUpdates: [], startedBy: [], imported: noneImported() };
  for (const child of batch) {
    const found = child.laChildId ? byLaId.get(child.laChildId) : undefined;
    planChild(ctx, child, found, found ? { referrals: referrals.get(found.id) ?? [], s47s: s47s.get(found.id) ?? [], plans: plans.get(found.id) ?? [], conferences: conferences.get(found.id) ?? [] } : null, w, result);
  }

  await insertAll(trx, 'children', w.children);
  for (const u of w.updates) await updateRow(trx, u.table, u.id, pid, u.values, result.counts);
  await insertAll(trx, 'referrals', w.referrals);
  await insertAll(trx, 's47_enquiries', w.s47);
  await insertAll(trx, 'cp_plans', w.plans);
  await insertAll(trx, 'conferences', w.conferences);
  for (const u of w.conferenceUpdates) await updateRow(trx, u.table, u.id, pid, u.values, result.counts);
  await inChunks(
    w.startedBy,
    (pairs) =>
      sql`update cp_plans as p set started_by_conference_id = v.conference_id::uuid
          from (values ${sql.join(pairs.map(([plan, conference]) => sql`(${plan}, ${conference})`))}) as v(plan_id, conference_id)
          where p.id = v.plan_id::uuid and p.partnership_id = ${pid}`.execute(trx),
    20_000,
  );
  addImported(result.imported, w.imported);
}

interface HeldRows {
  referrals: Selectable<ReferralsTable>[];
  s47s: Selectable<S47EnquiriesTable>[];
  plans: Selectable<CpPlansTable>[];
  conferences: Selectable<ConferencesTable>[];
}

/** Works out what one child changes, from the rows held for it (null: a child new to Assure). */
function planChild(ctx: BatchContext, child: CensusChild, existing: Selectable<ChildrenTable> | undefined, held: HeldRows | null, w: Writes, result: BatchResult): void {
  const pid = ctx.partnershipId;
  const counts = result.counts;
  const note = (message: string) => result.issues.push({ code: IMPORT_NOTE, child: child.laChildId ?? '(no LAchildID)', message });
  if (!child.laChildId) {
    note(`The child at line ${child.line} has no LAchildID, so it was not imported.`);
    return;
  }
  if (!child.birthDate && !child.expectedBirthDate) {
    note('The child has neither a date of birth nor an expected date of birth, so it was not imported.');
    return;
  }
  const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  const update = (list: Update[], table: Table, id: string, values: Record<string, unknown>) => {
    if (Object.keys(values).length) list.push({ table, id, values });
  };

  // The child (names are not in the census: placeholders, never overwriting names entered since)
  const census = {
    upn: child.upn,
    date_of_birth: child.birthDate,
    expected_date_of_birth: child.expectedBirthDate,
    sex: child.sex,
    ethnicity: child.ethnicity,
    disabilities: child.disabilities,
  };
  let childId: string;
  if (existing) {
    childId = existing.id;
    update(w.updates, 'children', childId, changes(existing, census));
  } else {
    childId = randomUUID();
    w.children.push({ id: childId, partnership_id: pid, la_child_id: child.laChildId, first_name: 'Child', last_name: child.laChildId, created_by: createdBy, ...census });
    counts.created++;
  }
  counts.children++;
  w.imported.ids.push(childId);
  w.imported.created.push(!existing);

  const { referrals, s47s: s47Rows, plans: planRows, conferences: conferenceRows } = held ?? { referrals: [], s47s: [], plans: [], conferences: [] };
  const common = { partnership_id: pid, child_id: childId, created_by: createdBy };

  // Referrals, keyed by date
  const referralDone = new Set<string>();
  for (const e of child.episodes) {
    if (!e.referralDate || referralDone.has(e.referralDate)) continue;
    referralDone.add(e.referralDate);
    const wanted = { source: e.referralSource, primary_need: e.primaryNeed };
    const found = referrals.find((r) => r.received_on === e.referralDate);
    if (found) update(w.updates, 'referrals', found.id, changes(found, wanted));
    else {
      w.referrals.push({ ...common, received_on: e.referralDate, summary: REFERRAL_SUMMARY, ...wanted });
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
        update(w.updates, 's47_enquiries', found.id, changes(found, wanted));
        s47Ids.set(s.startDate, found.id);
      } else {
        const id = randomUUID();
        w.s47.push({ id, ...common, started_on: s.startDate, ...wanted });
        s47Ids.set(s.startDate, id);
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
  // The held plans as they will be once this child's updates are written
  const plansNow = planRows.map((r) => ({ ...r }));
  const planIds = new Map<string, string>();
  const newPlans = new Set<string>();
  for (const p of importable.sort((a, b) => a.startDate.localeCompare(b.startDate))) {
    const found = plansNow.find((r) => r.started_on === p.startDate);
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
      const diff = changes(found, wanted);
      update(w.updates, 'cp_plans', found.id, diff);
      Object.assign(found, diff);
      planIds.set(p.startDate, found.id);
    } else {
      const otherOpen = plansNow.find((r) => r.ended_on === null && r.started_on !== p.startDate);
      if (!p.endDate && otherOpen) {
        note(`The CP plan starting ${showDate(p.startDate)} was not imported: the child already has an open plan in Assure, started ${showDate(otherOpen.started_on)}.`);
        continue;
      }
      const id = randomUUID();
      w.plans.push({
        id,
        ...common,
        started_on: p.startDate,
        ended_on: p.endDate,
        initial_category: p.initialCategory,
        latest_category: latest,
        previous_plans: p.previousPlans ?? 0,
        end_reason: p.endDate ? IMPORTED_END_REASON : null,
        cin_plan: cinPlan,
      });
      planIds.set(p.startDate, id);
      newPlans.add(id);
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
        update(w.conferenceUpdates, 'conferences', found.id, changes(found, { ...wanted, ...keep, completed_at: found.completed_at ?? new Date(`${date}T12:00:00Z`) }));
        conferenceId = found.id;
      } else {
        conferenceId = randomUUID();
        w.conferences.push({ id: conferenceId, ...common, kind: 'initial', scheduled_on: date, completed_at: new Date(`${date}T12:00:00Z`), s47_id: null, plan_id: null, ...wanted });
        counts.created++;
      }
      counts.conferences++;
      if (planId && (newPlans.has(planId) || planRows.find((r) => r.id === planId)?.started_by_conference_id === null)) w.startedBy.push([planId, conferenceId]);
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
        update(w.conferenceUpdates, 'conferences', found.id, changes(found, { ...wanted, decision: found.decision ?? 'continue' }));
      } else {
        w.conferences.push({ id: randomUUID(), ...common, kind: 'review', scheduled_on: date, decision: 'continue', completed_at: new Date(`${date}T12:00:00Z`), s47_id: null, categories: [], ...wanted });
        counts.created++;
      }
      counts.reviews++;
    }
  }
}
