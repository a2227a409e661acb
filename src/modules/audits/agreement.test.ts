import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { agreementByDomain, cohensKappa, type Rating, ratingPairs } from './agreement.js';

/** Pairs from a contingency table: rows are the first rater's answers, columns the second's. */
function fromTable(labels: readonly string[], table: readonly (readonly number[])[]): [string, string][] {
  const pairs: [string, string][] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => {
      for (let k = 0; k < count; k++) pairs.push([labels[i]!, labels[j]!]);
    }),
  );
  return pairs;
}

const rating = (caseId: string, questionKey: string, domain: string, auditorId: string, answer: string): Rating => ({ caseId, questionKey, domain, auditorId, answer });

describe('cohensKappa: worked examples', () => {
  it('the classic 2×2 example: 50 items, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no', () => {
    // po = (20 + 15) / 50 = 0.7
    // first rater: 25 yes, 25 no; second rater: 30 yes, 20 no
    // pe = 0.5 × 0.6 + 0.5 × 0.4 = 0.5; κ = (0.7 − 0.5) / (1 − 0.5) = 0.4
    const k = cohensKappa(
      fromTable(
        ['yes', 'no'],
        [
          [20, 5],
          [10, 15],
        ],
      ),
    );
    expect(k.n).toBe(50);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(0.5, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
  });

  it('a 3-category example worked by hand (good / requires improvement / inadequate)', () => {
    //               second: G   RI   I   | first's total
    // first  G             10    4   1   | 15
    //        RI             6   16   2   | 24
    //        I              0    3   8   | 11
    // second's total       16   23  11   | 50
    // po = (10 + 16 + 8) / 50 = 34/50 = 0.68
    // pe = (15×16 + 24×23 + 11×11) / 50² = (240 + 552 + 121) / 2500 = 913/2500 = 0.3652
    // κ = (0.68 − 0.3652) / (1 − 0.3652) = 0.3148 / 0.6348 = 787/1587 ≈ 0.495904
    const k = cohensKappa(
      fromTable(
        ['good', 'requires improvement', 'inadequate'],
        [
          [10, 4, 1],
          [6, 16, 2],
          [0, 3, 8],
        ],
      ),
    );
    expect(k.n).toBe(50);
    expect(k.observed).toBeCloseTo(0.68, 12);
    expect(k.expected).toBeCloseTo(0.3652, 12);
    expect(k.kappa).toBeCloseTo(0.495904, 6);
  });

  it('agreement no better than chance is 0, and complete disagreement between two answers is −1', () => {
    // 2×2 with all cells 5: po 0.5, pe 0.25 + 0.25 = 0.5 → κ 0
    expect(
      cohensKappa(
        fromTable(
          ['yes', 'no'],
          [
            [5, 5],
            [5, 5],
          ],
        ),
      ).kappa,
    ).toBeCloseTo(0, 12);
    // 5 yes/no and 5 no/yes: po 0, pe 0.5 × 0.5 + 0.5 × 0.5 = 0.5 → κ −1
    expect(
      cohensKappa(
        fromTable(
          ['yes', 'no'],
          [
            [0, 5],
            [5, 0],
          ],
        ),
      ).kappa,
    ).toBeCloseTo(-1, 12);
  });

  it('no pairs: kappa null; one answer throughout: kappa 1 by definition', () => {
    expect(cohensKappa([])).toEqual({ n: 0, observed: 0, expected: 0, kappa: null });
    expect(cohensKappa([['met', 'met'], ['met', 'met'], ['met', 'met']])).toEqual({ n: 3, observed: 1, expected: 1, kappa: 1 });
  });
});

const answerArb = fc.constantFrom('good', 'requires improvement', 'inadequate', 'not applicable');
const pairsArb = fc.array(fc.tuple(answerArb, answerArb), { maxLength: 60 });
const RUNS = { seed: 31, numRuns: 500 };

describe('cohensKappa: properties', () => {
  it('is symmetric in the order of the raters and of the pairs', () => {
    fc.assert(
      fc.property(pairsArb.chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray(p, { minLength: p.length, maxLength: p.length }))), ([pairs, shuffled]) => {
        const k = cohensKappa(pairs);
        expect(cohensKappa(pairs.map(([a, b]) => [b, a] as const))).toEqual(k);
        expect(cohensKappa(shuffled)).toEqual(k);
      }),
      RUNS,
    );
  });

  it('lies between −1 and 1, with observed and expected proportions between 0 and 1', () => {
    fc.assert(
      fc.property(pairsArb, (pairs) => {
        const k = cohensKappa(pairs);
        expect(k.n).toBe(pairs.length);
        if (pairs.length === 0) {
          expect(k.kappa).toBeNull();
          return;
        }
        expect(k.kappa!).toBeLessThanOrEqual(1 + 1e-12);
        expect(k.kappa!).toBeGreaterThanOrEqual(-1 - 1e-12);
        for (const p of [k.observed, k.expected]) {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }),
      RUNS,
    );
  });

  it('is 1 for perfect agreement, and below 1 whenever any pair disagrees', () => {
    fc.assert(
      fc.property(fc.array(answerArb, { minLength: 1, maxLength: 40 }), (answers) => {
        expect(cohensKappa(answers.map((a) => [a, a] as const)).kappa).toBe(1);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(pairsArb, (pairs) => {
        fc.pre(pairs.some(([a, b]) => a !== b));
        expect(cohensKappa(pairs).kappa!).toBeLessThan(1);
      }),
      RUNS,
    );
  });

  it('does not depend on what the answers are called', () => {
    const rename: Record<string, string> = { good: 'G', 'requires improvement': 'RI', inadequate: 'I', 'not applicable': 'NA' };
    fc.assert(
      fc.property(pairsArb, (pairs) => {
        expect(cohensKappa(pairs.map(([a, b]) => [rename[a]!, rename[b]!] as const))).toEqual(cohensKappa(pairs));
      }),
      RUNS,
    );
  });
});

describe('agreementByDomain', () => {
  it('pools all pairs of different auditors per domain (worked by hand)', () => {
    const ratings = [
      // plan: c1/q1 by A, B, C → pairs A–B yes/yes, A–C yes/no, B–C yes/no
      rating('c1', 'q1', 'plan', 'A', 'yes'),
      rating('c1', 'q1', 'plan', 'B', 'yes'),
      rating('c1', 'q1', 'plan', 'C', 'no'),
      // plan: c1/q2 by A, B → yes/yes; c2/q1 by A, B → no/no
      rating('c1', 'q2', 'plan', 'A', 'yes'),
      rating('c1', 'q2', 'plan', 'B', 'yes'),
      rating('c2', 'q1', 'plan', 'B', 'no'),
      rating('c2', 'q1', 'plan', 'A', 'no'),
      // voice: each question seen by one auditor only → nothing to compare
      rating('c1', 'v1', 'voice', 'A', 'yes'),
      rating('c2', 'v1', 'voice', 'B', 'no'),
      // safety: everyone always said "adequate"
      rating('c1', 's1', 'safety', 'A', 'adequate'),
      rating('c1', 's1', 'safety', 'B', 'adequate'),
    ];
    const result = agreementByDomain(ratings);
    expect(Object.keys(result)).toEqual(['plan', 'safety', 'voice']);
    // plan: 5 pairs, 3 agree → po 0.6. Counting each pair both ways, the 10 answers are 6 yes, 4 no:
    // pe = 0.6² + 0.4² = 0.52; κ = (0.6 − 0.52) / 0.48 = 1/6
    expect(result.plan!.n).toBe(5);
    expect(result.plan!.observed).toBeCloseTo(0.6, 12);
    expect(result.plan!.expected).toBeCloseTo(0.52, 12);
    expect(result.plan!.kappa).toBeCloseTo(1 / 6, 12);
    expect(result.voice).toEqual({ n: 0, observed: 0, expected: 0, kappa: null });
    expect(result.safety).toEqual({ n: 1, observed: 1, expected: 1, kappa: 1 });
  });

  it("matches Fleiss' textbook example (10 cases, 14 auditors each, 5 answers): κ ≈ 0.210", () => {
    // Fleiss (1971), as worked on Wikipedia's "Fleiss' kappa" page: how many of the 14 raters put
    // each subject in each of 5 categories. P̄ = 688/1820 ≈ 0.378, P̄e = 4170/19600 ≈ 0.213,
    // κ = (P̄ − P̄e) / (1 − P̄e) ≈ 0.210. With the same number of auditors on every question, pooled
    // pairs counted both ways give the same figures.
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const ratings: Rating[] = [];
    table.forEach((row, subject) => {
      let rater = 0;
      row.forEach((count, category) => {
        for (let k = 0; k < count; k++) ratings.push(rating(`case-${subject}`, 'q', 'overall', `auditor-${rater++}`, `grade ${category + 1}`));
      });
    });
    const overall = agreementByDomain(ratings).overall!;
    expect(overall.n).toBe(10 * 91); // 14 auditors: 14 × 13 / 2 pairs per case
    expect(overall.observed).toBeCloseTo(0.378, 3);
    expect(overall.expected).toBeCloseTo(0.213, 3);
    expect(overall.kappa).toBeCloseTo(0.21, 3);
  });

  it('lists every unordered pair once per case and question, lower auditorId first', () => {
    const pairs = ratingPairs([
      rating('c1', 'q1', 'd', 'C', 'z'),
      rating('c1', 'q1', 'd', 'A', 'x'),
      rating('c1', 'q1', 'd', 'B', 'y'),
      rating('c1', 'q2', 'd', 'A', 'x'),
      rating('c2', 'q1', 'd', 'A', 'x'),
      rating('c2', 'q1', 'other', 'A', 'x'),
    ]);
    expect(pairs.get('d')).toEqual([
      ['x', 'y'],
      ['x', 'z'],
      ['y', 'z'],
    ]);
    expect(pairs.get('other')).toEqual([]);
  });

  it('refuses the same auditor answering the same question on the same case twice', () => {
    try {
      agreementByDomain([rating('c1', 'q1', 'd', 'A', 'x'), rating('c1', 'q1', 'd', 'A', 'y')]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).fields).toHaveProperty('ratings');
    }
  });

  const ratingsArb = fc
    .uniqueArray(
      fc.record({
        caseId: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
        questionKey: fc.constantFrom('q1', 'q2', 'q3'),
        domain: fc.constantFrom('plan', 'voice', '__proto__'),
        auditorId: fc.constantFrom('A', 'B', 'C', 'D'),
        answer: answerArb,
      }),
      { selector: (r) => `${r.domain}|${r.caseId}|${r.questionKey}|${r.auditorId}`, maxLength: 60 },
    );

  it('does not depend on the order of the ratings or on how auditors are labelled', () => {
    const relabel: Record<string, string> = { A: 'D', B: 'C', C: 'A', D: 'B' };
    fc.assert(
      fc.property(ratingsArb.chain((r) => fc.tuple(fc.constant(r), fc.shuffledSubarray(r, { minLength: r.length, maxLength: r.length }))), ([ratings, shuffled]) => {
        const result = agreementByDomain(ratings);
        expect(agreementByDomain(shuffled)).toEqual(result);
        const renamed = agreementByDomain(ratings.map((r) => ({ ...r, auditorId: relabel[r.auditorId]! })));
        for (const domain of Object.keys(result)) {
          expect(renamed[domain]!.n).toBe(result[domain]!.n);
          expect(renamed[domain]!.observed).toBeCloseTo(result[domain]!.observed, 12);
          expect(renamed[domain]!.expected).toBeCloseTo(result[domain]!.expected, 12);
          if (result[domain]!.kappa === null) expect(renamed[domain]!.kappa).toBeNull();
          else expect(renamed[domain]!.kappa!).toBeCloseTo(result[domain]!.kappa!, 12);
        }
      }),
      RUNS,
    );
  });

  it('counts C(m, 2) pairs for m auditors on a question, and has a key for every domain rated', () => {
    fc.assert(
      fc.property(ratingsArb, (ratings) => {
        const result = agreementByDomain(ratings);
        expect(Object.keys(result).sort()).toEqual([...new Set(ratings.map((r) => r.domain))].sort());
        for (const domain of Object.keys(result)) {
          const perItem = new Map<string, number>();
          for (const r of ratings.filter((x) => x.domain === domain)) perItem.set(`${r.caseId}|${r.questionKey}`, (perItem.get(`${r.caseId}|${r.questionKey}`) ?? 0) + 1);
          const expectedPairs = [...perItem.values()].reduce((s, m) => s + (m * (m - 1)) / 2, 0);
          expect(Object.prototype.hasOwnProperty.call(result, domain)).toBe(true);
          expect(result[domain]!.n).toBe(expectedPairs);
          if (expectedPairs === 0) expect(result[domain]!.kappa).toBeNull();
          else expect(result[domain]!.kappa!).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      RUNS,
    );
  });

  it('is 1 in every domain where all auditors always agreed', () => {
    fc.assert(
      fc.property(ratingsArb, (ratings) => {
        // Make every auditor give the first answer given to each case and question.
        const first = new Map<string, string>();
        const agreed = ratings.map((r) => {
          const key = `${r.domain}|${r.caseId}|${r.questionKey}`;
          if (!first.has(key)) first.set(key, r.answer);
          return { ...r, answer: first.get(key)! };
        });
        for (const k of Object.values(agreementByDomain(agreed))) {
          if (k.n > 0) expect(k.kappa).toBe(1);
        }
      }),
      RUNS,
    );
  });
});
