/**
 * Who may do what with a case entry. Pure: no I/O. Adding an entry is open to anyone who can see
 * the record (cases/policy canContribute); changing one is for its author's side (canEditEntry).
 */
import type { ChildAccess } from '../cases/access.js';
import { canEditEntry } from '../cases/policy.js';

/**
 * Answer a request for information: anyone of the agency asked, or the person who asked (who
 * records an answer that came by post or telephone), or whoever may edit the request.
 */
export function canAnswerRequest(a: ChildAccess, entry: { kind: string; data: Record<string, unknown>; author_agency_id: string | null; created_by: string | null }): boolean {
  if (entry.kind !== 'request-for-information') return false;
  if (a.actor.kind === 'system') return true;
  return entry.data.toAgencyId === a.actor.agencyId || entry.created_by === a.actor.userId || canEditEntry(a, entry);
}
