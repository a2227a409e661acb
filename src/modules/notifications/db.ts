/**
 * The reminder tables (migration 006), typed here so the shared schema file is untouched:
 * `withNotifications(db)` is the same connection, seen with these tables too.
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

export const DIGESTS = ['off', 'daily', 'weekly'] as const;
export type Digest = (typeof DIGESTS)[number];

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface NotificationSettingsTable {
  partnership_id: string;
  user_id: string;
  digest: Digest;
  updated_at: Timestamp;
}

export interface NotificationLogTable {
  id: Generated<string>;
  partnership_id: string;
  user_id: string;
  sent_at: Timestamp;
  items: number;
  kind: 'daily' | 'weekly';
}

export interface NotificationsDatabase extends Database {
  notification_settings: NotificationSettingsTable;
  notification_log: NotificationLogTable;
}

export type NDb = Kysely<NotificationsDatabase>;

export function withNotifications(db: Db | Transaction<Database>): NDb {
  return db as unknown as NDb;
}
