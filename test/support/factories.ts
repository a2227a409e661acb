/**
 * Synthetic records for tests. Every person here is made up.
 */
import type { Db } from '../../src/db/database.js';
import type { AgencyType, Role } from '../../src/db/schema.js';
import { systemActor } from '../../src/lib/actor.js';
import { systemClock } from '../../src/lib/clock.js';
import { AccessLogService } from '../../src/modules/access-log/service.js';
import { AuthService } from '../../src/modules/auth/service.js';
import { insertPartnership } from '../../src/modules/partnership/repository.js';
import { PartnershipService } from '../../src/modules/partnership/service.js';

export const PASSWORD = 'correct horse battery staple';

const authConfig = { sessionIdleMinutes: 30, sessionAbsoluteHours: 12, signInMaxFailures: 5, signInLockoutMinutes: 15 };

export interface Fixture {
  partnershipId: string;
  code: string;
  agencies: Record<string, string>;
  teams: Record<string, string>;
  areas: Record<string, string>;
  users: Record<string, { id: string; email: string; role: Role }>;
}

/**
 * A small partnership: areas North/South, agencies of several types, two social care teams,
 * and one user of each role (plus a health practitioner), all with PASSWORD.
 */
export async function makePartnership(db: Db, code = '901', name = `Testshire Partnership ${code}`): Promise<Fixture> {
  const p = await insertPartnership(db, { code, name });
  const clock = systemClock;
  const accessLog = new AccessLogService(db, clock);
  const auth = new AuthService(db, clock, authConfig, accessLog);
  const svc = new PartnershipService(db, clock, accessLog, auth);
  const actor = systemActor(p.id, 'test');
  const areas: Record<string, string> = {};
  for (const a of ['North', 'South']) areas[a] = (await svc.addArea(actor, a)).id;
  const agencies: Record<string, string> = {};
  const types: [string, AgencyType][] = [
    ['csc', 'childrens-social-care'],
    ['health', 'health'],
    ['police', 'police'],
    ['school', 'education'],
  ];
  for (const [key, type] of types) agencies[key] = (await svc.addAgency(actor, { name: `${key} agency ${code}`, type })).id;
  const teams: Record<string, string> = {};
  teams.north = (await svc.addTeam(actor, { name: 'Safeguarding North', agencyId: agencies.csc!, areaId: areas.North! })).id;
  teams.south = (await svc.addTeam(actor, { name: 'Safeguarding South', agencyId: agencies.csc!, areaId: areas.South! })).id;
  const users: Fixture['users'] = {};
  const people: [string, Role, string, string | null][] = [
    ['admin', 'partnership-admin', agencies.csc!, null],
    ['qa', 'qa-lead', agencies.csc!, null],
    ['auditor', 'auditor', agencies.health!, null],
    ['chair', 'conference-chair', agencies.csc!, null],
    ['manager', 'team-manager', agencies.csc!, teams.north],
    ['worker', 'practitioner', agencies.csc!, teams.north],
    ['health', 'practitioner', agencies.health!, null],
  ];
  for (const [key, role, agencyId, teamId] of people) {
    const email = `${key}.${code}@test.assure.example`;
    const u = await svc.addUser(actor, { email, name: `${key} person ${code}`, role, agencyId, teamId: teamId ?? null, password: PASSWORD });
    users[key] = { id: u.id, email, role };
  }
  return { partnershipId: p.id, code, agencies, teams, areas, users };
}
