/**
 * Writes the demo partnership into a database. Passwords are random for each seeding and
 * only ever printed; seeding again resets them instead of duplicating anything.
 */
import type { Db } from '../db/database.js';
import { systemActor } from '../lib/actor.js';
import type { Clock } from '../lib/clock.js';
import { randomToken } from '../lib/tokens.js';
import { AccessLogService } from '../modules/access-log/service.js';
import { ChildRecords } from '../modules/cases/record.js';
import { StandardsService } from '../modules/standards/service.js';
import { AuthService } from '../modules/auth/service.js';
import * as repo from '../modules/partnership/repository.js';
import { PartnershipService } from '../modules/partnership/service.js';
import { seedDemoChildren } from './children.js';
import { AGENCIES, AREAS, DEMO_CODE, DEMO_NAME, demoUsers } from './generate.js';

/** Children in a new demo partnership: dozens, at every stage. */
export const DEFAULT_DEMO_CHILDREN = 60;

export interface SeededUser {
  email: string;
  name: string;
  role: string;
  agency: string;
  team: string | null;
  password: string;
}

export interface SeedResult {
  partnership: string;
  created: boolean;
  users: SeededUser[];
}

const authConfig = { sessionIdleMinutes: 30, sessionAbsoluteHours: 12, signInMaxFailures: 5, signInLockoutMinutes: 15 };

export async function seedDemo(db: Db, clock: Clock, opts: { seed?: number; children?: number } = {}): Promise<SeedResult> {
  const accessLog = new AccessLogService(db, clock);
  const auth = new AuthService(db, clock, authConfig, accessLog);
  const users = demoUsers(opts.seed ?? 1);
  const withPasswords = users.map((u) => ({ ...u, password: `demo-${randomToken(12)}` }));

  const existing = await repo.findPartnershipByCode(db, DEMO_CODE);
  if (existing) {
    if (!existing.is_demo) throw new Error(`Partnership ${DEMO_CODE} exists and is not the demo partnership: refusing to touch it`);
    for (const u of withPasswords) {
      const found = await repo.findUserByEmailForSignIn(db, u.email);
      if (found) {
        await db
          .updateTable('users')
          .set({ password_hash: await auth.hashPassword(u.password), totp_secret: null, totp_enabled_at: null, totp_last_step: null, disabled_at: null })
          .where('id', '=', found.id)
          .execute();
      }
    }
    await db.deleteFrom('sign_in_throttle').where('partnership_id', '=', existing.id).execute();
    if (opts.children) {
      await seedDemoChildren(db, clock, existing.id, opts.children, (opts.seed ?? 42) + Date.now());
      await new StandardsService(new ChildRecords(db, clock, accessLog)).recomputePartnership(existing.id);
    }
    return { partnership: DEMO_CODE, created: false, users: withPasswords };
  }

  const partnership = await repo.insertPartnership(db, { code: DEMO_CODE, name: DEMO_NAME, isDemo: true });
  const actor = systemActor(partnership.id, 'seed demo');
  const svc = new PartnershipService(db, clock, accessLog, auth);
  const areaIds = new Map<string, string>();
  for (const name of AREAS) areaIds.set(name, (await svc.addArea(actor, name)).id);
  const agencyIds = new Map<string, string>();
  const teamIds = new Map<string, string>();
  for (const a of AGENCIES) {
    const agency = await svc.addAgency(actor, { name: a.name, type: a.type });
    agencyIds.set(a.name, agency.id);
    for (const t of a.teams) {
      const team = await svc.addTeam(actor, { name: t.name, agencyId: agency.id, areaId: t.area ? (areaIds.get(t.area) ?? null) : null });
      teamIds.set(t.name, team.id);
    }
  }
  for (const u of withPasswords) {
    await svc.addUser(actor, {
      email: u.email,
      name: u.name,
      role: u.role,
      agencyId: agencyIds.get(u.agency)!,
      teamId: u.team ? (teamIds.get(u.team) ?? null) : null,
      password: u.password,
    });
  }
  const children = opts.children ?? DEFAULT_DEMO_CHILDREN;
  if (children > 0) {
    await seedDemoChildren(db, clock, partnership.id, children, opts.seed ?? 42);
    await new StandardsService(new ChildRecords(db, clock, accessLog)).recomputePartnership(partnership.id);
  }
  return { partnership: DEMO_CODE, created: true, users: withPasswords };
}
