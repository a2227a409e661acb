import type { Role } from '../db/schema.js';

/**
 * Who is acting. Repositories take it and return only what it may see; the access log
 * records it. A job or the CLI acts as a system actor, which is an explicit, greppable choice.
 */
export type Actor =
  | {
      kind: 'user';
      userId: string;
      partnershipId: string;
      role: Role;
      agencyId: string;
      teamId: string | null;
      name: string;
      requestId?: string;
    }
  | { kind: 'system'; partnershipId: string; label: string; requestId?: string };

export function systemActor(partnershipId: string, label: string): Actor {
  return { kind: 'system', partnershipId, label };
}

export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.userId}` : `system:${actor.label}`;
}

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return actor.kind === 'system' || roles.includes(actor.role);
}
