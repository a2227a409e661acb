/**
 * The partnership's escalation policy for professional disagreement, as pure rules: the stages,
 * their response deadlines in working days, and who may act on an escalation. No I/O.
 */
import { addWorkingDays } from '../../lib/working-days.js';
import type { ChildAccess } from '../cases/access.js';
import { isCaseHolder } from '../cases/policy.js';

export const STAGES = [1, 2, 3, 4] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  1: 'Stage 1: practitioner to practitioner',
  2: 'Stage 2: manager to manager',
  3: 'Stage 3: senior manager',
  4: 'Stage 4: partnership chair',
};

/** Working days each stage has for a response, unless the partnership sets its own. */
export const DEFAULT_STAGE_WORKING_DAYS: Record<Stage, number> = { 1: 5, 2: 5, 3: 10, 4: 10 };

export function isStage(n: number): n is Stage {
  return (STAGES as readonly number[]).includes(n);
}

/** The response deadline of a stage that started on `startedOn`. */
export function responseDue(stage: Stage, startedOn: string, closures: ReadonlySet<string> = new Set(), days: Record<Stage, number> = DEFAULT_STAGE_WORKING_DAYS): string {
  return addWorkingDays(startedOn, days[stage], closures);
}

/** The stage after this one, or null at the last stage. */
export function nextStage(stage: number): Stage | null {
  const n = stage + 1;
  return isStage(n) ? n : null;
}

/** Open, and no response by the deadline (the deadline day itself is still in time). */
export function isOverdue(e: { status: string; response_due_on: string }, today: string): boolean {
  return e.status === 'open' && today > e.response_due_on;
}

/**
 * Who may respond to, escalate, resolve or withdraw an escalation: the agency that raised it, the
 * agency it is about, and the child's case holders (lead practitioner, team manager, conference
 * chair, children's social care members of the core group). Seeing the record is decided before.
 */
export function canActOnEscalation(a: ChildAccess, e: { raised_by_agency_id: string; about_agency_id: string }): boolean {
  if (a.actor.kind === 'system') return true;
  return a.actor.agencyId === e.raised_by_agency_id || a.actor.agencyId === e.about_agency_id || isCaseHolder(a) || a.isManager;
}
