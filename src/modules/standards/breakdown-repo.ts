/**
 * Queries of the standards dashboards broken down by area, team or agency, and of the drill-down
 * filtered the same way. How a child is counted in each breakdown:
 * - area: the child's area (children.area_id);
 * - team: the child's team (children.team_id), whose agency is, in practice, children's social care;
 * - agency: the agency of the child's lead practitioner (users.agency_id of children.lead_user_id),
 *   because a child's team always belongs to children's social care and would put every child in
 *   one agency. A child without an area, team or lead practitioner is counted under 'none'.
 */
import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { visibleChildren } from '../cases/access.js';
import type { Trx } from '../cases/record.js';
import type { Status } from './engine.js';
import type { Scope } from './repository.js';

type Q = Db | Trx;

export const BREAKDOWNS = ['area', 'team', 'agency'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** The group filters of the drill-down and the trend: an id, 'none' for children without one, or undefined for all. */
export interface GroupFilter {
  area?: string | undefined;
  team?: string | undefined;
  agency?: string | undefined;
}

type Eb = ExpressionBuilder<Database & { lead: Database['users'] }, 'children' | 'lead'>;

const COLUMN = { area: 'children.area_id', team: 'children.team_id', agency: 'lead.agency_id' } as const;

const inScope = (scope: Scope) => (eb: Eb) =>
  scope.teamId ? eb.and([eb('children.partnership_id', '=', scope.partnershipId), eb('children.team_id', '=', scope.teamId)]) : eb('children.partnership_id', '=', scope.partnershipId);

function groupConds(eb: Eb, g: GroupFilter) {
  const conds = [];
  for (const by of BREAKDOWNS) {
    const v = g[by];
    if (v === 'none') conds.push(eb(COLUMN[by], 'is', null));
    else if (v) conds.push(eb(COLUMN[by], '=', v));
  }
  return conds;
}

const RESULT_COLUMN = { area: 'standard_results.area_id', team: 'standard_results.team_id', agency: 'standard_results.agency_id' } as const;

/**
 * Children by standard, group and status, for the children in scope: from the groups each stored result
 * carries (migration 017), so one table is counted and no result is joined to its child.
 */
export async function groupedCounts(q: Q, scope: Scope, by: Breakdown) {
  let query = q
    .selectFrom('standard_results')
    .select(['standard_results.standard_key', `${RESULT_COLUMN[by]} as group_id`, 'standard_results.status', sql<number>`count(*)::int`.as('n')])
    .where('standard_results.partnership_id', '=', scope.partnershipId);
  if (scope.teamId) query = query.where('standard_results.team_id', '=', scope.teamId);
  return query.groupBy(['standard_results.standard_key', RESULT_COLUMN[by], 'standard_results.status']).execute();
}

/** The areas, teams or agencies of the partnership, by name. */
export async function groups(q: Q, partnershipId: string, by: Breakdown): Promise<{ id: string; name: string }[]> {
  const table = by === 'area' ? 'areas' : by === 'team' ? 'teams' : 'agencies';
  return q.selectFrom(table).select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export interface DrillFilter extends GroupFilter {
  key: string;
  status?: Status | undefined;
}

function drillWhere(scope: Scope, f: DrillFilter) {
  return (eb: Eb & ExpressionBuilder<Database, 'standard_results'>) => {
    const conds = [eb('standard_results.partnership_id', '=', scope.partnershipId), eb('standard_results.standard_key', '=', f.key)];
    // Without a status, every child the standard applies to
    conds.push(f.status ? eb('standard_results.status', '=', f.status) : eb('standard_results.status', '!=', 'not-applicable'));
    return eb.and([...conds, ...groupConds(eb, f), inScope(scope)(eb)]);
  };
}

const drillBase = (q: Q) =>
  q.selectFrom('standard_results').innerJoin('children', 'children.id', 'standard_results.child_id').leftJoin('users as lead', 'lead.id', 'children.lead_user_id');

/** How many children in scope are behind a number (whether or not the actor may open them). */
export async function drillCount(q: Q, scope: Scope, f: DrillFilter): Promise<number> {
  const row = await drillBase(q).select(sql<number>`count(*)::int`.as('n')).where(drillWhere(scope, f)).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The most children a drill-down export holds (the page lists 500). */
export const EXPORT_LIMIT = 100_000;

/** The children behind a number that the actor may see (visibleChildren), most pressing due date first. */
export async function drillChildren(q: Q, actor: Actor, scope: Scope, f: DrillFilter, limit = 500, offset = 0) {
  return drillBase(q)
    .leftJoin('areas', 'areas.id', 'children.area_id')
    .leftJoin('teams', 'teams.id', 'children.team_id')
    .leftJoin('agencies as lead_agency', 'lead_agency.id', 'lead.agency_id')
    .select([
      'children.id',
      'children.first_name',
      'children.last_name',
      'children.la_child_id',
      'areas.name as area_name',
      'teams.name as team_name',
      'lead.name as lead_name',
      'lead_agency.name as agency_name',
      'standard_results.status',
      'standard_results.due_on',
      'standard_results.reason',
    ])
    .where(drillWhere(scope, f))
    .where(visibleChildren(actor))
    .orderBy('standard_results.due_on', 'asc')
    .orderBy('children.last_name')
    .orderBy('children.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** How many of the children behind a number the actor may see (the total of drillChildren's pages). */
export async function drillVisibleCount(q: Q, actor: Actor, scope: Scope, f: DrillFilter): Promise<number> {
  const row = await drillBase(q).select(sql<number>`count(*)::int`.as('n')).where(drillWhere(scope, f)).where(visibleChildren(actor)).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The ids of the children in scope matching the group filter (for the month-by-month figures). */
export async function scopedChildIds(q: Q, scope: Scope, g: GroupFilter): Promise<string[]> {
  const rows = await q
    .selectFrom('children')
    .leftJoin('users as lead', 'lead.id', 'children.lead_user_id')
    .select('children.id')
    .where((eb) => eb.and([inScope(scope)(eb), ...groupConds(eb, g)]))
    .orderBy('children.id')
    .execute();
  return rows.map((r) => r.id);
}

/** Children by status for one standard, for the partnership's children matching the group filter (a measure of an action plan row). */
export async function statusCounts(q: Q, partnershipId: string, key: string, g: GroupFilter): Promise<{ status: Status; n: number }[]> {
  const rows = await q
    .selectFrom('standard_results')
    .innerJoin('children', 'children.id', 'standard_results.child_id')
    .leftJoin('users as lead', 'lead.id', 'children.lead_user_id')
    .select(['standard_results.status', sql<number>`count(*)::int`.as('n')])
    .where((eb) => eb.and([eb('standard_results.partnership_id', '=', partnershipId), eb('standard_results.standard_key', '=', key), eb('children.partnership_id', '=', partnershipId), ...groupConds(eb, g)]))
    .groupBy('standard_results.status')
    .execute();
  return rows.map((r) => ({ status: r.status as Status, n: Number(r.n) }));
}

/**
 * Plans started in a period (after `from`, up to and including `to`), by group of the breakdown and
 * by initial category of abuse, with how many of them were repeat plans (the child's second or later:
 * a number of previous plans recorded, or an earlier plan on the record) and how many followed a
 * re-referral (a referral received within `months` of an earlier plan of the child ending, and on or
 * before this plan started).
 */
export async function repeatCounts(q: Q, scope: Scope, by: Breakdown, from: string, to: string, months: number) {
  const m = Math.max(0, Math.round(months));
  return q
    .selectFrom('cp_plans as p')
    .innerJoin('children', 'children.id', 'p.child_id')
    .leftJoin('users as lead', 'lead.id', 'children.lead_user_id')
    .select([
      `${COLUMN[by]} as group_id`,
      'p.initial_category as category',
      sql<number>`count(*)::int`.as('plans'),
      sql<number>`count(*) filter (where p.previous_plans > 0 or exists (select 1 from cp_plans e where e.child_id = p.child_id and e.id <> p.id and e.started_on < p.started_on))::int`.as('repeats'),
      sql<number>`count(*) filter (where exists (
        select 1 from cp_plans e join referrals r on r.child_id = e.child_id
        where e.child_id = p.child_id and e.id <> p.id and e.ended_on is not null and e.ended_on <= p.started_on
          and r.received_on > e.ended_on and r.received_on <= (e.ended_on + make_interval(months => ${m}::int))::date and r.received_on <= p.started_on))::int`.as('rereferrals'),
    ])
    .where('p.partnership_id', '=', scope.partnershipId)
    .where('p.started_on', '>', from)
    .where('p.started_on', '<=', to)
    .where(inScope(scope))
    .groupBy([COLUMN[by], 'p.initial_category'])
    .execute();
}
