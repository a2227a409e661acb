/**
 * Queries of the child's voice. Every function takes a child id the caller has already loaded
 * through ChildRecords in the same transaction, and is bounded to the partnership.
 */
import type { Db } from '../../db/database.js';
import type { Trx } from '../cases/record.js';

type Q = Db | Trx;

function entries(db: Q, partnershipId: string, childId: string) {
  return db
    .selectFrom('voice_entries as v')
    .leftJoin('users as author', 'author.id', 'v.created_by')
    .leftJoin('agencies as aa', 'aa.id', 'author.agency_id')
    .leftJoin('users as heard', 'heard.id', 'v.heard_by_user_id')
    .leftJoin('core_group_meetings as m', (j) => j.onRef('m.id', '=', 'v.meeting_id').onRef('m.child_id', '=', 'v.child_id'))
    .leftJoin('conferences as c', (j) => j.onRef('c.id', '=', 'v.conference_id').onRef('c.child_id', '=', 'v.child_id'))
    .selectAll('v')
    .select([
      'author.name as author_name',
      'author.agency_id as author_agency_id',
      'aa.name as author_agency_name',
      'heard.name as heard_by_user_name',
      'm.held_on as meeting_held_on',
      'c.kind as conference_kind',
      'c.scheduled_on as conference_scheduled_on',
      'c.held_on as conference_held_on',
    ])
    .where('v.partnership_id', '=', partnershipId)
    .where('v.child_id', '=', childId);
}

export type VoiceRow = Awaited<ReturnType<ReturnType<typeof entries>['executeTakeFirstOrThrow']>>;

export async function listVoice(db: Q, partnershipId: string, childId: string, filter: { meetingId?: string | undefined; conferenceId?: string | undefined } = {}) {
  let q = entries(db, partnershipId, childId);
  if (filter.meetingId) q = q.where('v.meeting_id', '=', filter.meetingId);
  if (filter.conferenceId) q = q.where('v.conference_id', '=', filter.conferenceId);
  return q.orderBy('v.recorded_on', 'desc').orderBy('v.created_at', 'desc').execute();
}

export async function getVoice(db: Q, partnershipId: string, childId: string, entryId: string) {
  return entries(db, partnershipId, childId).where('v.id', '=', entryId).executeTakeFirst();
}

/** The date of the newest entry, or null. */
export async function latestVoiceDate(db: Q, partnershipId: string, childId: string): Promise<string | null> {
  const r = await db
    .selectFrom('voice_entries')
    .select((eb) => eb.fn.max('recorded_on').as('latest'))
    .where('partnership_id', '=', partnershipId)
    .where('child_id', '=', childId)
    .executeTakeFirst();
  return (r?.latest as string | null | undefined) ?? null;
}

/** The meetings and conferences of this child that an entry can be linked to. */
export async function linkTargets(db: Q, partnershipId: string, childId: string) {
  const [meetings, conferences] = await Promise.all([
    db.selectFrom('core_group_meetings').select(['id', 'held_on', 'status']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('held_on', 'desc').execute(),
    db.selectFrom('conferences').select(['id', 'kind', 'scheduled_on', 'held_on', 'status']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('scheduled_on', 'desc').execute(),
  ]);
  return { meetings, conferences };
}

export interface VoiceValues {
  kind: 'said' | 'observation' | 'submission' | 'advocate';
  recorded_on: string;
  content: string;
  how: string | null;
  heard_by_user_id: string | null;
  heard_by_name: string | null;
  seen_alone: boolean | null;
  meeting_id: string | null;
  conference_id: string | null;
}

export async function insertVoice(db: Q, row: VoiceValues & { partnership_id: string; child_id: string; created_by: string | null }): Promise<string> {
  const r = await db.insertInto('voice_entries').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

