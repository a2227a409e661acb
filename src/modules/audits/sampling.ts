/**
 * Drawing the sample for a multi-agency case audit. A quality-assurance lead chooses a cohort
 * (for example every child on a child protection plan on a given date) and draws the children to
 * audit from it: all of them, a simple random sample, or a sample stratified by area so that every
 * quadrant is represented in proportion to its share of the cohort.
 *
 * The draw is reproducible: the same cohort (in any order) and the same seed always give the same
 * children, so the partnership can show the sample was drawn fairly and anyone can re-draw it to
 * check. Pure: no I/O, no clock, no Math.random.
 */
import { createHash } from 'node:crypto';
import { type FieldErrors, ValidationError } from '../../lib/errors.js';

export interface CohortCase {
  childId: string;
  /** Pseudonymised case reference shown in audits. */
  caseRef: string;
  areaId: string | null;
  teamId: string | null;
  /** Agencies involved with the child (the agencies of the core group members). */
  agencyIds: string[];
  /** Users who work with the child (lead worker, core group members, team manager...): they must not audit it. */
  workerUserIds: string[];
}

export type SampleStrategy =
  | { kind: 'all' }
  | { kind: 'random'; size: number; seed: string }
  /**
   * Stratified by areaId (children with no area form a stratum of their own), proportional
   * allocation by largest remainder; when size is at least the number of strata, every stratum
   * gets at least one child.
   */
  | { kind: 'stratified'; size: number; seed: string };

/** A seeded stream of random numbers. */
export interface SeededRandom {
  /** The next unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniformly distributed integer in [0, maxExclusive), without modulo bias. */
  nextInt(maxExclusive: number): number;
}

const TWO_32 = 2 ** 32;

/**
 * A seeded pseudo-random number generator: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, from PractRand), its 128-bit state taken from the SHA-256 of the seed string, so any
 * text (a date, an audit title) is a good seed.
 */
export function seededRandom(seed: string): SeededRandom {
  const digest = createHash('sha256').update(seed, 'utf8').digest();
  let a = digest.readUInt32LE(0) | 0;
  let b = digest.readUInt32LE(4) | 0;
  let c = digest.readUInt32LE(8) | 0;
  let d = digest.readUInt32LE(12) | 0;
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    nextUint32,
    nextInt(maxExclusive: number): number {
      if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_32) {
        throw new RangeError(`nextInt needs a whole number from 1 to 2^32, not ${maxExclusive}`);
      }
      // Reject the top sliver of the 32-bit range that would make the low values more likely.
      const limit = TWO_32 - (TWO_32 % maxExclusive);
      for (;;) {
        const x = nextUint32();
        if (x < limit) return x % maxExclusive;
      }
    },
  };
}

/** Code-unit order: the same on every machine and locale (unlike localeCompare). */
export function compareIds(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function byChildId(cases: readonly CohortCase[]): CohortCase[] {
  return [...cases].sort((x, y) => compareIds(x.childId, y.childId));
}

/** The cohort in childId order; a child listed twice is a mistake in the cohort. */
function sortedCohort(cohort: readonly CohortCase[]): CohortCase[] {
  const sorted = byChildId(cohort);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.childId === sorted[i - 1]!.childId) {
      throw new ValidationError({ cohort: 'The same child is in the cohort more than once' });
    }
  }
  return sorted;
}

function validate(strategy: { size: unknown; seed: unknown }): void {
  const fields: FieldErrors = {};
  if (typeof strategy.size !== 'number' || !Number.isSafeInteger(strategy.size) || strategy.size < 1) {
    fields.size = 'Enter the sample size as a whole number, 1 or more';
  }
  if (typeof strategy.seed !== 'string' || strategy.seed.trim() === '') {
    fields.seed = 'Enter a seed for the random draw';
  }
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
}

/** k items chosen uniformly at random without replacement (a partial Fisher–Yates shuffle). */
function pick<T>(items: readonly T[], k: number, random: SeededRandom): T[] {
  const pool = [...items];
  const count = Math.min(k, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + random.nextInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count);
}

