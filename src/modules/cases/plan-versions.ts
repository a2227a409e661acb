/**
 * The CP plan's history. Every revision of the plan (its outcomes and the five columns of each
 * action) is stored as a numbered snapshot, linked to the meeting or conference where it was made,
 * so anyone allowed can see what changed between two versions and where.
 */
import type { Trx } from './record.js';

export interface ActionSnapshot {
  id: string;
  what: string;
  owner: string;
  ownerAgency: string;
  dueOn: string;
  doneMeasure: string;
  workedMeasure: string;
}

export interface OutcomeSnapshot {
  id: string;
  title: string;
  actions: ActionSnapshot[];
}

export interface PlanSnapshot {
  latestCategory: string;
  outcomes: OutcomeSnapshot[];
}

export async function snapshotPlan(trx: Trx, partnershipId: string, planId: string): Promise<PlanSnapshot> {
  const [plan, outcomes, actions] = await Promise.all([
    trx.selectFrom('cp_plans').select('latest_category').where('id', '=', planId).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow(),
    trx
      .selectFrom('plan_outcomes')
      .select(['id', 'title'])
      .where('plan_id', '=', planId)
      .where('partnership_id', '=', partnershipId)
      .where('removed_at', 'is', null)
      .orderBy('position')
      .orderBy('created_at')
      .execute(),
    trx
      .selectFrom('plan_actions')
      .innerJoin('agencies', 'agencies.id', 'plan_actions.owner_agency_id')
      .select(['plan_actions.id', 'plan_actions.outcome_id', 'what', 'owner_name', 'agencies.name as agency_name', 'due_on', 'done_measure', 'worked_measure'])
      .where('plan_actions.plan_id', '=', planId)
      .where('plan_actions.partnership_id', '=', partnershipId)
      .where('plan_actions.removed_at', 'is', null)
      .orderBy('plan_actions.due_on')
      .orderBy('plan_actions.created_at')
      .execute(),
  ]);
  return {
    latestCategory: plan.latest_category,
    outcomes: outcomes.map((o) => ({
      id: o.id,
      title: o.title,
      actions: actions
        .filter((a) => a.outcome_id === o.id)
        .map((a) => ({ id: a.id, what: a.what, owner: a.owner_name, ownerAgency: a.agency_name, dueOn: a.due_on, doneMeasure: a.done_measure, workedMeasure: a.worked_measure })),
    })),
  };
}

/** Stores the plan as it now stands as the next version. */
export async function recordPlanVersion(
  trx: Trx,
  v: { partnershipId: string; planId: string; summary: string; meetingId?: string | null; conferenceId?: string | null; userId: string | null; at: Date },
): Promise<number> {
  // Numbers are taken one plan at a time: two revisions at once get consecutive numbers.
  await trx.selectFrom('cp_plans').select('id').where('id', '=', v.planId).where('partnership_id', '=', v.partnershipId).forUpdate().execute();
  const snapshot = await snapshotPlan(trx, v.partnershipId, v.planId);
  const last = await trx
    .selectFrom('plan_versions')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('plan_id', '=', v.planId)
    .where('partnership_id', '=', v.partnershipId)
    .executeTakeFirst();
  const number = Number(last?.n ?? 0) + 1;
  await trx
    .insertInto('plan_versions')
    .values({
      partnership_id: v.partnershipId,
      plan_id: v.planId,
      number,
      snapshot: JSON.stringify(snapshot),
      summary: v.summary,
      meeting_id: v.meetingId ?? null,
      conference_id: v.conferenceId ?? null,
      created_by: v.userId,
      created_at: v.at,
    })
    .execute();
  return number;
}

export interface PlanChange {
  kind: 'outcome-added' | 'outcome-removed' | 'outcome-changed' | 'action-added' | 'action-removed' | 'action-changed' | 'category-changed';
  outcome: string;
  action?: string;
  field?: string;
  before?: string;
  after?: string;
}

const ACTION_FIELDS: [keyof ActionSnapshot, string][] = [
  ['what', 'What needs to happen'],
  ['owner', 'Who will do it'],
  ['ownerAgency', 'Agency'],
  ['dueOn', 'By when'],
  ['doneMeasure', 'How we will know it has been done'],
  ['workedMeasure', 'How we will know it has worked'],
];

/** What changed from one version of the plan to another. Pure. */
export function diffPlans(before: PlanSnapshot, after: PlanSnapshot): PlanChange[] {
  const changes: PlanChange[] = [];
  if (before.latestCategory !== after.latestCategory) {
    changes.push({ kind: 'category-changed', outcome: '', before: before.latestCategory, after: after.latestCategory });
  }
  const beforeOutcomes = new Map(before.outcomes.map((o) => [o.id, o]));
  const afterOutcomes = new Map(after.outcomes.map((o) => [o.id, o]));
  for (const o of after.outcomes) {
    const old = beforeOutcomes.get(o.id);
    if (!old) {
      changes.push({ kind: 'outcome-added', outcome: o.title });
      for (const a of o.actions) changes.push({ kind: 'action-added', outcome: o.title, action: a.what });
      continue;
    }
    if (old.title !== o.title) changes.push({ kind: 'outcome-changed', outcome: o.title, field: 'Outcome', before: old.title, after: o.title });
    const oldActions = new Map(old.actions.map((a) => [a.id, a]));
    for (const a of o.actions) {
      const prev = oldActions.get(a.id);
      if (!prev) {
        changes.push({ kind: 'action-added', outcome: o.title, action: a.what });
        continue;
      }
      for (const [field, label] of ACTION_FIELDS) {
        if (prev[field] !== a[field]) changes.push({ kind: 'action-changed', outcome: o.title, action: a.what, field: label, before: prev[field], after: a[field] });
      }
    }
    const nowIds = new Set(o.actions.map((a) => a.id));
    for (const a of old.actions) if (!nowIds.has(a.id)) changes.push({ kind: 'action-removed', outcome: o.title, action: a.what });
  }
  for (const o of before.outcomes) if (!afterOutcomes.has(o.id)) changes.push({ kind: 'outcome-removed', outcome: o.title });
  return changes;
}
