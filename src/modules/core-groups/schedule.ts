/**
 * When the core group must next meet. The first core group is due within 10 working days of the
 * initial conference (the plan's start); after that, every 6 weeks from the last meeting. Pure:
 * working days come from lib/working-days with the partnership's closure days passed in.
 */
import { addDays, addWorkingDays, daysBetween } from '../../lib/working-days.js';

export const FIRST_CORE_GROUP_WORKING_DAYS = 10;
export const CORE_GROUP_INTERVAL_DAYS = 42;
/** The "meetings due" queue looks this many days ahead. */
export const DUE_HORIZON_DAYS = 10;

export interface ScheduleFacts {
  planStartedOn: string;
  /** The plan's core group meetings (draft or finalised). */
  meetings: { heldOn: string }[];
  today: string;
  closures?: ReadonlySet<string>;
}

export interface Schedule {
  firstDueOn: string;
  /** The latest meeting on or before today. */
  lastHeldOn: string | null;
  /** When the next meeting is due: the first, or 6 weeks after the last. */
  nextDueOn: string;
  /** A meeting already arranged after today. */
  arrangedOn: string | null;
  /** Days from today to nextDueOn (negative when overdue). */
  daysUntilDue: number;
  overdue: boolean;
  /** Due (or overdue) within the horizon, and not arranged by the date it is due. */
  dueSoon: boolean;
}

export function coreGroupSchedule(f: ScheduleFacts): Schedule {
  const firstDueOn = addWorkingDays(f.planStartedOn, FIRST_CORE_GROUP_WORKING_DAYS, f.closures);
  const dates = f.meetings.map((m) => m.heldOn).sort();
  const held = dates.filter((d) => d <= f.today);
  const lastHeldOn = held.length ? held[held.length - 1]! : null;
  const arrangedOn = dates.find((d) => d > f.today) ?? null;
  const nextDueOn = lastHeldOn ? addDays(lastHeldOn, CORE_GROUP_INTERVAL_DAYS) : firstDueOn;
  const daysUntilDue = daysBetween(f.today, nextDueOn);
  return {
    firstDueOn,
    lastHeldOn,
    nextDueOn,
    arrangedOn,
    daysUntilDue,
    overdue: daysUntilDue < 0,
    dueSoon: daysUntilDue <= DUE_HORIZON_DAYS && (arrangedOn === null || arrangedOn > nextDueOn),
  };
}
