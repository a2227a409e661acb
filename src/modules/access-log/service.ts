import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { type Actor, actorLabel } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ForbiddenError } from '../../lib/errors.js';
import { hasRole } from '../../lib/actor.js';
import { appendAccess, searchAccessLog, type AccessLogQuery } from './repository.js';

export type AccessAction = 'view' | 'create' | 'update' | 'delete' | 'list' | 'export';

export interface AccessRecord {
  action: AccessAction | string;
  recordType: string;
  recordId: string;
  subjectId?: string | null;
  details?: Record<string, unknown>;
}

export class AccessLogService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Write one access-log row inside the caller's transaction. */
  async record(trx: Transaction<Database>, actor: Actor, rec: AccessRecord): Promise<void> {
    await this.recordMany(trx, actor, [rec]);
  }

  /** Write access-log rows, in order, inside the caller's transaction (one chain read, few statements). */
  async recordMany(trx: Transaction<Database>, actor: Actor, recs: AccessRecord[]): Promise<void> {
    const at = this.clock.now();
    await appendAccess(
      trx,
      recs.map((rec) => ({
        partnershipId: actor.partnershipId,
        at,
        userId: actor.kind === 'user' ? actor.userId : null,
        actor: actorLabel(actor),
        action: rec.action,
        recordType: rec.recordType,
        recordId: rec.recordId,
        subjectId: rec.subjectId ?? null,
        requestId: actor.requestId ?? null,
        details: rec.details ?? {},
      })),
    );
  }

  /** "Who looked at this record?" For QA leads and partnership admins only. */
  async search(actor: Actor, q: Omit<AccessLogQuery, 'partnershipId'>) {
    if (!hasRole(actor, 'qa-lead', 'partnership-admin')) throw new ForbiddenError();
    return searchAccessLog(this.db, { ...q, partnershipId: actor.partnershipId });
  }
}
