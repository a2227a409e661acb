import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { allocateProportionally, type CohortCase, drawSample, type SampleStrategy, seededRandom } from './sampling.js';

/** A synthetic cohort: child-000..., areas given as a list of [areaId, how many]. */
function cohortOf(areas: readonly (readonly [string | null, number])[]): CohortCase[] {
  const out: CohortCase[] = [];
  for (const [areaId, count] of areas) {
    for (let i = 0; i < count; i++) {
      const n = out.length;
      out.push({
        childId: `child-${String(n).padStart(3, '0')}`,
        caseRef: `CR-${1000 + n}`,
        areaId,
        teamId: `team-${n % 4}`,
        agencyIds: ['agency-csc'],
        workerUserIds: [`worker-${n % 7}`],
      });
    }
  }
  return out;
}

const ids = (cases: readonly CohortCase[]) => cases.map((c) => c.childId);

function validationFields(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.fields;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

const caseArb = fc.record({
  childId: fc.string({ minLength: 1, maxLength: 6 }),
  caseRef: fc.string({ maxLength: 6 }),
  areaId: fc.option(fc.constantFrom('north', 'south', 'east', 'west'), { nil: null }),
  teamId: fc.option(fc.constantFrom('t1', 't2'), { nil: null }),
  agencyIds: fc.array(fc.constantFrom('a1', 'a2', 'a3'), { maxLength: 3 }),
  workerUserIds: fc.array(fc.constantFrom('u1', 'u2', 'u3'), { maxLength: 3 }),
});
const cohortArb = fc.uniqueArray(caseArb, { selector: (c) => c.childId, maxLength: 40 });
const strategyArb: fc.Arbitrary<SampleStrategy> = fc.oneof(
  fc.constant({ kind: 'all' as const }),
  fc.record({ kind: fc.constant('random' as const), size: fc.integer({ min: 1, max: 50 }), seed: fc.string({ minLength: 1 }).filter((s) => s.trim() !== '') }),
  fc.record({ kind: fc.constant('stratified' as const), size: fc.integer({ min: 1, max: 50 }), seed: fc.string({ minLength: 1 }).filter((s) => s.trim() !== '') }),
);

describe('seededRandom', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const take = (seed: string) => {
      const r = seededRandom(seed);
      return Array.from({ length: 8 }, () => r.nextUint32());
    };
    expect(take('audit 2026-12')).toEqual(take('audit 2026-12'));
    expect(take('audit 2026-12')).not.toEqual(take('audit 2026-11'));
    for (const x of take('x')) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
  });

  it('nextInt stays in range and is roughly uniform', () => {
    const r = seededRandom('uniformity');
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[r.nextInt(6)]! += 1;
    // Expected 10,000 each; the standard deviation is about 91, so 9,500..10,500 is over 5 sigma.
    for (const c of counts) {
      expect(c).toBeGreaterThan(9_500);
      expect(c).toBeLessThan(10_500);
    }
    expect(() => r.nextInt(0)).toThrow(RangeError);
    expect(() => r.nextInt(1.5)).toThrow(RangeError);
  });

  it('nextInt has no modulo bias, even for a range close to 2^32', () => {
    // With max = 3 × 2^30, taking x mod max of a 32-bit x would make the lowest third twice as
    // likely as the others (a half instead of a third).
    const r = seededRandom('bias');
    const max = 3 * 2 ** 30;
    let low = 0;
    const draws = 6_000;
    for (let i = 0; i < draws; i++) {
      const x = r.nextInt(max);
      expect(x).toBeLessThan(max);
      if (x < 2 ** 30) low += 1;
    }
    // A third is 2,000, standard deviation about 37; 1,800..2,200 is over 5 sigma.
    expect(low).toBeGreaterThan(1_800);
    expect(low).toBeLessThan(2_200);
    expect(() => r.nextInt(1.5)).toThrow(RangeError);
  });
});

