/**
 * The CP plan: outcomes (what must change for the child), each with actions in five columns (what
 * needs to happen; who will do it; by when; how we will know it has been done; how we will know it
 * has worked), their status and progress. Every revision is a new numbered version, linked to the
 * core group meeting it was made in; progress on an action is not a revision.
 */
import type { CpPlan } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { londonDate } from '../../lib/working-days.js';
import { diffPlans, type PlanChange, type PlanSnapshot, recordPlanVersion } from '../cases/plan-versions.js';
import { ensure } from '../cases/policy.js';
import { type ChildRecords, type RecordScope, type Trx, updateVersioned } from '../cases/record.js';
import { canRevisePlan, canUpdateAction, PROGRESS_REFUSED, REVISE_REFUSED } from './policy.js';
import * as repo from './repository.js';
import { ACTION_STATUS_LABELS, type ActionInput, type ActionUpdateInput, type MyActionsQuery, type OutcomeInput, type OutcomeUpdateInput, type ProgressInput, type RemovalInput } from './schemas.js';

export const MY_ACTIONS_PAGE_SIZE = 50;

/** Text quoted for a version's summary, shortened to one readable line. */
export function quote(s: string, max = 120): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return `“${t.length > max ? `${t.slice(0, max - 1)}…` : t}”`;
}

const ACTION_CHANGE_LABELS: [string, string][] = [
  ['what', 'what needs to happen'],
  ['owner', 'who will do it'],
  ['due_on', 'by when'],
  ['done_measure', 'how we will know it has been done'],
  ['worked_measure', 'how we will know it has worked'],
  ['outcome_id', 'the outcome it is for'],
];

export interface ConflictRow {
  label: string;
  saved: string;
  yours: string;
  isDate?: boolean;
}

interface Revision extends RecordScope {
  plan: CpPlan;
  meeting: { id: string; held_on: string } | null;
  userId: string | null;
  /** Records the plan as it now stands as its next version; returns the version number. */
  version(summary: string): Promise<number>;
}

type Meeting = NonNullable<Awaited<ReturnType<typeof repo.getMeeting>>>;

/** An action as the pages and the API show it. */
export type PlanActionView = ReturnType<typeof decorateAction>;

function decorateAction(a: repo.ActionRow, today: string, current: boolean) {
  return { ...a, overdue: current && a.status !== 'done' && a.due_on < today };
}

export class PlansService {
  constructor(private readonly records: ChildRecords) {}

  private get db() {
    return this.records.db;
  }

