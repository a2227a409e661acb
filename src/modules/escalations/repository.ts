/**
 * Queries of escalations. Queries of one child's escalations take a child id the caller has
 * already loaded through ChildRecords in the same transaction; the list across children is
 * bounded by visibleChildren, so it only ever returns what the actor may see.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Actor } from '../../lib/actor.js';
import { visibleChildren } from '../cases/access.js';
import type { Trx } from '../cases/record.js';

type Q = Db | Trx;

function escalations(db: Q, partnershipId: string) {
  return db
    .selectFrom('escalations as e')
    .innerJoin('agencies as raised', 'raised.id', 'e.raised_by_agency_id')
    .innerJoin('agencies as about', 'about.id', 'e.about_agency_id')
    .leftJoin('users as u', 'u.id', 'e.created_by')
    .selectAll('e')
    .select(['raised.name as raised_by_agency_name', 'about.name as about_agency_name', 'u.name as raised_by_name'])
    .where('e.partnership_id', '=', partnershipId);
}

export type EscalationRow = Awaited<ReturnType<ReturnType<typeof escalations>['executeTakeFirstOrThrow']>>;

export async function listForChild(db: Q, partnershipId: string, childId: string) {
  return escalations(db, partnershipId).where('e.child_id', '=', childId).orderBy('e.status').orderBy('e.response_due_on').orderBy('e.created_at', 'desc').execute();
}

export async function getEscalation(db: Q, partnershipId: string, childId: string, escalationId: string) {
  return escalations(db, partnershipId).where('e.child_id', '=', childId).where('e.id', '=', escalationId).executeTakeFirst();
}

export async function events(db: Q, partnershipId: string, escalationId: string) {
  return db
    .selectFrom('escalation_events as ev')
    .leftJoin('users as u', 'u.id', 'ev.created_by')
    .leftJoin('agencies as a', 'a.id', 'u.agency_id')
    .selectAll('ev')
    .select(['u.name as user_name', 'a.name as agency_name'])
    .where('ev.partnership_id', '=', partnershipId)
    .where('ev.escalation_id', '=', escalationId)
    .orderBy('ev.created_at')
    .orderBy('ev.stage')
    // Within a stage: it starts (raised or escalated), responses follow, then it closes.
    .orderBy(sql`case ev.kind when 'raised' then 0 when 'escalated' then 0 when 'response' then 1 else 2 end`)
    .execute();
}

export async function addEvent(db: Q, row: { partnershipId: string; escalationId: string; stage: number; kind: 'raised' | 'response' | 'escalated' | 'resolved' | 'withdrawn'; note: string; createdBy: string | null; at: Date }) {
  await db
    .insertInto('escalation_events')
    .values({ partnership_id: row.partnershipId, escalation_id: row.escalationId, stage: row.stage, kind: row.kind, note: row.note, created_by: row.createdBy, created_at: row.at })
    .execute();
}

export async function insertEscalation(
  db: Q,
  row: { partnershipId: string; childId: string; raisedByAgencyId: string; aboutAgencyId: string; concern: string; desiredOutcome: string; stageStartedOn: string; responseDueOn: string; createdBy: string | null },
): Promise<string> {
  const r = await db
    .insertInto('escalations')
    .values({
      partnership_id: row.partnershipId,
      child_id: row.childId,
      raised_by_agency_id: row.raisedByAgencyId,
      about_agency_id: row.aboutAgencyId,
      concern: row.concern,
      desired_outcome: row.desiredOutcome,
      stage: 1,
      stage_started_on: row.stageStartedOn,
      response_due_on: row.responseDueOn,
      created_by: row.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** Open escalations about the children the actor may see, soonest deadline first. */
export async function openAcrossVisibleChildren(db: Q, actor: Actor, limit = 500) {
  return escalations(db, actor.partnershipId)
    .innerJoin('children', 'children.id', 'e.child_id')
    .where(visibleChildren(actor))
    .where('e.status', '=', 'open')
    .select(['children.first_name', 'children.last_name', 'children.la_child_id'])
    .orderBy('e.response_due_on')
    .orderBy('children.last_name')
    .limit(limit)
    .execute();
}

/** The filters of the escalations list across children. */
export interface EscalationFilter {
  status?: 'open' | 'resolved' | 'withdrawn' | undefined;
  aboutAgencyId?: string | undefined;
  raisedByAgencyId?: string | undefined;
  stage?: number | undefined;
  /** Open ones whose response was due before this day. */
  dueBefore?: string | undefined;
}

/** One page of the escalations about the children the actor may see (open: soonest deadline first; others newest first), and how many match. */
export async function pageAcrossVisibleChildren(db: Q, actor: Actor, f: EscalationFilter & { limit: number; offset: number }) {
  let q = escalations(db, actor.partnershipId).innerJoin('children', 'children.id', 'e.child_id').where(visibleChildren(actor));
  if (f.status) q = q.where('e.status', '=', f.status);
  if (f.aboutAgencyId) q = q.where('e.about_agency_id', '=', f.aboutAgencyId);
  if (f.raisedByAgencyId) q = q.where('e.raised_by_agency_id', '=', f.raisedByAgencyId);
  if (f.stage !== undefined) q = q.where('e.stage', '=', f.stage);
  if (f.dueBefore) q = q.where('e.status', '=', 'open').where('e.response_due_on', '<', f.dueBefore);
  const [rows, count] = await Promise.all([
    q
      .select(['children.first_name', 'children.last_name', 'children.la_child_id'])
      .orderBy(sql`case when e.status = 'open' then 0 else 1 end`)
      .orderBy(sql`case when e.status = 'open' then e.response_due_on end`)
      .orderBy('e.created_at', 'desc')
      .orderBy('e.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function partnershipAgencies(db: Q, partnershipId: string) {
  return db.selectFrom('agencies').select(['id', 'name', 'type']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}
