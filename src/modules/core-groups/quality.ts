/**
 * The minutes quality check: what the seeds' auditors would criticise in a core group's minutes
 * (seed 003's thematic audit of 132 children's core groups; seed 001's audit of 29 plans), shown
 * to the writer on every render of a draft. A pure function over the meeting's facts: no I/O.
 * The caller loads the facts; the partnership decides which findings block finalising.
 */
import { HEADING_ROLES, type MinutesHeading } from './headings.js';

export const QUALITY_CHECKS = {
  'previous-actions-not-reviewed': 'Every action due since the last meeting is reviewed',
  'plan-not-revised': 'The plan is discussed and revised in the meeting',
  'no-child-voice': 'The child’s voice and lived experience are recorded',
  'no-impact-analysis': 'Progress is analysed for its impact on the child, not only narrated',
  'no-safety-judgement': 'A safety judgement is made: a safety scale and a safety analysis',
  'absent-agency-no-report': 'Every agency that sent apologies sent a report',
  'absent-parent-not-addressed': 'An absent parent’s involvement is considered',
  'membership-not-confirmed': 'Core group membership is reviewed and confirmed',
  'own-views-not-considered': 'The child’s and family’s own views sent for the meeting are considered',
} as const;

export type QualityCheckId = keyof typeof QUALITY_CHECKS;
export const QUALITY_CHECK_IDS = Object.keys(QUALITY_CHECKS) as [QualityCheckId, ...QualityCheckId[]];

export interface QualityFinding {
  id: QualityCheckId;
  message: string;
  /** 'error' blocks finalising (always for unreviewed actions; otherwise when the partnership made the check mandatory). */
  severity: 'error' | 'warning';
}

export interface MinutesFacts {
  headings: MinutesHeading[];
  /** Text under each heading key. */
  minutes: Record<string, unknown>;
  safetyScale: number | null;
  /** Actions due since the previous meeting that have no review in this meeting. */
  unreviewedActions: { what: string }[];
  /** Plan versions made in (linked to) this meeting. */
  planVersionsLinked: number;
  /** Entries of the child's voice linked to this meeting. */
  voiceEntriesLinked: number;
  /** The current titles of the plan's outcomes. */
  outcomeTitles: string[];
  /** The child's names, which are no evidence of analysis when they appear in the progress text. */
  childNames: string[];
  /** Members of the core group with the attendance recorded (null: not recorded). */
  members: { name: string; agencyName: string | null; isParent: boolean; attendance: string | null }[];
  /** Parents absent from the meeting: not living with the child, or a parent member not present. */
  absentParents: string[];
  absentParentConsideration: string | null;
  membershipConfirmed: boolean;
  /** Views the child or family sent themselves (through a link) for this meeting. */
  ownViewsSent: number;
  /** How the minutes say those views were considered. */
  viewsConsidered: string | null;
  /** Check ids the partnership made mandatory. */
  mandatory: readonly string[];
}

const STOP_WORDS = new Set(
  'about above after again against all also and any are because been before being below between both but by can could did does doing down during each few for from further had has have having her here hers him his how into its itself just more most much must not now off once only other our ours out over own same she should some such than that the their theirs them then there these they this those through too under until very was were what when where which while who whom why will with would you your yours able every home well good make made need needs safe child children day days time times week weeks'.split(
    ' ',
  ),
);

/** The words of the plan's outcomes that show progress is discussed against them. */
export function outcomeKeyWords(titles: string[], childNames: string[]): string[] {
  const names = new Set(childNames.map((n) => n.toLowerCase()));
  const words = new Set<string>();
  for (const t of titles) {
    for (const w of t.toLowerCase().match(/[a-z]+/g) ?? []) {
      if (w.length < 4 || STOP_WORDS.has(w) || names.has(w)) continue;
      // A stem, so "attends" finds "attendance" and "parents" finds "parent".
      words.add(w.length > 6 ? w.slice(0, 6) : w.length > 4 ? w.replace(/s$/, '') : w);
    }
  }
  return [...words];
}

/** Words of analysis: why a change matters for the child, not only what happened. */
const ANALYSIS = /\b(impact\w*|because|means|meaning|which shows|this shows|shows that|risks?|risky|safer|better|worse|improv\w*|deteriorat\w*)\b/i;

const textOf = (minutes: Record<string, unknown>, key: string) => (typeof minutes[key] === 'string' ? (minutes[key] as string).trim() : '');
const titleOf = (headings: MinutesHeading[], key: string, fallback: string) => headings.find((h) => h.key === key)?.title ?? fallback;

