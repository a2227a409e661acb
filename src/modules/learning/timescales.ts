/**
 * A review's own timescales, checked as practice standards are: a rapid review within 15 working days
 * of the notification of the serious incident; a local child safeguarding practice review published
 * within 6 months of its start. Working days leave out England's bank holidays and the partnership's
 * closure days. Pure: the review, today and the closure days in; the status out.
 */
import type { ReviewKind } from '../../db/schema.js';
import { addMonths, addWorkingDays } from '../../lib/working-days.js';

export const RAPID_REVIEW_WORKING_DAYS = 15;
export const LCSPR_MONTHS = 6;

export type TimescaleStatus = 'met' | 'met-late' | 'due' | 'overdue';
export const TIMESCALE_LABELS: Record<TimescaleStatus, string> = { met: 'Met', 'met-late': 'Met late', due: 'Due', overdue: 'Overdue' };

export interface Timescale {
  /** What is checked, in a sentence. */
  standard: string;
  /** The date it counts from (the notification, or the start). */
  from: string;
  dueOn: string;
  /** When it was done: the review's publication. */
  doneOn: string | null;
  status: TimescaleStatus;
}

export interface ReviewDates {
  kind: ReviewKind;
  notifiedOn: string | null;
  startedOn: string;
  /** The date the review was published (London), or null while it is a draft. */
  publishedOn: string | null;
}

function status(dueOn: string, doneOn: string | null, today: string): TimescaleStatus {
  if (doneOn) return doneOn <= dueOn ? 'met' : 'met-late';
  return today > dueOn ? 'overdue' : 'due';
}

/** The timescale that applies to a review, or null for kinds without one. */
export function reviewTimescale(r: ReviewDates, today: string, closures: ReadonlySet<string> = new Set()): Timescale | null {
  if (r.kind === 'rapid-review') {
    const from = r.notifiedOn ?? r.startedOn;
    const dueOn = addWorkingDays(from, RAPID_REVIEW_WORKING_DAYS, closures);
    return { standard: `A rapid review is completed within ${RAPID_REVIEW_WORKING_DAYS} working days of the notification`, from, dueOn, doneOn: r.publishedOn, status: status(dueOn, r.publishedOn, today) };
  }
  if (r.kind === 'lcspr') {
    const dueOn = addMonths(r.startedOn, LCSPR_MONTHS);
    return { standard: `A local child safeguarding practice review is published within ${LCSPR_MONTHS} months of its start`, from: r.startedOn, dueOn, doneOn: r.publishedOn, status: status(dueOn, r.publishedOn, today) };
  }
  return null;
}
