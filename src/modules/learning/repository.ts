/**
 * Queries of learning reviews, their recommendations, the teams a briefing went to, and action plan
 * rows with their updates. Every query is bounded by the partnership.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Insertable } from 'kysely';
import type { ActionLevel, LearningActionsTable, LearningActionStatus, ReviewKind } from '../../db/schema.js';
import type { Trx } from '../cases/record.js';

type Q = Db | Trx;

export async function listReviews(q: Q, partnershipId: string) {
  return q
    .selectFrom('learning_reviews as r')
    .select([
      'r.id',
      'r.kind',
      'r.title',
      'r.subject',
      'r.status',
      'r.notified_on',
      'r.started_on',
      'r.published_at',
      'r.created_at',
      (eb) => eb.selectFrom('review_recommendations').select(sql<number>`count(*)::int`.as('n')).whereRef('review_id', '=', 'r.id').as('recommendations'),
      (eb) => eb.selectFrom('briefing_recipients').select(sql<number>`count(*)::int`.as('n')).whereRef('review_id', '=', 'r.id').as('sent'),
      (eb) => eb.selectFrom('briefing_recipients').select(sql<number>`count(*)::int`.as('n')).whereRef('review_id', '=', 'r.id').where('responded_at', 'is not', null).as('responded'),
    ])
    .where('r.partnership_id', '=', partnershipId)
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id')
    .execute();
}

export async function reviewById(q: Q, partnershipId: string, id: string) {
  return q.selectFrom('learning_reviews').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}
export type ReviewRow = NonNullable<Awaited<ReturnType<typeof reviewById>>>;

export async function recommendationsOf(q: Q, reviewIds: readonly string[]) {
  if (reviewIds.length === 0) return [];
  return q.selectFrom('review_recommendations').selectAll().where('review_id', 'in', reviewIds).orderBy('review_id').orderBy('position').execute();
}

export async function recipientsOf(q: Q, reviewId: string) {
  return q
    .selectFrom('briefing_recipients as b')
    .innerJoin('teams', 'teams.id', 'b.team_id')
    .innerJoin('agencies', 'agencies.id', 'teams.agency_id')
    .leftJoin('users as responder', 'responder.id', 'b.responded_by')
    .select(['b.id', 'b.team_id', 'teams.name as team_name', 'agencies.name as agency_name', 'b.sent_at', 'b.discussion', 'b.responded_at', 'responder.name as responder_name', 'b.version'])
    .where('b.review_id', '=', reviewId)
    .orderBy('teams.name')
    .execute();
}

export interface ReviewValues {
  kind: ReviewKind;
  title: string;
  subject: string;
  notified_on: string | null;
  started_on: string;
  background: string;
  concerns: string;
  incident: string;
  themes: string;
  findings: string;
  implementing_change: string;
}

export async function insertReview(q: Q, v: ReviewValues & { partnership_id: string; source_audit_id: string | null; created_by: string | null; at: Date }): Promise<string> {
  const { at, ...values } = v;
  const row = await q
    .insertInto('learning_reviews')
    .values({ ...values, created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The new version, or null when the stored version is not `version` (someone saved first). */
