/**
 * The child's voice: what is expected, decided on the child's age and the entries so far. Pure.
 */
import { addDays, addMonths } from '../../lib/working-days.js';

/** A child's voice should be heard at least this often: older entries alone are flagged. */
export const VOICE_STALE_DAYS = 42;

/** Unborn, or under 2 on `today`: observation of lived experience is what is expected. */
export function isUnderTwo(child: { date_of_birth: string | null }, today: string): boolean {
  if (!child.date_of_birth) return true;
  return today < addMonths(child.date_of_birth, 24);
}

/** No entry on or after the day 6 weeks ago (or none at all). */
export function voiceIsStale(latestRecordedOn: string | null, today: string): boolean {
  return latestRecordedOn === null || latestRecordedOn < addDays(today, -VOICE_STALE_DAYS);
}
