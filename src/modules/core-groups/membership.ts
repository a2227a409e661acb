/**
 * Warnings about the core group's membership, reviewed at every meeting (seed 001: "8 separate
 * services were helping"; "keep taking stock of your core group membership ... layering or
 * duplication of services"; "key practitioners inadvertently being left out"). Pure: no I/O.
 */
import type { AgencyType } from '../../db/schema.js';
import { listOf } from './quality.js';

export interface MemberFacts {
  name: string;
  agencyId: string | null;
  agencyName: string | null;
  agencyType: AgencyType | null;
  isParent: boolean;
  /** The member's role in Assure when they are a user: managers and chairs oversee, they do not deliver a service. */
  userRole: string | null;
  leftOn: string | null;
  leftReason: string | null;
}

export interface MembershipWarning {
  id: 'same-agency' | 'same-agency-type' | 'too-many-agencies' | 'left-without-replacement';
  message: string;
}

/** More agencies than this and the core group struggles to know who is doing what (seed 001). */
export const MAX_AGENCIES = 8;

const TYPE_NAMES: Record<AgencyType, string> = {
  'childrens-social-care': 'children’s social care',
  police: 'police',
  health: 'health',
  education: 'education',
  gp: 'GP',
  probation: 'probation',
  housing: 'housing',
  voluntary: 'voluntary sector',
  other: 'other',
};

const OVERSIGHT_ROLES = new Set(['team-manager', 'conference-chair']);

export function membershipWarnings(members: MemberFacts[], formatDate: (iso: string) => string = (d) => d): MembershipWarning[] {
  const warnings: MembershipWarning[] = [];
  const current = members.filter((m) => m.leftOn === null);
  const services = current.filter((m) => !m.isParent && m.agencyId !== null && !OVERSIGHT_ROLES.has(m.userRole ?? ''));

  const byAgency = new Map<string, MemberFacts[]>();
  for (const m of services) byAgency.set(m.agencyId!, [...(byAgency.get(m.agencyId!) ?? []), m]);
  for (const group of byAgency.values()) {
    if (group.length < 2) continue;
    warnings.push({
      id: 'same-agency',
      message: `${group.length} members are from ${group[0]!.agencyName} (${listOf(group.map((m) => m.name))}): check that each has a distinct role and that services are not duplicated or layered.`,
    });
  }

  const byType = new Map<AgencyType, Map<string, string>>();
  for (const m of services) {
    if (!m.agencyType || m.agencyType === 'other') continue;
    const agencies = byType.get(m.agencyType) ?? new Map<string, string>();
    agencies.set(m.agencyId!, m.agencyName ?? '');
    byType.set(m.agencyType, agencies);
  }
  for (const [type, agencies] of byType) {
    if (agencies.size < 2) continue;
    warnings.push({
      id: 'same-agency-type',
      message: `${agencies.size} ${TYPE_NAMES[type]} agencies are involved (${listOf([...agencies.values()])}): check for duplication or layering of services, and agree who does what.`,
    });
  }

  const agencyIds = new Set(current.filter((m) => !m.isParent && m.agencyId !== null).map((m) => m.agencyId));
  if (agencyIds.size > MAX_AGENCIES) {
    warnings.push({
      id: 'too-many-agencies',
      message: `${agencyIds.size} agencies are involved. With this many, core groups struggle to understand who is doing what, with what impact (one audited child had 8 separate services): confirm each agency is needed and what it adds.`,
    });
  }

  const currentAgencies = new Set(current.filter((m) => m.agencyId !== null).map((m) => m.agencyId));
  const leftByAgency = new Map<string, MemberFacts>();
  for (const m of members) {
    if (m.leftOn === null || m.isParent || m.agencyId === null || currentAgencies.has(m.agencyId)) continue;
    const last = leftByAgency.get(m.agencyId);
    if (!last || (last.leftOn ?? '') < m.leftOn) leftByAgency.set(m.agencyId, m);
  }
  for (const m of leftByAgency.values()) {
    warnings.push({
      id: 'left-without-replacement',
      message: `${m.agencyName} has left the core group without a replacement: ${m.name} left on ${formatDate(m.leftOn!)}${m.leftReason ? ` (${m.leftReason})` : ''} and no one from ${m.agencyName} is a member now. Check whether the agency is still needed, or who replaces them.`,
    });
  }
  return warnings;
}