/**
 * How many to draw from each stratum, given the strata sizes, by largest remainder (Hamilton's
 * method): each stratum's quota is total × size / cohort; every stratum gets the whole part of its
 * quota and the places left over go to the largest fractional parts (ties: the larger stratum,
 * then the earlier one). When total is at least the number of non-empty strata, a non-empty
 * stratum left with none takes one from the stratum most over its quota (ties: the larger
 * allocation, then the earlier stratum). A total of the cohort size or more takes every stratum
 * whole. Exact integer arithmetic throughout.
 */
export function allocateProportionally(sizes: readonly number[], total: number): number[] {
  for (const n of sizes) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`A stratum size must be a whole number, 0 or more, not ${n}`);
  }
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`The total must be a whole number, 0 or more, not ${total}`);
  const cohort = sizes.reduce((s, n) => s + n, 0);
  if (total >= cohort) return [...sizes];
  // quota_i = total * n_i / cohort = alloc_i + remainder_i / cohort
  const alloc = sizes.map((n) => Math.floor((total * n) / cohort));
  const remainder = sizes.map((n, i) => total * n - alloc[i]! * cohort);
  let left = total - alloc.reduce((s, a) => s + a, 0);
  const order = sizes.map((_, i) => i).sort((i, j) => remainder[j]! - remainder[i]! || sizes[j]! - sizes[i]! || i - j);
  for (const i of order) {
    if (left === 0) break;
    alloc[i]! += 1;
    left -= 1;
  }
  const nonEmpty = sizes.filter((n) => n > 0).length;
  if (total >= nonEmpty) {
    sizes.forEach((n, i) => {
      if (n === 0 || alloc[i]! > 0) return;
      let donor = -1;
      let donorSurplus = 0;
      sizes.forEach((m, j) => {
        if (alloc[j]! < 2) return;
        const surplus = alloc[j]! * cohort - total * m; // (alloc - quota) × cohort
        if (donor === -1 || surplus > donorSurplus || (surplus === donorSurplus && alloc[j]! > alloc[donor]!)) {
          donor = j;
          donorSurplus = surplus;
        }
      });
      alloc[donor]! -= 1; // a donor always exists: total >= non-empty strata, so one stratum has 2 or more
      alloc[i] = 1;
    });
  }
  return alloc;
}

/** The stratum a case belongs to; children with no area are a stratum of their own. */
export function stratumKey(areaId: string | null): string {
  return areaId === null ? 'no-area' : `area:${areaId}`;
}

/**
 * The sample, in childId order. 'all' ignores size and seed. A size of the cohort or more gives
 * the whole cohort. With the same seed, a larger random sample contains the smaller one, and in a
 * stratified sample each area is drawn from its own stream, so topping a sample up keeps the
 * children already drawn in every area whose share did not shrink. Throws ValidationError naming 'size' (not a whole number, 1 or more) and/or
 * 'seed' (empty), or 'cohort' when a child appears twice.
 */
export function drawSample(cohort: readonly CohortCase[], strategy: SampleStrategy): CohortCase[] {
  const sorted = sortedCohort(cohort);
  if (strategy.kind === 'all') return sorted;
  validate(strategy);
  const { size, seed } = strategy;
  if (size >= sorted.length) return sorted;
  if (strategy.kind === 'random') return byChildId(pick(sorted, size, seededRandom(seed)));

  const strata = new Map<string, CohortCase[]>();
  for (const c of sorted) {
    const key = stratumKey(c.areaId);
    const list = strata.get(key);
    if (list) list.push(c);
    else strata.set(key, [c]);
  }
  const keys = [...strata.keys()].sort(compareIds);
  const alloc = allocateProportionally(
    keys.map((k) => strata.get(k)!.length),
    size,
  );
  // Each stratum draws from its own stream, so one area's draw does not depend on the others.
  const drawn = keys.flatMap((k, i) => pick(strata.get(k)!, alloc[i]!, seededRandom(`${seed}\u0000${k}`)));
  return byChildId(drawn);
}
