/**
 * What each person may do with a child's record, decided on their relation to it (access.ts).
 * Pure: no I/O. Seeing the record is decided in the query; these rules decide changes.
 */
import type { Role } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { ForbiddenError } from '../../lib/errors.js';
import type { ChildAccess } from './access.js';

/** Case holders run the plan: the lead practitioner, the team manager, the child's conference chairs, and children's social care members of the core group. */
export function isCaseHolder(a: ChildAccess): boolean {
  if (a.actor.kind === 'system') return true;
  return a.isLead || a.isManager || a.isChair || (a.isMember && a.actorAgencyType === 'childrens-social-care');
}

/** Start a new child's record: social workers and managers in children's social care. */
export function canCreateChild(actor: Actor, agencyType: string | null): boolean {
  if (actor.kind === 'system') return true;
  const roles: Role[] = ['practitioner', 'team-manager'];
  return roles.includes(actor.role) && agencyType === 'childrens-social-care';
}

/** Change the child's details, journey records, the plan and the core group. */
export function canEditRecord(a: ChildAccess): boolean {
  return isCaseHolder(a);
}

/**
 * Allocate the child to a team and a lead practitioner: the manager of the child's team, or, for a
 * child no team has yet, any team manager in children's social care.
 */
export function canAllocate(a: ChildAccess): boolean {
  if (a.actor.kind === 'system') return true;
  if (a.actor.role !== 'team-manager') return false;
  return a.isManager || (a.child.team_id === null && a.actorAgencyType === 'childrens-social-care');
}

/** Record a conference's attendance and decision: its chair, or the team manager. */
export function canRecordConference(a: ChildAccess, conference: { chair_user_id: string | null }): boolean {
  if (a.actor.kind === 'system') return true;
  return (conference.chair_user_id !== null && conference.chair_user_id === a.actor.userId) || a.isManager;
}

/** Update an action's status and progress: its owning agency, or a case holder. */
export function canUpdateAction(a: ChildAccess, action: { owner_agency_id: string }): boolean {
  if (a.actor.kind === 'system') return true;
  return action.owner_agency_id === a.actor.agencyId || isCaseHolder(a);
}

/** Add entries (the child's voice, escalations, reports, requests): anyone who can see the record. */
export function canContribute(_a: ChildAccess): boolean {
  return true;
}

/** Change an entry: only its own agency's author side (partners edit only their own entries). */
export function canEditEntry(a: ChildAccess, entry: { author_agency_id: string | null; created_by: string | null }): boolean {
  if (a.actor.kind === 'system') return true;
  return entry.created_by === a.actor.userId || (entry.author_agency_id !== null && entry.author_agency_id === a.actor.agencyId && isCaseHolder(a));
}

export function ensure(allowed: boolean, message = 'You do not have permission to change this part of the record'): void {
  if (!allowed) throw new ForbiddenError(message);
}
