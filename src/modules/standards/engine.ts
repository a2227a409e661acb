/**
 * The practice standards engine: one child's facts, the partnership's rule versions and a date in,
 * for every standard a status, a due date and the evidence (the records that decided it) out.
 * Pure: no I/O, no clock; it imports neither web nor database code.
 *
 * Many standards apply more than once to a child (each meeting, each action, each plan): each
 * application is an instance; the standard's status for the child is the most pressing of its
 * instances (overdue, missed, due, met late, met), with the evidence of the instances that decided it.
 * The rule version in force for an instance is the one effective on the instance's starting date
 * (the strategy discussion, the plan's start, the previous meeting...), so a rule changed in the middle
 * of a plan applies to what starts after its effective date.
 */
import { addDays, addMonths, addWorkingDays } from '../../lib/working-days.js';
import { DEFAULT_STANDARDS, type StandardKey } from './definitions.js';

/**
 * The version of the checks below. Raise it with any change to what a check decides: each child's stored
 * evaluation records the version it was worked out with, and the next nightly recompute evaluates again
 * every child evaluated with another (the rest of the night only those whose results can have moved).
 */
export const ENGINE_VERSION = 1;

export const STATUSES = ['overdue', 'missed', 'due', 'met-late', 'met', 'excepted', 'not-applicable'] as const;
export type Status = (typeof STATUSES)[number];

export type EvidenceType = 'strategy-discussion' | 's47' | 'conference' | 'plan' | 'meeting' | 'action' | 'escalation' | 'entry' | 'referral';
export interface Evidence {
  type: EvidenceType;
  id: string;
  date: string | null;
  label: string;
}

export interface Instance {
  status: Status;
  dueOn: string | null;
  label: string;
  evidence: Evidence[];
  reason?: string;
}

export interface StandardResult {
  key: StandardKey;
  status: Status;
  dueOn: string | null;
  evidence: Evidence[];
  reason?: string;
  /** A flag standard that applies to the child (status 'due'). */
  flagged?: boolean;
  instances: Instance[];
}

/** One version of one standard: its parameters from a date. */
export interface RuleVersion {
  key: string;
  effectiveFrom: string;
  parameters: Record<string, unknown>;
}

export interface CaseFacts {
  childId: string;
  referrals: { id: string; receivedOn: string }[];
  strategyDiscussions: { id: string; heldOn: string; outcome: string; agencyTypes: string[] }[];
  s47s: { id: string; strategyDiscussionId: string | null; startedOn: string; outcome: string | null; concludedOn: string | null }[];
  conferences: {
    id: string;
    kind: 'initial' | 'review' | 'transfer-in' | 'pre-birth';
    s47Id: string | null;
    planId: string | null;
    scheduledOn: string;
    heldOn: string | null;
    status: 'scheduled' | 'completed' | 'cancelled';
    cinPlan: string | null;
    invitees: { name: string; isParent: boolean; attendance: string | null; reportReceived: boolean }[];
  }[];
  plans: { id: string; startedOn: string; endedOn: string | null; previousPlans: number; cinPlan: string | null; noCinPlanReason: string | null; endedByConferenceId: string | null }[];
  meetings: {
    id: string;
    planId: string;
    heldOn: string;
    chairIsManager: boolean;
    finalisedOn: string | null;
    sharedProfessionalsOn: string | null;
    attendance: { name: string; isParent: boolean; attendance: string }[];
  }[];
  actions: { id: string; planId: string; what: string; dueOn: string; status: string; doneOn: string | null }[];
  escalations: {
    id: string;
    stage: number;
    status: 'open' | 'resolved' | 'withdrawn';
    stageStartedOn: string;
    responseDueOn: string;
    events: { stage: number; kind: string; on: string }[];
  }[];
  entries: { id: string; kind: string; occurredOn: string; dueOn: string | null; data: Record<string, unknown> }[];
  exceptions: { id: string; standardKey: string; reason: string }[];
}

export const emptyFacts = (childId: string): CaseFacts => ({
  childId,
  referrals: [],
  strategyDiscussions: [],
  s47s: [],
  conferences: [],
  plans: [],
  meetings: [],
  actions: [],
  escalations: [],
  entries: [],
  exceptions: [],
});

// Helpers

const RANK: Record<Status, number> = { overdue: 0, missed: 1, due: 2, 'met-late': 3, met: 4, excepted: 5, 'not-applicable': 6 };

