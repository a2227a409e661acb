import { describe, expect, it } from 'vitest';
import type { Child } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import type { ChildAccess } from '../cases/access.js';
import { canActOnEscalation, isOverdue, nextStage, responseDue } from './policy.js';

const RAISER = 'agency-raiser';
const ABOUT = 'agency-about';
const OTHER = 'agency-other';
const CSC = 'agency-csc';

const access = (agencyId: string, rel: Partial<Pick<ChildAccess, 'isLead' | 'isMember' | 'isManager' | 'isChair' | 'actorAgencyType'>> = {}): ChildAccess => {
  const actor: Actor = { kind: 'user', userId: 'u', partnershipId: 'p', role: rel.isManager ? 'team-manager' : 'practitioner', agencyId, teamId: null, name: 'n' };
  return { child: {} as Child, actor, isLead: false, isMember: true, memberId: 'm', isManager: false, isChair: false, actorAgencyType: 'health', ...rel };
};

describe('who may act on an escalation', () => {
  const e = { raised_by_agency_id: RAISER, about_agency_id: ABOUT };
  it.each([
    ['a member of the agency that raised it', access(RAISER), true],
    ['a member of the agency it is about', access(ABOUT), true],
    ['the lead practitioner', access(CSC, { isLead: true, actorAgencyType: 'childrens-social-care' }), true],
    ['a children’s social care member of the core group', access(CSC, { actorAgencyType: 'childrens-social-care' }), true],
    ['the team manager', access(CSC, { isManager: true, isMember: false, actorAgencyType: 'childrens-social-care' }), true],
    ['the conference chair', access(CSC, { isChair: true, isMember: false, actorAgencyType: 'childrens-social-care' }), true],
    ['a member of another partner agency', access(OTHER, { actorAgencyType: 'education' }), false],
    ['a police member when neither side is police', access(OTHER, { actorAgencyType: 'police' }), false],
  ])('%s → %s', (_who, a, expected) => {
    expect(canActOnEscalation(a, e)).toBe(expected);
  });

  it('the system actor (jobs) may', () => {
    const a: ChildAccess = { ...access(OTHER), actor: { kind: 'system', partnershipId: 'p', label: 'job' } };
    expect(canActOnEscalation(a, e)).toBe(true);
  });
});

describe('stages and deadlines', () => {
  it.each([
    // Christmas 2026: Fri 25 Dec, Boxing Day substitute Mon 28 Dec.
    [1, '2026-12-21', '2026-12-30'],
    // New Year's Day 2027 is a Friday.
    [2, '2026-12-31', '2027-01-08'],
    [3, '2027-01-11', '2027-01-25'],
    [4, '2027-01-25', '2027-02-08'],
    [1, '2027-03-24', '2027-04-02'], // Good Friday 26 March and Easter Monday 29 March 2027
  ] as const)('stage %i started %s: response due %s', (stage, startedOn, due) => {
    expect(responseDue(stage, startedOn)).toBe(due);
  });

  it('a local closure day is not a working day', () => {
    expect(responseDue(1, '2026-11-02', new Set(['2026-11-04']))).toBe('2026-11-10');
    expect(responseDue(1, '2026-11-02')).toBe('2026-11-09');
  });

  it('the stage after 4 is none', () => {
    expect([1, 2, 3, 4].map(nextStage)).toEqual([2, 3, 4, null]);
  });

  it.each([
    [{ status: 'open', response_due_on: '2026-12-30' }, '2026-12-30', false],
    [{ status: 'open', response_due_on: '2026-12-30' }, '2026-12-31', true],
    [{ status: 'resolved', response_due_on: '2026-12-30' }, '2027-01-31', false],
    [{ status: 'withdrawn', response_due_on: '2026-12-30' }, '2027-01-31', false],
  ])('overdue: %o on %s → %s', (e, today, expected) => {
    expect(isOverdue(e, today)).toBe(expected);
  });
});
