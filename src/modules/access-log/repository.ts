import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AccessLogRow, Database } from '../../db/schema.js';
import { sha256 } from '../../lib/tokens.js';

export interface AccessEntry {
  partnershipId: string;
  at: Date;
  userId: string | null;
  actor: string;
  action: string;
  recordType: string;
  recordId: string;
  subjectId?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so the hash survives jsonb's own key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields a row's hash covers, in the order canonicalJson puts them (sorted). */
const HASHED = ['action', 'actor', 'at', 'details', 'partnership_id', 'record_id', 'record_type', 'request_id', 'subject_id', 'user_id'] as const;

/**
 * sha256 of the previous hash and the canonical JSON of the row's fields: the same text as canonicalJson of an
 * object of those fields (the time as ISO 8601), written field by field without building that object, since an
 * import hashes tens of thousands of rows in a go.
 */
export function rowHash(prevHash: string, row: Omit<AccessLogRow, 'id' | 'hash' | 'prev_hash'>): string {
  const parts: string[] = [];
  for (const key of HASHED) {
    const v = key === 'at' ? new Date(row.at).toISOString() : row[key];
    if (v !== undefined) parts.push(`"${key}":${key === 'details' ? canonicalJson(v) : JSON.stringify(v ?? null)}`);
  }
  return sha256(`${prevHash}{${parts.join(',')}}`);
}

/**
 * Holds one partnership's chain until the transaction ends (re-entrant within it). A transaction that writes
 * children's records takes it after their rows, at its end; whatever else it locks for the partnership as a
 * whole it locks after this, so that two such transactions always take their locks in the same order (the
 * records version: standards/repository.ts; a trigger of migration 021, deferred to the commit, takes the same
 * lock by the same key).
 */
export async function lockChain(q: Db | Transaction<Database>, partnershipId: string): Promise<void> {
  await sql`select ${chainLock(partnershipId)}`.execute(q);
}

/** The expression that takes the chain's lock, for a statement that must take it before what it writes. */
export const chainLock = (partnershipId: string) => sql<void>`pg_advisory_xact_lock(hashtext(${'access_log:' + partnershipId}))`;

/**
 * Appends rows to one partnership's chain, in order. Must run inside the transaction that reads or
 * changes the records, so the log and the change commit together or not at all.
 */
export async function appendAccess(trx: Transaction<Database>, entries: AccessEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const partnershipId = entries[0]!.partnershipId;
  if (entries.some((e) => e.partnershipId !== partnershipId)) throw new Error('One append writes one partnership’s chain');
  // Serialise writers of one partnership's chain until this transaction ends.
  await lockChain(trx, partnershipId);
  const last = await trx
    .selectFrom('access_log')
    .select('hash')
    .where('partnership_id', '=', partnershipId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let prev = last?.hash ?? GENESIS;
  // A slice at a time, each row sent as a JSON array of its values (an import appends tens of thousands of rows:
  // never all built at once, and no field names or previous hash repeated on every row, the previous hash being the
  // row before's); the rows take their ids in the document's order, which is the chain's
  for (let i = 0; i < entries.length; i += 500) {
    const first = prev;
    const doc = JSON.stringify(
      entries.slice(i, i + 500).map((e) => {
        const row = {
          partnership_id: partnershipId,
          at: e.at,
          user_id: e.userId,
          actor: e.actor,
          action: e.action,
          record_type: e.recordType,
          record_id: e.recordId,
          subject_id: e.subjectId ?? null,
          request_id: e.requestId ?? null,
          details: e.details ?? {},
        };
        prev = rowHash(prev, row);
        return [row.at.toISOString(), row.user_id, row.actor, row.action, row.record_type, row.record_id, row.subject_id, row.request_id, row.details, prev];
      }),
    );
    await sql`insert into access_log (partnership_id, at, user_id, actor, action, record_type, record_id, subject_id, request_id, details, prev_hash, hash)
      select ${partnershipId}::uuid, (e->>0)::timestamptz, (e->>1)::uuid, e->>2, e->>3, e->>4, e->>5, e->>6, e->>7, e->8,
        coalesce(lag(e->>9) over (order by n), ${first}), e->>9
      from jsonb_array_elements(${doc}::jsonb) with ordinality as r(e, n) order by n`.execute(trx);
  }
}

export interface AccessLogQuery {
  partnershipId: string;
  recordType?: string | undefined;
  recordId?: string | undefined;
  subjectId?: string | undefined;
  userId?: string | undefined;
  action?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  offset: number;
}

export async function searchAccessLog(db: Db, q: AccessLogQuery): Promise<{ rows: (AccessLogRow & { user_name: string | null })[]; total: number }> {
  let base = db.selectFrom('access_log').where('access_log.partnership_id', '=', q.partnershipId);
  if (q.recordType) base = base.where('access_log.record_type', '=', q.recordType);
  if (q.recordId) base = base.where('access_log.record_id', '=', q.recordId);
  if (q.subjectId) base = base.where('access_log.subject_id', '=', q.subjectId);
  if (q.userId) base = base.where('access_log.user_id', '=', q.userId);
  if (q.action) base = base.where('access_log.action', '=', q.action);
  if (q.from) base = base.where('access_log.at', '>=', q.from);
  if (q.to) base = base.where('access_log.at', '<', q.to);
  const [rows, count] = await Promise.all([
    base
      .leftJoin('users', 'users.id', 'access_log.user_id')
      .selectAll('access_log')
      .select('users.name as user_name')
      .orderBy('access_log.id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export interface ChainBreak {
  partnershipId: string;
  id: number;
  reason: string;
}

/**
 * Walks every partnership's chain in order. An edited row no longer matches its hash; a
 * removed row leaves the next row pointing at a hash that is not its predecessor's.
 */
export async function verifyChain(db: Db, batch = 2000): Promise<{ checked: number; broken: ChainBreak | null }> {
  const partnerships = await db.selectFrom('access_log').select('partnership_id').distinct().execute();
  let checked = 0;
  for (const { partnership_id } of partnerships) {
    let prev = GENESIS;
    let afterId = 0;
    for (;;) {
      const rows = await db
        .selectFrom('access_log')
        .selectAll()
        .where('partnership_id', '=', partnership_id)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(batch)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        checked++;
        if (row.prev_hash !== prev) {
          return {
            checked,
            broken: { partnershipId: partnership_id, id: Number(row.id), reason: 'the row before it was removed or replaced (its previous-hash link does not match)' },
          };
        }
        if (rowHash(row.prev_hash, row) !== row.hash) {
          return { checked, broken: { partnershipId: partnership_id, id: Number(row.id), reason: 'the row was altered after it was written (its contents do not match its hash)' } };
        }
        prev = row.hash;
        afterId = Number(row.id);
      }
    }
  }
  return { checked, broken: null };
}
