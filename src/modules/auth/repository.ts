import type { Db } from '../../db/database.js';
import type { ApiToken, Partnership, SessionsTable, SignInMethod, User } from '../../db/schema.js';
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

export async function insertSession(
  db: Db,
  s: { id_hash: string; partnership_id: string; user_id: string; second_factor_pending: boolean; expires_at: Date; user_agent: string | null; sign_in_method: SignInMethod; now: Date },
) {
  await db
    .insertInto('sessions')
    .values({
      id_hash: s.id_hash,
      partnership_id: s.partnership_id,
      user_id: s.user_id,
      second_factor_pending: s.second_factor_pending,
      expires_at: s.expires_at,
      user_agent: s.user_agent,
      sign_in_method: s.sign_in_method,
      created_at: s.now,
      last_seen_at: s.now,
    })
    .execute();
}

/** The session, its user and partnership in one round trip (this runs on every page request). */
export async function findSession(db: Db, idHash: string): Promise<{ session: Session; user: User; partnership: Partnership } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('partnerships', 'partnerships.id', 'users.partnership_id')
    .selectAll('users')
    .select([
      'sessions.id_hash as s_id_hash',
      'sessions.partnership_id as s_partnership_id',
      'sessions.user_id as s_user_id',
      'sessions.second_factor_pending as s_second_factor_pending',
      'sessions.created_at as s_created_at',
      'sessions.last_seen_at as s_last_seen_at',
      'sessions.expires_at as s_expires_at',
      'sessions.user_agent as s_user_agent',
      'sessions.sign_in_method as s_sign_in_method',
      'partnerships.code as p_code',
      'partnerships.name as p_name',
      'partnerships.is_demo as p_is_demo',
      'partnerships.created_at as p_created_at',
      'partnerships.updated_at as p_updated_at',
      'partnerships.version as p_version',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { s_id_hash, s_partnership_id, s_user_id, s_second_factor_pending, s_created_at, s_last_seen_at, s_expires_at, s_user_agent, s_sign_in_method, p_code, p_name, p_is_demo, p_created_at, p_updated_at, p_version, ...user } = row;
  return {
    session: {
      id_hash: s_id_hash,
      partnership_id: s_partnership_id,
      user_id: s_user_id,
      second_factor_pending: s_second_factor_pending,
      created_at: s_created_at,
      last_seen_at: s_last_seen_at,
      expires_at: s_expires_at,
      user_agent: s_user_agent,
      sign_in_method: s_sign_in_method,
    },
    user,
    partnership: { id: user.partnership_id, code: p_code, name: p_name, is_demo: p_is_demo, created_at: p_created_at, updated_at: p_updated_at, version: p_version },
  };
}

/** A token's row with its user and partnership, in one round trip. */
export async function findTokenWithUser(db: Db, hash: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .innerJoin('partnerships', 'partnerships.id', 'users.partnership_id')
    .selectAll('users')
    .select([
      'api_tokens.id as t_id',
      'api_tokens.expires_at as t_expires_at',
      'api_tokens.revoked_at as t_revoked_at',
      'api_tokens.last_used_at as t_last_used_at',
      'partnerships.code as p_code',
      'partnerships.name as p_name',
    ])
    .where('api_tokens.token_hash', '=', hash)
    .executeTakeFirst();
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