  /** 403 unless the actor may revise the plan (checked before the form is read); 404 if the child is not theirs to see. */
  async assertCanRevise(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canRevisePlan), REVISE_REFUSED);
  }

  /** 403 unless the actor may update this action's progress; 404 if the child or action is not theirs to see. */
  async assertCanUpdateAction(actor: Actor, childId: string, actionId: string): Promise<void> {
    const allowed = await this.records.permits(actor, childId, async (access) => {
      const action = await repo.getAction(this.db, actor.partnershipId, childId, actionId);
      if (!action) throw new NotFoundError('Action not found');
      return canUpdateAction(access, action);
    });
    ensure(allowed, PROGRESS_REFUSED);
  }

  /** A draft meeting of this child about this plan, in which the plan may be revised; otherwise a 400 naming why. */
  private async checkMeeting(trx: Trx, partnershipId: string, childId: string, planId: string, meetingId: string): Promise<Meeting> {
    const meeting = await repo.getMeeting(trx, partnershipId, childId, meetingId);
    if (!meeting) throw new ValidationError({ meetingId: 'The meeting this change was made in is not one of this child’s core group meetings' });
    if (meeting.status !== 'draft') {
      throw new ValidationError({ meetingId: 'The minutes of that meeting have been finalised, so the plan can no longer be revised in it. Revise the plan outside the meeting, or in the next one.' });
    }
    if (meeting.plan_id !== planId) throw new ValidationError({ meetingId: 'That meeting was about an earlier plan' });
    return meeting;
  }

  /** A draft meeting to show alongside the plan, or null when the link is stale (no error on a page view). */
  private async draftMeeting(trx: Trx, partnershipId: string, childId: string, planId: string, meetingId: string | undefined) {
    if (!meetingId || !/^[0-9a-f-]{36}$/i.test(meetingId)) return null;
    const meeting = await repo.getMeeting(trx, partnershipId, childId, meetingId);
    return meeting && meeting.status === 'draft' && meeting.plan_id === planId ? meeting : null;
  }

  /** One revision of the current plan: case holders only; the plan is locked so versions are numbered one after another. */
  private revise<T>(actor: Actor, childId: string, meetingId: string | undefined, fn: (r: Revision) => Promise<T>): Promise<T> {
    return this.records.change(actor, childId, async (scope) => {
      ensure(canRevisePlan(scope.access), REVISE_REFUSED);
      const plan = await repo.currentPlan(scope.trx, actor.partnershipId, childId, true);
      if (!plan) throw new NotFoundError('The child has no current child protection plan');
      const meeting = meetingId ? await this.checkMeeting(scope.trx, actor.partnershipId, childId, plan.id, meetingId) : null;
      const userId = actor.kind === 'user' ? actor.userId : null;
      return fn({
        ...scope,
        plan,
        meeting,
        userId,
        version: (summary) => recordPlanVersion(scope.trx, { partnershipId: actor.partnershipId, planId: plan.id, summary, meetingId: meeting?.id ?? null, userId, at: scope.now }),
      });
    });
  }

  private async resolveOwner(trx: Trx, partnershipId: string, input: ActionInput) {
    if (input.ownerUserId) {
      const user = await repo.activeUser(trx, partnershipId, input.ownerUserId);
      if (!user) throw new ValidationError({ ownerUserId: 'Select a person from the list' });
      return { owner_user_id: user.id, owner_name: user.name, owner_agency_id: user.agency_id };
    }
    const agency = input.ownerAgencyId ? await repo.agencyInPartnership(trx, partnershipId, input.ownerAgencyId) : undefined;
    if (!agency) throw new ValidationError({ ownerAgencyId: 'Select the agency of the person who will do it' });
    return { owner_user_id: null, owner_name: input.ownerName!, owner_agency_id: agency.id };
  }

  private async outcomeOfPlan(trx: Trx, partnershipId: string, childId: string, planId: string, outcomeId: string) {
    const outcome = await repo.getOutcome(trx, partnershipId, childId, outcomeId);
    if (!outcome || outcome.plan_id !== planId || outcome.removed_at) throw new ValidationError({ outcomeId: 'Select an outcome of the current plan' });
    return outcome;
  }

  // Reading

  /** The plan page: the current plan (or a past one), its outcomes and actions with the latest progress, and its versions. */
  async view(actor: Actor, childId: string, opts: { planId?: string | undefined; meetingId?: string | undefined } = {}) {
    return this.records.read(actor, childId, 'plan', async ({ trx, access, today, log }) => {
      const plans = await repo.listPlans(trx, actor.partnershipId, childId);
      const plan = opts.planId ? plans.find((p) => p.id === opts.planId) : plans.find((p) => p.ended_on === null);
      if (opts.planId && !plan) throw new NotFoundError('Plan not found');
      if (!plan) {
        await log({ action: 'view', recordType: 'plan', recordId: childId });
        return { child: access.child, plan: null, plans, outcomes: [], versions: [], meeting: null, today, current: false, can: { revise: false } };
      }
      await log({ action: 'view', recordType: 'plan', recordId: plan.id });
      const current = plan.ended_on === null;
      const [outcomes, actions, versions] = await Promise.all([
        repo.planOutcomes(trx, actor.partnershipId, plan.id),
        repo.planActions(trx, actor.partnershipId, plan.id),
        repo.planVersions(trx, actor.partnershipId, plan.id),
      ]);
      const latest = new Map((await repo.latestUpdates(trx, actor.partnershipId, actions.map((a) => a.id))).map((u) => [u.action_id, u]));
      const meeting = current ? await this.draftMeeting(trx, actor.partnershipId, childId, plan.id, opts.meetingId) : null;
      return {
        child: access.child,
        plan,
        plans,
        current,
        today,
        meeting,
        versions,
        outcomes: outcomes.map((o) => ({
          ...o,
          actions: actions
            .filter((a) => a.outcome_id === o.id)
            .map((a) => ({ ...decorateAction(a, today, current), latest: latest.get(a.id) ?? null, canUpdate: current && canUpdateAction(access, a) })),
        })),
        can: { revise: current && canRevisePlan(access) },
      };
    });
  }

  /** What a revision form needs: the current plan's outcomes, the action or outcome changed, possible owners and agencies. */
  async revisionForm(actor: Actor, childId: string, opts: { outcomeId?: string | undefined; actionId?: string | undefined; meetingId?: string | undefined } = {}) {
    const recordType = opts.actionId ? 'plan-action' : opts.outcomeId ? 'plan-outcome' : 'plan';
    return this.records.read(
      actor,
      childId,
      recordType,
      async ({ trx, access }) => {
        ensure(canRevisePlan(access), REVISE_REFUSED);
        const plan = await repo.currentPlan(trx, actor.partnershipId, childId);
        if (!plan) throw new NotFoundError('The child has no current child protection plan');
        const [outcomes, owners, agencies] = await Promise.all([
          repo.planOutcomes(trx, actor.partnershipId, plan.id),
          repo.possibleOwners(trx, actor.partnershipId, childId),
          repo.agencies(trx, actor.partnershipId),
        ]);
        let outcome = null;
        if (opts.outcomeId) {
          outcome = outcomes.find((o) => o.id === opts.outcomeId) ?? null;
          if (!outcome) throw new NotFoundError('Outcome not found');
        }
        let action = null;
        let outcomeActions: { id: string; what: string }[] = [];
        if (opts.actionId) {
          action = await repo.getAction(trx, actor.partnershipId, childId, opts.actionId);
          if (!action || action.plan_id !== plan.id || action.removed_at) throw new NotFoundError('Action not found');
        }
        if (outcome) outcomeActions = await repo.countOpenActionsOfOutcome(trx, actor.partnershipId, outcome.id);
        const meeting = await this.draftMeeting(trx, actor.partnershipId, childId, plan.id, opts.meetingId);
        // The child's core group first, then everyone else.
        owners.sort((a, b) => Number(b.in_core_group) - Number(a.in_core_group));
        return { child: access.child, plan, outcomes, outcome, outcomeActions, action, owners, agencies, meeting };
      },
      opts.actionId ?? opts.outcomeId ?? childId,
    );
  }

  /** One action with its progress history, for the progress page. */
  async action(actor: Actor, childId: string, actionId: string) {
    return this.records.read(
      actor,
      childId,
      'plan-action',
      async ({ trx, access, today }) => {
        const action = await repo.getAction(trx, actor.partnershipId, childId, actionId);
        if (!action) throw new NotFoundError('Action not found');
        const [plan, outcome, updates] = await Promise.all([
          repo.getPlan(trx, actor.partnershipId, childId, action.plan_id),
          repo.getOutcome(trx, actor.partnershipId, childId, action.outcome_id),
          repo.actionUpdates(trx, actor.partnershipId, actionId),
        ]);
        const open = plan?.ended_on === null && action.removed_at === null;
        return {
          child: access.child,
          plan: plan!,
          outcome: outcome!,
          action: decorateAction(action, today, open),
          updates,
          open,
          can: { update: open && canUpdateAction(access, action) },
        };
      },
      actionId,
    );
  }

  /** What changed between two versions of the plan, and where each was made. */
  async compare(actor: Actor, childId: string, q: { from?: number | undefined; to?: number | undefined; planId?: string | undefined }) {
    return this.records.read(actor, childId, 'plan', async ({ trx, access, log }) => {
      const plan = q.planId ? await repo.getPlan(trx, actor.partnershipId, childId, q.planId) : await repo.currentPlan(trx, actor.partnershipId, childId);
      if (!plan) throw new NotFoundError(q.planId ? 'Plan not found' : 'The child has no current child protection plan');
      await log({ action: 'view', recordType: 'plan', recordId: plan.id, details: { compare: [q.from ?? null, q.to ?? null] } });
      const versions = await repo.planVersions(trx, actor.partnershipId, plan.id);
      const base = { child: access.child, plan, versions };
      if (q.from === undefined || q.to === undefined) return { ...base, from: null, to: null, changes: null, between: [] };
      const from = versions.find((v) => v.number === q.from);
      const to = versions.find((v) => v.number === q.to);
      const missing: Record<string, string> = {};
      if (!from) missing.from = `There is no version ${q.from} of this plan`;
      if (!to) missing.to = `There is no version ${q.to} of this plan`;
      if (!from || !to) throw new ValidationError(missing);
      const snaps = await repo.versionSnapshots(trx, actor.partnershipId, plan.id, [from.number, to.number]);
      const snap = (n: number): PlanSnapshot => {
        const raw = snaps.find((s) => s.number === n)!.snapshot as unknown;
        return (typeof raw === 'string' ? JSON.parse(raw) : raw) as PlanSnapshot;
      };
      const changes: PlanChange[] = diffPlans(snap(from.number), snap(to.number));
      const [lo, hi] = from.number <= to.number ? [from.number, to.number] : [to.number, from.number];
      const between = versions.filter((v) => v.number > lo && v.number <= hi).sort((a, b) => a.number - b.number);
      return { ...base, from, to, changes, between };
    });
  }

  /** Open actions of the person or their agency on children they may see; soonest due (so overdue) first. */
  async myActions(actor: Actor, q: MyActionsQuery & { pageSize?: number | undefined }) {
    const today = londonDate(this.records.clock.now());
    if (actor.kind !== 'user') return { rows: [], total: 0, today };
    const size = q.pageSize ?? MY_ACTIONS_PAGE_SIZE;
    const r = await repo.myActions(this.db, actor, { whose: q.whose, limit: size, offset: (q.page - 1) * size });
    return { rows: r.rows.map((a) => ({ ...a, overdue: a.due_on < today, mine: a.owner_user_id === actor.userId })), total: r.total, today };
  }

  // Revising

  async addOutcome(actor: Actor, childId: string, input: OutcomeInput) {
    return this.revise(actor, childId, input.meetingId, async ({ trx, plan, userId, version, log }) => {
      const max = await trx.selectFrom('plan_outcomes').select((eb) => eb.fn.max('position').as('p')).where('plan_id', '=', plan.id).where('partnership_id', '=', actor.partnershipId).executeTakeFirst();
      const row = await trx
        .insertInto('plan_outcomes')
        .values({ partnership_id: actor.partnershipId, plan_id: plan.id, child_id: childId, title: input.title, position: Number(max?.p ?? -1) + 1, created_by: userId })
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow();
      const planVersion = await version(`Outcome added: ${quote(input.title)}`);
      await log({ action: 'create', recordType: 'plan-outcome', recordId: row.id, details: { planVersion } });
      return { id: row.id, version: row.version, planVersion };
    });
  }

  async updateOutcome(actor: Actor, childId: string, outcomeId: string, input: OutcomeUpdateInput) {
    return this.revise(actor, childId, input.meetingId, async ({ trx, plan, version, log }) => {
      const outcome = await repo.getOutcome(trx, actor.partnershipId, childId, outcomeId);
      if (!outcome || outcome.plan_id !== plan.id) throw new NotFoundError('Outcome not found');
      if (outcome.removed_at) throw new ConflictError('Someone else removed this outcome from the plan while you were editing it', outcome, { title: input.title, version: input.version });
      if (outcome.title === input.title) return { id: outcome.id, version: outcome.version, planVersion: null };
      const row = await updateVersioned<{ version: number }>(trx, 'plan_outcomes', { id: outcomeId, partnershipId: actor.partnershipId, version: input.version }, { title: input.title }, 'outcome');
      const planVersion = await version(`Outcome changed: ${quote(outcome.title)} is now ${quote(input.title)}`);
      await log({ action: 'update', recordType: 'plan-outcome', recordId: outcomeId, details: { planVersion } });
      return { id: outcomeId, version: row.version, planVersion };
    });
  }

  /** Removes an outcome and, with it, its actions. */
  async removeOutcome(actor: Actor, childId: string, outcomeId: string, input: RemovalInput) {
    return this.revise(actor, childId, input.meetingId, async ({ trx, plan, now, version, log }) => {
      const outcome = await repo.getOutcome(trx, actor.partnershipId, childId, outcomeId);
      if (!outcome || outcome.plan_id !== plan.id) throw new NotFoundError('Outcome not found');
      if (outcome.removed_at) throw new ConflictError('Someone else removed this outcome from the plan already', outcome, { removed_at: 'remove', version: input.version });
      const actions = await repo.countOpenActionsOfOutcome(trx, actor.partnershipId, outcomeId);
      await updateVersioned(trx, 'plan_outcomes', { id: outcomeId, partnershipId: actor.partnershipId, version: input.version }, { removed_at: now }, 'outcome');
      if (actions.length) {
        await trx
          .updateTable('plan_actions')
          .set((eb) => ({ removed_at: now, updated_at: now, version: eb('version', '+', 1) }))
          .where('partnership_id', '=', actor.partnershipId)
          .where('outcome_id', '=', outcomeId)
          .where('removed_at', 'is', null)
          .execute();
      }
      const withActions = actions.length ? `, with its ${actions.length === 1 ? 'action' : `${actions.length} actions`}` : '';
      const planVersion = await version(`Outcome removed: ${quote(outcome.title)}${withActions}${input.reason ? `. Reason: ${input.reason}` : ''}`);
      await log({ action: 'delete', recordType: 'plan-outcome', recordId: outcomeId, details: { planVersion, actions: actions.length } });
      return { id: outcomeId, planVersion };
    });
  }

  async addAction(actor: Actor, childId: string, input: ActionInput) {
    return this.revise(actor, childId, input.meetingId, async ({ trx, plan, userId, version, log }) => {
      await this.outcomeOfPlan(trx, actor.partnershipId, childId, plan.id, input.outcomeId);
      const owner = await this.resolveOwner(trx, actor.partnershipId, input);
      if (input.dueOn < plan.started_on) throw new ValidationError({ dueOn: 'The date it must be done by cannot be before the plan started' });
      const row = await trx
        .insertInto('plan_actions')
        .values({
          partnership_id: actor.partnershipId,
          plan_id: plan.id,
          child_id: childId,
          outcome_id: input.outcomeId,
          what: input.what,
          ...owner,
          due_on: input.dueOn,
          done_measure: input.doneMeasure,
          worked_measure: input.workedMeasure,
          created_by: userId,
        })
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow();
      const planVersion = await version(`Action added: ${quote(input.what)}`);
      await log({ action: 'create', recordType: 'plan-action', recordId: row.id, details: { planVersion } });
      return { id: row.id, version: row.version, planVersion };
    });
  }

  async updateAction(actor: Actor, childId: string, actionId: string, input: ActionUpdateInput) {
    return this.revise(actor, childId, input.meetingId, async ({ trx, plan, version, log }) => {
      const action = await repo.getAction(trx, actor.partnershipId, childId, actionId);
      if (!action || action.plan_id !== plan.id) throw new NotFoundError('Action not found');
      const owner = await this.resolveOwner(trx, actor.partnershipId, input);
      const values = {
        outcome_id: input.outcomeId,
        what: input.what,
        ...owner,
        due_on: input.dueOn,
        done_measure: input.doneMeasure,
        worked_measure: input.workedMeasure,
      };
      if (action.removed_at) throw new ConflictError('Someone else removed this action from the plan while you were editing it', action, { ...values, version: input.version });
      if (values.outcome_id !== action.outcome_id) await this.outcomeOfPlan(trx, actor.partnershipId, childId, plan.id, values.outcome_id);
      const changed = ACTION_CHANGE_LABELS.filter(([key]) =>
        key === 'owner'
          ? values.owner_user_id !== action.owner_user_id || values.owner_name !== action.owner_name || values.owner_agency_id !== action.owner_agency_id
          : values[key as keyof typeof values] !== action[key as keyof typeof action],
      );
      if (!changed.length) return { id: actionId, version: action.version, planVersion: null };
      if (values.due_on !== action.due_on && values.due_on < plan.started_on) throw new ValidationError({ dueOn: 'The date it must be done by cannot be before the plan started' });
      const row = await updateVersioned<{ version: number }>(trx, 'plan_actions', { id: actionId, partnershipId: actor.partnershipId, version: input.version }, values, 'action');
      const planVersion = await version(`Action changed: ${quote(values.what)} (${changed.map(([, label]) => label).join(', ')})`);
      await log({ action: 'update', recordType: 'plan-action', recordId: actionId, details: { planVersion, changed: changed.map(([key]) => key) } });
      return { id: actionId, version: row.version, planVersion };
    });
  }

  async removeAction(actor: Actor, childId: string, actionId: string, input: RemovalInput) {
    return this.revise(actor, childId, input.meetingId, async ({ trx, plan, now, version, log }) => {
      const action = await repo.getAction(trx, actor.partnershipId, childId, actionId);
      if (!action || action.plan_id !== plan.id) throw new NotFoundError('Action not found');
      if (action.removed_at) throw new ConflictError('Someone else removed this action from the plan already', action, { removed_at: 'remove', version: input.version });
      await updateVersioned(trx, 'plan_actions', { id: actionId, partnershipId: actor.partnershipId, version: input.version }, { removed_at: now }, 'action');
      const planVersion = await version(`Action removed: ${quote(action.what)}${input.reason ? `. Reason: ${input.reason}` : ''}`);
      await log({ action: 'delete', recordType: 'plan-action', recordId: actionId, details: { planVersion } });
      return { id: actionId, planVersion };
    });
  }

  // Progress (not a revision of the plan)

  async recordProgress(actor: Actor, childId: string, actionId: string, input: ProgressInput) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      const action = await repo.getAction(trx, actor.partnershipId, childId, actionId);
      if (!action) throw new NotFoundError('Action not found');
      ensure(canUpdateAction(access, action), PROGRESS_REFUSED);
      const submitted = { status: input.status, note: input.note, version: input.version };
      if (action.removed_at) throw new ConflictError('Someone removed this action from the plan while you were updating it', action, submitted);
      const plan = await repo.getPlan(trx, actor.partnershipId, childId, action.plan_id);
      if (plan?.ended_on !== null) throw new ValidationError({ status: 'The plan this action belongs to has ended, so its progress can no longer be updated' });
      let row: { version: number };
      try {
        row = await updateVersioned<{ version: number }>(trx, 'plan_actions', { id: actionId, partnershipId: actor.partnershipId, version: input.version }, { status: input.status }, 'action');
      } catch (err) {
        if (err instanceof ConflictError) throw new ConflictError(err.message, err.current, submitted);
        throw err;
      }
      const update = await repo.insertActionUpdate(trx, { partnershipId: actor.partnershipId, actionId, status: input.status, note: input.note, userId: actor.kind === 'user' ? actor.userId : null });
      await log({ action: 'update', recordType: 'plan-action', recordId: actionId, details: { progress: input.status } });
      return { id: update.id, actionId, status: input.status, version: row.version };
    });
  }

  // The conflict page

  /** Both versions of an outcome or action, field by field, in words, for the conflict page. */
  async conflictRows(actor: Actor, kind: 'outcome' | 'action' | 'progress', err: ConflictError): Promise<ConflictRow[]> {
    const saved = err.current ?? {};
    const yours = err.submitted ?? {};
    const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    const status = (v: unknown) => ACTION_STATUS_LABELS[v as keyof typeof ACTION_STATUS_LABELS] ?? s(v);
    const removed = saved.removed_at ? 'Removed from the plan' : 'On the plan';
    const removal = yours.removed_at ? 'Remove it' : 'Keep it on the plan';
    if (kind === 'outcome') {
      return [
        { label: 'What must change for the child', saved: s(saved.title), yours: yours.title === undefined ? s(saved.title) : s(yours.title) },
        { label: 'On the plan', saved: removed, yours: removal },
      ];
    }
    const agencyIds = [saved.owner_agency_id, yours.owner_agency_id].filter((x): x is string => typeof x === 'string');
    const names = new Map((await repo.agencies(this.db, actor.partnershipId)).filter((a) => agencyIds.includes(a.id)).map((a) => [a.id, a.name]));
    const owner = (r: Record<string, unknown>) => (r.owner_name ? `${s(r.owner_name)} (${names.get(s(r.owner_agency_id)) ?? ''})` : '');
    if (kind === 'progress') {
      const [latest] = typeof saved.id === 'string' ? await repo.latestUpdates(this.db, actor.partnershipId, [saved.id]) : [];
      return [
        { label: 'Status', saved: status(saved.status), yours: status(yours.status) },
        { label: 'Latest progress note', saved: latest ? `${latest.note} (${latest.author_name ?? 'unknown'})` : 'None', yours: s(yours.note) },
        { label: 'On the plan', saved: removed, yours: 'On the plan' },
      ];
    }
    const keep = (key: string, fmt: (r: Record<string, unknown>) => string = (r) => s(r[key])) => (key in yours || (key === 'owner' && 'owner_name' in yours) ? fmt(yours) : fmt(saved));
    return [
      { label: 'What needs to happen', saved: s(saved.what), yours: keep('what') },
      { label: 'Who will do it', saved: owner(saved), yours: keep('owner', owner) },
      { label: 'By when', saved: s(saved.due_on), yours: keep('due_on'), isDate: true },
      { label: 'How we will know it has been done', saved: s(saved.done_measure), yours: keep('done_measure') },
      { label: 'How we will know it has worked', saved: s(saved.worked_measure), yours: keep('worked_measure') },
      { label: 'Status', saved: status(saved.status), yours: status(saved.status) },
      { label: 'On the plan', saved: removed, yours: removal },
    ];
  }
}

export type PlanView = Awaited<ReturnType<PlansService['view']>>;
