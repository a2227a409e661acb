import { describe, expect, it } from 'vitest';
import { type MemberFacts, membershipWarnings } from './membership.js';

const member = (name: string, agency: string, type: MemberFacts['agencyType'], extra: Partial<MemberFacts> = {}): MemberFacts => ({
  name,
  agencyId: `id-${agency}`,
  agencyName: agency,
  agencyType: type,
  isParent: false,
  userRole: 'practitioner',
  leftOn: null,
  leftReason: null,
  ...extra,
});

const base = [member('Sam Social', 'Social care', 'childrens-social-care'), member('Nurse Noor', 'Health visiting', 'health'), member('Ms Teach', 'Primary school', 'education')];

describe('core group membership warnings', () => {
  const cases: [string, MemberFacts[], string[], RegExp?][] = [
    ['a clear core group', base, []],
    ['two members from one agency', [...base, member('Nurse Two', 'Health visiting', 'health')], ['same-agency'], /2 members are from Health visiting \(Nurse Noor and Nurse Two\)/],
    ['two agencies of the same type', [...base, member('Dr Camhs', 'CAMHS', 'health')], ['same-agency-type'], /2 health agencies are involved \(Health visiting and CAMHS\)/],
    [
      'a team manager chairing beside the social worker is not duplication',
      [...base, member('Mo Manager', 'Social care', 'childrens-social-care', { userRole: 'team-manager' })],
      [],
    ],
    ['parents without an agency', [...base, member('Mum', 'none', null, { isParent: true, agencyId: null, agencyName: null })], []],
    ['two agencies of type other', [...base, member('A', 'Other one', 'other'), member('B', 'Other two', 'other')], []],
    [
      'more than 8 agencies',
      ['police', 'gp', 'probation', 'housing', 'voluntary', 'other'].map((t, i) => member(`P${i}`, `Agency ${t}`, t as MemberFacts['agencyType'])).concat(base),
      ['too-many-agencies'],
      /9 agencies are involved/,
    ],
    ['exactly 8 agencies', ['police', 'gp', 'probation', 'housing', 'voluntary'].map((t, i) => member(`P${i}`, `Agency ${t}`, t as MemberFacts['agencyType'])).concat(base), []],
    [
      'an agency whose member left with no one from it now',
      [...base, member('PC Patel', 'Police', 'police', { leftOn: '2027-01-10', leftReason: 'moved to another team' })],
      ['left-without-replacement'],
      /Police has left the core group without a replacement: PC Patel left on 10 January 2027 \(moved to another team\)/,
    ],
    ['an agency whose member left and was replaced', [...base, member('PC Patel', 'Police', 'police', { leftOn: '2027-01-10' }), member('PC Jones', 'Police', 'police')], []],
    ['a parent who left', [...base, member('Dad', 'none', null, { isParent: true, agencyId: null, agencyName: null, leftOn: '2027-01-10' })], []],
  ];
  it.each(cases)('%s', (_label, members, expected, message) => {
    const warnings = membershipWarnings(members, (d) => new Date(`${d}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }));
    expect(warnings.map((w) => w.id)).toEqual(expected);
    if (message) expect(warnings[0]!.message).toMatch(message);
  });
});
