/**
 * The retention rule: which closed child records are due for review as at a date. Pure: the caller
 * loads each record's facts (its dates and what is still open) and the partnership's rule.
 *
 * A record is due for review when
 *   - nothing on it is open (a plan, a section 47 enquiry, a conference not yet held, an escalation);
 *   - at least `yearsAfterClosure` years have passed since its last involvement (the latest date on it:
 *     a referral, strategy discussion, enquiry, plan start or end, conference, meeting, voice entry,
 *     escalation, case entry, or the record's creation); and
 *   - the child has reached `minimumAge` (when the rule sets one), counted from the date of birth, or
 *     the expected date of birth for a child recorded before birth.
 * A record already anonymised is never due again. A date a number of years on from 29 February is
 * 1 March in a year that is not a leap year (the later date, as English law counts a birthday).
 */

export interface RetentionRule {
  yearsAfterClosure: number;
  /** null: no minimum age. */
  minimumAge: number | null;
}

export const DEFAULT_RULE: RetentionRule = { yearsAfterClosure: 6, minimumAge: 25 };

export const OPEN_KINDS = ['plan', 's47', 'conference', 'escalation'] as const;
export type OpenKind = (typeof OPEN_KINDS)[number];

export interface RecordFacts {
  childId: string;
  dateOfBirth: string | null;
  expectedDateOfBirth: string | null;
  anonymised: boolean;
  /** What is still open on the record. */
  open: readonly OpenKind[];
  /** The latest date on the record (YYYY-MM-DD). */
  lastInvolvementOn: string;
}

export type RetentionDecision =
  | { due: true; closedOn: string; dueOn: string; age: number | null }
  | { due: false; why: 'anonymised' | 'open' | 'not-yet' | 'under-minimum-age'; closedOn: string | null; dueOn: string | null; age: number | null };

export interface DueRecord {
  childId: string;
  closedOn: string;
  dueOn: string;
  age: number | null;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The same day `years` years on; 29 February becomes 1 March in a year that is not a leap year. */
export function addYears(iso: string, years: number): string {
  const y = Number(iso.slice(0, 4)) + years;
  const md = iso.slice(5);
  if (md === '02-29' && !isLeap(y)) return `${String(y).padStart(4, '0')}-03-01`;
  return `${String(y).padStart(4, '0')}-${md}`;
}

/** Whole years from `birth` to `on` (0 before the first birthday; negative before birth). */
export function ageOn(birth: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birth.slice(0, 4));
  return addYears(birth, years) <= on ? years : years - 1;
}

/** An age as a band, so the review list never shows a date of birth. */
export function ageBand(age: number | null): string {
  if (age === null) return 'Not known';
  if (age < 18) return 'Under 18';
  if (age < 25) return '18 to 24';
  if (age < 30) return '25 to 29';
  if (age < 40) return '30 to 39';
  return '40 or over';
}

export function retentionDecision(facts: RecordFacts, rule: RetentionRule, asOf: string): RetentionDecision {
  const birth = facts.dateOfBirth ?? facts.expectedDateOfBirth;
  const age = birth ? ageOn(birth, asOf) : null;
  if (facts.anonymised) return { due: false, why: 'anonymised', closedOn: null, dueOn: null, age };
  if (facts.open.length > 0) return { due: false, why: 'open', closedOn: null, dueOn: null, age };
  const closedOn = facts.lastInvolvementOn;
  const byClosure = addYears(closedOn, rule.yearsAfterClosure);
  // No date of birth at all cannot happen (the record needs one or the other); without one the age is not waited for
  const byAge = rule.minimumAge !== null && birth ? addYears(birth, rule.minimumAge) : null;
  const dueOn = byAge && byAge > byClosure ? byAge : byClosure;
  if (asOf < byClosure) return { due: false, why: 'not-yet', closedOn, dueOn, age };
  if (byAge && asOf < byAge) return { due: false, why: 'under-minimum-age', closedOn, dueOn, age };
  return { due: true, closedOn, dueOn, age };
}

/** The records due for review as at `asOf`, longest overdue first. */
export function dueForReview(records: readonly RecordFacts[], rule: RetentionRule, asOf: string): DueRecord[] {
  const out: DueRecord[] = [];
  for (const r of records) {
    const d = retentionDecision(r, rule, asOf);
    if (d.due) out.push({ childId: r.childId, closedOn: d.closedOn, dueOn: d.dueOn, age: d.age });
  }
  return out.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.childId.localeCompare(b.childId));
}

/** The reference the review list shows instead of a name: stable for the child, meaningless outside Assure. */
export function caseReference(childId: string): string {
  return `R-${childId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}
