/**
 * How long a child's results hold (`assess`'s holdsUntil), which lets the nightly recompute leave alone
 * the children whose results cannot have moved: with the same facts, every day up to it must give the
 * same results, instances and all. Checked on cases built at random over a short stretch of dates (so
 * that meetings, due dates, plan ends and the day evaluated fall close together), and on cases whose
 * answer is known.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../lib/working-days.js';
import { DEFAULT_STANDARDS, DEFAULTS_EFFECTIVE_FROM } from './definitions.js';
import { assess, type CaseFacts, emptyFacts, evaluate, type RuleVersion } from './engine.js';

const RULES: RuleVersion[] = [
  ...DEFAULT_STANDARDS.map((d) => ({ key: d.key, effectiveFrom: DEFAULTS_EFFECTIVE_FROM, parameters: d.parameters })),
  // A version taking effect inside the stretch, so that cases straddle a rule change
  { key: 'core-group-interval', effectiveFrom: '2026-06-01', parameters: { weeks: 4 } },
  { key: 'child-visits', effectiveFrom: '2026-05-15', parameters: { workingDays: 15, seenAlone: true } },
];

const BASE = '2026-01-01';
const day = fc.integer({ min: 0, max: 420 }).map((n) => addDays(BASE, n));
const maybeDay = fc.option(day, { nil: null });
const agencyTypes = fc.subarray(['childrens-social-care', 'police', 'health', 'education']);
const attendance = fc.constantFrom('attended', 'apologies-report', 'apologies-no-report', 'did-not-attend');

const caseFacts: fc.Arbitrary<CaseFacts> = fc
  .record({
    referrals: fc.array(day, { maxLength: 2 }),
    sds: fc.array(fc.record({ heldOn: day, agencyTypes, s47: fc.boolean() }), { maxLength: 2 }),
    conferences: fc.array(
      fc.record({
        kind: fc.constantFrom('initial', 'review', 'transfer-in', 'pre-birth'),
        scheduledOn: day,
        heldOn: maybeDay,
        cancelled: fc.boolean(),
        cinPlan: fc.option(fc.constant('Child in need plan agreed'), { nil: null }),
        invitees: fc.array(fc.record({ isParent: fc.boolean(), attendance, reportReceived: fc.boolean() }), { maxLength: 2 }),
      }),
      { maxLength: 3 },
    ),
    plans: fc.array(fc.record({ startedOn: day, length: fc.option(fc.integer({ min: 1, max: 500 }), { nil: null }), previousPlans: fc.nat(2), cinPlan: fc.boolean(), noCinReason: fc.boolean() }), { minLength: 0, maxLength: 2 }),
    meetings: fc.array(fc.record({ plan: fc.nat(1), heldOn: day, chairIsManager: fc.boolean(), finalisedOn: maybeDay, sharedOn: maybeDay, attendance: fc.array(fc.record({ isParent: fc.boolean(), attendance }), { maxLength: 2 }) }), { maxLength: 6 }),
    actions: fc.array(fc.record({ plan: fc.nat(1), dueOn: day, status: fc.constantFrom('open', 'in-progress', 'done', 'not-done'), doneOn: maybeDay }), { maxLength: 6 }),
    escalations: fc.array(
      fc.record({ stage: fc.integer({ min: 1, max: 3 }), status: fc.constantFrom('open', 'resolved', 'withdrawn'), stageStartedOn: day, responseDueOn: day, events: fc.array(fc.record({ stage: fc.integer({ min: 1, max: 3 }), kind: fc.constantFrom('raised', 'escalated', 'response', 'resolved'), on: day }), { maxLength: 4 }) }),
      { maxLength: 1 },
    ),
    visits: fc.array(fc.record({ on: day, seenAlone: fc.constantFrom('yes', 'no', 'not-appropriate', undefined) }), { maxLength: 8 }),
    professionalsMeetings: fc.array(day, { maxLength: 1 }),
    schoolMoves: fc.array(fc.record({ on: day, plannedMoveOn: maybeDay, dslToldOn: maybeDay }), { maxLength: 1 }),
    requests: fc.array(fc.record({ askedOn: day, dueOn: maybeDay, answeredOn: maybeDay }), { maxLength: 2 }),
    exception: fc.option(fc.constantFrom('child-visits', 'minutes-shared'), { nil: null }),
  })
  .map((g): CaseFacts => {
    const f = emptyFacts('child');
    f.referrals = g.referrals.map((receivedOn, i) => ({ id: `r${i}`, receivedOn }));
    f.strategyDiscussions = g.sds.map((s, i) => ({ id: `sd${i}`, heldOn: s.heldOn, outcome: s.s47 ? 'section-47' : 'no-further-action', agencyTypes: s.agencyTypes }));
    f.s47s = g.sds.filter((s) => s.s47).map((s, i) => ({ id: `s47-${i}`, strategyDiscussionId: `sd${i}`, startedOn: s.heldOn, outcome: null, concludedOn: null }));
    f.plans = g.plans.map((p, i) => ({ id: `p${i}`, startedOn: p.startedOn, endedOn: p.length === null ? null : addDays(p.startedOn, p.length), previousPlans: p.previousPlans, cinPlan: p.cinPlan ? 'Support at home' : null, noCinPlanReason: p.noCinReason ? 'Moved away' : null, endedByConferenceId: null }));
    const planId = (n: number) => f.plans[n % Math.max(1, f.plans.length)]?.id ?? 'p0';
    f.conferences = g.conferences.map((c, i) => ({
      id: `c${i}`,
      kind: c.kind as CaseFacts['conferences'][number]['kind'],
      s47Id: f.s47s[0]?.id ?? null,
      planId: c.kind === 'review' ? planId(0) : null,
      scheduledOn: c.scheduledOn,
      heldOn: c.cancelled ? null : c.heldOn,
      status: c.cancelled ? 'cancelled' : c.heldOn ? 'completed' : 'scheduled',
      cinPlan: c.cinPlan,
      invitees: c.invitees.map((x, j) => ({ name: `Invitee ${j}`, ...x })),
    }));
    f.meetings = g.meetings.map((m, i) => ({ id: `m${i}`, planId: planId(m.plan), heldOn: m.heldOn, chairIsManager: m.chairIsManager, finalisedOn: m.finalisedOn, sharedProfessionalsOn: m.sharedOn, attendance: m.attendance.map((a, j) => ({ name: `Member ${j}`, ...a })) }));
    f.actions = g.actions.map((a, i) => ({ id: `a${i}`, planId: planId(a.plan), what: `Action ${i}`, dueOn: a.dueOn, status: a.status, doneOn: a.status === 'done' ? a.doneOn : null }));
    f.escalations = g.escalations.map((e, i) => ({ id: `e${i}`, stage: e.stage, status: e.status as 'open' | 'resolved' | 'withdrawn', stageStartedOn: e.stageStartedOn, responseDueOn: e.responseDueOn, events: e.events }));
    f.entries = [
      ...g.visits.map((v, i) => ({ id: `v${i}`, kind: 'child-visit', occurredOn: v.on, dueOn: null, data: v.seenAlone ? { seenAlone: v.seenAlone } : {} })),
      ...g.professionalsMeetings.map((on, i) => ({ id: `pm${i}`, kind: 'professionals-meeting', occurredOn: on, dueOn: null, data: {} })),
      ...g.schoolMoves.map((s, i) => ({ id: `sm${i}`, kind: 'school-transition', occurredOn: s.on, dueOn: null, data: { ...(s.plannedMoveOn ? { plannedMoveOn: s.plannedMoveOn } : {}), ...(s.dslToldOn ? { dslToldOn: s.dslToldOn } : {}) } })),
      ...g.requests.map((r, i) => ({ id: `rfi${i}`, kind: 'request-for-information', occurredOn: r.askedOn, dueOn: r.dueOn, data: r.answeredOn ? { answeredOn: r.answeredOn } : {} })),
    ];
    f.exceptions = g.exception ? [{ id: 'x', standardKey: g.exception, reason: 'Agreed at conference' }] : [];
    return f;
  });

/** Days after asOf to check, up to the last day the results hold (or a long way on when they hold for ever). */
function daysWithin(asOf: string, holdsUntil: string | null, picks: number[]): string[] {
  const last = holdsUntil ?? addDays(asOf, 2000);
  const span = Math.round((Date.parse(last) - Date.parse(asOf)) / 86_400_000);
  return [...new Set([asOf, last, ...picks.map((p) => addDays(asOf, Math.floor(p * (span + 1))))].filter((d) => d <= last))];
}

