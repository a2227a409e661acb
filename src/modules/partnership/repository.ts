/**
 * Reads and writes of partnerships, areas, agencies, teams and users. Every query is bounded
 * to one partnership: callers pass the actor's partnership id and nothing outside it is returned.
 */
import type { Db } from '../../db/database.js';
import type { Agency, AgencyType, Area, Partnership, Role, Team, User } from '../../db/schema.js';
import { ConflictError, DuplicateError, NotFoundError } from '../../lib/errors.js';

type Executor = Db;

export function isUniqueViolation(err: unknown): err is { code: string; constraint?: string } {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

export async function findPartnershipByCode(db: Executor, code: string): Promise<Partnership | undefined> {
  return db.selectFrom('partnerships').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function getPartnership(db: Executor, id: string): Promise<Partnership> {
  const p = await db.selectFrom('partnerships').selectAll().where('id', '=', id).executeTakeFirst();
  if (!p) throw new NotFoundError('Partnership not found');
  return p;
}

export async function insertPartnership(db: Executor, v: { code: string; name: string; isDemo?: boolean }): Promise<Partnership> {
  try {
    return await db
      .insertInto('partnerships')
      .values({ code: v.code, name: v.name, is_demo: v.isDemo ?? false })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('code', `A partnership with code ${v.code} already exists`);
    throw err;
  }
}

// Areas, agencies and teams: small named records of one partnership.

export async function listAreas(db: Executor, partnershipId: string): Promise<Area[]> {
  return db.selectFrom('areas').selectAll().where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export async function listAgencies(db: Executor, partnershipId: string): Promise<Agency[]> {
  return db.selectFrom('agencies').selectAll().where('partnership_id', '=', partnershipId).orderBy('name').execute();
}

export type TeamRow = Team & { agency_name: string; area_name: string | null };

export async function listTeams(db: Executor, partnershipId: string): Promise<TeamRow[]> {
  return db
    .selectFrom('teams')
    .innerJoin('agencies', 'agencies.id', 'teams.agency_id')
    .leftJoin('areas', 'areas.id', 'teams.area_id')
    .selectAll('teams')
    .select(['agencies.name as agency_name', 'areas.name as area_name'])
    .where('teams.partnership_id', '=', partnershipId)
    .orderBy('agencies.name')
    .orderBy('teams.name')
    .execute();
}

export async function getAgency(db: Executor, partnershipId: string, id: string): Promise<Agency> {
  const row = await db.selectFrom('agencies').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Agency not found');
  return row;
}

export async function findAgencyByName(db: Executor, partnershipId: string, name: string): Promise<Agency | undefined> {
  return db
    .selectFrom('agencies')
    .selectAll()
    .where('partnership_id', '=', partnershipId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
    .executeTakeFirst();
}

export async function getArea(db: Executor, partnershipId: string, id: string): Promise<Area> {
  const row = await db.selectFrom('areas').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Area not found');
  return row;
}

export async function getTeam(db: Executor, partnershipId: string, id: string): Promise<Team> {
  const row = await db.selectFrom('teams').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('Team not found');
  return row;
}

export async function insertArea(db: Executor, partnershipId: string, name: string): Promise<Area> {
  try {
    return await db.insertInto('areas').values({ partnership_id: partnershipId, name }).returningAll().executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('name', `An area called ${name} already exists`);
    throw err;
  }
}

export async function insertAgency(db: Executor, partnershipId: string, v: { name: string; type: AgencyType }): Promise<Agency> {
  try {
    return await db.insertInto('agencies').values({ partnership_id: partnershipId, ...v }).returningAll().executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('name', `An agency called ${v.name} already exists`);
    throw err;
  }
}

export async function insertTeam(db: Executor, partnershipId: string, v: { name: string; agencyId: string; areaId: string | null }): Promise<Team> {
  try {
    return await db
      .insertInto('teams')
      .values({ partnership_id: partnershipId, name: v.name, agency_id: v.agencyId, area_id: v.areaId })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('name', `That agency already has a team called ${v.name}`);
    throw err;
  }
}

export async function updateAgency(
  db: Executor,
  partnershipId: string,
  id: string,
  version: number,
  v: { name: string; type: AgencyType },
): Promise<Agency> {
  try {
    const row = await db
      .updateTable('agencies')
      .set({ ...v, version: (eb) => eb('version', '+', 1), updated_at: new Date() })
      .where('partnership_id', '=', partnershipId)
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
    if (row) return row;
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('name', `An agency called ${v.name} already exists`);
    throw err;
  }
  const current = await getAgency(db, partnershipId, id); // 404 if it is not there at all
  throw new ConflictError('Someone else changed this agency while you were editing it', current, { ...v, version });
}

// Users

export type UserRow = User & { agency_name: string; team_name: string | null };

const userColumns = [
  'users.id',
  'users.partnership_id',
  'users.agency_id',
  'users.team_id',
  'users.email',
  'users.name',
  'users.role',
  'users.password_hash',
  'users.totp_secret',
  'users.totp_enabled_at',
  'users.disabled_at',
  'users.last_sign_in_at',
  'users.created_at',
  'users.updated_at',
  'users.version',
] as const;

function usersQuery(db: Executor, partnershipId: string) {
  return db
    .selectFrom('users')
    .innerJoin('agencies', 'agencies.id', 'users.agency_id')
    .leftJoin('teams', 'teams.id', 'users.team_id')
    .select(userColumns)
    .select(['agencies.name as agency_name', 'teams.name as team_name'])
    .where('users.partnership_id', '=', partnershipId);
}

export async function listUsers(db: Executor, partnershipId: string, opts: { limit: number; offset: number; q?: string | undefined; role?: Role | undefined; agencyId?: string | undefined; teamId?: string | undefined }) {
  let q = usersQuery(db, partnershipId);
  if (opts.role) q = q.where('users.role', '=', opts.role);
  if (opts.agencyId) q = q.where('users.agency_id', '=', opts.agencyId);
  if (opts.teamId) q = q.where('users.team_id', '=', opts.teamId);
  if (opts.q) {
    const like = `%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`).toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['users.name']), 'like', like), eb(eb.fn('lower', ['users.email']), 'like', like)]));
  }
  const [rows, count] = await Promise.all([
    q.orderBy('users.name').limit(opts.limit).offset(opts.offset).execute(),
    q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as UserRow[], total: Number(count.n) };
}

