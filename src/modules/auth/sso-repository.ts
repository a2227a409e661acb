/**
 * Single sign-on rows: a partnership's provider settings, the links between users and provider
 * subjects, and the sign-ins in progress. Every query names its partnership.
 */
import type { Db } from '../../db/database.js';

type Executor = Db;
import type { SsoMatchBy, SsoSettings, User } from '../../db/schema.js';

export async function getSettings(db: Executor, partnershipId: string): Promise<SsoSettings | undefined> {
  return db.selectFrom('sso_settings').selectAll().where('partnership_id', '=', partnershipId).executeTakeFirst();
}

/** Settings and partnership by the partnership's code, for a sign-in that has no user yet. */
export async function findByPartnershipCode(db: Executor, code: string) {
  return db
    .selectFrom('partnerships')
    .leftJoin('sso_settings', 'sso_settings.partnership_id', 'partnerships.id')
    .select(['partnerships.id as partnership_id', 'partnerships.code', 'partnerships.name', 'sso_settings.enabled', 'sso_settings.issuer_url', 'sso_settings.client_id', 'sso_settings.client_secret_env', 'sso_settings.match_by', 'sso_settings.version'])
    .where('partnerships.code', '=', code)
    .executeTakeFirst();
}

/** The partnerships whose people may sign in through their provider: the sign-in page offers each. */
export async function listEnabled(db: Executor): Promise<{ code: string; name: string }[]> {
  return db
    .selectFrom('sso_settings')
    .innerJoin('partnerships', 'partnerships.id', 'sso_settings.partnership_id')
    .select(['partnerships.code', 'partnerships.name'])
    .where('sso_settings.enabled', '=', true)
    .orderBy('partnerships.name')
    .execute();
}

export async function passwordSignInAllowed(db: Executor, partnershipId: string): Promise<boolean> {
  const row = await db.selectFrom('sso_settings').select(['password_sign_in', 'enabled']).where('partnership_id', '=', partnershipId).executeTakeFirst();
  // Password sign-in is off only while single sign-on itself is on: never neither
  return !row || row.password_sign_in || !row.enabled;
}

export interface SettingsValues {
  enabled: boolean;
  issuerUrl: string;
  clientId: string;
  clientSecretEnv: string | null;
  matchBy: SsoMatchBy;
  passwordSignIn: boolean;
}

export async function saveSettings(db: Executor, partnershipId: string, v: SettingsValues, by: string | null, at: Date): Promise<SsoSettings> {
  const values = {
    enabled: v.enabled,
    issuer_url: v.issuerUrl,
    client_id: v.clientId,
    client_secret_env: v.clientSecretEnv,
    match_by: v.matchBy,
    password_sign_in: v.passwordSignIn,
    updated_by: by,
    updated_at: at,
  };
  return db
    .insertInto('sso_settings')
    .values({ partnership_id: partnershipId, ...values })
    .onConflict((oc) => oc.column('partnership_id').doUpdateSet((eb) => ({ ...values, version: eb('sso_settings.version', '+', 1) })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Break-glass: password sign-in back on for a partnership (the CLI). */
export async function allowPasswords(db: Executor, partnershipId: string, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('sso_settings')
    .set((eb) => ({ password_sign_in: true, updated_at: at, updated_by: null, version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

// Links between users and provider subjects

export async function findUserBySubject(db: Executor, partnershipId: string, issuerUrl: string, subject: string): Promise<(User & { identity_id: string }) | undefined> {
  return db
    .selectFrom('sso_identities')
    .innerJoin('users', 'users.id', 'sso_identities.user_id')
    .selectAll('users')
    .select('sso_identities.id as identity_id')
    .where('sso_identities.partnership_id', '=', partnershipId)
    .where('users.partnership_id', '=', partnershipId)
    .where('sso_identities.issuer_url', '=', issuerUrl)
    .where('sso_identities.subject', '=', subject)
    .executeTakeFirst();
}

export async function findUserByEmail(db: Executor, partnershipId: string, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export async function listIdentities(db: Executor, partnershipId: string) {
  return db
    .selectFrom('sso_identities')
    .innerJoin('users', 'users.id', 'sso_identities.user_id')
    .select(['sso_identities.id', 'sso_identities.issuer_url', 'sso_identities.subject', 'sso_identities.created_at', 'sso_identities.last_used_at', 'users.id as user_id', 'users.name as user_name', 'users.email as user_email'])
    .where('sso_identities.partnership_id', '=', partnershipId)
    .orderBy('users.name')
    .execute();
}

/** Links (or re-links) a user to a subject at a provider; one subject per user per provider. */
export async function linkIdentity(db: Executor, v: { partnershipId: string; userId: string; issuerUrl: string; subject: string; at: Date; used: boolean }) {
  await db
    .insertInto('sso_identities')
    .values({ partnership_id: v.partnershipId, user_id: v.userId, issuer_url: v.issuerUrl, subject: v.subject, created_at: v.at, last_used_at: v.used ? v.at : null })
    .onConflict((oc) => oc.columns(['user_id', 'issuer_url']).doUpdateSet({ subject: v.subject, ...(v.used ? { last_used_at: v.at } : {}) }))
    .execute();
}

export async function findIdentityForSubject(db: Executor, partnershipId: string, issuerUrl: string, subject: string) {
  return db.selectFrom('sso_identities').select(['id', 'user_id']).where('partnership_id', '=', partnershipId).where('issuer_url', '=', issuerUrl).where('subject', '=', subject).executeTakeFirst();
}

export async function markIdentityUsed(db: Executor, id: string, at: Date) {
  await db.updateTable('sso_identities').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function removeIdentity(db: Executor, partnershipId: string, id: string) {
  return db.deleteFrom('sso_identities').where('partnership_id', '=', partnershipId).where('id', '=', id).returning(['id', 'user_id']).executeTakeFirst();
}

// Sign-ins in progress

export async function insertAttempt(db: Executor, a: { id_hash: string; partnership_id: string; state: string; nonce: string; code_verifier: string; redirect_uri: string; next: string; created_at: Date; expires_at: Date }) {
  await db.insertInto('sso_attempts').values(a).execute();
}

/** The attempt behind a cookie, deleted as it is read: each is used once, whatever the outcome. */
export async function takeAttempt(db: Executor, idHash: string) {
  return db.deleteFrom('sso_attempts').where('id_hash', '=', idHash).returningAll().executeTakeFirst();
}

export async function deleteExpiredAttempts(db: Executor, now: Date) {
  await db.deleteFrom('sso_attempts').where('expires_at', '<=', now).execute();
}