describe('allocateProportionally (largest remainder)', () => {
  it.each([
    // sizes, total, expected: worked by hand
    // 50/30/20 of 100, 10 places: quotas 5, 3, 2 exactly
    [[50, 30, 20], 10, [5, 3, 2]],
    // 45/35/20 of 100, 10 places: quotas 4.5, 3.5, 2 → 4, 3, 2 with one left; remainders tie (.5, .5): larger stratum wins
    [[45, 35, 20], 10, [5, 3, 2]],
    // the same with the larger stratum second: the tie on remainder still goes to the larger stratum
    [[35, 45, 20], 10, [3, 5, 2]],
    // 7/7/7, 4 places: quotas 1⅓ each → 1, 1, 1, one left, all tie on remainder and size: the first stratum
    [[7, 7, 7], 4, [2, 1, 1]],
    // 97/2/1, 10 places: quotas 9.7, 0.2, 0.1 → 9, 0, 0 then the .7 → 10, 0, 0; each stratum needs one,
    // taken from the 10 (the only one with 2 or more) → 8, 1, 1
    [[97, 2, 1], 10, [8, 1, 1]],
    // 97/2/1, 2 places: fewer places than strata, so no minimum: quotas 1.94, .04, .02 → 1, then the .94 → 2, 0, 0
    [[97, 2, 1], 2, [2, 0, 0]],
    // 60/25/15, 3 places: quotas 1.8, .75, .45 → 1, 0, 0, two left: .8 then .75 → 2, 1, 0; the third needs one:
    // surpluses (alloc − quota) .2, .25 — only the first has 2 or more → 1, 1, 1
    [[60, 25, 15], 3, [1, 1, 1]],
    // 50/40/5/5, 8 places: quotas 4, 3.2, .4, .4 → 4, 3, 0, 0, one left: remainders .4 tie, the first → 4, 3, 1, 0;
    // the last needs one: surpluses 0 and −.2, so the first gives it → 3, 3, 1, 1 (not 4, 2, 1, 1)
    [[50, 40, 5, 5], 8, [3, 3, 1, 1]],
    // an empty stratum never gets any and does not count towards the minimum
    [[5, 0, 5], 2, [1, 0, 1]],
    // the whole cohort or more: every stratum whole
    [[3, 4], 7, [3, 4]],
    [[3, 4], 70, [3, 4]],
    [[3, 4], 0, [0, 0]],
  ] as const)('%j, %i places → %j', (sizes, total, expected) => {
    expect(allocateProportionally(sizes, total)).toEqual(expected);
  });

  const sizesArb = fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 8 });

  it('always allocates exactly the places asked for (or the cohort), within each stratum', () => {
    fc.assert(
      fc.property(sizesArb, fc.integer({ min: 0, max: 300 }), (sizes, total) => {
        const cohort = sizes.reduce((s, n) => s + n, 0);
        const alloc = allocateProportionally(sizes, total);
        expect(alloc.reduce((s, a) => s + a, 0)).toBe(Math.min(total, cohort));
        alloc.forEach((a, i) => {
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(sizes[i]!);
        });
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('gives every non-empty stratum one when there are enough places', () => {
    fc.assert(
      fc.property(sizesArb, fc.integer({ min: 0, max: 300 }), (sizes, total) => {
        const nonEmpty = sizes.filter((n) => n > 0).length;
        fc.pre(total >= nonEmpty);
        const alloc = allocateProportionally(sizes, total);
        sizes.forEach((n, i) => {
          if (n > 0) expect(alloc[i]).toBeGreaterThanOrEqual(1);
        });
      }),
      { seed: 6, numRuns: 500 },
    );
  });

  it('keeps every stratum within one of its quota when no minimum is needed', () => {
    fc.assert(
      fc.property(sizesArb, fc.integer({ min: 0, max: 300 }), (sizes, total) => {
        const cohort = sizes.reduce((s, n) => s + n, 0);
        fc.pre(cohort > 0 && total < cohort);
        const quotas = sizes.map((n) => (total * n) / cohort);
        // The minimum-one rule can only act when there are enough places and some quota is below 1.
        const minimumMayAct = total >= sizes.filter((n) => n > 0).length && quotas.some((q, i) => sizes[i]! > 0 && q < 1);
        fc.pre(!minimumMayAct);
        const alloc = allocateProportionally(sizes, total);
        alloc.forEach((a, i) => {
          expect(a).toBeGreaterThanOrEqual(Math.floor(quotas[i]! + 1e-9));
          expect(a).toBeLessThanOrEqual(Math.ceil(quotas[i]! - 1e-9));
        });
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('drawSample', () => {
  const cohort = cohortOf([
    ['north', 60],
    ['south', 30],
    [null, 10],
  ]);

  it("'all' gives the whole cohort in childId order, whatever order it came in", () => {
    const shuffled = [...cohort].reverse();
    expect(ids(drawSample(shuffled, { kind: 'all' }))).toEqual(ids(cohort));
  });

  it('a random sample has the size asked for, no child twice, all from the cohort, in childId order', () => {
    const sample = drawSample(cohort, { kind: 'random', size: 12, seed: 'audit-2026-12' });
    expect(sample).toHaveLength(12);
    expect(new Set(ids(sample)).size).toBe(12);
    const all = new Set(ids(cohort));
    for (const c of sample) expect(all.has(c.childId)).toBe(true);
    expect(ids(sample)).toEqual([...ids(sample)].sort());
    expect(sample.every((c) => cohort.includes(c))).toBe(true);
  });

  it('a size of the cohort or more gives the whole cohort', () => {
    for (const kind of ['random', 'stratified'] as const) {
      expect(ids(drawSample(cohort, { kind, size: 100, seed: 's' }))).toEqual(ids(cohort));
      expect(ids(drawSample(cohort, { kind, size: 1000, seed: 's' }))).toEqual(ids(cohort));
    }
    expect(drawSample([], { kind: 'random', size: 3, seed: 's' })).toEqual([]);
  });

  it('different seeds generally give different samples', () => {
    const samples = new Set<string>();
    for (let i = 0; i < 30; i++) samples.add(ids(drawSample(cohort, { kind: 'random', size: 10, seed: `seed-${i}` })).join());
    // There are about 1.7e13 possible samples of 10 from 100: 30 seeds should give 30 different ones.
    expect(samples.size).toBe(30);
    const strat = new Set<string>();
    for (let i = 0; i < 30; i++) strat.add(ids(drawSample(cohort, { kind: 'stratified', size: 10, seed: `seed-${i}` })).join());
    expect(strat.size).toBe(30);
  });

  it('gives every child about the same chance of being drawn', () => {
    const small = cohortOf([['north', 20]]);
    const chosen = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      for (const c of drawSample(small, { kind: 'random', size: 5, seed: `fairness-${i}` })) chosen.set(c.childId, (chosen.get(c.childId) ?? 0) + 1);
    }
    // Each child: 2,000 × 5/20 = 500 expected, standard deviation about 19; 420..580 is over 4 sigma.
    expect(chosen.size).toBe(20);
    for (const count of chosen.values()) {
      expect(count).toBeGreaterThan(420);
      expect(count).toBeLessThan(580);
    }
  });

  it('a stratified sample takes each area in proportion: 60/30/10 of 100, 10 places → 6, 3 and 1', () => {
    const sample = drawSample(cohort, { kind: 'stratified', size: 10, seed: 'quadrants' });
    const byArea = (area: string | null) => sample.filter((c) => c.areaId === area).length;
    expect(sample).toHaveLength(10);
    expect([byArea('north'), byArea('south'), byArea(null)]).toEqual([6, 3, 1]);
  });

  it('a stratified sample gives a small area (and the children with no area) at least one', () => {
    const skewed = cohortOf([
      ['north', 95],
      ['south', 3],
      [null, 2],
    ]);
    // Quotas for 5 places: 4.75, .15, .1 → 5, 0, 0 by largest remainder; the minimum makes it 3, 1, 1.
    const sample = drawSample(skewed, { kind: 'stratified', size: 5, seed: 'small areas' });
    const byArea = (area: string | null) => sample.filter((c) => c.areaId === area).length;
    expect([byArea('north'), byArea('south'), byArea(null)]).toEqual([3, 1, 1]);
  });

  it('draws at random within each stratum', () => {
    const picks = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const sample = drawSample(cohort, { kind: 'stratified', size: 10, seed: `s${i}` });
      picks.add(ids(sample.filter((c) => c.areaId === null)).join());
    }
    // The single child from the 10 with no area varies with the seed.
    expect(picks.size).toBeGreaterThan(5);
  });

  it("draws each area independently: a change in one area does not change another's children", () => {
    const before = drawSample(cohort, { kind: 'stratified', size: 10, seed: 'independent' });
    // One more child in the north: 61/30/10 of 101, quotas 6.04, 2.97, .99 → still 6, 3, 1.
    const more = [...cohort, { ...cohort[0]!, childId: 'child-999', caseRef: 'CR-9999' }];
    const after = drawSample(more, { kind: 'stratified', size: 10, seed: 'independent' });
    const inArea = (s: CohortCase[], area: string | null) => ids(s.filter((c) => c.areaId === area));
    expect(inArea(after, 'south')).toHaveLength(3);
    expect(inArea(after, 'south')).toEqual(inArea(before, 'south'));
    expect(inArea(after, null)).toEqual(inArea(before, null));
  });

  it('draws each area from its own stream: a larger share for one area does not redraw the others', () => {
    // 60/30/10 of 100: 10 places → 6, 3, 1; 11 places → quotas 6.6, 3.3, 1.1 → 7, 3, 1.
    const ten = drawSample(cohort, { kind: 'stratified', size: 10, seed: 'top up' });
    const eleven = drawSample(cohort, { kind: 'stratified', size: 11, seed: 'top up' });
    const inArea = (s: CohortCase[], area: string | null) => ids(s.filter((c) => c.areaId === area));
    expect(inArea(eleven, 'north')).toHaveLength(7);
    expect(inArea(eleven, 'north')).toEqual(expect.arrayContaining(inArea(ten, 'north')));
    expect(inArea(eleven, 'south')).toEqual(inArea(ten, 'south'));
    expect(inArea(eleven, null)).toEqual(inArea(ten, null));
  });

  it('topping up a random sample with the same seed keeps the children already drawn', () => {
    fc.assert(
      fc.property(cohortArb, fc.integer({ min: 1, max: 40 }), fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''), (cohort, size, seed) => {
        const smaller = ids(drawSample(cohort, { kind: 'random', size, seed }));
        const larger = new Set(ids(drawSample(cohort, { kind: 'random', size: size + 1, seed })));
        for (const id of smaller) expect(larger.has(id)).toBe(true);
      }),
      { seed: 14, numRuns: 300 },
    );
  });

  it('is reproducible: the same cohort in any order with the same seed gives the same sample', () => {
    fc.assert(
      fc.property(
        cohortArb.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length, maxLength: c.length }))),
        strategyArb,
        ([a, b], strategy) => {
          expect(ids(drawSample(a, strategy))).toEqual(ids(drawSample(b, strategy)));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('always returns distinct children of the cohort, in childId order, of the expected size', () => {
    fc.assert(
      fc.property(cohortArb, strategyArb, (cohort, strategy) => {
        const sample = drawSample(cohort, strategy);
        const expected = strategy.kind === 'all' ? cohort.length : Math.min(strategy.size, cohort.length);
        expect(sample).toHaveLength(expected);
        expect(new Set(ids(sample)).size).toBe(sample.length);
        for (const c of sample) expect(cohort).toContain(c);
        for (let i = 1; i < sample.length; i++) expect(sample[i - 1]!.childId < sample[i]!.childId).toBe(true);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('a stratified sample matches the allocation for its areas', () => {
    fc.assert(
      fc.property(cohortArb, fc.integer({ min: 1, max: 50 }), fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''), (cohort, size, seed) => {
        const sample = drawSample(cohort, { kind: 'stratified', size, seed });
        const areas = [...new Set(cohort.map((c) => c.areaId))];
        for (const area of areas) {
          const inCohort = cohort.filter((c) => c.areaId === area).length;
          const inSample = sample.filter((c) => c.areaId === area).length;
          if (size >= areas.length) expect(inSample).toBeGreaterThanOrEqual(1);
          expect(inSample).toBeLessThanOrEqual(inCohort);
        }
      }),
      { seed: 13, numRuns: 300 },
    );
  });

  it('names the size and the seed when they are wrong', () => {
    for (const size of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(Object.keys(validationFields(() => drawSample(cohort, { kind: 'random', size, seed: 'x' })))).toEqual(['size']);
    }
    for (const seed of ['', '   ']) {
      expect(Object.keys(validationFields(() => drawSample(cohort, { kind: 'stratified', size: 3, seed })))).toEqual(['seed']);
    }
    expect(Object.keys(validationFields(() => drawSample([], { kind: 'random', size: 0, seed: '' }))).sort()).toEqual(['seed', 'size']);
  });

  it('refuses a cohort that lists a child twice', () => {
    const twice = [...cohort.slice(0, 3), cohort[0]!];
    expect(Object.keys(validationFields(() => drawSample(twice, { kind: 'all' })))).toEqual(['cohort']);
  });
});