/** The version of a standard in force on a date (the latest effective on or before it), or undefined. */
export function ruleAt(rules: readonly RuleVersion[], key: string, date: string): RuleVersion | undefined {
  let best: RuleVersion | undefined;
  for (const r of rules) if (r.key === key && r.effectiveFrom <= date && (!best || r.effectiveFrom > best.effectiveFrom)) best = r;
  return best;
}

function num(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

/**
 * The day the evaluation is as at. The checks compare dates with it only through `reached` and `passed`,
 * which note every comparison that came out false: the first later day on which one of them would come
 * out true is the first day the results could be different with the same facts. Up to the day before,
 * every comparison, so every branch taken and every result, would be the same (`holdsUntil`), which is
 * what lets the nightly recompute leave alone the children whose results cannot have moved.
 */
export class AsOf {
  private firstReached: string | null = null;
  private firstPassed: string | null = null;
  constructor(readonly date: string) {}
  /** The day has come: it is on or before the date. */
  reached(d: string): boolean {
    if (d <= this.date) return true;
    if (this.firstReached === null || d < this.firstReached) this.firstReached = d;
    return false;
  }
  /** The day has gone by: it is before the date. */
  passed(d: string): boolean {
    if (d < this.date) return true;
    if (this.firstPassed === null || d < this.firstPassed) this.firstPassed = d;
    return false;
  }
  /** The last day on which every comparison made so far comes out as on the date; null when that is every later day. */
  holdsUntil(): string | null {
    // A day not reached is reached on itself (holding until the day before); a day not passed is passed the day after it
    const a = this.firstReached === null ? null : addDays(this.firstReached, -1);
    const b = this.firstPassed;
    if (a === null) return b;
    if (b === null) return a;
    return a < b ? a : b;
  }
}

/** Done by the due date: met or met late; not done: missed when it can no longer be done, else due or overdue (the due date itself is still in time). */
function deadline(asOf: AsOf, dueOn: string, doneOn: string | null, closed = false): Status {
  if (doneOn) return doneOn <= dueOn ? 'met' : 'met-late';
  if (closed) return 'missed';
  return asOf.passed(dueOn) ? 'overdue' : 'due';
}

const held = (d: string | null | undefined, asOf: AsOf): d is string => typeof d === 'string' && asOf.reached(d);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const iso = (v: unknown): string | null => {
  const s = str(v);
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : null;
};

const ev = {
  sd: (s: { id: string; heldOn: string }): Evidence => ({ type: 'strategy-discussion', id: s.id, date: s.heldOn, label: 'Strategy discussion' }),
  s47: (s: { id: string; startedOn: string }): Evidence => ({ type: 's47', id: s.id, date: s.startedOn, label: 'Section 47 enquiry' }),
  conf: (c: { id: string; kind: string; heldOn: string | null; scheduledOn: string }): Evidence => ({
    type: 'conference',
    id: c.id,
    date: c.heldOn ?? c.scheduledOn,
    label: `${c.kind === 'review' ? 'Review' : c.kind === 'transfer-in' ? 'Transfer-in' : c.kind === 'pre-birth' ? 'Pre-birth' : 'Initial'} conference${c.heldOn ? '' : ' (scheduled)'}`,
  }),
  plan: (p: { id: string; startedOn: string }): Evidence => ({ type: 'plan', id: p.id, date: p.startedOn, label: 'Child protection plan' }),
  meeting: (m: { id: string; heldOn: string }): Evidence => ({ type: 'meeting', id: m.id, date: m.heldOn, label: 'Core group meeting' }),
  entry: (e: { id: string; occurredOn: string }, label: string): Evidence => ({ type: 'entry', id: e.id, date: e.occurredOn, label }),
};

type Ctx = { facts: CaseFacts; rules: readonly RuleVersion[]; asOf: AsOf; closures: ReadonlySet<string> };
type Check = (ctx: Ctx, key: StandardKey) => Instance[];

/** The parameters in force on a date, or null (with a not-applicable instance to explain) when no version is. */
function params(ctx: Ctx, key: string, on: string): Record<string, unknown> | null {
  return ruleAt(ctx.rules, key, on)?.parameters ?? null;
}
const notInForce = (label: string, on: string, evidence: Evidence[]): Instance => ({ status: 'not-applicable', dueOn: null, label, evidence, reason: `No version of this standard was in force on ${on}` });

// The standards

const strategyAttendance: Check = (ctx, key) =>
  ctx.facts.strategyDiscussions.map((s) => {
    const p = params(ctx, key, s.heldOn);
    if (!p) return notInForce('Strategy discussion', s.heldOn, [ev.sd(s)]);
    const required = Array.isArray(p.agencyTypes) ? p.agencyTypes.filter((x): x is string => typeof x === 'string') : [];
    const missing = required.filter((t) => !s.agencyTypes.includes(t));
    return {
      status: missing.length ? 'missed' : 'met',
      dueOn: s.heldOn,
      label: `Strategy discussion of ${s.heldOn}`,
      evidence: [ev.sd(s)],
      ...(missing.length ? { reason: `No participant from: ${missing.join(', ')}` } : {}),
    };
  });

const isIcpc = (c: CaseFacts['conferences'][number]) => (c.kind === 'initial' || c.kind === 'pre-birth') && c.status !== 'cancelled';

const icpcTimescale: Check = (ctx, key) =>
  ctx.facts.s47s.map((s47) => {
    const sds = ctx.facts.strategyDiscussions;
    const sd = (s47.strategyDiscussionId && sds.find((x) => x.id === s47.strategyDiscussionId)) || [...sds].filter((x) => x.outcome === 'section-47' && x.heldOn <= s47.startedOn).sort((a, b) => b.heldOn.localeCompare(a.heldOn))[0];
    const anchor = sd?.heldOn ?? s47.startedOn;
    const evidence = [...(sd ? [ev.sd(sd)] : []), ev.s47(s47)];
    const p = params(ctx, key, anchor);
    if (!p) return notInForce('Initial conference', anchor, evidence);
    const dueOn = addWorkingDays(anchor, num(p, 'workingDays', 15), ctx.closures);
    const icpc = ctx.facts.conferences
      .filter((c) => isIcpc(c) && (c.s47Id === s47.id || (c.s47Id === null && (c.heldOn ?? c.scheduledOn) >= anchor)))
      .sort((a, b) => (a.heldOn ?? a.scheduledOn).localeCompare(b.heldOn ?? b.scheduledOn))[0];
    if (icpc) evidence.push(ev.conf(icpc));
    const label = `Initial conference after the strategy discussion of ${anchor}`;
    const reason = sd ? undefined : 'No strategy discussion recorded: counted from the start of the enquiry';
    if (icpc && held(icpc.heldOn, ctx.asOf) && icpc.status === 'completed') return { status: deadline(ctx.asOf, dueOn, icpc.heldOn), dueOn, label, evidence, ...(reason ? { reason } : {}) };
    if (s47.outcome === 'no-icpc-cin' || s47.outcome === 'no-icpc-nfa') return { status: 'not-applicable', dueOn, label, evidence, reason: 'The enquiry concluded without a conference' };
    return { status: deadline(ctx.asOf, dueOn, null), dueOn, label, evidence, ...(reason ? { reason } : {}) };
  });

function meetingsOf(ctx: Ctx, planId: string) {
  return ctx.facts.meetings.filter((m) => m.planId === planId && held(m.heldOn, ctx.asOf)).sort((a, b) => a.heldOn.localeCompare(b.heldOn));
}
const planEnded = (p: { endedOn: string | null }, asOf: AsOf) => held(p.endedOn, asOf);

const firstCoreGroup: Check = (ctx, key) =>
  ctx.facts.plans.flatMap((plan): Instance[] => {
    const p = params(ctx, key, plan.startedOn);
    if (!p) return [notInForce('First core group', plan.startedOn, [ev.plan(plan)])];
    const dueOn = addWorkingDays(plan.startedOn, num(p, 'workingDays', 10), ctx.closures);
    const first = meetingsOf(ctx, plan.id)[0];
    const label = `First core group of the plan started ${plan.startedOn}`;
    const evidence = [ev.plan(plan), ...(first ? [ev.meeting(first)] : [])];
    if (first) return [{ status: deadline(ctx.asOf, dueOn, first.heldOn), dueOn, label, evidence }];
    if (planEnded(plan, ctx.asOf) && plan.endedOn! <= dueOn) return [{ status: 'not-applicable', dueOn, label, evidence, reason: 'The plan ended before a first core group was due' }];
    return [{ status: deadline(ctx.asOf, dueOn, null, planEnded(plan, ctx.asOf)), dueOn, label, evidence }];
  });

const firstCoreGroupChair: Check = (ctx, key) =>
  ctx.facts.plans.flatMap((plan): Instance[] => {
    const first = meetingsOf(ctx, plan.id)[0];
    if (!first) return [];
    if (!params(ctx, key, first.heldOn)) return [notInForce('First core group chair', first.heldOn, [ev.meeting(first)])];
    return [
      {
        status: first.chairIsManager ? 'met' : 'missed',
        dueOn: first.heldOn,
        label: `Chair of the first core group, ${first.heldOn}`,
        evidence: [ev.meeting(first)],
        ...(first.chairIsManager ? {} : { reason: 'Not chaired by a manager' }),
      },
    ];
  });

const coreGroupInterval: Check = (ctx, key) =>
  ctx.facts.plans.flatMap((plan): Instance[] => {
    const ms = meetingsOf(ctx, plan.id);
    const out: Instance[] = [];
    for (let i = 0; i < ms.length; i++) {
      const prev = ms[i]!;
      const next = ms[i + 1];
      const p = params(ctx, key, prev.heldOn);
      if (!p) {
        out.push(notInForce('Next core group', prev.heldOn, [ev.meeting(prev)]));
        continue;
      }
      const dueOn = addDays(prev.heldOn, Math.round(num(p, 'weeks', 6) * 7));
      const label = `Core group after the meeting of ${prev.heldOn}`;
      if (next) {
        out.push({ status: deadline(ctx.asOf, dueOn, next.heldOn), dueOn, label, evidence: [ev.meeting(prev), ev.meeting(next)] });
        continue;
      }
      if (plan.endedOn && plan.endedOn <= dueOn) continue; // the plan ended before another was due
      out.push({ status: deadline(ctx.asOf, dueOn, null, planEnded(plan, ctx.asOf)), dueOn, label, evidence: [ev.meeting(prev)] });
    }
    return out;
  });

const reviewConference: Check = (ctx, key) =>
  ctx.facts.plans.flatMap((plan): Instance[] => {
    const reviews = ctx.facts.conferences
      .filter((c) => c.kind === 'review' && c.status === 'completed' && held(c.heldOn, ctx.asOf) && (c.planId === plan.id || (c.planId === null && c.heldOn! > plan.startedOn && (!plan.endedOn || c.heldOn! <= plan.endedOn))))
      .sort((a, b) => a.heldOn!.localeCompare(b.heldOn!));
    const out: Instance[] = [];
    let prev = plan.startedOn;
    let first = true;
    for (let i = 0; i <= reviews.length; i++) {
      const review = reviews[i];
      const p = params(ctx, key, prev);
      if (!p) {
        out.push(notInForce('Review conference', prev, [ev.plan(plan)]));
        if (!review) break;
        prev = review.heldOn!;
        first = false;
        continue;
      }
      const dueOn = addMonths(prev, first ? num(p, 'firstMonths', 3) : num(p, 'thenMonths', 6));
      const label = first ? `First review of the plan started ${plan.startedOn}` : `Review after the conference of ${prev}`;
      const evidence = [ev.plan(plan), ...(review ? [ev.conf(review)] : [])];
      if (review) {
        out.push({ status: deadline(ctx.asOf, dueOn, review.heldOn), dueOn, label, evidence });
        prev = review.heldOn!;
        first = false;
        continue;
      }
      if (plan.endedOn && plan.endedOn <= dueOn) break;
      out.push({ status: deadline(ctx.asOf, dueOn, null, planEnded(plan, ctx.asOf)), dueOn, label, evidence });
    }
    return out;
  });

/** How a child visit records whether the child was seen alone: yes, no, or not appropriate (with the reason why). */
export const VISIT_SEEN_ALONE = ['yes', 'no', 'not-appropriate'] as const;

/**
 * The child visited within the working days of the plan's start and of each visit before, while the
 * plan lasts; and at each visit seen alone unless that was recorded as not appropriate. The version in
 * force for a gap is the one effective on the day the gap started (the plan's start or the last visit).
 */
const childVisits: Check = (ctx, key) =>
  ctx.facts.plans.flatMap((plan): Instance[] => {
    const visits = ctx.facts.entries
      .filter((e) => e.kind === 'child-visit' && e.occurredOn >= plan.startedOn && (!plan.endedOn || e.occurredOn <= plan.endedOn) && ctx.asOf.reached(e.occurredOn))
      .sort((a, b) => a.occurredOn.localeCompare(b.occurredOn));
    const out: Instance[] = [];
    let prev: { on: string; evidence: Evidence } = { on: plan.startedOn, evidence: ev.plan(plan) };
    for (let i = 0; i <= visits.length; i++) {
      const visit = visits[i];
      const p = params(ctx, key, prev.on);
      if (!p) out.push(notInForce('Child visit', prev.on, [prev.evidence]));
      else {
        const dueOn = addWorkingDays(prev.on, num(p, 'workingDays', 10), ctx.closures);
        const label = i === 0 ? `First visit of the plan started ${plan.startedOn}` : `Visit after the visit of ${prev.on}`;
        if (visit) out.push({ status: deadline(ctx.asOf, dueOn, visit.occurredOn), dueOn, label, evidence: [prev.evidence, ev.entry(visit, 'Child visit')] });
        else if (!(plan.endedOn && plan.endedOn <= dueOn)) out.push({ status: deadline(ctx.asOf, dueOn, null, planEnded(plan, ctx.asOf)), dueOn, label, evidence: [prev.evidence] });
      }
      if (!visit) break;
      const visitEv = ev.entry(visit, 'Child visit');
      const vp = params(ctx, key, visit.occurredOn);
      if (vp && vp.seenAlone !== false) {
        const seen = str(visit.data.seenAlone);
        const label = `Seen alone at the visit of ${visit.occurredOn}`;
        if (seen === 'yes') out.push({ status: 'met', dueOn: visit.occurredOn, label, evidence: [visitEv] });
        else if (seen === 'not-appropriate') out.push({ status: 'not-applicable', dueOn: visit.occurredOn, label, evidence: [visitEv], reason: `Not appropriate to see the child alone${str(visit.data.notSeenAloneReason) ? `: ${str(visit.data.notSeenAloneReason)}` : ''}` });
        else out.push({ status: 'missed', dueOn: visit.occurredOn, label, evidence: [visitEv], reason: seen === 'no' ? 'Not seen alone' : 'Whether the child was seen alone is not recorded' });
      }
      prev = { on: visit.occurredOn, evidence: visitEv };
    }
    return out;
  });

const minutes =
  (field: 'finalisedOn' | 'sharedProfessionalsOn', fallbackDays: number, what: string): Check =>
  (ctx, key) =>
    ctx.facts.meetings
      .filter((m) => held(m.heldOn, ctx.asOf))
      .map((m) => {
        const p = params(ctx, key, m.heldOn);
        if (!p) return notInForce(`Minutes ${what}`, m.heldOn, [ev.meeting(m)]);
        const dueOn = addWorkingDays(m.heldOn, num(p, 'workingDays', fallbackDays), ctx.closures);
        return { status: deadline(ctx.asOf, dueOn, m[field]), dueOn, label: `Minutes of the meeting of ${m.heldOn} ${what}`, evidence: [ev.meeting(m)] };
      });

const absentAgencyReport: Check = (ctx, key) => {
  const out: Instance[] = [];
  for (const m of ctx.facts.meetings.filter((x) => held(x.heldOn, ctx.asOf))) {
    if (!params(ctx, key, m.heldOn)) continue;
    for (const a of m.attendance) {
      if (a.isParent) continue;
      if (a.attendance === 'apologies-report') out.push({ status: 'met', dueOn: m.heldOn, label: `${a.name}, core group of ${m.heldOn}`, evidence: [ev.meeting(m)] });
      if (a.attendance === 'apologies-no-report') out.push({ status: 'missed', dueOn: m.heldOn, label: `${a.name}, core group of ${m.heldOn}`, evidence: [ev.meeting(m)], reason: 'Apologies without a report' });
    }
  }
  for (const c of ctx.facts.conferences.filter((x) => x.status === 'completed' && held(x.heldOn, ctx.asOf))) {
    if (!params(ctx, key, c.heldOn!)) continue;
    for (const inv of c.invitees) {
      if (inv.isParent) continue;
      const label = `${inv.name}, conference of ${c.heldOn}`;
      if (inv.attendance === 'apologies-report' || (inv.attendance === 'did-not-attend' && inv.reportReceived)) out.push({ status: 'met', dueOn: c.heldOn, label, evidence: [ev.conf(c)] });
      else if (inv.attendance === 'apologies-no-report' || inv.attendance === 'did-not-attend')
        out.push({ status: 'missed', dueOn: c.heldOn, label, evidence: [ev.conf(c)], reason: inv.attendance === 'did-not-attend' ? 'Did not attend and sent no report' : 'Apologies without a report' });
    }
  }
  return out;
};

const professionalsMeeting: Check = (ctx, key) =>
  ctx.facts.plans.flatMap((plan): Instance[] => {
    const p = params(ctx, key, plan.startedOn);
    if (!p) return [notInForce('Professionals meeting', plan.startedOn, [ev.plan(plan)])];
    const dueOn = addMonths(plan.startedOn, num(p, 'months', 12));
    const from = addMonths(plan.startedOn, num(p, 'windowFromMonths', 9));
    if (plan.endedOn && plan.endedOn <= dueOn) return []; // not a plan over 12 months
    if (!ctx.asOf.reached(from)) return []; // not yet relevant
    const pm = ctx.facts.entries.filter((e) => e.kind === 'professionals-meeting' && e.occurredOn >= from && (!plan.endedOn || e.occurredOn <= plan.endedOn) && ctx.asOf.reached(e.occurredOn)).sort((a, b) => a.occurredOn.localeCompare(b.occurredOn))[0];
    const evidence = [ev.plan(plan), ...(pm ? [ev.entry(pm, 'Professionals meeting')] : [])];
    return [{ status: deadline(ctx.asOf, dueOn, pm?.occurredOn ?? null, planEnded(plan, ctx.asOf)), dueOn, label: `Professionals meeting for the plan started ${plan.startedOn}`, evidence }];
  });

const longPlanCheckpoints: Check = (ctx, key) =>
  ctx.facts.plans
    .filter((plan) => !planEnded(plan, ctx.asOf))
    .flatMap((plan): Instance[] => {
      const p = params(ctx, key, plan.startedOn);
      if (!p) return [];
      const months = Array.isArray(p.months) ? p.months.filter((x): x is number => typeof x === 'number') : [];
      return months
        .map((m) => ({ m, on: addMonths(plan.startedOn, m) }))
        .filter(({ on }) => ctx.asOf.reached(on))
        .map(({ m, on }) => ({ status: 'due' as const, dueOn: on, label: `${m}-month checkpoint of the plan started ${plan.startedOn}`, evidence: [ev.plan(plan)], reason: `On a plan for ${m} months or more` }));
    });

const cinPlanOnEnd: Check = (ctx, key) =>
  ctx.facts.plans
    .filter((plan) => planEnded(plan, ctx.asOf))
    .map((plan): Instance => {
      const endedOn = plan.endedOn!;
      const conf = ctx.facts.conferences.find((c) => c.id === plan.endedByConferenceId);
      const evidence = [ev.plan(plan), ...(conf ? [ev.conf(conf)] : [])];
      const label = `Plan ended ${endedOn}`;
      if (!params(ctx, key, endedOn)) return notInForce('Child in need plan', endedOn, evidence);
      if (str(plan.cinPlan) || str(conf?.cinPlan)) return { status: 'met', dueOn: endedOn, label, evidence };
      if (str(plan.noCinPlanReason)) return { status: 'not-applicable', dueOn: endedOn, label, evidence, reason: `No child in need plan: ${plan.noCinPlanReason}` };
      return { status: 'missed', dueOn: endedOn, label, evidence, reason: 'No child in need plan set out' };
    });

/** The last weekday before 1 August of a year: the last school day before the summer holiday. */
export function summerCutoff(year: number): string {
  let d = `${year}-07-31`;
  for (;;) {
    const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (dow !== 0 && dow !== 6) return d;
    d = addDays(d, -1);
  }
}

const schoolMoveDsl: Check = (ctx, key) =>
  ctx.facts.entries
    .filter((e) => e.kind === 'school-transition')
    .flatMap((e): Instance[] => {
      const moveOn = iso(e.data.plannedMoveOn) ?? e.occurredOn;
      if (!params(ctx, key, moveOn)) return [notInForce('School move', moveOn, [ev.entry(e, 'School transition')])];
      const cutoff = summerCutoff(Number(moveOn.slice(0, 4)));
      const dayBefore = addDays(moveOn, -1);
      const dueOn = moveOn > cutoff && cutoff < dayBefore ? cutoff : dayBefore;
      const told = iso(e.data.dslToldOn);
      return [{ status: deadline(ctx.asOf, dueOn, told), dueOn, label: `New school’s DSL told, move on ${moveOn}`, evidence: [ev.entry(e, 'School transition')] }];
    });

const escalationResponse: Check = (ctx, key) =>
  ctx.facts.escalations.flatMap((e): Instance[] => {
    const starts = new Map<number, string>();
    for (const x of [...e.events].sort((a, b) => a.on.localeCompare(b.on))) if ((x.kind === 'raised' || x.kind === 'escalated') && !starts.has(x.stage)) starts.set(x.stage, x.on);
    if (!starts.has(e.stage)) starts.set(e.stage, e.stageStartedOn);
    const evidence: Evidence[] = [{ type: 'escalation', id: e.id, date: e.stageStartedOn, label: 'Escalation' }];
    const out: Instance[] = [];
    for (const [stage, startedOn] of [...starts].sort((a, b) => a[0] - b[0])) {
      const p = params(ctx, key, startedOn);
      if (!p) {
        out.push(notInForce(`Escalation stage ${stage}`, startedOn, evidence));
        continue;
      }
      const days = (p.stageWorkingDays && typeof p.stageWorkingDays === 'object' ? (p.stageWorkingDays as Record<string, unknown>)[String(stage)] : undefined) as number | undefined;
      const dueOn = stage === e.stage ? e.responseDueOn : addWorkingDays(startedOn, typeof days === 'number' ? days : 5, ctx.closures);
      const answer = e.events.filter((x) => x.stage === stage && (x.kind === 'response' || x.kind === 'resolved') && x.on >= startedOn).sort((a, b) => a.on.localeCompare(b.on))[0];
      const label = `Stage ${stage} of the escalation raised ${[...starts.values()][0] ?? e.stageStartedOn}`;
      const closed = stage < e.stage || e.status !== 'open';
      if (!answer && closed && e.status === 'withdrawn' && stage === e.stage) {
        out.push({ status: 'not-applicable', dueOn, label, evidence, reason: 'Withdrawn before an answer' });
        continue;
      }
      out.push({ status: deadline(ctx.asOf, dueOn, answer?.on ?? null, closed), dueOn, label, evidence, ...(answer || !closed ? {} : { reason: 'Moved on without an answer at this stage' }) });
    }
    return out;
  });

const actionsOnTime: Check = (ctx, key) =>
  ctx.facts.actions.flatMap((a): Instance[] => {
    const plan = ctx.facts.plans.find((p) => p.id === a.planId);
    const evidence: Evidence[] = [{ type: 'action', id: a.id, date: a.dueOn, label: a.what }];
    if (!params(ctx, key, a.dueOn)) return [notInForce('Plan action', a.dueOn, evidence)];
    const label = `Action: ${a.what}`;
    if (a.status === 'done') return [{ status: a.doneOn ? deadline(ctx.asOf, a.dueOn, a.doneOn) : 'met', dueOn: a.dueOn, label, evidence, ...(a.doneOn ? {} : { reason: 'Done; the date it was done is not recorded' }) }];
    if (a.status === 'not-done') return [{ status: 'missed', dueOn: a.dueOn, label, evidence, reason: 'Recorded as not done' }];
    return [{ status: deadline(ctx.asOf, a.dueOn, null, plan ? planEnded(plan, ctx.asOf) : false), dueOn: a.dueOn, label, evidence }];
  });

const rfiAnswered: Check = (ctx, key) =>
  ctx.facts.entries
    .filter((e) => e.kind === 'request-for-information')
    .map((e): Instance => {
      const askedOn = iso(e.data.askedOn) ?? e.occurredOn;
      const evidence = [ev.entry(e, 'Request for information')];
      const p = params(ctx, key, askedOn);
      if (!p) return notInForce('Request for information', askedOn, evidence);
      const dueOn = iso(e.data.dueOn) ?? e.dueOn ?? addWorkingDays(askedOn, num(p, 'workingDays', 10), ctx.closures);
      return { status: deadline(ctx.asOf, dueOn, iso(e.data.answeredOn)), dueOn, label: `Request for information asked ${askedOn}`, evidence };
    });

const repeatPlan: Check = (ctx, key) => {
  const out: Instance[] = [];
  for (const plan of ctx.facts.plans) {
    if (plan.previousPlans > 0 && params(ctx, key, plan.startedOn))
      out.push({ status: 'due', dueOn: plan.startedOn, label: `Plan started ${plan.startedOn}`, evidence: [ev.plan(plan)], reason: `A repeat plan: ${plan.previousPlans} previous plan${plan.previousPlans === 1 ? '' : 's'}` });
    if (!planEnded(plan, ctx.asOf)) continue;
    const p = params(ctx, key, plan.endedOn!);
    if (!p) continue;
    const until = addMonths(plan.endedOn!, num(p, 'reReferralMonths', 12));
    for (const r of ctx.facts.referrals.filter((x) => x.receivedOn > plan.endedOn! && x.receivedOn <= until && ctx.asOf.reached(x.receivedOn)))
      out.push({
        status: 'due',
        dueOn: r.receivedOn,
        label: `Referral of ${r.receivedOn}`,
        evidence: [ev.plan(plan), { type: 'referral', id: r.id, date: r.receivedOn, label: 'Referral' }],
        reason: `Re-referred within ${num(p, 'reReferralMonths', 12)} months of a plan ending on ${plan.endedOn}`,
      });
  }
  return out;
};

export const CHECKS: Record<StandardKey, Check> = {
  'strategy-attendance': strategyAttendance,
  'icpc-timescale': icpcTimescale,
  'first-core-group': firstCoreGroup,
  'first-core-group-chair': firstCoreGroupChair,
  'core-group-interval': coreGroupInterval,
  'review-conference': reviewConference,
  'child-visits': childVisits,
  'minutes-finalised': minutes('finalisedOn', 5, 'finalised'),
  'minutes-shared': minutes('sharedProfessionalsOn', 10, 'shared'),
  'absent-agency-report': absentAgencyReport,
  'professionals-meeting': professionalsMeeting,
  'long-plan-checkpoints': longPlanCheckpoints,
  'cin-plan-on-end': cinPlanOnEnd,
  'school-move-dsl': schoolMoveDsl,
  'escalation-response': escalationResponse,
  'actions-on-time': actionsOnTime,
  'rfi-answered': rfiAnswered,
  'repeat-plan': repeatPlan,
};

const FLAGS = new Set<string>(DEFAULT_STANDARDS.filter((d) => d.kind === 'flag').map((d) => d.key));

function dedupe(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const k = `${e.type}:${e.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The standard's status for the child: its most pressing instance decides; not applicable when none applies. */
export function summarise(key: StandardKey, instances: Instance[]): StandardResult {
  if (!instances.length) return { key, status: 'not-applicable', dueOn: null, evidence: [], instances };
  const status = instances.reduce<Status>((s, i) => (RANK[i.status] < RANK[s] ? i.status : s), 'not-applicable');
  const deciding = instances.filter((i) => i.status === status);
  const dues = deciding.map((i) => i.dueOn).filter((d): d is string => d !== null).sort();
  const open = status === 'due' || status === 'overdue';
  const dueOn = (open ? dues[0] : dues[dues.length - 1]) ?? null;
  const reasons = [...new Set(deciding.map((i) => i.reason).filter((r): r is string => Boolean(r)))];
  return {
    key,
    status,
    dueOn,
    evidence: dedupe(deciding.flatMap((i) => i.evidence)),
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    ...(FLAGS.has(key) && status === 'due' ? { flagged: true } : {}),
    instances,
  };
}

/**
 * Every standard that has a rule version for the partnership, evaluated on the child's facts as at
 * `asOf` (YYYY-MM-DD). `closures` are the partnership's local closure days (not working days).
 * A recorded exception for a standard on the child makes it 'excepted', with the exception's reason.
 */
export function evaluate(facts: CaseFacts, rules: readonly RuleVersion[], asOf: string, closures: ReadonlySet<string> = new Set()): StandardResult[] {
  return assess(facts, rules, asOf, closures).results;
}

/**
 * The results as `evaluate` gives them, and the last day they hold: with the same facts, rules and
 * closure days, evaluating as at any day from `asOf` to `holdsUntil` gives the same results (null: any
 * later day). The first day after it is when something falls due, goes overdue or comes into reach.
 */
export function assess(facts: CaseFacts, rules: readonly RuleVersion[], asOf: string, closures: ReadonlySet<string> = new Set()): { results: StandardResult[]; holdsUntil: string | null } {
  const day = new AsOf(asOf);
  const ctx: Ctx = { facts, rules, asOf: day, closures };
  const keys = new Set(rules.map((r) => r.key));
  const out: StandardResult[] = [];
  for (const [key, check] of Object.entries(CHECKS) as [StandardKey, Check][]) {
    if (!keys.has(key)) continue;
    const result = summarise(key, check(ctx, key));
    const exception = facts.exceptions.find((x) => x.standardKey === key);
    out.push(exception ? { ...result, status: 'excepted', reason: exception.reason, flagged: undefined } : result);
  }
  return { results: out.map((r) => (r.flagged === undefined ? (({ flagged: _f, ...rest }) => rest)(r) : r)), holdsUntil: day.holdsUntil() };
}
