/**
 * Every read or change of a child's record runs here: in one transaction, the actor's access to
 * the child is loaded (404 if it is not theirs to see), the work is done, and the access-log row is
 * written in the same transaction. A change that fails writes nothing, log included.
 */
import { sql, type Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import { retryingTransaction } from '../../db/retry.js';
import type { Database } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, DomainError } from '../../lib/errors.js';
import { londonDate } from '../../lib/working-days.js';
import type { AccessLogService, AccessRecord } from '../access-log/service.js';
import { type ChildAccess, loadChildAccess } from './access.js';

export type Trx = Transaction<Database>;

/**
 * A child's lock (an advisory lock held until the transaction ends, in a key space of its own): whoever
 * holds it is the only one evaluating the child's practice standards and storing the results. Every change
 * to a child's record takes it before anything else (ChildRecords.change), so two changes to one child run
 * one after the other and the second evaluates facts that include the first; a view or the batch recompute
 * only try it, and store nothing for a child someone else holds (the batch comes back to it, waiting). The key is
 * the id in lower case, however it was written.
 */
const CHILD_LOCKS = 1;
export async function lockChild(q: Db | Trx, childId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${CHILD_LOCKS}::int, hashtext(lower(${childId})))`.execute(q);
}

/** The children of `ids` whose lock this transaction now holds (the others are held by other transactions). */
export async function tryLockChildren(q: Db | Trx, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  // Tried, never waited for: in whatever order, no transaction can wait on another through them
  const rows = await sql<{ id: string }>`select id from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as t(id)
    where pg_try_advisory_xact_lock(${CHILD_LOCKS}::int, hashtext(lower(id)))`.execute(q);
  return new Set(rows.rows.map((r) => r.id));
}

export interface RecordScope {
  trx: Trx;
  access: ChildAccess;
  /** Today's date in England, from the injected clock. */
  today: string;
  now: Date;
  log(rec: Omit<AccessRecord, 'subjectId'>): Promise<void>;
}

export class ChildRecords {
  constructor(
    readonly db: Db,
    readonly clock: Clock,
    private readonly accessLog: AccessLogService,
    /** Runs at the end of every change to a child's record, in the same transaction (practice standards re-evaluate the child). */
    private readonly afterChange?: (trx: Trx, childId: string) => Promise<void>,
  ) {}

  /**
   * Lock order: a change takes the child's lock (lockChild) first, before it reads anything of the child;
   * the access-log rows, which serialise on the partnership's hash chain, are written last, just
   * before the commit, after the child's standards are stored. So two of these transactions never wait on
   * each other in opposite orders, and the partnership-wide chain is held only for the append and the commit,
   * not while the record is read or evaluated. Imports and anonymising take them in the same order (children's
   * rows, then the chain at their end). Should the database still end a change or view to break a deadlock, it
   * runs again, whole (retryingTransaction).
   */
  private async run<T>(actor: Actor, given: string, fallback: Omit<AccessRecord, 'subjectId'>, fn: (s: RecordScope) => Promise<T>, after?: (trx: Trx, childId: string) => Promise<void>): Promise<T> {
    // The id as the database writes it (a UUID in lower case), whatever case the address gave it in: the child's
    // lock and its re-evaluation are keyed by it
    const childId = given.toLowerCase();
    // Run again, whole, should the database end it to break a deadlock (src/db/retry.ts)
    return retryingTransaction(() => this.runOnce(actor, childId, fallback, fn, after));
  }

  private async runOnce<T>(actor: Actor, childId: string, fallback: Omit<AccessRecord, 'subjectId'>, fn: (s: RecordScope) => Promise<T>, after?: (trx: Trx, childId: string) => Promise<void>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      // A change holds the child's lock from the start, so what it reads of the child (whether it was anonymised
      // meanwhile, say) is as the change before it left it
      if (after) await lockChild(trx, childId);
      const access = await loadChildAccess(trx, actor, childId);
      // An anonymised record (retention) is read-only: nothing identifying can be written back into it
      if (after && access.child.anonymised_at) throw new DomainError('This record was anonymised under the partnership’s retention rule: it cannot be changed', 'anonymised', 409);
      const pending: AccessRecord[] = [];
      const now = this.clock.now();
      const scope: RecordScope = {
        trx,
        access,
        now,
        today: londonDate(now),
        log: async (rec) => {
          pending.push({ ...rec, subjectId: childId });
        },
      };
      const result = await fn(scope);
      if (pending.length === 0) await scope.log(fallback);
      await after?.(trx, childId);
      await this.accessLog.recordMany(trx, actor, pending);
      return result;
    });
  }

  /** A view of (part of) the record, access-logged. */
  read<T>(actor: Actor, childId: string, recordType: string, fn: (s: RecordScope) => Promise<T>, recordId = childId): Promise<T> {
    return this.run(actor, childId, { action: 'view', recordType, recordId }, fn);
  }

  /**
   * Whether the actor may do something to the child's record, before the input is even read
   * (so a person without permission gets 403, whatever they sent). Reads nothing of the record
   * for the person, so it is not logged; 404 when the child is not theirs to see.
   */
  async permits(actor: Actor, childId: string, rule: (access: ChildAccess) => boolean | Promise<boolean>): Promise<boolean> {
    const access = await loadChildAccess(this.db, actor, childId);
    return rule(access);
  }

  /** 404 unless the actor may see the child: the gate a request passes before anything else. */
  async assertVisible(actor: Actor, childId: string): Promise<void> {
    await loadChildAccess(this.db, actor, childId);
  }

  /**
   * Children read out of Assure as a file (an export): `read` returns the rows, already bounded by
   * what the actor may see; every child in it gets an access-log row in the same transaction.
   */
  exportList<T extends { id: string }>(actor: Actor, recordType: string, read: (trx: Trx) => Promise<T[]>, details: Record<string, unknown> = {}): Promise<T[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await read(trx);
      const ids = [...new Set(rows.map((r) => r.id))];
      await this.accessLog.recordMany(trx, actor, ids.map((id) => ({ action: 'export', recordType, recordId: id, subjectId: id, details: { ...details, rows: rows.length } })));
      return rows;
    });
  }

  /** A new child's record: `insert` returns the child's id; its creation is the first access-log row about the child. */
  create(actor: Actor, insert: (trx: Trx) => Promise<string>): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const childId = await insert(trx);
      await this.afterChange?.(trx, childId);
      await this.accessLog.record(trx, actor, { action: 'create', recordType: 'child', recordId: childId, subjectId: childId });
      return childId;
    });
  }

  /** A change to the record; `fn` logs what it changed (or a generic update of the child is logged). */
  change<T>(actor: Actor, childId: string, fn: (s: RecordScope) => Promise<T>): Promise<T> {
    return this.run(actor, childId, { action: 'update', recordType: 'child', recordId: childId.toLowerCase() }, fn, async (trx, id) => {
      await this.afterChange?.(trx, id);
    });
  }
}

type VersionedTable = 's47_enquiries' | 'voice_entries' | 'children' | 'family_members' | 'conferences' | 'core_group_meetings' | 'plan_actions' | 'plan_outcomes' | 'escalations' | 'case_entries' | 'core_group_members' | 'cp_plans';

/**
 * Updates one row only if it is still at the version the person read; otherwise a ConflictError
 * carrying the saved row and the submitted values, so nothing is silently overwritten.
 */
export async function updateVersioned<R extends Record<string, unknown>>(
  trx: Trx,
  table: VersionedTable,
  where: { id: string; partnershipId: string; version: number },
  values: Record<string, unknown>,
  what = 'record',
): Promise<R> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const t = trx as any;
  const row = await t
    .updateTable(table)
    .set({ ...values, version: where.version + 1, updated_at: new Date() })
    .where('id', '=', where.id)
    .where('partnership_id', '=', where.partnershipId)
    .where('version', '=', where.version)
    .returningAll()
    .executeTakeFirst();
  if (row) return row as R;
  const current = await t.selectFrom(table).selectAll().where('id', '=', where.id).where('partnership_id', '=', where.partnershipId).executeTakeFirst();
  throw new ConflictError(`Someone else changed this ${what} while you were editing it`, current ?? null, { ...values, version: where.version });
}