export async function updateReview(q: Q, partnershipId: string, id: string, version: number, v: Partial<ReviewValues> & Record<string, unknown>, at: Date): Promise<number | null> {
  const row = await q
    .updateTable('learning_reviews')
    .set({ ...v, updated_at: at, version: sql<number>`version + 1` })
    .where('partnership_id', '=', partnershipId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returning('version')
    .executeTakeFirst();
  return row?.version ?? null;
}

export async function replaceRecommendations(q: Q, partnershipId: string, reviewId: string, recs: readonly { text: string; agencyIds: string[] }[]): Promise<void> {
  await q.deleteFrom('review_recommendations').where('review_id', '=', reviewId).execute();
  if (recs.length === 0) return;
  await q
    .insertInto('review_recommendations')
    .values(recs.map((r, i) => ({ partnership_id: partnershipId, review_id: reviewId, position: i + 1, text: r.text, agency_ids: r.agencyIds })))
    .execute();
}

/** Adds teams a briefing is sent to; a team it was already sent to keeps its response. Returns how many were new. */
export async function insertRecipients(q: Q, partnershipId: string, reviewId: string, teamIds: readonly string[], by: string | null, at: Date): Promise<number> {
  const rows = await q
    .insertInto('briefing_recipients')
    .values(teamIds.map((team_id) => ({ partnership_id: partnershipId, review_id: reviewId, team_id, sent_by: by, sent_at: at })))
    .onConflict((oc) => oc.columns(['review_id', 'team_id']).doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

export async function recipientFor(q: Q, reviewId: string, teamId: string) {
  return q.selectFrom('briefing_recipients').selectAll().where('review_id', '=', reviewId).where('team_id', '=', teamId).executeTakeFirst();
}

export async function saveResponse(q: Q, id: string, version: number, discussion: string, by: string | null, at: Date): Promise<boolean> {
  const r = await q
    .updateTable('briefing_recipients')
    .set({ discussion, responded_by: by, responded_at: at, version: sql<number>`version + 1` })
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** How many published briefings each team has been sent and not yet responded to: the teams with any, of every partnership. */
export async function unansweredBriefingsByTeam(q: Q): Promise<Map<string, number>> {
  const rows = await q
    .selectFrom('briefing_recipients as b')
    .innerJoin('learning_reviews as r', 'r.id', 'b.review_id')
    .select(['b.team_id', sql<number>`count(*)::int`.as('n')])
    .where('b.responded_at', 'is', null)
    .where('r.status', '=', 'published')
    .groupBy('b.team_id')
    .execute();
  return new Map(rows.map((r) => [r.team_id, Number(r.n)]));
}

/** The published briefings sent to a team, newest first, with whether it has responded. */
export async function briefingsForTeam(q: Q, partnershipId: string, teamId: string) {
  return q
    .selectFrom('briefing_recipients as b')
    .innerJoin('learning_reviews as r', 'r.id', 'b.review_id')
    .select(['r.id', 'r.title', 'r.kind', 'b.sent_at', 'b.responded_at'])
    .where('b.partnership_id', '=', partnershipId)
    .where('b.team_id', '=', teamId)
    .where('r.status', '=', 'published')
    .orderBy('b.sent_at', 'desc')
    .execute();
}

export interface ActionFilter {
  id?: string | undefined;
  reviewId?: string | undefined;
  teamId?: string | undefined;
  agencyId?: string | undefined;
  level?: ActionLevel | undefined;
  status?: LearningActionStatus | undefined;
  /** Only rows past their date and not done, as at this day. */
  overdueOn?: string | undefined;
}

function actionsQuery(q: Q, partnershipId: string, f: ActionFilter) {
  let query = q
    .selectFrom('learning_actions as a')
    .leftJoin('learning_reviews as r', 'r.id', 'a.review_id')
    .leftJoin('review_recommendations as rec', 'rec.id', 'a.recommendation_id')
    .leftJoin('teams', 'teams.id', 'a.team_id')
    .leftJoin('agencies', 'agencies.id', 'a.agency_id')
    .leftJoin('users as owner', 'owner.id', 'a.owner_user_id')
    .where('a.partnership_id', '=', partnershipId);
  if (f.id) query = query.where('a.id', '=', f.id);
  if (f.reviewId) query = query.where('a.review_id', '=', f.reviewId);
  if (f.teamId) query = query.where('a.team_id', '=', f.teamId);
  if (f.agencyId) query = query.where('a.agency_id', '=', f.agencyId);
  if (f.level) query = query.where('a.level', '=', f.level);
  if (f.status) query = query.where('a.status', '=', f.status);
  if (f.overdueOn) query = query.where('a.status', '!=', 'done').where('a.due_on', '<', f.overdueOn);
  return query;
}

/** Action plan rows by due date: every one matching (up to 2000), or one page (limit and offset). */
export async function listActions(q: Q, partnershipId: string, f: ActionFilter = {}, limit = 2000, offset = 0) {
  return actionsQuery(q, partnershipId, f)
    .selectAll('a')
    .select(['r.title as review_title', 'rec.position as recommendation_position', 'rec.text as recommendation_text', 'teams.name as team_name', 'agencies.name as agency_name', 'owner.name as owner_name'])
    .orderBy('a.due_on')
    .orderBy('a.created_at')
    .orderBy('a.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countActions(q: Q, partnershipId: string, f: ActionFilter = {}): Promise<number> {
  const row = await actionsQuery(q, partnershipId, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
export type ActionRow = Awaited<ReturnType<typeof listActions>>[number];

export async function insertAction(
  q: Q,
  v: Omit<Insertable<LearningActionsTable>, 'created_at' | 'updated_at' | 'status' | 'version' | 'done_evidence' | 'closed_at' | 'closed_by'> & { at: Date },
): Promise<string> {
  const { at, ...values } = v;
  const row = await q.insertInto('learning_actions').values({ ...values, created_at: at, updated_at: at }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updatesOf(q: Q, actionId: string) {
  return q
    .selectFrom('learning_action_updates as u')
    .leftJoin('users', 'users.id', 'u.author_user_id')
    .select(['u.id', 'u.text', 'u.evidence', 'u.created_at', 'users.name as author_name'])
    .where('u.action_id', '=', actionId)
    .orderBy('u.created_at', 'desc')
    .orderBy('u.id')
    .execute();
}

export async function insertUpdate(q: Q, v: { partnership_id: string; action_id: string; author_user_id: string | null; text: string; evidence: string | null; at: Date }): Promise<void> {
  const { at, ...values } = v;
  await q.insertInto('learning_action_updates').values({ ...values, created_at: at }).execute();
}

export async function setActionStatus(q: Q, id: string, set: { status: LearningActionStatus; done_evidence?: string; closed_at?: Date; closed_by?: string | null }, at: Date, version?: number): Promise<boolean> {
  let query = q
    .updateTable('learning_actions')
    .set({ ...set, updated_at: at, version: sql<number>`version + 1` })
    .where('id', '=', id);
  if (version !== undefined) query = query.where('version', '=', version);
  const r = await query.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function groupNames(q: Q, partnershipId: string) {
  const [areas, teams, agencies] = await Promise.all([
    q.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute(),
    q.selectFrom('teams').innerJoin('agencies', 'agencies.id', 'teams.agency_id').select(['teams.id', 'teams.name', 'teams.agency_id', 'agencies.name as agency_name']).where('teams.partnership_id', '=', partnershipId).orderBy('teams.name').execute(),
    q.selectFrom('agencies').select(['id', 'name']).where('partnership_id', '=', partnershipId).orderBy('name').execute(),
  ]);
  return { areas, teams, agencies };
}
