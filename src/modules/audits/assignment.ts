/**
 * Assigning auditors to the sampled cases of a multi-agency case audit. Auditors come from several
 * agencies; each child's case gets the number of auditors the audit asks for, and an auditor is
 * never given a child they work with (the conflict rule). Auditors from the agencies involved with
 * the child are preferred, a case's auditors are spread over as many agencies as possible, and the
 * work is shared out evenly. What cannot be met is reported in plain English for the QA lead.
 * Pure and deterministic: the same cases and auditors, in any order, give the same assignment.
 */
import { ValidationError } from '../../lib/errors.js';
import { type CohortCase, compareIds } from './sampling.js';

export interface AuditorCandidate {
  userId: string;
  agencyId: string;
}

export interface Assignment {
  childId: string;
  userId: string;
}

export interface AssignmentResult {
  /** In childId order; within a case, in the order the auditors were chosen (most preferred first). */
  assignments: Assignment[];
  /** In childId order. A case can have two entries: too few auditors, and none of its agencies covered. */
  unmet: { childId: string; reason: string }[];
}

/**
 * How well an auditor suits a case, lower first:
 * 0 an involved agency not yet covered on the case, 1 another agency not yet covered,
 * 2 an involved agency already covered, 3 any other agency already covered.
 * Covering distinct agencies therefore comes before a second auditor from the same agency, even an
 * involved one: the point of a multi-agency audit is several agencies' view of the case.
 */
function tier(agencyId: string, involved: ReadonlySet<string>, covered: ReadonlySet<string>): number {
  const fresh = !covered.has(agencyId);
  const mine = involved.has(agencyId);
  if (mine && fresh) return 0;
  if (fresh) return 1;
  return mine ? 2 : 3;
}

const countAuditors = (n: number) => `${n} auditor${n === 1 ? '' : 's'}`;

function shortfallReason(available: number, eligible: number, perCase: number): string {
  if (eligible === available) {
    return eligible === 0 ? `no auditors in the pool; ${perCase} needed` : `only ${countAuditors(eligible)} in the pool; ${perCase} needed`;
  }
  return eligible === 0 ? `no auditor without a conflict; ${perCase} needed` : `only ${countAuditors(eligible)} without a conflict; ${perCase} needed`;
}

/**
 * Assigns perCase distinct auditors to each case. Rules, in order:
 * - never an auditor whose userId is among the case's workerUserIds;
 * - prefer auditors from the case's agencies (agencyIds), and cover distinct agencies (see tier);
 * - among equally suitable auditors, the one with the fewest cases so far, then the lowest userId.
 * Cases with the fewest eligible auditors are assigned first, so scarce auditors go where they are
 * needed. A case short of auditors gets as many as possible and an unmet entry; so does a case with
 * agencies none of which an assigned auditor comes from. Throws ValidationError naming 'perCase'
 * (not a whole number, 1 or more), 'cases' (a child twice) or 'auditors' (one person with two agencies).
 */
export function assignAuditors(
  cases: readonly CohortCase[],
  auditors: readonly AuditorCandidate[],
  opts: { perCase: number },
): AssignmentResult {
  const { perCase } = opts;
  if (typeof perCase !== 'number' || !Number.isSafeInteger(perCase) || perCase < 1) {
    throw new ValidationError({ perCase: 'Enter the number of auditors for each case as a whole number, 1 or more' });
  }
  const sortedCases = [...cases].sort((x, y) => compareIds(x.childId, y.childId));
  for (let i = 1; i < sortedCases.length; i++) {
    if (sortedCases[i]!.childId === sortedCases[i - 1]!.childId) {
      throw new ValidationError({ cases: 'The same child is in the audit more than once' });
    }
  }
  const pool: AuditorCandidate[] = [];
  for (const a of [...auditors].sort((x, y) => compareIds(x.userId, y.userId) || compareIds(x.agencyId, y.agencyId))) {
    const last = pool[pool.length - 1];
    if (last?.userId !== a.userId) pool.push({ userId: a.userId, agencyId: a.agencyId });
    else if (last.agencyId !== a.agencyId) {
      throw new ValidationError({ auditors: 'The same person is listed as an auditor for two agencies' });
    }
  }

  const eligibleFor = new Map<string, AuditorCandidate[]>();
  for (const c of sortedCases) {
    const workers = new Set(c.workerUserIds);
    eligibleFor.set(
      c.childId,
      pool.filter((a) => !workers.has(a.userId)),
    );
  }
  const order = [...sortedCases].sort((x, y) => eligibleFor.get(x.childId)!.length - eligibleFor.get(y.childId)!.length || compareIds(x.childId, y.childId));

  const load = new Map<string, number>(pool.map((a) => [a.userId, 0]));
  const chosenFor = new Map<string, AuditorCandidate[]>();
  const unmetFor = new Map<string, string[]>();

  for (const c of order) {
    const eligible = eligibleFor.get(c.childId)!;
    const involved = new Set(c.agencyIds);
    const covered = new Set<string>();
    const chosen: AuditorCandidate[] = [];
    const taken = new Set<string>();
    while (chosen.length < perCase) {
      let best: AuditorCandidate | undefined;
      let bestTier = 0;
      for (const a of eligible) {
        if (taken.has(a.userId)) continue;
        const t = tier(a.agencyId, involved, covered);
        // eligible is in userId order, so on a full tie the first one seen (lowest userId) stays
        if (!best || t < bestTier || (t === bestTier && load.get(a.userId)! < load.get(best.userId)!)) {
          best = a;
          bestTier = t;
        }
      }
      if (!best) break;
      chosen.push(best);
      taken.add(best.userId);
      covered.add(best.agencyId);
      load.set(best.userId, load.get(best.userId)! + 1);
    }
    chosenFor.set(c.childId, chosen);

    const reasons: string[] = [];
    if (chosen.length < perCase) reasons.push(shortfallReason(pool.length, eligible.length, perCase));
    if (involved.size > 0 && !chosen.some((a) => involved.has(a.agencyId))) {
      const anyFromThem = pool.some((a) => involved.has(a.agencyId));
      reasons.push(
        anyFromThem
          ? 'none of the agencies involved with the child could be covered: every auditor from them works with the child'
          : 'none of the agencies involved with the child could be covered: none of them has an auditor in the pool',
      );
    }
    if (reasons.length > 0) unmetFor.set(c.childId, reasons);
  }

  const assignments: Assignment[] = [];
  const unmet: AssignmentResult['unmet'] = [];
  for (const c of sortedCases) {
    for (const a of chosenFor.get(c.childId)!) assignments.push({ childId: c.childId, userId: a.userId });
    for (const reason of unmetFor.get(c.childId) ?? []) unmet.push({ childId: c.childId, reason });
  }
  return { assignments, unmet };
}
