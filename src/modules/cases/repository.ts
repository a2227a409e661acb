/**
 * Queries of the child's record. Lists are bounded by `visibleChildren`; queries of parts of one
 * record take a child id the caller has already loaded through `loadChildAccess` in the same
 * transaction, and are always bounded to the partnership as well.
 */
import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Category, Database } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { visibleChildren } from './access.js';
import type { Trx } from './record.js';

type Q = Db | Trx;

export interface ChildListRow {
  id: string;
  la_child_id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  area_id: string | null;
  team_id: string | null;
  team_name: string | null;
  lead_name: string | null;
  plan_started_on: string | null;
  plan_category: string | null;
  plan_id: string | null;
}

/** The filters of the children list (the page's search and the API's). */
export interface ChildListFilter {
  q?: string | undefined;
  onPlan?: boolean | undefined;
  areaId?: string | undefined;
  teamId?: string | undefined;
  /** The current plan's latest category. */
  category?: string | undefined;
  /** on-plan: a current plan; plan-ended: plans, none current; no-plan: never on a plan. */
  status?: 'on-plan' | 'plan-ended' | 'no-plan' | undefined;
}

/**
 * A page of the children the actor may see, by name, and how many there are in all. The children are
 * filtered, sorted and cut to the page on their own (a plan is tested for with EXISTS), and only the page's
 * rows are joined to their team, lead and current plan: a team manager's list of a team of 9,000 children
 * sorts and counts the children alone.
 */
export async function listVisibleChildren(db: Q, actor: Actor, opts: ChildListFilter & { limit: number; offset: number }) {
  const openPlan = (eb: ExpressionBuilder<Database, 'children'>) => eb.selectFrom('cp_plans as p').select(sql<number>`1`.as('one')).whereRef('p.child_id', '=', 'children.id').where('p.ended_on', 'is', null);
  let q = db.selectFrom('children').where(visibleChildren(actor));
  if (opts.q) {
    const like = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', [sql`children.first_name || ' ' || children.last_name`]), 'like', like),
        eb(eb.fn('lower', ['children.la_child_id']), 'like', like),
      ]),
    );
  }
  if (opts.onPlan || opts.status === 'on-plan') q = q.where((eb) => eb.exists(openPlan(eb)));
  if (opts.areaId) q = q.where('children.area_id', '=', opts.areaId);
  if (opts.teamId) q = q.where('children.team_id', '=', opts.teamId);
  if (opts.category) q = q.where((eb) => eb.exists(openPlan(eb).where('p.latest_category', '=', opts.category as Category)));
  if (opts.status === 'plan-ended' || opts.status === 'no-plan') {
    const ever = sql<boolean>`exists (select 1 from cp_plans as past where past.child_id = children.id)`;
    q = q.where((eb) => eb.not(eb.exists(openPlan(eb)))).where(opts.status === 'plan-ended' ? ever : sql<boolean>`not ${ever}`);
  }
  const page = q
    .select(['children.id', 'children.la_child_id', 'children.first_name', 'children.last_name', 'children.date_of_birth', 'children.expected_date_of_birth', 'children.area_id', 'children.team_id', 'children.lead_user_id'])
    .orderBy('children.last_name')
    .orderBy('children.first_name')
    .orderBy('children.id')
    .limit(opts.limit)
    .offset(opts.offset);
  const [rows, count] = await Promise.all([
    db
      .selectFrom(page.as('c'))
      .leftJoin('teams', 'teams.id', 'c.team_id')
      .leftJoin('users as lead', 'lead.id', 'c.lead_user_id')
      .leftJoin('cp_plans as plan', (j) => j.onRef('plan.child_id', '=', 'c.id').on('plan.ended_on', 'is', null))
      .select([
        'c.id',
        'c.la_child_id',
        'c.first_name',
        'c.last_name',
        'c.date_of_birth',
        'c.expected_date_of_birth',
        'c.area_id',
        'c.team_id',
        'teams.name as team_name',
        'lead.name as lead_name',
        'plan.started_on as plan_started_on',
        'plan.latest_category as plan_category',
        'plan.id as plan_id',
      ])
      .orderBy('c.last_name')
      .orderBy('c.first_name')
      .orderBy('c.id')
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as ChildListRow[], total: Number(count.n) };
}

/** One child on a plan, for the cohort export (the columns of the children CSV). */
export interface CohortRow {
  id: string;
  la_child_id: string;
  first_name: string;
  last_name: string;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: string;
  upn: string | null;
  ethnicity: string | null;
  area_name: string | null;
  team_name: string | null;
  lead_name: string | null;
  plan_started_on: string;
  plan_ended_on: string | null;
  latest_category: string;
  initial_category: string;
  previous_plans: number;
}

