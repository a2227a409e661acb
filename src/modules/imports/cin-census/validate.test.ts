import { describe, expect, it } from 'vitest';
import type { CensusChild, CensusPlan, CensusS47, CinEpisode } from './parse.js';
import { censusYearStart, RULES, validateChild } from './validate.js';

const plan = (p: Partial<CensusPlan> = {}): CensusPlan => ({
  startDate: '2023-06-05',
  endDate: null,
  initialCategory: 'NEG',
  latestCategory: 'NEG',
  previousPlans: 0,
  reviews: [],
  ...p,
});
const s47 = (s: Partial<CensusS47> = {}): CensusS47 => ({ startDate: '2023-05-22', icpcTarget: '2023-06-05', icpcDate: '2023-06-05', icpcNotRequired: false, ...s });
const episode = (e: Partial<CinEpisode> = {}): CinEpisode => ({
  referralDate: '2023-05-15',
  referralSource: '1A',
  primaryNeed: 'N1',
  closureDate: null,
  reasonForClosure: null,
  icpcDate: null,
  referralNfa: false,
  cinPlans: [],
  s47s: [s47()],
  plans: [plan()],
  ...e,
});
const child = (c: Partial<CensusChild> = {}): CensusChild => ({
  laChildId: 'LA1',
  upn: null,
  birthDate: '2015-01-01',
  expectedBirthDate: null,
  sex: 'female',
  deathDate: null,
  ethnicity: 'WBRI',
  disabilities: [],
  episodes: [episode()],
  line: 1,
  problems: [],
  ...c,
});
const REF = '2024-03-31';
const codes = (c: CensusChild, referenceDate: string | null = REF) => validateChild(c, { referenceDate }).map((i) => i.code);

