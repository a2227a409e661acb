/**
 * What each person may do with a child's core group and its meetings, decided on their relation
 * to the child (cases/access.ts). Pure: no I/O. Seeing is decided in the query: everyone who can
 * see the child's record sees its core group and meetings.
 */
import type { ChildAccess } from '../cases/access.js';
import { canEditRecord } from '../cases/policy.js';

/** Add members and record members leaving: case holders. */
export function canChangeMembership(a: ChildAccess): boolean {
  return canEditRecord(a);
}

/** Arrange meetings and write, finalise and share the minutes: case holders. */
export function canWriteMinutes(a: ChildAccess): boolean {
  return canEditRecord(a);
}

/** Record agreement or dispute with finalised minutes: a current member of the core group who uses Assure. */
export function canRecordAgreement(a: ChildAccess): boolean {
  return a.actor.kind === 'user' && a.isMember;
}
