import type { Db } from '../../db/database.js';
import type { ApiToken, Partnership, SessionsTable, User } from '../../db/schema.js';
import type { Selectable } from 'kysely';

export type Session = Selectable<SessionsTable>;

export async function getThrottle(db: Db, emailHash: string) {
  return db.selectFrom('sign_in_throttle').selectAll().where('email_hash', '=', emailHash).executeTakeFirst();
}

export async function saveThrottle(
  db: Db,
  row: { email_hash: string; partnership_id: string | null; failures: number; window_started_at: Date; locked_until: Date | null },
) {
  await db
    .insertInto('sign_in_throttle')
    .values(row)
    .onConflict((oc) =>
      oc.column('email_hash').doUpdateSet({
        failures: row.failures,
        window_started_at: row.window_started_at,
        locked_until: row.locked_until,
        partnership_id: row.partnership_id,
      }),
    )
    .execute();
}

export async function clearThrottle(db: Db, emailHash: string) {
  await db.deleteFrom('sign_in_throttle').where('email_hash', '=', emailHash).execute();
}

export async function insertSession(db: Db, s: { id_hash: string; partnership_id: string; user_id: string; second_factor_pending: boolean; expires_at: Date; user_agent: string | null; now: Date }) {
  await db
    .insertInto('sessions')
    .values({
      id_hash: s.id_hash,
      partnership_id: s.partnership_id,
      user_id: s.user_id,
      second_factor_pending: s.second_factor_pending,
      expires_at: s.expires_at,
      user_agent: s.user_agent,
      created_at: s.now,
      last_seen_at: s.now,
    })
    .execute();
}

export async function findSession(db: Db, idHash: string): Promise<{ session: Session; user: User; partnership: Partnership } | undefined> {
  const session = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!session) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  if (!user) return undefined;
  const partnership = await db.selectFrom('partnerships').selectAll().where('id', '=', user.partnership_id).executeTakeFirstOrThrow();
  return { session, user, partnership };
}

export async function touchSession(db: Db, idHash: string, at: Date) {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string) {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteUserSessions(db: Db, userId: string, exceptIdHash?: string) {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
  await q.execute();
}

export async function deleteExpiredSessions(db: Db, now: Date, idleBefore: Date) {
  await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleBefore)]))
    .execute();
}

export async function insertToken(db: Db, t: { partnership_id: string; user_id: string; name: string; token_hash: string; prefix: string; expires_at: Date; created_at: Date }): Promise<ApiToken> {
  return db.insertInto('api_tokens').values(t).returningAll().executeTakeFirstOrThrow();
}

export async function findTokenByHash(db: Db, hash: string) {
  return db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
}

export async function listTokens(db: Db, partnershipId: string, userId: string) {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeToken(db: Db, partnershipId: string, userId: string, id: string, at: Date) {
  return db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('partnership_id', '=', partnershipId)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function markTokenUsed(db: Db, id: string, at: Date) {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function setUserSecurity(db: Db, userId: string, v: { password_hash?: string; totp_secret?: string | null; totp_enabled_at?: Date | null; last_sign_in_at?: Date }) {
  await db
    .updateTable('users')
    .set({ ...v, updated_at: new Date() })
    .where('id', '=', userId)
    .execute();
}
