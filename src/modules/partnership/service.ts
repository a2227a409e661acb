/**
 * Partnership structure: areas, agencies, teams and users. Anyone signed in may read the
 * structure of their own partnership; only a partnership admin changes it. Every view and
 * change of a person's record (a user) is written to the access log in the same transaction.
 */
import type { Db } from '../../db/database.js';
import type { Role } from '../../db/schema.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ForbiddenError, ValidationError } from '../../lib/errors.js';
import type { AccessLogService } from '../access-log/service.js';
import type { AuthService } from '../auth/service.js';
import * as repo from './repository.js';
import type { AgencyInput, TeamInput, UserInput, UserUpdateInput } from './schemas.js';

export const PAGE_SIZE = 50;

export class PartnershipService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
    private readonly auth: AuthService,
  ) {}

  private requireAdmin(actor: Actor): void {
    if (!hasRole(actor, 'partnership-admin')) throw new ForbiddenError('Only a partnership admin can change agencies, teams, areas and users');
  }

  getPartnership(actor: Actor) {
    return repo.getPartnership(this.db, actor.partnershipId);
  }

  listAreas(actor: Actor) {
    return repo.listAreas(this.db, actor.partnershipId);
  }
  listAgencies(actor: Actor) {
    return repo.listAgencies(this.db, actor.partnershipId);
  }
  listTeams(actor: Actor) {
    return repo.listTeams(this.db, actor.partnershipId);
  }
  getAgency(actor: Actor, id: string) {
    return repo.getAgency(this.db, actor.partnershipId, id);
  }

  async addArea(actor: Actor, name: string) {
    this.requireAdmin(actor);
    return repo.insertArea(this.db, actor.partnershipId, name);
  }

  async addAgency(actor: Actor, input: AgencyInput) {
    this.requireAdmin(actor);
    return repo.insertAgency(this.db, actor.partnershipId, input);
  }

  async updateAgency(actor: Actor, id: string, input: AgencyInput & { version: number }) {
    this.requireAdmin(actor);
    return repo.updateAgency(this.db, actor.partnershipId, id, input.version, { name: input.name, type: input.type });
  }

  async addTeam(actor: Actor, input: TeamInput) {
    this.requireAdmin(actor);
    await repo.getAgency(this.db, actor.partnershipId, input.agencyId).catch(() => {
      throw new ValidationError({ agencyId: 'Select an agency of this partnership' });
    });
    if (input.areaId) {
      await repo.getArea(this.db, actor.partnershipId, input.areaId).catch(() => {
        throw new ValidationError({ areaId: 'Select an area of this partnership' });
      });
    }
    return repo.insertTeam(this.db, actor.partnershipId, input);
  }

  async listUsers(actor: Actor, opts: { page: number; pageSize?: number | undefined; q?: string | undefined; role?: Role | undefined; agencyId?: string | undefined; teamId?: string | undefined }) {
    const { page, pageSize = PAGE_SIZE, ...filter } = opts;
    const result = await repo.listUsers(this.db, actor.partnershipId, { ...filter, limit: pageSize, offset: (page - 1) * pageSize });
    return { ...result, rows: result.rows.map(repo.publicUser) };
  }

  /** One person's record: the view is access-logged. */
  async getUser(actor: Actor, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const user = await repo.getUser(trx, actor.partnershipId, id);
      await this.accessLog.record(trx, actor, { action: 'view', recordType: 'user', recordId: id });
      return repo.publicUser(user);
    });
  }

  /** Checks the agency and team belong to this partnership, and the team to the agency. */
  private async checkPlacement(actor: Actor, input: { agencyId: string; teamId: string | null }) {
    await repo.getAgency(this.db, actor.partnershipId, input.agencyId).catch(() => {
      throw new ValidationError({ agencyId: 'Select an agency of this partnership' });
    });
    if (input.teamId) {
      const team = await repo.getTeam(this.db, actor.partnershipId, input.teamId).catch(() => {
        throw new ValidationError({ teamId: 'Select a team of this partnership' });
      });
      if (team.agency_id !== input.agencyId) throw new ValidationError({ teamId: 'Select a team of the person’s agency' });
    }
  }

  async addUser(actor: Actor, input: UserInput & { password?: string | undefined }) {
    this.requireAdmin(actor);
    await this.checkPlacement(actor, input);
    if (input.password !== undefined) this.auth.checkPasswordPolicy(input.password, input);
    const passwordHash = input.password !== undefined ? await this.auth.hashPassword(input.password) : null;
    return this.db.transaction().execute(async (trx) => {
      const user = await repo.insertUser(trx, actor.partnershipId, { ...input, passwordHash });
      await this.accessLog.record(trx, actor, { action: 'create', recordType: 'user', recordId: user.id, details: { role: user.role } });
      return repo.publicUser(user);
    });
  }

  async updateUser(actor: Actor, id: string, input: UserUpdateInput) {
    this.requireAdmin(actor);
    await this.checkPlacement(actor, input);
    if (actor.kind === 'user' && actor.userId === id && (input.role !== 'partnership-admin' || input.disabled)) {
      throw new ValidationError({ role: 'You cannot remove your own admin role or disable your own account' });
    }
    return this.db.transaction().execute(async (trx) => {
      const user = await repo.updateUser(trx, actor.partnershipId, id, input.version, input);
      await this.accessLog.record(trx, actor, {
        action: 'update',
        recordType: 'user',
        recordId: id,
        details: { role: user.role, disabled: user.disabled_at !== null },
      });
      if (user.disabled_at) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
      return repo.publicUser(user);
    });
  }
}
