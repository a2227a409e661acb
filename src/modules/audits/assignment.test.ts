import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import { type AssignmentResult, type AuditorCandidate, assignAuditors } from './assignment.js';
import type { CohortCase } from './sampling.js';

function kase(childId: string, agencyIds: string[] = [], workerUserIds: string[] = []): CohortCase {
  return { childId, caseRef: `CR-${childId}`, areaId: null, teamId: null, agencyIds, workerUserIds };
}
const auditor = (userId: string, agencyId: string): AuditorCandidate => ({ userId, agencyId });

const auditorsOf = (r: AssignmentResult, childId: string) => r.assignments.filter((a) => a.childId === childId).map((a) => a.userId);
const reasonsOf = (r: AssignmentResult, childId: string) => r.unmet.filter((u) => u.childId === childId).map((u) => u.reason);

function validationFields(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.fields;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('assignAuditors: examples', () => {
  it('never gives an auditor a child they work with', () => {
    const r = assignAuditors([kase('c1', [], ['u1'])], [auditor('u1', 'police'), auditor('u2', 'health')], { perCase: 1 });
    expect(auditorsOf(r, 'c1')).toEqual(['u2']);
    expect(r.unmet).toEqual([]);
  });

  it('prefers an auditor from an agency involved with the child', () => {
    const r = assignAuditors([kase('c1', ['health'])], [auditor('u1', 'education'), auditor('u2', 'health')], { perCase: 1 });
    expect(auditorsOf(r, 'c1')).toEqual(['u2']);
  });

  it("covers the child's agencies one each before a second auditor from any of them", () => {
    const pool = [auditor('h1', 'health'), auditor('h2', 'health'), auditor('p1', 'police')];
    const r = assignAuditors([kase('c1', ['health', 'police'])], pool, { perCase: 2 });
    expect(auditorsOf(r, 'c1')).toEqual(['h1', 'p1']);
  });

  it('prefers another agency to a second auditor from the same involved agency', () => {
    const pool = [auditor('h1', 'health'), auditor('h2', 'health'), auditor('e1', 'education')];
    const r = assignAuditors([kase('c1', ['health'])], pool, { perCase: 2 });
    expect(auditorsOf(r, 'c1')).toEqual(['h1', 'e1']);
  });

  it('shares the cases out evenly, ties going to the lowest userId', () => {
    const cases = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((id) => kase(id));
    const pool = [auditor('u3', 'health'), auditor('u1', 'health'), auditor('u2', 'health')];
    const r = assignAuditors(cases, pool, { perCase: 1 });
    // All equally suitable and unloaded at first: c1 → u1, c2 → u2, c3 → u3, then round again.
    expect(r.assignments.map((a) => a.userId)).toEqual(['u1', 'u2', 'u3', 'u1', 'u2', 'u3']);
  });

  it('assigns the hardest-to-staff cases first, so a scarce auditor is not used up elsewhere', () => {
    // b can only be audited by u1 (u2 works with b). Taking a first, by childId, would give u1 both.
    const r = assignAuditors([kase('a'), kase('b', [], ['u2'])], [auditor('u1', 'health'), auditor('u2', 'health')], { perCase: 1 });
    expect(r.assignments).toEqual([
      { childId: 'a', userId: 'u2' },
      { childId: 'b', userId: 'u1' },
    ]);
  });

  it('assigns what it can and says in plain English what is missing', () => {
    const pool = [auditor('u1', 'police'), auditor('u2', 'health'), auditor('u3', 'education')];
    const r = assignAuditors([kase('c1', ['police', 'health'], ['u1', 'u2']), kase('c2', [], ['u1', 'u2', 'u3'])], pool, { perCase: 2 });
    expect(auditorsOf(r, 'c1')).toEqual(['u3']);
    expect(reasonsOf(r, 'c1')).toEqual([
      'only 1 auditor without a conflict; 2 needed',
      'none of the agencies involved with the child could be covered: every auditor from them works with the child',
    ]);
    expect(auditorsOf(r, 'c2')).toEqual([]);
    expect(reasonsOf(r, 'c2')).toEqual(['no auditor without a conflict; 2 needed']);
  });

  it('says when the pool itself is too small, and when an agency has no auditor at all', () => {
    const r = assignAuditors([kase('c1', ['gp'])], [auditor('u1', 'police'), auditor('u2', 'health')], { perCase: 3 });
    expect(auditorsOf(r, 'c1')).toEqual(['u1', 'u2']);
    expect(reasonsOf(r, 'c1')).toEqual([
      'only 2 auditors in the pool; 3 needed',
      'none of the agencies involved with the child could be covered: none of them has an auditor in the pool',
    ]);
    expect(assignAuditors([kase('c1')], [], { perCase: 1 }).unmet).toEqual([{ childId: 'c1', reason: 'no auditors in the pool; 1 needed' }]);
  });

  it('lists the assignments by childId whatever order the cases came in', () => {
    const r = assignAuditors([kase('c3'), kase('c1'), kase('c2')], [auditor('u1', 'x')], { perCase: 1 });
    expect(r.assignments.map((a) => a.childId)).toEqual(['c1', 'c2', 'c3']);
  });

  it('names perCase, the cases or the auditors when they are wrong', () => {
    for (const perCase of [0, -2, 1.5, Number.NaN]) {
      expect(validationFields(() => assignAuditors([], [], { perCase }))).toHaveProperty('perCase');
    }
    expect(validationFields(() => assignAuditors([kase('c1'), kase('c1')], [], { perCase: 1 }))).toHaveProperty('cases');
    expect(validationFields(() => assignAuditors([], [auditor('u1', 'a'), auditor('u1', 'b')], { perCase: 1 }))).toHaveProperty('auditors');
    // The same person listed twice for the same agency is simply one auditor.
    const r = assignAuditors([kase('c1')], [auditor('u1', 'a'), auditor('u1', 'a')], { perCase: 2 });
    expect(auditorsOf(r, 'c1')).toEqual(['u1']);
  });
});

const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];
const AGENCIES = ['police', 'health', 'education', 'csc'];
const poolArb = fc.uniqueArray(
  fc.record({ userId: fc.constantFrom(...USERS), agencyId: fc.constantFrom(...AGENCIES) }),
  { selector: (a) => a.userId, maxLength: USERS.length },
);
const casesArb = fc.uniqueArray(
  fc.record({
    childId: fc.string({ minLength: 1, maxLength: 4 }),
    caseRef: fc.constant('CR'),
    areaId: fc.constant(null),
    teamId: fc.constant(null),
    agencyIds: fc.uniqueArray(fc.constantFrom(...AGENCIES), { maxLength: 3 }),
    workerUserIds: fc.uniqueArray(fc.constantFrom(...USERS), { maxLength: 5 }),
  }),
  { selector: (c) => c.childId, maxLength: 15 },
);
const perCaseArb = fc.integer({ min: 1, max: 4 });
const RUNS = { seed: 21, numRuns: 400 };