export function listOf(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function qualityFindings(f: MinutesFacts): QualityFinding[] {
  const findings: Omit<QualityFinding, 'severity'>[] = [];
  const m = f.minutes;

  if (f.unreviewedActions.length) {
    const n = f.unreviewedActions.length;
    findings.push({
      id: 'previous-actions-not-reviewed',
      message: `Previous actions are not reviewed: ${n === 1 ? 'one action' : `${n} actions`} due since the last meeting ${n === 1 ? 'has' : 'have'} no review (${listOf(f.unreviewedActions.map((a) => `“${a.what}”`))}). Minutes that do not track previous actions cannot show drift or how delay is affecting the child.`,
    });
  }

  const planChanges = textOf(m, HEADING_ROLES.planChanges);
  if (f.planVersionsLinked === 0 && !planChanges) {
    findings.push({
      id: 'plan-not-revised',
      message: `The plan is not revised: no new version of the plan was made in this meeting and nothing is recorded under “${titleOf(f.headings, HEADING_ROLES.planChanges, 'Changes to the plan')}”. Core groups should develop the plan, not only update on it.`,
    });
  }

  if (!textOf(m, HEADING_ROLES.childVoice) && f.voiceEntriesLinked === 0) {
    findings.push({
      id: 'no-child-voice',
      message: `The child’s voice is missing: nothing is recorded under “${titleOf(f.headings, HEADING_ROLES.childVoice, 'The child’s voice and lived experience')}” and no entry of the child’s views or lived experience is linked to this meeting. For a baby or a child who does not speak, record what was observed of their daily life.`,
    });
  }

  const progress = textOf(m, HEADING_ROLES.progress);
  const progressTitle = titleOf(f.headings, HEADING_ROLES.progress, 'Progress against each outcome');
  if (!progress) {
    findings.push({ id: 'no-impact-analysis', message: `Minutes do not evaluate progress against the plan: nothing is recorded under “${progressTitle}”.` });
  } else {
    const lower = progress.toLowerCase();
    const mentionsOutcome = outcomeKeyWords(f.outcomeTitles, f.childNames).some((w) => new RegExp(`\\b${w}`, 'i').test(lower));
    if (!mentionsOutcome && !ANALYSIS.test(progress)) {
      findings.push({
        id: 'no-impact-analysis',
        message: `Minutes update but do not evaluate progress against the plan: “${progressTitle}” gives a narrative of events without saying what they mean for the child (their impact, what is better or worse, what it shows about the risk) or which outcome they bear on.`,
      });
    }
  }

  const safetyText = textOf(m, HEADING_ROLES.safety);
  if (f.safetyScale === null || !safetyText) {
    const missing = f.safetyScale === null && !safetyText ? 'no safety scale and no safety analysis' : f.safetyScale === null ? 'no safety scale (0 to 10)' : `no analysis under “${titleOf(f.headings, HEADING_ROLES.safety, 'Safety analysis')}”`;
    findings.push({
      id: 'no-safety-judgement',
      message: `No judgement of safety: the minutes have ${missing}. Analyse safety at the end of the meeting on the new information and the family’s account.`,
    });
  }

  const absentAgencies = [...new Set(f.members.filter((x) => !x.isParent && x.attendance === 'apologies-no-report').map((x) => x.agencyName ?? x.name))];
  if (absentAgencies.length) {
    findings.push({
      id: 'absent-agency-no-report',
      message: `${listOf(absentAgencies)} sent apologies without a report. Partners who cannot attend should share a report in advance: ask for it and record what it says.`,
    });
  }

  if (f.absentParents.length && !(f.absentParentConsideration ?? '').trim()) {
    findings.push({
      id: 'absent-parent-not-addressed',
      message: `${listOf(f.absentParents)} ${f.absentParents.length === 1 ? 'was' : 'were'} not at the meeting and the minutes do not say how ${f.absentParents.length === 1 ? 'their' : 'each one’s'} involvement was considered. Record how the absent parent was engaged, or why not.`,
    });
  }

  if (f.ownViewsSent > 0 && !(f.viewsConsidered ?? '').trim()) {
    findings.push({
      id: 'own-views-not-considered',
      message: `${f.ownViewsSent === 1 ? 'The child or family sent their own views' : `The child or family sent their own views ${f.ownViewsSent} times`} for this meeting, and the minutes do not say how they were considered. Record what the core group made of them and what changed because of them.`,
    });
  }

  if (!f.membershipConfirmed) {
    findings.push({
      id: 'membership-not-confirmed',
      message: 'Core group membership was not reviewed and confirmed at this meeting. Keep taking stock of who is in the core group: layering or duplication of services, or key practitioners left out, give a false sense of security.',
    });
  }

  const mandatory = new Set(f.mandatory);
  return findings.map((x) => ({ ...x, severity: x.id === 'previous-actions-not-reviewed' || mandatory.has(x.id) ? 'error' : 'warning' }));
}
