/**
 * Working days in England: Monday to Friday, less the England and Wales bank holidays (from
 * the maintained date-holidays data, not a hand-typed list) and any local closure days a
 * partnership adds. Dates are ISO strings (YYYY-MM-DD), so no time zone can move them.
 */
import Holidays from 'date-holidays';

const england = new Holidays('GB', 'ENG');
const byYear = new Map<number, Set<string>>();

export function bankHolidays(year: number): Set<string> {
  let set = byYear.get(year);
  if (!set) {
    set = new Set(england.getHolidays(year).filter((h) => h.type === 'public' || h.type === 'bank').map((h) => h.date.slice(0, 10)));
    byYear.set(year, set);
  }
  return set;
}

export function parseIsoDate(iso: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new RangeError(`Not an ISO date: ${iso}`);
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) throw new RangeError(`Not a real date: ${iso}`);
  return d;
}

export function toIsoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// One formatter for every call: building an Intl.DateTimeFormat costs far more than formatting with it (it
// dominated loading a child's facts, which formats a date for every meeting and action)
const LONDON_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Today's date in England for an instant. */
export function londonDate(instant: Date): string {
  return LONDON_DATE.format(instant);
}

// Dates as day numbers (days since 1970-01-01), remembered: the standards engine does date arithmetic for
// every meeting, action and visit of every child, over a few thousand distinct dates
const MEMO_LIMIT = 100_000;
const dayNumbers = new Map<string, number>();
const isoDates = new Map<number, string>();

function dayNumber(iso: string): number {
  let n = dayNumbers.get(iso);
  if (n === undefined) {
    n = Math.round(parseIsoDate(iso).getTime() / 86_400_000);
    if (dayNumbers.size < MEMO_LIMIT) dayNumbers.set(iso, n);
  }
  return n;
}

function isoOfDay(n: number): string {
  let iso = isoDates.get(n);
  if (iso === undefined) {
    iso = toIsoDate(new Date(n * 86_400_000));
    if (isoDates.size < MEMO_LIMIT) isoDates.set(n, iso);
  }
  return iso;
}

export function addDays(iso: string, days: number): string {
  return isoOfDay(dayNumber(iso) + days);
}

export function addMonths(iso: string, months: number): string {
  const d = parseIsoDate(iso);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return toIsoDate(d);
}

const NO_CLOSURES: ReadonlySet<string> = new Set();

export function isWorkingDay(iso: string, closures: ReadonlySet<string> = NO_CLOSURES): boolean {
  const dow = (((dayNumber(iso) + 4) % 7) + 7) % 7; // 1 January 1970 was a Thursday
  return dow !== 0 && dow !== 6 && !bankHolidays(Number(iso.slice(0, 4))).has(iso) && !closures.has(iso);
}

// addWorkingDays' answers, for each set of closure days (a partnership's), by date, number of days and the set's
// size (so a day added to a set after it was first used is not missed)
const workingDayMemo = new WeakMap<ReadonlySet<string>, Map<string, string>>();

/** The date n working days after iso (n ≥ 0); day 0 is iso itself. */
export function addWorkingDays(iso: string, n: number, closures: ReadonlySet<string> = NO_CLOSURES): string {
  let memo = workingDayMemo.get(closures);
  if (!memo) workingDayMemo.set(closures, (memo = new Map()));
  const key = `${iso}+${n}+${closures.size}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  let current = iso;
  let left = n;
  while (left > 0) {
    current = addDays(current, 1);
    if (isWorkingDay(current, closures)) left--;
  }
  if (memo.size < MEMO_LIMIT) memo.set(key, current);
  return current;
}

/** Working days after `from` up to and including `to` (0 when to ≤ from). */
export function workingDaysBetween(from: string, to: string, closures: ReadonlySet<string> = NO_CLOSURES): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d, closures)) n++;
  return n;
}

/** Whole calendar days from `from` to `to`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((parseIsoDate(to).getTime() - parseIsoDate(from).getTime()) / 86_400_000);
}