describe('the CIN census validation rules', () => {
  it('a well-formed child on a plan has no issues', () => {
    expect(validateChild(child(), { referenceDate: REF })).toEqual([]);
  });

  // [rule, a child that breaks it]; each must report that code (and the clean child above none)
  const cases: [string, CensusChild][] = [
    ['1104', child({ episodes: [episode({ s47s: [s47({ startDate: '2023-05-01', icpcDate: '2023-05-10' })], plans: [] })] })],
    ['1105', child({ episodes: [episode({ referralDate: '2023-06-10', s47s: [s47({ startDate: '2023-06-12', icpcDate: '2023-06-20' })], plans: [plan({ startDate: '2023-06-05' })] })] })],
    ['2883', child({ episodes: [episode({ plans: [plan(), plan({ startDate: '2023-09-01', endDate: null }), ] })] })],
    ['2884', child({ episodes: [episode({ icpcDate: '2023-06-05' })] })],
    ['2885', child({ episodes: [episode({ plans: [plan({ startDate: '2023-06-06' })] })] })],
    ['2889', child({ episodes: [episode({ s47s: [s47({ startDate: '2023-05-01' })] })] })],
    ['4001', child({ episodes: [episode({ cinPlans: [{ startDate: '2023-07-01', endDate: null }] })] })],
    ['4016', child({ episodes: [episode({ cinPlans: [{ startDate: '2023-05-20', endDate: '2023-07-01' }] })] })],
    ['4017', child({ episodes: [episode({ plans: [plan({ endDate: '2023-12-01' })], cinPlans: [{ startDate: '2023-06-01', endDate: '2023-12-20' }] })] })],
    ['4003', child({ episodes: [episode({ plans: [plan({ endDate: '2023-07-01', reviews: ['2023-08-10'] })], cinPlans: [{ startDate: '2023-07-01', endDate: null }] })] })],
    ['8615', child({ episodes: [episode({ s47s: [s47({ startDate: null })] })] })],
    ['8615', child({ episodes: [episode({ s47s: [s47({ startDate: '2023-06-07' })] })] })],
    ['8675Q', child({ episodes: [episode({ s47s: [s47({ icpcDate: null })], plans: [] })] })],
    ['8720', child({ episodes: [episode({ plans: [plan({ startDate: null })] })] })],
    ['8720', child({ episodes: [episode({ s47s: [s47({ startDate: '2024-04-01', icpcDate: '2024-04-02' })], referralDate: '2024-04-01', plans: [plan({ startDate: '2024-04-02' })] })] })],
    ['8730', child({ episodes: [episode({ plans: [plan({ previousPlans: null })] })] })],
    ['8832', child({ episodes: [episode({ referralNfa: true })] })],
    ['8839', child({ episodes: [episode({ s47s: [s47({ icpcDate: null, startDate: '2024-03-20' }), s47({ icpcDate: null, startDate: '2024-03-25' })], plans: [] })] })],
    ['8840', child({ episodes: [episode({ plans: [plan({ endDate: '2023-06-05' })] })] })],
    ['8841', child({ episodes: [episode({ plans: [plan({ reviews: ['2023-06-05'] })] })] })],
    ['8842Q', child({ episodes: [episode({ plans: [plan({ reviews: [null] })] })] })],
    ['8870Q', child({ episodes: [episode({ s47s: [s47({ icpcTarget: '2023-06-03' })] })] })],
    ['8875', child({ episodes: [episode({ s47s: [s47({ icpcDate: '2023-06-04' })], plans: [plan({ startDate: '2023-06-04' })] })] })],
    ['8890', child({ episodes: [episode({ s47s: [s47({ startDate: '2023-05-20', icpcDate: '2023-06-05' }), s47({ startDate: '2023-05-25', icpcDate: '2023-06-05' })] })] })],
    ['8905', child({ episodes: [episode({ plans: [plan({ initialCategory: null })] })] })],
    ['8905', child({ episodes: [episode({ plans: [plan({ initialCategory: 'XXX' })] })] })],
    ['8915', child({ deathDate: '2023-06-01' })],
    ['8920', child({ deathDate: '2023-07-01', episodes: [episode({ plans: [plan({ endDate: '2023-08-01' })] })] })],
    ['8925', child({ episodes: [episode({ plans: [plan({ endDate: '2023-06-01' })] })] })],
    ['8930', child({ episodes: [episode({ plans: [plan({ endDate: '2024-05-01' })] })] })],
    ['8935', child({ episodes: [episode({ plans: [plan(), plan({ startDate: '2023-09-04' })], s47s: [s47(), s47({ startDate: '2023-08-20', icpcDate: '2023-09-04' })] })] })],
    ['8940', child({ episodes: [episode({ plans: [plan({ endDate: '2023-10-01' }), plan({ startDate: '2023-09-04', endDate: '2023-12-01' })], s47s: [s47(), s47({ startDate: '2023-08-20', icpcDate: '2023-09-04' })] })] })],
  ];

  for (const [code, c] of cases) {
    it(`${code}: ${RULES[code]}`, () => {
      const found = validateChild(c, { referenceDate: REF });
      expect(found.map((i) => i.code)).toContain(code);
      const issue = found.find((i) => i.code === code)!;
      expect(issue.child).toBe('LA1');
      expect(issue.message).toMatch(/\.$/);
    });
  }

  it('every listed rule has a case above', () => {
    expect(new Set(cases.map(([c]) => c))).toEqual(new Set(Object.keys(RULES)));
  });

  it('8675Q counts working days (bank holidays, closure days) before the census year end', () => {
    // Started 8 March 2024: 15 working days later is 2 April 2024 (Good Friday and Easter Monday are holidays), after the year end
    const c = child({ episodes: [episode({ referralDate: '2024-03-01', s47s: [s47({ startDate: '2024-03-08', icpcDate: null })], plans: [] })] });
    expect(codes(c)).not.toContain('8675Q');
    // Started 4 March 2024: 15 working days later is 27 March, before it
    const d = child({ episodes: [episode({ referralDate: '2024-03-01', s47s: [s47({ startDate: '2024-03-04', icpcDate: null })], plans: [] })] });
    expect(codes(d)).toContain('8675Q');
    expect(validateChild(d, { referenceDate: REF, closures: new Set(['2024-03-11', '2024-03-12', '2024-03-13', '2024-03-14']) }).map((i) => i.code)).not.toContain('8675Q');
    // "Not required" answers it
    const e = child({ episodes: [episode({ referralDate: '2024-03-01', s47s: [s47({ startDate: '2024-03-04', icpcDate: null, icpcNotRequired: true })], plans: [] })] });
    expect(codes(e)).not.toContain('8675Q');
  });

  it('a CIN plan that starts the day a CP plan ends is a step-down, not an overlap', () => {
    const c = child({ episodes: [episode({ plans: [plan({ endDate: '2023-12-01', reviews: ['2023-09-01'] })], cinPlans: [{ startDate: '2023-12-01', endDate: null }] })] });
    expect(codes(c)).toEqual([]);
  });

  it('rules about the census year are skipped when the file has no reference date', () => {
    const c = child({ episodes: [episode({ plans: [plan({ endDate: '2025-05-01' })] })] });
    expect(codes(c)).toContain('8930');
    expect(codes(c, null)).not.toContain('8930');
  });

  it('the census year runs from the day after the previous year end', () => {
    expect(censusYearStart('2024-03-31')).toBe('2023-04-01');
    expect(censusYearStart('2022-07-21')).toBe('2021-07-22');
  });
});
