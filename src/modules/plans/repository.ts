/**
 * Queries of the CP plan. Queries of one child's plan take a child id the caller has already loaded
 * through `loadChildAccess` in the same transaction, and are bounded to the partnership; the one
 * list across children ("my actions") is bounded by `visibleChildren`.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Actor } from '../../lib/actor.js';
import { visibleChildren } from '../cases/access.js';
import type { Trx } from '../cases/record.js';

type Q = Db | Trx;

/** The child's current plan; `lock` holds it until the transaction ends, so revisions of one plan are numbered one after another. */
export async function currentPlan(q: Q, partnershipId: string, childId: string, lock = false) {
  let query = q.selectFrom('cp_plans').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).where('ended_on', 'is', null);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function getPlan(q: Q, partnershipId: string, childId: string, planId: string) {
  return q.selectFrom('cp_plans').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).where('id', '=', planId).executeTakeFirst();
}

export async function listPlans(q: Q, partnershipId: string, childId: string) {
  return q.selectFrom('cp_plans').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('started_on', 'desc').execute();
}

export async function planOutcomes(q: Q, partnershipId: string, planId: string) {
  return q
    .selectFrom('plan_outcomes')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('plan_id', '=', planId)
    .where('removed_at', 'is', null)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
}

const actionColumns = [
  'plan_actions.id',
  'plan_actions.plan_id',
  'plan_actions.child_id',
  'plan_actions.outcome_id',
  'plan_actions.what',
  'plan_actions.owner_user_id',
  'plan_actions.owner_name',
  'plan_actions.owner_agency_id',
  'plan_actions.due_on',
  'plan_actions.done_measure',
  'plan_actions.worked_measure',
  'plan_actions.status',
  'plan_actions.removed_at',
  'plan_actions.version',
  'plan_actions.created_at',
  'plan_actions.updated_at',
  'agencies.name as agency_name',
] as const;

export async function planActions(q: Q, partnershipId: string, planId: string) {
  return q
    .selectFrom('plan_actions')
    .innerJoin('agencies', 'agencies.id', 'plan_actions.owner_agency_id')
    .select(actionColumns)
    .where('plan_actions.partnership_id', '=', partnershipId)
    .where('plan_actions.plan_id', '=', planId)
    .where('plan_actions.removed_at', 'is', null)
    .orderBy('plan_actions.due_on')
    .orderBy('plan_actions.created_at')
    .execute();
}

export type ActionRow = Awaited<ReturnType<typeof planActions>>[number];

export async function getOutcome(q: Q, partnershipId: string, childId: string, outcomeId: string) {
  return q.selectFrom('plan_outcomes').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).where('id', '=', outcomeId).executeTakeFirst();
}

/** One action of the child (on any of their plans, removed or not). */
export async function getAction(q: Q, partnershipId: string, childId: string, actionId: string) {
  return q
    .selectFrom('plan_actions')
    .innerJoin('agencies', 'agencies.id', 'plan_actions.owner_agency_id')
    .select(actionColumns)
    .where('plan_actions.partnership_id', '=', partnershipId)
    .where('plan_actions.child_id', '=', childId)
    .where('plan_actions.id', '=', actionId)
    .executeTakeFirst();
}

export async function countOpenActionsOfOutcome(q: Q, partnershipId: string, outcomeId: string) {
  const rows = await q
    .selectFrom('plan_actions')
    .select(['id', 'what'])
    .where('partnership_id', '=', partnershipId)
    .where('outcome_id', '=', outcomeId)
    .where('removed_at', 'is', null)
    .orderBy('due_on')
    .execute();
  return rows;
}

/** The latest progress note of each action. */
export async function latestUpdates(q: Q, partnershipId: string, actionIds: string[]) {
  if (!actionIds.length) return [];
  return q
    .selectFrom('action_updates')
    .leftJoin('users', 'users.id', 'action_updates.created_by')
    .select(['action_updates.action_id', 'action_updates.status', 'action_updates.note', 'action_updates.created_at', 'users.name as author_name'])
    .distinctOn('action_updates.action_id')
    .where('action_updates.partnership_id', '=', partnershipId)
    .where('action_updates.action_id', 'in', actionIds)
    .orderBy('action_updates.action_id')
    .orderBy('action_updates.created_at', 'desc')
    .execute();
}

export async function actionUpdates(q: Q, partnershipId: string, actionId: string) {
  return q
    .selectFrom('action_updates')
    .leftJoin('users', 'users.id', 'action_updates.created_by')
    .leftJoin('agencies', 'agencies.id', 'users.agency_id')
    .select(['action_updates.id', 'action_updates.status', 'action_updates.note', 'action_updates.meeting_id', 'action_updates.created_at', 'users.name as author_name', 'agencies.name as author_agency'])
    .where('action_updates.partnership_id', '=', partnershipId)
    .where('action_updates.action_id', '=', actionId)
    .orderBy('action_updates.created_at', 'desc')
    .execute();
}