describe('assignAuditors: properties', () => {
  it('never assigns a conflict, never the same auditor twice on a case, only auditors from the pool', () => {
    fc.assert(
      fc.property(casesArb, poolArb, perCaseArb, (cases, pool, perCase) => {
        const r = assignAuditors(cases, pool, { perCase });
        const poolIds = new Set(pool.map((a) => a.userId));
        for (const c of cases) {
          const mine = auditorsOf(r, c.childId);
          expect(new Set(mine).size).toBe(mine.length);
          for (const u of mine) {
            expect(c.workerUserIds).not.toContain(u);
            expect(poolIds.has(u)).toBe(true);
          }
        }
        const childIds = new Set(cases.map((c) => c.childId));
        for (const a of r.assignments) expect(childIds.has(a.childId)).toBe(true);
      }),
      RUNS,
    );
  });

  it('gives each case perCase auditors, or every eligible one and an unmet entry', () => {
    fc.assert(
      fc.property(casesArb, poolArb, perCaseArb, (cases, pool, perCase) => {
        const r = assignAuditors(cases, pool, { perCase });
        for (const c of cases) {
          const eligible = pool.filter((a) => !c.workerUserIds.includes(a.userId)).length;
          expect(auditorsOf(r, c.childId)).toHaveLength(Math.min(perCase, eligible));
          const shortfall = reasonsOf(r, c.childId).filter((why) => why.endsWith(`${perCase} needed`));
          expect(shortfall).toHaveLength(eligible < perCase ? 1 : 0);
        }
      }),
      RUNS,
    );
  });

  it("covers as many distinct agencies, and of the child's own agencies, as the eligible auditors allow", () => {
    fc.assert(
      fc.property(casesArb, poolArb, perCaseArb, (cases, pool, perCase) => {
        const r = assignAuditors(cases, pool, { perCase });
        const agencyOf = new Map(pool.map((a) => [a.userId, a.agencyId]));
        for (const c of cases) {
          const eligible = pool.filter((a) => !c.workerUserIds.includes(a.userId));
          const agencies = new Set(auditorsOf(r, c.childId).map((u) => agencyOf.get(u)!));
          expect(agencies.size).toBe(Math.min(perCase, new Set(eligible.map((a) => a.agencyId)).size));
          const involvedEligible = new Set(eligible.map((a) => a.agencyId).filter((g) => c.agencyIds.includes(g)));
          const involvedCovered = [...agencies].filter((g) => c.agencyIds.includes(g));
          expect(involvedCovered).toHaveLength(Math.min(perCase, involvedEligible.size));
          const agencyNote = reasonsOf(r, c.childId).filter((why) => why.startsWith('none of the agencies'));
          expect(agencyNote).toHaveLength(c.agencyIds.length > 0 && involvedEligible.size === 0 ? 1 : 0);
        }
      }),
      RUNS,
    );
  });

  it('is deterministic, whatever order the cases and auditors come in', () => {
    fc.assert(
      fc.property(
        casesArb.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c, { minLength: c.length, maxLength: c.length }))),
        poolArb.chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray(p, { minLength: p.length, maxLength: p.length }))),
        perCaseArb,
        ([cases, casesShuffled], [pool, poolShuffled], perCase) => {
          const first = assignAuditors(cases, pool, { perCase });
          expect(assignAuditors(cases, pool, { perCase })).toEqual(first);
          expect(assignAuditors(casesShuffled, poolShuffled, { perCase })).toEqual(first);
        },
      ),
      RUNS,
    );
  });

  it('balances the load to within one case when every auditor is equally suitable', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 30 }),
        fc.uniqueArray(fc.constantFrom(...USERS), { minLength: 1 }),
        perCaseArb,
        (childIds, userIds, perCase) => {
          const r = assignAuditors(
            childIds.map((id) => kase(id)),
            userIds.map((u) => auditor(u, 'health')),
            { perCase },
          );
          const loads = userIds.map((u) => r.assignments.filter((a) => a.userId === u).length);
          expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
        },
      ),
      RUNS,
    );
  });
});