export async function getUser(db: Executor, partnershipId: string, id: string): Promise<UserRow> {
  const row = await usersQuery(db, partnershipId).where('users.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('User not found');
  return row as UserRow;
}

/** Sign-in looks a person up by e-mail before any partnership is known: the one unscoped read of users. */
export async function findUserByEmailForSignIn(db: Executor, email: string): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

export interface UserValues {
  email: string;
  name: string;
  role: Role;
  agencyId: string;
  teamId: string | null;
}

export async function insertUser(db: Executor, partnershipId: string, v: UserValues & { passwordHash: string | null }): Promise<User> {
  try {
    return await db
      .insertInto('users')
      .values({
        partnership_id: partnershipId,
        email: v.email,
        name: v.name,
        role: v.role,
        agency_id: v.agencyId,
        team_id: v.teamId,
        password_hash: v.passwordHash,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('email', 'A user with that e-mail address already exists');
    throw err;
  }
}

export async function updateUser(
  db: Executor,
  partnershipId: string,
  id: string,
  version: number,
  v: UserValues & { disabled: boolean },
): Promise<User> {
  try {
    const row = await db
      .updateTable('users')
      .set((eb) => ({
        email: v.email,
        name: v.name,
        role: v.role,
        agency_id: v.agencyId,
        team_id: v.teamId,
        disabled_at: v.disabled ? eb.fn.coalesce('disabled_at', eb.val(new Date())) : null,
        version: eb('version', '+', 1),
        updated_at: new Date(),
      }))
      .where('partnership_id', '=', partnershipId)
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
    if (row) return row;
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('email', 'A user with that e-mail address already exists');
    throw err;
  }
  const current = await getUser(db, partnershipId, id);
  throw new ConflictError('Someone else changed this user while you were editing it', publicUser(current), { ...v, version });
}

/** A user without secrets, for pages, the API and conflict screens. */
export function publicUser(u: User & { agency_name?: string; team_name?: string | null }) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    agencyId: u.agency_id,
    agencyName: u.agency_name,
    teamId: u.team_id,
    teamName: u.team_name ?? null,
    twoFactorEnabled: u.totp_enabled_at !== null,
    disabled: u.disabled_at !== null,
    lastSignInAt: u.last_sign_in_at,
    version: u.version,
  };
}
export type PublicUser = ReturnType<typeof publicUser>;