export async function insertActionUpdate(q: Q, v: { partnershipId: string; actionId: string; status: string; note: string; userId: string | null }) {
  return q
    .insertInto('action_updates')
    .values({ partnership_id: v.partnershipId, action_id: v.actionId, status: v.status, note: v.note, created_by: v.userId })
    .returning(['id', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** The plan's versions, newest first, with who made each and the meeting or conference it was made at. */
export async function planVersions(q: Q, partnershipId: string, planId: string) {
  return q
    .selectFrom('plan_versions')
    .leftJoin('users', 'users.id', 'plan_versions.created_by')
    .leftJoin('core_group_meetings as m', 'm.id', 'plan_versions.meeting_id')
    .leftJoin('conferences as c', 'c.id', 'plan_versions.conference_id')
    .select([
      'plan_versions.id',
      'plan_versions.number',
      'plan_versions.summary',
      'plan_versions.created_at',
      'plan_versions.meeting_id',
      'plan_versions.conference_id',
      'users.name as created_by_name',
      'm.held_on as meeting_held_on',
      'c.kind as conference_kind',
      sql<string | null>`coalesce(c.held_on, c.scheduled_on)`.as('conference_on'),
    ])
    .where('plan_versions.partnership_id', '=', partnershipId)
    .where('plan_versions.plan_id', '=', planId)
    .orderBy('plan_versions.number', 'desc')
    .execute();
}

export type VersionRow = Awaited<ReturnType<typeof planVersions>>[number];

export async function versionSnapshots(q: Q, partnershipId: string, planId: string, numbers: number[]) {
  return q
    .selectFrom('plan_versions')
    .select(['number', 'snapshot'])
    .where('partnership_id', '=', partnershipId)
    .where('plan_id', '=', planId)
    .where('number', 'in', numbers)
    .execute();
}

export async function getMeeting(q: Q, partnershipId: string, childId: string, meetingId: string) {
  return q
    .selectFrom('core_group_meetings')
    .select(['id', 'plan_id', 'held_on', 'status'])
    .where('partnership_id', '=', partnershipId)
    .where('child_id', '=', childId)
    .where('id', '=', meetingId)
    .executeTakeFirst();
}

export async function activeUser(q: Q, partnershipId: string, userId: string) {
  return q
    .selectFrom('users')
    .select(['id', 'name', 'agency_id'])
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', userId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function agencyInPartnership(q: Q, partnershipId: string, agencyId: string) {
  return q.selectFrom('agencies').select(['id', 'name']).where('partnership_id', '=', partnershipId).where('id', '=', agencyId).executeTakeFirst();
}

export async function agencies(q: Q, partnershipId: string) {
  return q.selectFrom('agencies').select(['id', 'name', 'type']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

/** People who may own an action: the partnership's active users, the child's core group first. */
export async function possibleOwners(q: Q, partnershipId: string, childId: string) {
  return q
    .selectFrom('users')
    .innerJoin('agencies', 'agencies.id', 'users.agency_id')
    .select([
      'users.id',
      'users.name',
      'agencies.name as agency_name',
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('core_group_members as m')
              .select(sql<number>`1`.as('one'))
              .whereRef('m.user_id', '=', 'users.id')
              .where('m.child_id', '=', childId)
              .where('m.left_on', 'is', null),
          )
          .as('in_core_group'),
    ])
    .where('users.partnership_id', '=', partnershipId)
    .where('users.disabled_at', 'is', null)
    .orderBy('users.name')
    .execute();
}

/**
 * Open actions (not done, not removed, on a current plan) owned by the person or their agency, on
 * children they may see; soonest due first, so overdue ones lead.
 */
export async function myActions(q: Q, actor: Actor & { kind: 'user' }, opts: { whose: 'all' | 'mine' | 'agency'; limit: number; offset: number }) {
  let query = q
    .selectFrom('plan_actions as a')
    .innerJoin('cp_plans as p', 'p.id', 'a.plan_id')
    .innerJoin('plan_outcomes as o', 'o.id', 'a.outcome_id')
    .innerJoin('children', 'children.id', 'a.child_id')
    .innerJoin('agencies as ag', 'ag.id', 'a.owner_agency_id')
    .where(visibleChildren(actor))
    .where('a.partnership_id', '=', actor.partnershipId)
    .where('p.ended_on', 'is', null)
    .where('a.removed_at', 'is', null)
    .where('o.removed_at', 'is', null)
    .where('a.status', '!=', 'done');
  if (opts.whose === 'mine') query = query.where('a.owner_user_id', '=', actor.userId);
  else if (opts.whose === 'agency') query = query.where('a.owner_agency_id', '=', actor.agencyId);
  else query = query.where((eb) => eb.or([eb('a.owner_user_id', '=', actor.userId), eb('a.owner_agency_id', '=', actor.agencyId)]));
  const [rows, count] = await Promise.all([
    query
      .select([
        'a.id',
        'a.child_id',
        'a.what',
        'a.owner_user_id',
        'a.owner_name',
        'a.due_on',
        'a.status',
        'a.done_measure',
        'ag.name as agency_name',
        'o.title as outcome_title',
        'children.first_name',
        'children.last_name',
        'children.la_child_id',
      ])
      .orderBy('a.due_on')
      .orderBy('children.last_name')
      .orderBy('a.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
