/**
 * Queries of the core group and its meetings. Queries of one child's record take a child id the
 * caller has already loaded through `loadChildAccess` in the same transaction (ChildRecords), and
 * are always bounded to the partnership as well; lists across children (the work queues, the
 * team view) are bounded by `visibleChildren`.
 */
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { visibleChildren } from '../cases/access.js';
import type { Trx } from '../cases/record.js';

type Q = Db | Trx;
type ChildrenEb = ExpressionBuilder<Database, 'children'>;
type UserActor = Extract<Actor, { kind: 'user' }>;

export { partnershipClosures } from '../cases/repository.js';

export async function currentPlan(db: Q, partnershipId: string, childId: string) {
  return db.selectFrom('cp_plans').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).where('ended_on', 'is', null).executeTakeFirst();
}

export async function getPlan(db: Q, partnershipId: string, planId: string) {
  return db.selectFrom('cp_plans').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', planId).executeTakeFirstOrThrow();
}

export type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

/** Every member the child's core group has had, current first. */
export async function listMembers(db: Q, partnershipId: string, childId: string) {
  return db
    .selectFrom('core_group_members as m')
    .leftJoin('agencies as a', 'a.id', 'm.agency_id')
    .leftJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.id',
      'm.user_id',
      'm.name',
      'm.agency_id',
      'm.role',
      'm.is_parent',
      'm.joined_on',
      'm.left_on',
      'm.left_reason',
      'm.version',
      'a.name as agency_name',
      'a.type as agency_type',
      'u.role as user_role',
      'u.email as user_email',
    ])
    .where('m.partnership_id', '=', partnershipId)
    .where('m.child_id', '=', childId)
    .orderBy(sql`m.left_on is null`, 'desc')
    .orderBy('m.joined_on')
    .orderBy('m.name')
    .execute();
}

export async function getMember(db: Q, partnershipId: string, childId: string, memberId: string) {
  return db.selectFrom('core_group_members').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).where('id', '=', memberId).executeTakeFirst();
}

/** People of the partnership who can be added to a core group: users who are not disabled. */
export async function partnershipUsers(db: Q, partnershipId: string) {
  return db
    .selectFrom('users')
    .innerJoin('agencies', 'agencies.id', 'users.agency_id')
    .select(['users.id', 'users.name', 'users.role', 'users.agency_id', 'users.team_id', 'agencies.name as agency_name'])
    .where('users.partnership_id', '=', partnershipId)
    .where('users.disabled_at', 'is', null)
    .orderBy('users.name')
    .execute();
}