/** The children currently on a CP plan that the actor may see (visibleChildren), by name. */
export async function listVisibleCohort(db: Q, actor: Actor): Promise<CohortRow[]> {
  const rows = await db
    .selectFrom('children')
    .innerJoin('cp_plans as plan', (j) => j.onRef('plan.child_id', '=', 'children.id').on('plan.ended_on', 'is', null))
    .leftJoin('areas', 'areas.id', 'children.area_id')
    .leftJoin('teams', 'teams.id', 'children.team_id')
    .leftJoin('users as lead', 'lead.id', 'children.lead_user_id')
    .where(visibleChildren(actor))
    .select([
      'children.id',
      'children.la_child_id',
      'children.first_name',
      'children.last_name',
      'children.date_of_birth',
      'children.expected_date_of_birth',
      'children.sex',
      'children.upn',
      'children.ethnicity',
      'areas.name as area_name',
      'teams.name as team_name',
      'lead.name as lead_name',
      'plan.started_on as plan_started_on',
      'plan.ended_on as plan_ended_on',
      'plan.latest_category',
      'plan.initial_category',
      'plan.previous_plans',
    ])
    .orderBy('children.last_name')
    .orderBy('children.first_name')
    .orderBy('children.la_child_id')
    .execute();
  return rows as CohortRow[];
}

/** A child's conferences with the chair's name. */
function conferencesOf(db: Q, partnershipId: string, childId: string) {
  return db
    .selectFrom('conferences')
    .leftJoin('users as chair', 'chair.id', 'conferences.chair_user_id')
    .selectAll('conferences')
    .select('chair.name as chair_name')
    .where('conferences.partnership_id', '=', partnershipId)
    .where('conferences.child_id', '=', childId);
}

/** A child's conferences, latest first, with the chair's name (the overview and the API's list). */
export function childConferences(db: Q, partnershipId: string, childId: string) {
  return conferencesOf(db, partnershipId, childId).orderBy('conferences.scheduled_on', 'desc').execute();
}

export async function childOverviewParts(db: Q, partnershipId: string, childId: string) {
  const [names, family, referrals, strategy, participants, s47s, conferences, plans, meetings] = await Promise.all([
    db
      .selectFrom('children')
      .leftJoin('teams', 'teams.id', 'children.team_id')
      .leftJoin('areas', 'areas.id', 'children.area_id')
      .leftJoin('users', 'users.id', 'children.lead_user_id')
      .select(['teams.name as team_name', 'areas.name as area_name', 'users.name as lead_name', 'users.email as lead_email'])
      .where('children.id', '=', childId)
      .where('children.partnership_id', '=', partnershipId)
      .executeTakeFirstOrThrow(),
    db.selectFrom('family_members').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('created_at').execute(),
    db.selectFrom('referrals').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('received_on', 'desc').execute(),
    db.selectFrom('strategy_discussions').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('held_on', 'desc').execute(),
    db
      .selectFrom('strategy_participants')
      .innerJoin('strategy_discussions as sd', 'sd.id', 'strategy_participants.strategy_discussion_id')
      .innerJoin('agencies', 'agencies.id', 'strategy_participants.agency_id')
      .select(['strategy_participants.strategy_discussion_id', 'strategy_participants.name', 'agencies.name as agency_name', 'agencies.type as agency_type'])
      .where('sd.child_id', '=', childId)
      .where('strategy_participants.partnership_id', '=', partnershipId)
      .execute(),
    db.selectFrom('s47_enquiries').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('started_on', 'desc').execute(),
    childConferences(db, partnershipId, childId),
    db.selectFrom('cp_plans').selectAll().where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('started_on', 'desc').execute(),
    db
      .selectFrom('core_group_meetings')
      .select(['id', 'held_on', 'status', 'chair_is_manager'])
      .where('partnership_id', '=', partnershipId)
      .where('child_id', '=', childId)
      .orderBy('held_on')
      .execute(),
  ]);
  return {
    names,
    family,
    referrals,
    strategy: strategy.map((s) => ({ ...s, participants: participants.filter((p) => p.strategy_discussion_id === s.id) })),
    s47s,
    conferences,
    plans,
    meetings,
    currentPlan: plans.find((p) => p.ended_on === null) ?? null,
  };
}

export async function getConference(db: Q, partnershipId: string, childId: string, conferenceId: string) {
  return conferencesOf(db, partnershipId, childId).where('conferences.id', '=', conferenceId).executeTakeFirst();
}

export async function conferenceInvitees(db: Q, partnershipId: string, conferenceId: string) {
  return db
    .selectFrom('conference_invitees')
    .leftJoin('agencies', 'agencies.id', 'conference_invitees.agency_id')
    .selectAll('conference_invitees')
    .select('agencies.name as agency_name')
    .where('conference_invitees.partnership_id', '=', partnershipId)
    .where('conference_invitees.conference_id', '=', conferenceId)
    .orderBy('conference_invitees.is_parent')
    .orderBy('conference_invitees.name')
    .execute();
}

/** People who may chair a conference: conference chairs and team managers of the partnership. */
export async function possibleChairs(db: Q, partnershipId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role'])
    .where('partnership_id', '=', partnershipId)
    .where('role', 'in', ['conference-chair', 'team-manager'])
    .where('disabled_at', 'is', null)
    .orderBy('role')
    .orderBy('name')
    .execute();
}

export async function partnershipClosures(db: Q, partnershipId: string): Promise<Set<string>> {
  const row = await db.selectFrom('partnership_settings').select('closure_days').where('partnership_id', '=', partnershipId).executeTakeFirst();
  return new Set(Array.isArray(row?.closure_days) ? (row.closure_days as unknown as string[]) : []);
}
