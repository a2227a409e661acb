/**
 * Agreement between auditors before moderation. When two or more auditors grade the same case
 * against the same audit question, the QA lead sees, for each domain of the audit tool, how often
 * they gave the same answer and how much of that is beyond chance (Cohen's kappa), so moderation
 * can start where auditors disagree most. Answers are compared as exact strings. Pure.
 */
import { ValidationError } from '../../lib/errors.js';

export interface Rating {
  caseId: string;
  questionKey: string;
  domain: string;
  auditorId: string;
  answer: string;
}

export interface Agreement {
  /** Number of pairs of answers compared. */
  n: number;
  /** Proportion of pairs that agree (po); 0 when n is 0. */
  observed: number;
  /** Agreement expected by chance from the answers' distributions (pe); 0 when n is 0. */
  expected: number;
  /** (po − pe) / (1 − pe); null when n is 0; 1 when pe is 1 (see cohensKappa). */
  kappa: number | null;
}

/**
 * Cohen's kappa for pairs of answers [first rater's, second rater's] to the same items.
 * po is the proportion of pairs that agree, pe = Σ over answers of (share of the first rater's
 * answers) × (share of the second's), and kappa = (po − pe) / (1 − pe).
 *
 * - No pairs: n 0, observed and expected 0, kappa null (nothing to measure).
 * - pe = 1 happens only when both raters gave one and the same answer to every item; then po is
 *   also 1 and the formula is 0/0. We define kappa as 1 there: the raters agreed on everything,
 *   and a report should show that as full agreement rather than as missing.
 *
 * Computed from whole-number counts, kappa = (n·agree − S) / (n² − S) with S = Σ count₁·count₂, so
 * swapping the raters gives exactly the same result.
 */
export function cohensKappa(pairs: readonly (readonly [string, string])[]): Agreement {
  const n = pairs.length;
  if (n === 0) return { n: 0, observed: 0, expected: 0, kappa: null };
  let agree = 0;
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  for (const [a, b] of pairs) {
    if (a === b) agree += 1;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  let s = 0;
  for (const [answer, count] of first) s += count * (second.get(answer) ?? 0);
  const n2 = n * n;
  return {
    n,
    observed: agree / n,
    expected: s / n2,
    kappa: s === n2 ? 1 : (n * agree - s) / (n2 - s),
  };
}

/**
 * For each domain, every unordered pair of different auditors' answers to the same case and
 * question (with 3 auditors on a question, its 3 pairs), oriented with the lower auditorId first.
 * Throws ValidationError naming 'ratings' when an auditor answered the same question on the same
 * case twice.
 */
export function ratingPairs(ratings: readonly Rating[]): Map<string, [string, string][]> {
  // domain → item (case and question) → auditor → answer
  const byDomain = new Map<string, Map<string, Map<string, string>>>();
  for (const r of ratings) {
    let items = byDomain.get(r.domain);
    if (!items) byDomain.set(r.domain, (items = new Map()));
    const itemKey = JSON.stringify([r.caseId, r.questionKey]);
    let answers = items.get(itemKey);
    if (!answers) items.set(itemKey, (answers = new Map()));
    if (answers.has(r.auditorId)) {
      throw new ValidationError({ ratings: 'An auditor has answered the same question on the same case twice' });
    }
    answers.set(r.auditorId, r.answer);
  }
  const out = new Map<string, [string, string][]>();
  for (const domain of [...byDomain.keys()].sort(compare)) {
    const pairs: [string, string][] = [];
    const items = byDomain.get(domain)!;
    for (const itemKey of [...items.keys()].sort(compare)) {
      const answers = [...items.get(itemKey)!].sort(([x], [y]) => compare(x, y));
      for (let i = 0; i < answers.length; i++) {
        for (let j = i + 1; j < answers.length; j++) pairs.push([answers[i]![1], answers[j]![1]]);
      }
    }
    out.set(domain, pairs);
  }
  return out;
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Agreement per domain, pooling every unordered pair of different auditors' answers to the same
 * case and question. A pair has no "first" auditor, so each is counted in both orders: the two
 * answer distributions in pe are then both the pooled distribution of answers. This makes the
 * result independent of how auditors are labelled, and when every question has the same number of
 * auditors it equals Fleiss' kappa (with exactly two, Scott's pi). n is the number of unordered
 * pairs. A domain whose questions each had a single auditor has n 0 and kappa null. Keys in domain
 * order.
 */
export function agreementByDomain(ratings: readonly Rating[]): Record<string, Agreement> {
  const out: [string, Agreement][] = [];
  for (const [domain, pairs] of ratingPairs(ratings)) {
    const both = pairs.flatMap(([a, b]) => [[a, b] as const, [b, a] as const]);
    const k = cohensKappa(both);
    out.push([domain, { ...k, n: pairs.length }]);
  }
  return Object.fromEntries(out);
}
