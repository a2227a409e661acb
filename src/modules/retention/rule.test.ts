import { describe, expect, it } from 'vitest';
import { addYears, ageBand, ageOn, caseReference, DEFAULT_RULE, dueForReview, type RecordFacts, retentionDecision, type RetentionRule } from './rule.js';

const facts = (over: Partial<RecordFacts> = {}): RecordFacts => ({
  childId: '00000000-0000-4000-8000-000000000001',
  dateOfBirth: '2000-05-06',
  expectedDateOfBirth: null,
  anonymised: false,
  open: [],
  lastInvolvementOn: '2019-03-31',
  ...over,
});

describe('addYears and ageOn', () => {
  it.each([
    ['2020-03-31', 6, '2026-03-31'],
    ['2020-02-29', 6, '2026-03-01'], // not a leap year: 1 March
    ['2020-02-29', 4, '2024-02-29'],
    ['1999-12-31', 1, '2000-12-31'],
  ])('%s plus %i years is %s', (from, n, to) => expect(addYears(from, n)).toBe(to));

  it.each([
    ['2000-05-06', '2025-05-05', 24],
    ['2000-05-06', '2025-05-06', 25],
    ['2000-02-29', '2025-02-28', 24],
    ['2000-02-29', '2025-03-01', 25],
    ['2026-01-01', '2025-06-01', -1],
  ])('born %s, on %s is %i', (birth, on, age) => expect(ageOn(birth, on)).toBe(age));
});

describe('retentionDecision', () => {
  const rule: RetentionRule = DEFAULT_RULE; // 6 years, minimum age 25
  const cases: [string, Partial<RecordFacts>, string, RetentionRule, { due: boolean; why?: string; dueOn?: string | null }][] = [
    ['exactly on the date: due', {}, '2025-05-06', rule, { due: true, dueOn: '2025-05-06' }],
    ['a day before the sixth year: not yet', { dateOfBirth: '1990-01-01' }, '2025-03-30', rule, { due: false, why: 'not-yet', dueOn: '2025-03-31' }],
    ['on the sixth anniversary of closing, child long over 25: due', { dateOfBirth: '1990-01-01' }, '2025-03-31', rule, { due: true, dueOn: '2025-03-31' }],
    ['past six years but the child is under 25', { dateOfBirth: '2005-01-01' }, '2026-01-01', rule, { due: false, why: 'under-minimum-age', dueOn: '2030-01-01' }],
    ['the day the child turns 25', { dateOfBirth: '2005-01-01' }, '2030-01-01', rule, { due: true, dueOn: '2030-01-01' }],
    ['no minimum age: six years are enough', { dateOfBirth: '2015-01-01' }, '2025-03-31', { yearsAfterClosure: 6, minimumAge: null }, { due: true, dueOn: '2025-03-31' }],
    ['a plan still open', { open: ['plan'], dateOfBirth: '1980-01-01' }, '2040-01-01', rule, { due: false, why: 'open' }],
    ['a re-opened plan (a new plan started after the old one ended) is open', { open: ['plan'], dateOfBirth: '1980-01-01', lastInvolvementOn: '2023-06-01' }, '2040-01-01', rule, { due: false, why: 'open' }],
    ['a later plan that ended again counts from its end', { dateOfBirth: '1980-01-01', lastInvolvementOn: '2023-06-01' }, '2029-05-31', rule, { due: false, why: 'not-yet', dueOn: '2029-06-01' }],
    ['an escalation still open', { open: ['escalation'], dateOfBirth: '1980-01-01' }, '2040-01-01', rule, { due: false, why: 'open' }],
    ['already anonymised', { anonymised: true, dateOfBirth: '1980-01-01' }, '2040-01-01', rule, { due: false, why: 'anonymised' }],
    ['an unborn child counts from the expected date of birth', { dateOfBirth: null, expectedDateOfBirth: '2001-01-01' }, '2026-01-01', rule, { due: true, dueOn: '2026-01-01' }],
    ['closed on 29 February: due on 1 March six years on', { dateOfBirth: '1980-01-01', lastInvolvementOn: '2020-02-29' }, '2026-02-28', rule, { due: false, why: 'not-yet', dueOn: '2026-03-01' }],
    ['a longer rule: ten years', { dateOfBirth: '1980-01-01' }, '2028-01-01', { yearsAfterClosure: 10, minimumAge: 25 }, { due: false, why: 'not-yet', dueOn: '2029-03-31' }],
  ];
  it.each(cases)('%s', (_name, over, asOf, r, expected) => {
    const d = retentionDecision(facts(over), r, asOf);
    expect(d.due).toBe(expected.due);
    if (!d.due && expected.why) expect(d.why).toBe(expected.why);
    if (expected.dueOn !== undefined) expect(d.dueOn).toBe(expected.dueOn);
  });
});

describe('dueForReview', () => {
  it('lists only the records due, longest overdue first', () => {
    const records = [
      facts({ childId: 'c', dateOfBirth: '1980-01-01', lastInvolvementOn: '2018-01-01' }),
      facts({ childId: 'a', dateOfBirth: '1980-01-01', lastInvolvementOn: '2010-01-01' }),
      facts({ childId: 'b', open: ['s47'] }),
      facts({ childId: 'd', dateOfBirth: '2010-01-01', lastInvolvementOn: '2010-01-01' }),
    ];
    expect(dueForReview(records, DEFAULT_RULE, '2026-01-01').map((r) => r.childId)).toEqual(['a', 'c']);
  });
});

describe('what the list shows', () => {
  it.each([
    [null, 'Not known'],
    [17, 'Under 18'],
    [24, '18 to 24'],
    [25, '25 to 29'],
    [39, '30 to 39'],
    [40, '40 or over'],
  ])('age %s is in the band %s', (age, band) => expect(ageBand(age)).toBe(band));

  it('gives a case reference that is not the child’s identifier', () => {
    expect(caseReference('3f2a9b1c-0000-4000-8000-000000000001')).toBe('R-3F2A9B1C');
  });
});