describe('how long a child’s results hold', () => {
  it('every day up to holdsUntil gives the same results, instances and all', () => {
    fc.assert(
      fc.property(caseFacts, day, fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 3, maxLength: 3 }), (facts, asOf, picks) => {
        const { results, holdsUntil } = assess(facts, RULES, asOf);
        if (holdsUntil !== null) expect(holdsUntil >= asOf).toBe(true);
        for (const d of daysWithin(asOf, holdsUntil, picks)) expect(evaluate(facts, RULES, d)).toEqual(results);
      }),
      { numRuns: 600 },
    );
  });

  it('is the last such day in most cases: the day after, something has moved', () => {
    const cases = fc.sample(fc.tuple(caseFacts, day), { seed: 20261206, numRuns: 400 });
    let bounded = 0;
    let moved = 0;
    for (const [facts, asOf] of cases) {
      const { results, holdsUntil } = assess(facts, RULES, asOf);
      if (holdsUntil === null) continue;
      bounded++;
      if (!isEqual(evaluate(facts, RULES, addDays(holdsUntil, 1)), results)) moved++;
    }
    expect(bounded).toBeGreaterThan(100);
    expect(moved / bounded).toBeGreaterThan(0.9);
  });

  it('an initial conference not yet held holds until its due date, and is overdue the day after', () => {
    // Strategy discussion Thursday 2 April 2026: 15 working days across Easter is Monday 27 April
    const facts: CaseFacts = { ...emptyFacts('c'), strategyDiscussions: [{ id: 'sd', heldOn: '2026-04-02', outcome: 'section-47', agencyTypes: ['police'] }], s47s: [{ id: 's', strategyDiscussionId: 'sd', startedOn: '2026-04-02', outcome: null, concludedOn: null }] };
    expect(assess(facts, RULES, '2026-04-10').holdsUntil).toBe('2026-04-27');
    expect(evaluate(facts, RULES, '2026-04-28').find((r) => r.key === 'icpc-timescale')?.status).toBe('overdue');
  });

  it('a meeting recorded for a later day holds the results until the day before it', () => {
    const facts: CaseFacts = { ...emptyFacts('c'), plans: [{ id: 'p', startedOn: '2026-10-26', endedOn: null, previousPlans: 0, cinPlan: null, noCinPlanReason: null, endedByConferenceId: null }], meetings: [{ id: 'm', planId: 'p', heldOn: '2026-11-03', chairIsManager: true, finalisedOn: null, sharedProfessionalsOn: null, attendance: [] }] };
    expect(assess(facts, RULES, '2026-10-27').holdsUntil).toBe('2026-11-02');
  });

  it('a plan that ended long ago, with everything decided, holds for ever', () => {
    const facts: CaseFacts = {
      ...emptyFacts('c'),
      plans: [{ id: 'p', startedOn: '2024-01-08', endedOn: '2024-05-01', previousPlans: 0, cinPlan: 'Support at home', noCinPlanReason: null, endedByConferenceId: null }],
      meetings: [{ id: 'm', planId: 'p', heldOn: '2024-01-15', chairIsManager: true, finalisedOn: '2024-01-16', sharedProfessionalsOn: '2024-01-17', attendance: [] }],
      actions: [{ id: 'a', planId: 'p', what: 'Referral to a parenting programme', dueOn: '2024-02-01', status: 'done', doneOn: '2024-01-30' }],
    };
    expect(assess(facts, RULES, '2026-12-06').holdsUntil).toBeNull();
  });
});

const isEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
