/**
 * Queries of case entries. Every function takes a child id the caller has already loaded through
 * ChildRecords (so the actor may see it) in the same transaction, and is bounded to the partnership.
 */
import type { Db } from '../../db/database.js';
import type { Trx } from '../cases/record.js';

type Q = Db | Trx;

export interface EntryRow {
  id: string;
  child_id: string;
  kind: string;
  occurred_on: string;
  due_on: string | null;
  data: Record<string, unknown>;
  author_agency_id: string | null;
  author_agency_name: string | null;
  created_by: string | null;
  author_name: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

function entries(db: Q, partnershipId: string, childId: string) {
  return db
    .selectFrom('case_entries as e')
    .leftJoin('agencies as a', 'a.id', 'e.author_agency_id')
    .leftJoin('users as u', 'u.id', 'e.created_by')
    .select([
      'e.id',
      'e.child_id',
      'e.kind',
      'e.occurred_on',
      'e.due_on',
      'e.data',
      'e.author_agency_id',
      'a.name as author_agency_name',
      'e.created_by',
      'u.name as author_name',
      'e.created_at',
      'e.updated_at',
      'e.version',
    ])
    .where('e.partnership_id', '=', partnershipId)
    .where('e.child_id', '=', childId);
}

export async function listEntries(db: Q, partnershipId: string, childId: string, kind?: string): Promise<EntryRow[]> {
  let q = entries(db, partnershipId, childId);
  if (kind) q = q.where('e.kind', '=', kind);
  return (await q.orderBy('e.occurred_on', 'desc').orderBy('e.created_at', 'desc').execute()) as EntryRow[];
}

export async function getEntry(db: Q, partnershipId: string, childId: string, entryId: string): Promise<EntryRow | undefined> {
  return (await entries(db, partnershipId, childId).where('e.id', '=', entryId).executeTakeFirst()) as EntryRow | undefined;
}

export async function insertEntry(
  db: Q,
  row: { partnershipId: string; childId: string; kind: string; occurredOn: string; dueOn: string | null; data: Record<string, unknown>; authorAgencyId: string | null; createdBy: string | null },
): Promise<string> {
  const r = await db
    .insertInto('case_entries')
    .values({
      partnership_id: row.partnershipId,
      child_id: row.childId,
      kind: row.kind,
      occurred_on: row.occurredOn,
      due_on: row.dueOn,
      data: JSON.stringify(row.data),
      author_agency_id: row.authorAgencyId,
      created_by: row.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function partnershipAgencies(db: Q, partnershipId: string) {
  return db.selectFrom('agencies').select(['id', 'name', 'type']).where('partnership_id', '=', partnershipId).orderBy('name').execute();
}