export async function getUser(db: Q, partnershipId: string, userId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role', 'agency_id', 'team_id'])
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', userId)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function listAgencies(db: Q, partnershipId: string) {
  return db.selectFrom('agencies').select(['id', 'name', 'type']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function teamManagers(db: Q, partnershipId: string) {
  return db
    .selectFrom('users')
    .leftJoin('teams', 'teams.id', 'users.team_id')
    .select(['users.id', 'users.name', 'users.role', 'teams.name as team_name'])
    .where('users.partnership_id', '=', partnershipId)
    .where('users.role', '=', 'team-manager')
    .where('users.disabled_at', 'is', null)
    .orderBy('users.name')
    .execute();
}

export async function listMeetings(db: Q, partnershipId: string, childId: string) {
  return db
    .selectFrom('core_group_meetings as g')
    .leftJoin('users as chair', 'chair.id', 'g.chair_user_id')
    .select([
      'g.id',
      'g.plan_id',
      'g.held_on',
      'g.status',
      'g.chair_is_manager',
      'g.finalised_at',
      'g.shared_professionals_on',
      'g.shared_family_on',
      'g.safety_scale',
      'chair.name as chair_name',
    ])
    .where('g.partnership_id', '=', partnershipId)
    .where('g.child_id', '=', childId)
    .orderBy('g.held_on', 'desc')
    .orderBy('g.created_at', 'desc')
    .execute();
}

export async function getMeeting(db: Q, partnershipId: string, childId: string, meetingId: string) {
  return db
    .selectFrom('core_group_meetings as g')
    .leftJoin('users as chair', 'chair.id', 'g.chair_user_id')
    .leftJoin('users as fin', 'fin.id', 'g.finalised_by')
    .selectAll('g')
    .select(['chair.name as chair_name', 'chair.role as chair_role', 'fin.name as finalised_by_name'])
    .where('g.partnership_id', '=', partnershipId)
    .where('g.child_id', '=', childId)
    .where('g.id', '=', meetingId)
    .executeTakeFirst();
}

export async function meetingAttendance(db: Q, partnershipId: string, meetingId: string) {
  return db.selectFrom('meeting_attendance').select(['member_id', 'attendance']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).execute();
}

/** The last finalised meeting of the plan before this one. */
export async function previousFinalisedMeeting(db: Q, partnershipId: string, planId: string, meeting: { id: string; held_on: string }) {
  return db
    .selectFrom('core_group_meetings')
    .select(['id', 'held_on'])
    .where('partnership_id', '=', partnershipId)
    .where('plan_id', '=', planId)
    .where('status', '=', 'finalised')
    .where('id', '!=', meeting.id)
    .where('held_on', '<=', meeting.held_on)
    .orderBy('held_on', 'desc')
    .orderBy('finalised_at', 'desc')
    .executeTakeFirst();
}

export async function planActions(db: Q, partnershipId: string, planId: string) {
  return db
    .selectFrom('plan_actions as pa')
    .innerJoin('agencies as a', 'a.id', 'pa.owner_agency_id')
    .leftJoin('plan_outcomes as o', 'o.id', 'pa.outcome_id')
    .select(['pa.id', 'pa.what', 'pa.owner_name', 'pa.owner_agency_id', 'a.name as agency_name', 'pa.due_on', 'pa.status', 'pa.removed_at', 'pa.done_measure', 'pa.worked_measure', 'o.title as outcome_title'])
    .where('pa.partnership_id', '=', partnershipId)
    .where('pa.plan_id', '=', planId)
    .orderBy('pa.due_on')
    .orderBy('pa.created_at')
    .execute();
}

export async function actionReviews(db: Q, partnershipId: string, meetingId: string) {
  return db.selectFrom('action_reviews').select(['action_id', 'status', 'comment']).where('partnership_id', '=', partnershipId).where('meeting_id', '=', meetingId).execute();
}

export async function outcomeTitles(db: Q, partnershipId: string, planId: string) {
  const rows = await db
    .selectFrom('plan_outcomes')
    .select('title')
    .where('partnership_id', '=', partnershipId)
    .where('plan_id', '=', planId)
    .where('removed_at', 'is', null)
    .orderBy('position')
    .execute();
  return rows.map((r) => r.title);
}

export async function linkedPlanVersions(db: Q, partnershipId: string, meetingId: string) {
  return db
    .selectFrom('plan_versions')
    .leftJoin('users', 'users.id', 'plan_versions.created_by')
    .select(['plan_versions.id', 'plan_versions.number', 'plan_versions.summary', 'plan_versions.created_at', 'users.name as created_by_name'])
    .where('plan_versions.partnership_id', '=', partnershipId)
    .where('plan_versions.meeting_id', '=', meetingId)
    .orderBy('plan_versions.number')
    .execute();
}

export async function linkedVoiceEntries(db: Q, partnershipId: string, childId: string, meetingId: string) {
  return db
    .selectFrom('voice_entries')
    .select(['id', 'kind', 'recorded_on', 'content'])
    .where('partnership_id', '=', partnershipId)
    .where('child_id', '=', childId)
    .where('meeting_id', '=', meetingId)
    .orderBy('recorded_on')
    .execute();
}

/** Parents recorded in the family who do not live with the child. */
export async function parentsNotLivingWithChild(db: Q, partnershipId: string, childId: string) {
  return db
    .selectFrom('family_members')
    .select(['id', 'name', 'relationship'])
    .where('partnership_id', '=', partnershipId)
    .where('child_id', '=', childId)
    .where('relationship', 'in', ['mother', 'father', 'step-parent'])
    .where('lives_with_child', '=', false)
    .orderBy('name')
    .execute();
}

export async function agreements(db: Q, partnershipId: string, meetingId: string) {
  return db
    .selectFrom('minutes_agreements as ma')
    .innerJoin('users as u', 'u.id', 'ma.user_id')
    .innerJoin('agencies as a', 'a.id', 'u.agency_id')
    .select(['ma.user_id', 'ma.agrees', 'ma.comment', 'ma.recorded_at', 'u.name as user_name', 'a.name as agency_name'])
    .where('ma.partnership_id', '=', partnershipId)
    .where('ma.meeting_id', '=', meetingId)
    .orderBy('ma.recorded_at')
    .execute();
}

export async function settings(db: Q, partnershipId: string) {
  return db.selectFrom('partnership_settings').select(['minutes_headings', 'mandatory_minutes_checks', 'version']).where('partnership_id', '=', partnershipId).executeTakeFirst();
}

/** Saves the minutes settings if still at `version` (0: none saved yet). False when someone else saved first. */
export async function saveSettings(db: Q, partnershipId: string, version: number, values: { headings: unknown[]; mandatory: string[] }): Promise<boolean> {
  const headings = JSON.stringify(values.headings);
  const mandatory = JSON.stringify(values.mandatory);
  if (version === 0) {
    const row = await db
      .insertInto('partnership_settings')
      .values({ partnership_id: partnershipId, minutes_headings: headings, mandatory_minutes_checks: mandatory, closure_days: '[]' })
      .onConflict((oc) => oc.column('partnership_id').doNothing())
      .returning('partnership_id')
      .executeTakeFirst();
    return row !== undefined;
  }
  const row = await db
    .updateTable('partnership_settings')
    .set({ minutes_headings: headings, mandatory_minutes_checks: mandatory, version: version + 1, updated_at: new Date() })
    .where('partnership_id', '=', partnershipId)
    .where('version', '=', version)
    .returning('partnership_id')
    .executeTakeFirst();
  return row !== undefined;
}

// Work queues: lists across children, bounded by visibleChildren.

/** The actor leads the child, or manages its team. */
function leadsOrManages(actor: UserActor) {
  return (eb: ChildrenEb) => {
    const ways = [eb('children.lead_user_id', '=', actor.userId)];
    if (actor.role === 'team-manager' && actor.teamId) ways.push(eb('children.team_id', '=', actor.teamId));
    return eb.or(ways);
  };
}

export async function meetingsForQueues(db: Q, actor: UserActor, status: 'draft' | 'finalised') {
  let q = db
    .selectFrom('core_group_meetings as g')
    .innerJoin('children', 'children.id', 'g.child_id')
    .leftJoin('users as chair', 'chair.id', 'g.chair_user_id')
    .select([
      'g.id',
      'g.child_id',
      'g.held_on',
      'g.status',
      'g.finalised_at',
      'g.shared_professionals_on',
      'g.shared_family_on',
      'g.family_copy',
      'chair.name as chair_name',
      'children.first_name',
      'children.last_name',
      'children.la_child_id',
    ])
    .where(visibleChildren(actor))
    .where('g.partnership_id', '=', actor.partnershipId)
    .where('g.status', '=', status)
    .where((eb) => {
      const ways = [eb('g.chair_user_id', '=', actor.userId), eb('children.lead_user_id', '=', actor.userId)];
      if (actor.role === 'team-manager' && actor.teamId) ways.push(eb('children.team_id', '=', actor.teamId));
      return eb.or(ways);
    });
  if (status === 'finalised') q = q.where((eb) => eb.or([eb('g.shared_professionals_on', 'is', null), eb('g.shared_family_on', 'is', null)]));
  return q.orderBy('g.held_on').orderBy('children.last_name').limit(500).execute();
}

/** Children on a plan the actor leads or (as manager) whose team they manage, with the plan's meetings. */
export async function childrenOnPlanLedOrManaged(db: Q, actor: UserActor) {
  return childrenOnPlan(db, actor, leadsOrManages(actor));
}

/** Children of the manager's team on a plan. */
export async function teamChildrenOnPlan(db: Q, actor: UserActor, teamId: string) {
  return childrenOnPlan(db, actor, (eb) => eb('children.team_id', '=', teamId));
}

async function childrenOnPlan(
  db: Q,
  actor: UserActor,
  filter: (eb: ChildrenEb) => Expression<SqlBool>,
) {
  const children = await db
    .selectFrom('children')
    .innerJoin('cp_plans as plan', (j) => j.onRef('plan.child_id', '=', 'children.id').on('plan.ended_on', 'is', null))
    .leftJoin('users as lead', 'lead.id', 'children.lead_user_id')
    .select([
      'children.id',
      'children.first_name',
      'children.last_name',
      'children.la_child_id',
      'children.team_id',
      'lead.name as lead_name',
      'plan.id as plan_id',
      'plan.started_on as plan_started_on',
      'plan.latest_category',
    ])
    .where(visibleChildren(actor))
    .where((eb) => filter(eb as never))
    .orderBy('plan.started_on')
    .orderBy('children.last_name')
    .limit(1000)
    .execute();
  const planIds = children.map((c) => c.plan_id);
  const meetings = planIds.length
    ? await db
        .selectFrom('core_group_meetings')
        .select(['id', 'plan_id', 'held_on', 'status', 'chair_is_manager', 'created_at'])
        .where('partnership_id', '=', actor.partnershipId)
        .where('plan_id', 'in', planIds)
        .orderBy('held_on')
        .orderBy('created_at')
        .execute()
    : [];
  return children.map((c) => ({ ...c, meetings: meetings.filter((m) => m.plan_id === c.plan_id) }));
}
