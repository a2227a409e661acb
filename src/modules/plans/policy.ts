/**
 * Who may do what with the CP plan. Pure: no I/O. Seeing the plan is decided where it is read
 * (anyone who may see the child's record may see and compare the plan); these rules decide changes.
 */
import type { ChildAccess } from '../cases/access.js';
import { canEditRecord, canUpdateAction as canUpdateActionRule } from '../cases/policy.js';

/** Revise the plan (outcomes, actions and their five columns): the case holders. */
export function canRevisePlan(a: ChildAccess): boolean {
  return canEditRecord(a);
}

/** Set an action's status and add progress: the owning agency's people, or a case holder. */
export function canUpdateAction(a: ChildAccess, action: { owner_agency_id: string }): boolean {
  return canUpdateActionRule(a, action);
}

export const REVISE_REFUSED =
  'Only the lead practitioner, the team manager, the conference chair and children’s social care members of the core group can revise the plan';
export const PROGRESS_REFUSED = 'Only the agency that owns this action, or the people who hold the case, can update its progress';
