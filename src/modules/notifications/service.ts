/**
 * The standards work queue (/my/standards) and each user's reminder setting (/account/notifications).
 */
import type { Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ForbiddenError } from '../../lib/errors.js';
import { londonDate } from '../../lib/working-days.js';
import { type Digest, withNotifications } from './db.js';
import { type QueueItem, standardsQueue, type UserActor } from './queue.js';

/** Practitioners and managers hold the work, so they get a daily digest unless they choose otherwise. */
export function defaultDigest(role: Role): Digest {
  return role === 'practitioner' || role === 'team-manager' ? 'daily' : 'off';
}

export function userOnly(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new ForbiddenError();
  return actor;
}

export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async queue(actor: Actor): Promise<{ today: string; isManager: boolean; mine: QueueItem[]; team: QueueItem[]; agency: QueueItem[]; overdue: number; due: number }> {
    const user = userOnly(actor);
    const items = await standardsQueue(this.db, user);
    return {
      today: londonDate(this.clock.now()),
      isManager: user.role === 'team-manager' && user.teamId !== null,
      mine: items.filter((i) => i.scopes.includes('mine')),
      team: items.filter((i) => i.scopes.includes('team')),
      agency: items.filter((i) => i.scopes.includes('agency')),
      overdue: items.filter((i) => i.status === 'overdue').length,
      due: items.filter((i) => i.status === 'due').length,
    };
  }

  async digestSetting(actor: Actor): Promise<{ digest: Digest; isDefault: boolean }> {
    const user = userOnly(actor);
    const row = await withNotifications(this.db).selectFrom('notification_settings').select('digest').where('user_id', '=', user.userId).executeTakeFirst();
    return row ? { digest: row.digest, isDefault: false } : { digest: defaultDigest(user.role), isDefault: true };
  }

  async setDigest(actor: Actor, digest: Digest): Promise<void> {
    const user = userOnly(actor);
    const now = this.clock.now();
    await withNotifications(this.db)
      .insertInto('notification_settings')
      .values({ partnership_id: user.partnershipId, user_id: user.userId, digest, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ digest, updated_at: now }))
      .execute();
  }
}
