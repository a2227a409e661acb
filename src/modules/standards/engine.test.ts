import { describe, expect, it } from 'vitest';
import { DEFAULT_STANDARDS, DEFAULTS_EFFECTIVE_FROM, type StandardKey } from './definitions.js';
import { type CaseFacts, emptyFacts, evaluate, type RuleVersion, ruleAt, type StandardResult, type Status, summerCutoff } from './engine.js';

const RULES: RuleVersion[] = DEFAULT_STANDARDS.map((d) => ({ key: d.key, effectiveFrom: DEFAULTS_EFFECTIVE_FROM, parameters: d.parameters }));

type Partial2<T> = { [K in keyof T]?: T[K] };
const facts = (f: Partial2<CaseFacts>): CaseFacts => ({ ...emptyFacts('child-1'), ...f });
const run = (f: Partial2<CaseFacts>, asOf: string, key: StandardKey, opts: { rules?: RuleVersion[]; closures?: string[] } = {}): StandardResult => {
  const r = evaluate(facts(f), opts.rules ?? RULES, asOf, new Set(opts.closures ?? [])).find((x) => x.key === key);
  if (!r) throw new Error(`no result for ${key}`);
  return r;
};

const sd = (heldOn: string, agencyTypes = ['childrens-social-care', 'police', 'health'], id = 'sd1') => ({ id, heldOn, outcome: 'section-47', agencyTypes });
const s47 = (startedOn: string, extra: Partial2<CaseFacts['s47s'][number]> = {}) => ({ id: 's47', strategyDiscussionId: 'sd1', startedOn, outcome: null, concludedOn: null, ...extra });
type Conf = CaseFacts['conferences'][number];
const conf = (kind: Conf['kind'], heldOn: string | null, extra: Partial2<Conf> = {}): Conf => ({
  id: `conf-${kind}-${heldOn ?? 'scheduled'}`,
  kind,
  s47Id: kind === 'initial' ? 's47' : null,
  planId: kind === 'review' ? 'plan' : null,
  scheduledOn: heldOn ?? '2099-01-01',
  heldOn,
  status: heldOn ? 'completed' : 'scheduled',
  cinPlan: null,
  invitees: [],
  ...extra,
});
type Plan = CaseFacts['plans'][number];
const plan = (startedOn: string, extra: Partial2<Plan> = {}): Plan => ({ id: 'plan', startedOn, endedOn: null, previousPlans: 0, cinPlan: null, noCinPlanReason: null, endedByConferenceId: null, ...extra });
type Meeting = CaseFacts['meetings'][number];
const meeting = (heldOn: string, extra: Partial2<Meeting> = {}): Meeting => ({ id: `m-${heldOn}`, planId: 'plan', heldOn, chairIsManager: true, finalisedOn: null, sharedProfessionalsOn: null, attendance: [], ...extra });
const statusOf = (r: StandardResult) => r.status;

describe('rule versions', () => {
  const versions: RuleVersion[] = [
    { key: 'x', effectiveFrom: '2000-01-01', parameters: { v: 1 } },
    { key: 'x', effectiveFrom: '2026-12-01', parameters: { v: 2 } },
    { key: 'y', effectiveFrom: '2027-01-01', parameters: {} },
  ];
  it.each([
    ['2026-11-30', 'x', 1],
    ['2026-12-01', 'x', 2],
    ['2030-01-01', 'x', 2],
    ['2026-12-31', 'y', undefined],
  ])('on %s the version of %s in force is %s', (on, key, v) => {
    expect(ruleAt(versions, key, on)?.parameters.v).toBe(v);
  });
});

describe('ICPC within 15 working days of the strategy discussion', () => {
  // Thursday 2 April 2026, before Easter: Good Friday 3 and Easter Monday 6 April are bank holidays.
  const easter = { strategyDiscussions: [sd('2026-04-02')], s47s: [s47('2026-04-02')] };
  it('counts working days across Easter: due Monday 27 April 2026', () => {
    expect(run(easter, '2026-04-10', 'icpc-timescale')).toMatchObject({ status: 'due', dueOn: '2026-04-27' });
  });
  it('adds a partnership closure day', () => {
    expect(run(easter, '2026-04-10', 'icpc-timescale', { closures: ['2026-04-08'] }).dueOn).toBe('2026-04-28');
  });
  it.each<[string, string | null, string, Status]>([
    ['held on the due date', '2026-04-27', '2026-05-01', 'met'],
    ['held the day after', '2026-04-28', '2026-05-01', 'met-late'],
    ['not held, due date today', null, '2026-04-27', 'due'],
    ['not held, a day past', null, '2026-04-28', 'overdue'],
  ])('%s: %s', (_what, heldOn, asOf, status) => {
    const r = run({ ...easter, conferences: heldOn ? [conf('initial', heldOn)] : [] }, asOf, 'icpc-timescale');
    expect(r.status).toBe(status);
    if (heldOn) expect(r.evidence.map((e) => e.type)).toEqual(['strategy-discussion', 's47', 'conference']);
  });
  it('a strategy discussion on a Friday: the weekend does not count', () => {
    // Friday 9 October 2026 + 15 working days = Friday 30 October 2026
    expect(run({ strategyDiscussions: [sd('2026-10-09')], s47s: [s47('2026-10-09')] }, '2026-10-10', 'icpc-timescale').dueOn).toBe('2026-10-30');
  });
  it('an enquiry concluded without a conference is not applicable', () => {
    expect(run({ strategyDiscussions: [sd('2026-04-02')], s47s: [s47('2026-04-02', { outcome: 'no-icpc-cin', concludedOn: '2026-04-20' })] }, '2026-06-01', 'icpc-timescale').status).toBe('not-applicable');
  });
  it('a conference only scheduled is not yet held', () => {
    expect(run({ ...easter, conferences: [conf('initial', null, { scheduledOn: '2026-04-20' })] }, '2026-04-28', 'icpc-timescale').status).toBe('overdue');
  });
  it('no enquiry: not applicable', () => {
    expect(run({}, '2026-04-28', 'icpc-timescale').status).toBe('not-applicable');
  });
});

describe('first core group within 10 working days of the ICPC', () => {
  // Monday 26 October 2026 + 10 working days = Monday 9 November 2026
  it.each<[string, Meeting[], string, Status, Partial2<Plan>?]>([
    ['on the due date', [meeting('2026-11-09')], '2026-11-20', 'met'],
    ['a day late', [meeting('2026-11-10')], '2026-11-20', 'met-late'],
    ['none yet, in time', [], '2026-11-09', 'due'],
    ['none, past the date', [], '2026-11-10', 'overdue'],
    ['a meeting recorded for a future date is not held', [meeting('2026-11-12')], '2026-11-10', 'overdue'],
    ['plan ended before it was due', [], '2026-12-01', 'not-applicable', { endedOn: '2026-11-05' }],
    ['plan ended after it was due, none held', [], '2026-12-01', 'missed', { endedOn: '2026-11-20' }],
  ])('%s', (_what, meetings, asOf, status, planExtra = {}) => {
    const r = run({ plans: [plan('2026-10-26', planExtra)], meetings }, asOf, 'first-core-group');
    expect(r.status).toBe(status);
    expect(r.dueOn).toBe('2026-11-09');
  });
  it('across the Christmas bank holidays', () => {
    // Monday 21 December 2026: 25 and 28 December 2026 and 1 January 2027 are bank holidays
    expect(run({ plans: [plan('2026-12-21')] }, '2026-12-22', 'first-core-group').dueOn).toBe('2027-01-07');
  });
});

describe('first core group chaired by a manager', () => {
  it.each<[boolean, Status]>([
    [true, 'met'],
    [false, 'missed'],
  ])('chaired by a manager: %s → %s', (chairIsManager, status) => {
    expect(run({ plans: [plan('2026-10-26')], meetings: [meeting('2026-11-02', { chairIsManager }), meeting('2026-12-01', { chairIsManager: true })] }, '2026-12-02', 'first-core-group-chair').status).toBe(status);
  });
  it('no meeting yet: not applicable', () => {
    expect(run({ plans: [plan('2026-10-26')] }, '2026-10-27', 'first-core-group-chair').status).toBe('not-applicable');
  });
});

describe('core groups at least every 6 weeks', () => {
  const p = [plan('2026-10-26')];
  it.each<[string, Meeting[], string, Status, string | null, string?]>([
    ['next within 6 weeks, next one not yet due', [meeting('2026-11-02'), meeting('2026-12-14')], '2026-12-20', 'due', '2027-01-25'],
    ['a gap over 6 weeks: late, and the next is due', [meeting('2026-11-02'), meeting('2026-12-15')], '2026-12-20', 'due', '2027-01-26'],
    ['a gap over 6 weeks in a plan since ended', [meeting('2026-11-02'), meeting('2026-12-15')], '2027-03-01', 'met-late', '2026-12-14'],
    ['no next meeting 6 weeks on', [meeting('2026-11-02')], '2026-12-15', 'overdue', '2026-12-14'],
    ['no meetings yet', [], '2026-12-15', 'not-applicable', null],
  ])('%s', (_what, meetings, asOf, status, dueOn) => {
    const r = run({ plans: _what.includes('since ended') ? [plan('2026-10-26', { endedOn: '2027-01-20' })] : p, meetings }, asOf, 'core-group-interval');
    expect([r.status, r.dueOn]).toEqual([status, dueOn]);
  });
  it('the interval is a parameter', () => {
    const rules = RULES.map((r) => (r.key === 'core-group-interval' ? { ...r, parameters: { weeks: 4 } } : r));
    expect(run({ plans: p, meetings: [meeting('2026-11-02')] }, '2026-12-01', 'core-group-interval', { rules })).toMatchObject({ status: 'overdue', dueOn: '2026-11-30' });
  });
  it('a plan that ended before the next was due needs none', () => {
    expect(run({ plans: [plan('2026-10-26', { endedOn: '2026-11-20' })], meetings: [meeting('2026-11-02')] }, '2027-03-01', 'core-group-interval').status).toBe('not-applicable');
  });
  it('a plan that ended long after the last meeting: missed', () => {
    expect(run({ plans: [plan('2026-10-26', { endedOn: '2027-02-01' })], meetings: [meeting('2026-11-02')] }, '2027-03-01', 'core-group-interval').status).toBe('missed');
  });

  describe('a rule version changing in the middle of a plan', () => {
    // 6 weeks until 30 November 2026, 4 weeks from 1 December 2026
    const rules = [...RULES, { key: 'core-group-interval', effectiveFrom: '2026-12-01', parameters: { weeks: 4 } }];
    it('the gap that started before the change is measured by the old version', () => {
      const r = run({ plans: p, meetings: [meeting('2026-11-02'), meeting('2026-12-10')] }, '2026-12-11', 'core-group-interval', { rules });
      expect(r.instances.map((i) => [i.status, i.dueOn])).toEqual([
        ['met', '2026-12-14'], // 2 Nov + 6 weeks: 5 weeks 3 days is in time
        ['due', '2027-01-07'], // 10 Dec + 4 weeks under the new version
      ]);
    });
    it.each<[string, string, string]>([
      ['the day before the change: 6 weeks', '2026-11-30', '2027-01-11'],
      ['on the effective date: 4 weeks', '2026-12-01', '2026-12-29'],
    ])('a meeting held %s', (_what, heldOn, dueOn) => {
      expect(run({ plans: p, meetings: [meeting('2026-11-02'), meeting(heldOn)] }, heldOn, 'core-group-interval', { rules }).instances[1]?.dueOn).toBe(dueOn);
    });
    it('the same gap, met under the old interval, is met late under the new one from its effective date', () => {
      // 1 December 2026 to 4 January 2027 is 4 weeks 6 days
      const f = { plans: p, meetings: [meeting('2026-11-02'), meeting('2026-12-01'), meeting('2027-01-04')] };
      expect(run(f, '2027-01-05', 'core-group-interval').instances.map((i) => i.status)).toEqual(['met', 'met', 'due']);
      expect(run(f, '2027-01-05', 'core-group-interval', { rules }).instances.map((i) => i.status)).toEqual(['met', 'met-late', 'due']);
      // with the last meeting not yet held, the status moves from due to overdue a day after the new due date, two weeks sooner than before
      const open = { plans: p, meetings: [meeting('2026-11-02'), meeting('2026-12-01')] };
      expect([run(open, '2026-12-29', 'core-group-interval', { rules }).status, run(open, '2026-12-30', 'core-group-interval', { rules }).status]).toEqual(['due', 'overdue']);
      expect(run(open, '2026-12-30', 'core-group-interval').status).toBe('due');
    });
    it('the gap that started after the change is late at 5 weeks', () => {
      const r = run({ plans: p, meetings: [meeting('2026-11-02'), meeting('2026-12-10'), meeting('2027-01-14')] }, '2027-01-15', 'core-group-interval', { rules });
      expect(r.instances.map((i) => i.status)).toEqual(['met', 'met-late', 'due']);
      expect(r.status).toBe('due');
    });
  });
});

describe('review conference within 3 months of the ICPC, then every 6 months', () => {
  const p = plan('2026-10-26');
  it.each<[string, Conf[], string, Status, string | null]>([
    ['first review due at 3 months', [], '2027-01-20', 'due', '2027-01-26'],
    ['no review by 3 months', [], '2027-01-27', 'overdue', '2027-01-26'],
    ['first review in time, next due 6 months on', [conf('review', '2027-01-20')], '2027-02-01', 'due', '2027-07-20'],
    ['first review late: the next is due', [conf('review', '2027-02-02')], '2027-02-03', 'due', '2027-08-02'],
    ['second review overdue', [conf('review', '2027-01-20')], '2027-07-21', 'overdue', '2027-07-20'],
    ['a cancelled review does not count', [conf('review', '2027-01-20', { status: 'cancelled' })], '2027-01-27', 'overdue', '2027-01-26'],
  ])('%s', (_what, conferences, asOf, status, dueOn) => {
    const r = run({ plans: [p], conferences }, asOf, 'review-conference');
    expect([r.status, r.dueOn]).toEqual([status, dueOn]);
  });
  it('a late review is kept as met late; a late review ending the plan leaves it met late', () => {
    const r = run({ plans: [plan('2026-10-26', { endedOn: '2027-02-02' })], conferences: [conf('review', '2027-02-02')] }, '2027-03-01', 'review-conference');
    expect([r.status, r.dueOn, r.instances.length]).toEqual(['met-late', '2027-01-26', 1]);
  });
  it('a plan ended at its review needs no further review', () => {
    const r = run({ plans: [plan('2026-10-26', { endedOn: '2027-01-20' })], conferences: [conf('review', '2027-01-20')] }, '2028-01-01', 'review-conference');
    expect(r.status).toBe('met');
  });
});

describe('the child visited at least every 10 working days, and seen alone where appropriate', () => {
  type Entry = CaseFacts['entries'][number];
  const visit = (on: string, seenAlone: string | null = 'yes', extra: Record<string, unknown> = {}): Entry => ({ id: `v-${on}`, kind: 'child-visit', occurredOn: on, dueOn: null, data: { visitedOn: on, ...(seenAlone ? { seenAlone } : {}), ...extra } });
  const timescale = (r: StandardResult) => r.instances.filter((i) => !i.label.startsWith('Seen alone')).map((i) => [i.status, i.dueOn]);
  const alone = (r: StandardResult) => r.instances.filter((i) => i.label.startsWith('Seen alone')).map((i) => i.status);
  // Plan started Monday 26 October 2026: first visit due Monday 9 November 2026
  it.each<[string, Entry[], string, [Status, string][], Status, Partial2<Plan>?]>([
    ['no visit yet, in time', [], '2026-11-09', [['due', '2026-11-09']], 'due'],
    ['no visit, a day past', [], '2026-11-10', [['overdue', '2026-11-09']], 'overdue'],
    ['visited on the due date, next due 10 working days on', [visit('2026-11-09')], '2026-11-10', [['met', '2026-11-09'], ['due', '2026-11-23']], 'due'],
    ['visited a day late', [visit('2026-11-10')], '2026-11-11', [['met-late', '2026-11-09'], ['due', '2026-11-24']], 'due'],
    // Friday 6 November 2026 + 10 working days: Friday 20 November (the weekend does not count)
    ['a visit on a Friday: the next is due two weeks later, on the Friday', [visit('2026-11-06')], '2026-11-21', [['met', '2026-11-09'], ['overdue', '2026-11-20']], 'overdue'],
    // A Saturday visit counts; the 10 working days run from the Monday after
    ['a visit on a Saturday', [visit('2026-11-07')], '2026-11-20', [['met', '2026-11-09'], ['due', '2026-11-20']], 'due'],
    ['a visit before the plan started does not count', [visit('2026-10-20')], '2026-11-10', [['overdue', '2026-11-09']], 'overdue'],
    ['a visit recorded for a future date is not yet a visit', [visit('2026-11-12')], '2026-11-10', [['overdue', '2026-11-09']], 'overdue'],
    ['a plan that ended before the next visit was due needs none', [visit('2026-11-02')], '2027-01-01', [['met', '2026-11-09']], 'met', { endedOn: '2026-11-13' }],
    ['a plan that ended with a visit outstanding: missed', [visit('2026-11-02')], '2027-01-01', [['met', '2026-11-09'], ['missed', '2026-11-16']], 'missed', { endedOn: '2026-12-01' }],
  ])('%s', (_what, entries, asOf, instances, status, planExtra = {}) => {
    const r = run({ plans: [plan('2026-10-26', planExtra)], entries }, asOf, 'child-visits');
    expect(timescale(r)).toEqual(instances);
    expect(r.status).toBe(status);
  });
  it('across Easter: a visit on the Thursday before Good Friday is next due on Monday 20 April 2026', () => {
    const r = run({ plans: [plan('2026-03-30')], entries: [visit('2026-04-02')] }, '2026-04-20', 'child-visits');
    expect(timescale(r)).toEqual([['met', '2026-04-15'], ['due', '2026-04-20']]); // from Monday 30 March: 15 April
    expect(run({ plans: [plan('2026-03-30')], entries: [visit('2026-04-02')] }, '2026-04-21', 'child-visits').status).toBe('overdue');
  });
  it('across the Christmas bank holidays, and a partnership closure day', () => {
    // Monday 21 December 2026; 25 and 28 December and 1 January are bank holidays
    expect(timescale(run({ plans: [plan('2026-12-14')], entries: [visit('2026-12-21')] }, '2026-12-22', 'child-visits'))[1]).toEqual(['due', '2027-01-07']);
    expect(timescale(run({ plans: [plan('2026-12-14')], entries: [visit('2026-12-21')] }, '2026-12-22', 'child-visits', { closures: ['2026-12-24'] }))[1]).toEqual(['due', '2027-01-08']);
  });
  it.each<[string, string | null, Status[], Status, string | undefined]>([
    ['seen alone', 'yes', ['met'], 'due', undefined],
    ['not seen alone', 'no', ['missed'], 'missed', 'Not seen alone'],
    ['not appropriate to see alone, with the reason', 'not-appropriate', ['not-applicable'], 'due', undefined],
    ['whether seen alone not recorded', null, ['missed'], 'missed', 'Whether the child was seen alone is not recorded'],
  ])('%s', (_what, seenAlone, aloneStatuses, status, reason) => {
    const r = run({ plans: [plan('2026-10-26')], entries: [visit('2026-11-02', seenAlone, { notSeenAloneReason: 'A baby of 3 weeks' })] }, '2026-11-03', 'child-visits');
    expect(alone(r)).toEqual(aloneStatuses);
    expect(r.status).toBe(status);
    expect(r.reason).toBe(reason);
    if (seenAlone === 'not-appropriate') expect(r.instances.find((i) => i.label.startsWith('Seen alone'))?.reason).toBe('Not appropriate to see the child alone: A baby of 3 weeks');
  });
  it('the evidence of a late visit is the visit before it and the visit', () => {
    const r = run({ plans: [plan('2026-10-26')], entries: [visit('2026-11-02'), visit('2026-11-20')] }, '2026-11-21', 'child-visits');
    expect(r.instances.find((i) => i.status === 'met-late')?.evidence.map((e) => e.id)).toEqual(['v-2026-11-02', 'v-2026-11-20']);
  });
  it('the interval and the seen-alone check are parameters', () => {
    const rules = RULES.map((r) => (r.key === 'child-visits' ? { ...r, parameters: { workingDays: 5, seenAlone: false } } : r));
    const r = run({ plans: [plan('2026-10-26')], entries: [visit('2026-11-02', 'no')] }, '2026-11-03', 'child-visits', { rules });
    expect(timescale(r)).toEqual([['met', '2026-11-02'], ['due', '2026-11-09']]);
    expect(alone(r)).toEqual([]);
  });
  it('a new interval from a date applies to the gaps that start on or after it', () => {
    const rules = [...RULES, { key: 'child-visits', effectiveFrom: '2026-11-10', parameters: { workingDays: 5, seenAlone: true } }];
    const r = run({ plans: [plan('2026-10-26')], entries: [visit('2026-11-09'), visit('2026-11-16')] }, '2026-11-17', 'child-visits', { rules });
    // from 26 Oct (10 days) → 9 Nov; from 9 Nov, the day before the change (10 days) → 23 Nov; from 16 Nov (5 days) → 23 Nov
    expect(timescale(r)).toEqual([['met', '2026-11-09'], ['met', '2026-11-23'], ['due', '2026-11-23']]);
  });
  it('no plan: not applicable', () => {
    expect(run({ entries: [visit('2026-11-02')] }, '2026-11-03', 'child-visits').status).toBe('not-applicable');
  });
});

describe('minutes finalised within 5 and shared within 10 working days', () => {
  // Friday 6 November 2026: 5 working days → Friday 13 November; 10 → Friday 20 November
  it.each<[StandardKey, Partial2<Meeting>, string, Status, string]>([
    ['minutes-finalised', { finalisedOn: '2026-11-13' }, '2026-11-30', 'met', '2026-11-13'],
    ['minutes-finalised', { finalisedOn: '2026-11-16' }, '2026-11-30', 'met-late', '2026-11-13'],
    ['minutes-finalised', {}, '2026-11-13', 'due', '2026-11-13'],
    ['minutes-finalised', {}, '2026-11-14', 'overdue', '2026-11-13'],
    ['minutes-shared', { sharedProfessionalsOn: '2026-11-20' }, '2026-11-30', 'met', '2026-11-20'],
    ['minutes-shared', { sharedProfessionalsOn: '2026-11-23' }, '2026-11-30', 'met-late', '2026-11-20'],
    ['minutes-shared', {}, '2026-11-23', 'overdue', '2026-11-20'],
  ])('%s %j as at %s: %s', (key, extra, asOf, status, dueOn) => {
    expect(run({ plans: [plan('2026-10-26')], meetings: [meeting('2026-11-06', extra)] }, asOf, key)).toMatchObject({ status, dueOn });
  });
  it('minutes due across the August bank holiday', () => {
    // Friday 28 August 2026; Monday 31 August is a bank holiday: 5 working days → Monday 7 September
    expect(run({ plans: [plan('2026-08-01')], meetings: [meeting('2026-08-28')] }, '2026-08-29', 'minutes-finalised').dueOn).toBe('2026-09-07');
  });
});

describe('every absent agency sends a report', () => {
  const att = (attendance: string, isParent = false) => ({ name: isParent ? 'Parent' : 'Health visitor', isParent, attendance });
  it.each<[string, Meeting['attendance'], Status]>([
    ['apologies with a report', [att('present'), att('apologies-report')], 'met'],
    ['apologies without a report', [att('present'), att('apologies-no-report')], 'missed'],
    ['a parent’s apologies do not count', [att('present'), att('apologies-no-report', true)], 'not-applicable'],
    ['everyone present', [att('present')], 'not-applicable'],
  ])('%s', (_what, attendance, status) => {
    expect(run({ plans: [plan('2026-10-26')], meetings: [meeting('2026-11-02', { attendance })] }, '2026-11-03', 'absent-agency-report').status).toBe(status);
  });
  it.each<[string, boolean, Status]>([
    ['did-not-attend', false, 'missed'],
    ['did-not-attend', true, 'met'],
    ['apologies-no-report', false, 'missed'],
  ])('a conference invitee who %s (report received: %s)', (attendance, reportReceived, status) => {
    const c = conf('initial', '2026-10-26', { invitees: [{ name: 'GP', isParent: false, attendance, reportReceived }] });
    expect(run({ conferences: [c] }, '2026-10-27', 'absent-agency-report').status).toBe(status);
  });
});

describe('professionals meeting for a plan over 12 months, and long-plan checkpoints', () => {
  const pm = (on: string) => ({ id: `pm-${on}`, kind: 'professionals-meeting', occurredOn: on, dueOn: null, data: { heldOn: on } });
  it.each<[string, Partial2<Plan>, CaseFacts['entries'], string, Status]>([
    ['plan under 9 months: nothing yet', {}, [], '2027-06-01', 'not-applicable'],
    ['plan past 9 months: due at 12', {}, [], '2027-08-01', 'due'],
    ['held at 10 months', {}, [pm('2027-08-20')], '2027-11-01', 'met'],
    ['held at 13 months', {}, [pm('2027-11-20')], '2027-12-01', 'met-late'],
    ['none at 12 months', {}, [], '2027-10-27', 'overdue'],
    ['a meeting before the window does not count', {}, [pm('2027-01-10')], '2027-10-27', 'overdue'],
    ['plan ended before 12 months', { endedOn: '2027-09-01' }, [], '2028-01-01', 'not-applicable'],
    ['plan ended at 14 months without one', { endedOn: '2027-12-20' }, [], '2028-01-01', 'missed'],
  ])('%s', (_what, extra, entries, asOf, status) => {
    expect(run({ plans: [plan('2026-10-26', extra)], entries }, asOf, 'professionals-meeting').status).toBe(status);
  });

  it.each<[string, string[]]>([
    ['2027-07-25', []],
    ['2027-07-26', ['2027-07-26']],
    ['2028-01-26', ['2027-07-26', '2028-01-26']],
    ['2028-10-26', ['2027-07-26', '2028-01-26', '2028-10-26']],
  ])('as at %s the checkpoints reached are %j', (asOf, dates) => {
    const r = run({ plans: [plan('2026-10-26')] }, asOf, 'long-plan-checkpoints');
    expect(r.instances.map((i) => i.dueOn)).toEqual(dates);
    expect(r.flagged ?? false).toBe(dates.length > 0);
    expect(r.status).toBe(dates.length ? 'due' : 'not-applicable');
  });
  it('an ended plan is not flagged', () => {
    expect(run({ plans: [plan('2026-10-26', { endedOn: '2028-01-01' })] }, '2028-02-01', 'long-plan-checkpoints').status).toBe('not-applicable');
  });
});

describe('a plan that ends has a CIN plan', () => {
  it.each<[string, Partial2<Plan>, Conf[], Status]>([
    ['open plan', {}, [], 'not-applicable'],
    ['ended with a CIN plan on the plan', { endedOn: '2027-05-01', cinPlan: 'Weekly visits' }, [], 'met'],
    ['ended with a CIN plan at the conference', { endedOn: '2027-05-01', endedByConferenceId: 'c-end' }, [conf('review', '2027-05-01', { id: 'c-end', cinPlan: 'Family support' })], 'met'],
    ['ended with a reason for none', { endedOn: '2027-05-01', noCinPlanReason: 'Moved out of the area' }, [], 'not-applicable'],
    ['ended with neither', { endedOn: '2027-05-01' }, [], 'missed'],
  ])('%s', (_what, extra, conferences, status) => {
    expect(run({ plans: [plan('2026-10-26', extra)], conferences }, '2027-06-01', 'cin-plan-on-end').status).toBe(status);
  });
});

describe('school move: the new school’s DSL told before the move and the summer holiday', () => {
  const move = (plannedMoveOn: string, dslToldOn?: string) => ({ id: 'st', kind: 'school-transition', occurredOn: plannedMoveOn, dueOn: null, data: { plannedMoveOn, ...(dslToldOn ? { dslToldOn } : {}) } });
  it('the summer cut-off is the last weekday of July', () => {
    expect([summerCutoff(2027), summerCutoff(2026)]).toEqual(['2027-07-30', '2026-07-31']);
  });
  it.each<[string, string | undefined, string, Status, string]>([
    ['2027-09-06', '2027-07-20', '2027-09-10', 'met', '2027-07-30'],
    ['2027-09-06', '2027-08-10', '2027-09-10', 'met-late', '2027-07-30'],
    ['2027-09-06', undefined, '2027-08-02', 'overdue', '2027-07-30'],
    ['2027-03-01', undefined, '2027-02-01', 'due', '2027-02-28'],
  ])('move %s, told %s, as at %s: %s', (moveOn, told, asOf, status, dueOn) => {
    expect(run({ entries: [move(moveOn, told)] }, asOf, 'school-move-dsl')).toMatchObject({ status, dueOn });
  });
});

describe('escalation stages answered within their deadlines', () => {
  type Esc = CaseFacts['escalations'][number];
  const esc = (extra: Partial2<Esc>): Esc => ({ id: 'e1', stage: 1, status: 'open', stageStartedOn: '2026-11-02', responseDueOn: '2026-11-09', events: [{ stage: 1, kind: 'raised', on: '2026-11-02' }], ...extra });
  it.each<[string, Esc, string, Status]>([
    ['waiting, in time', esc({}), '2026-11-09', 'due'],
    ['waiting, past the deadline', esc({}), '2026-11-10', 'overdue'],
    ['answered in time', esc({ events: [{ stage: 1, kind: 'raised', on: '2026-11-02' }, { stage: 1, kind: 'response', on: '2026-11-05' }] }), '2026-11-20', 'met'],
    ['answered late', esc({ events: [{ stage: 1, kind: 'raised', on: '2026-11-02' }, { stage: 1, kind: 'response', on: '2026-11-12' }] }), '2026-11-20', 'met-late'],
    ['resolved in time', esc({ status: 'resolved', events: [{ stage: 1, kind: 'raised', on: '2026-11-02' }, { stage: 1, kind: 'resolved', on: '2026-11-04' }] }), '2026-11-20', 'met'],
    ['withdrawn unanswered', esc({ status: 'withdrawn', events: [{ stage: 1, kind: 'raised', on: '2026-11-02' }, { stage: 1, kind: 'withdrawn', on: '2026-11-04' }] }), '2026-11-20', 'not-applicable'],
    [
      'stage 1 unanswered, escalated to stage 2 which is waiting',
      esc({ stage: 2, stageStartedOn: '2026-11-12', responseDueOn: '2026-11-19', events: [{ stage: 1, kind: 'raised', on: '2026-11-02' }, { stage: 2, kind: 'escalated', on: '2026-11-12' }] }),
      '2026-11-13',
      'missed',
    ],
  ])('%s', (_what, e, asOf, status) => {
    expect(run({ escalations: [e] }, asOf, 'escalation-response').status).toBe(status);
  });
});

describe('plan actions past their date', () => {
  type Act = CaseFacts['actions'][number];
  const act = (extra: Partial2<Act>): Act => ({ id: 'a1', planId: 'plan', what: 'Health check', dueOn: '2026-11-20', status: 'not-started', doneOn: null, ...extra });
  it.each<[string, Act, string, Status, Partial2<Plan>?]>([
    ['not started, in time', act({}), '2026-11-20', 'due'],
    ['in progress, past its date', act({ status: 'in-progress' }), '2026-11-21', 'overdue'],
    ['done in time', act({ status: 'done', doneOn: '2026-11-19' }), '2026-11-25', 'met'],
    ['done late', act({ status: 'done', doneOn: '2026-11-23' }), '2026-11-25', 'met-late'],
    ['done, date unknown', act({ status: 'done' }), '2026-11-25', 'met'],
    ['recorded as not done', act({ status: 'not-done' }), '2026-11-25', 'missed'],
    ['the plan ended with it outstanding', act({}), '2027-01-01', 'missed', { endedOn: '2026-12-01' }],
  ])('%s', (_what, a, asOf, status, planExtra = {}) => {
    expect(run({ plans: [plan('2026-10-26', planExtra)], actions: [a] }, asOf, 'actions-on-time').status).toBe(status);
  });
});

describe('a strategy discussion attended by social care, police and health', () => {
  it.each<[string[], Status, string | undefined]>([
    [['childrens-social-care', 'police', 'health'], 'met', undefined],
    [['childrens-social-care', 'police', 'health', 'education'], 'met', undefined],
    [['childrens-social-care', 'police'], 'missed', 'No participant from: health'],
    [['childrens-social-care'], 'missed', 'No participant from: police, health'],
  ])('%j → %s', (types, status, reason) => {
    const r = run({ strategyDiscussions: [sd('2026-10-12', types)] }, '2026-10-13', 'strategy-attendance');
    expect([r.status, r.reason]).toEqual([status, reason]);
  });
});

describe('requests for information answered by their deadline', () => {
  const rfi = (data: Record<string, unknown>, dueOn: string | null = null) => ({ id: 'r1', kind: 'request-for-information', occurredOn: String(data.askedOn), dueOn, data });
  it.each<[string, ReturnType<typeof rfi>, string, Status, string]>([
    ['answered by the deadline', rfi({ askedOn: '2026-11-02', dueOn: '2026-11-16', answeredOn: '2026-11-16' }), '2026-11-20', 'met', '2026-11-16'],
    ['answered late', rfi({ askedOn: '2026-11-02', dueOn: '2026-11-16', answeredOn: '2026-11-17' }), '2026-11-20', 'met-late', '2026-11-16'],
    ['unanswered, past the deadline', rfi({ askedOn: '2026-11-02', dueOn: '2026-11-16' }), '2026-11-17', 'overdue', '2026-11-16'],
    ['the due_on column when the data has none', rfi({ askedOn: '2026-11-02' }, '2026-11-10'), '2026-11-11', 'overdue', '2026-11-10'],
    ['no deadline at all: 10 working days', rfi({ askedOn: '2026-11-02' }), '2026-11-16', 'due', '2026-11-16'],
  ])('%s', (_what, e, asOf, status, dueOn) => {
    expect(run({ entries: [e] }, asOf, 'rfi-answered')).toMatchObject({ status, dueOn });
  });
});

describe('a second or later plan, or re-referral within 12 months, is flagged', () => {
  it.each<[string, Partial2<CaseFacts>, boolean]>([
    ['a first plan', { plans: [plan('2026-10-26')] }, false],
    ['a second plan', { plans: [plan('2026-10-26', { previousPlans: 1 })] }, true],
    ['re-referred 6 months after a plan ended', { plans: [plan('2025-01-10', { endedOn: '2025-09-01' })], referrals: [{ id: 'r', receivedOn: '2026-03-01' }] }, true],
    ['re-referred 13 months after', { plans: [plan('2025-01-10', { endedOn: '2025-09-01' })], referrals: [{ id: 'r', receivedOn: '2026-10-02' }] }, false],
  ])('%s', (_what, f, flagged) => {
    const r = run(f, '2026-11-02', 'repeat-plan');
    expect(r.flagged ?? false).toBe(flagged);
    expect(statusOf(r)).toBe(flagged ? 'due' : 'not-applicable');
  });
});

describe('exceptions and standards without a version', () => {
  it('a recorded exception makes the standard excepted, with its reason', () => {
    const r = run({ plans: [plan('2026-10-26')], exceptions: [{ id: 'x', standardKey: 'first-core-group', reason: 'Child in hospital; agreed by the chair' }] }, '2026-12-01', 'first-core-group');
    expect(r).toMatchObject({ status: 'excepted', reason: 'Child in hospital; agreed by the chair' });
    expect(r.instances[0]?.status).toBe('overdue'); // what it would have been is kept
  });
  it('an exception for one standard leaves the others alone', () => {
    const r = run({ plans: [plan('2026-10-26')], meetings: [meeting('2026-11-02')], exceptions: [{ id: 'x', standardKey: 'first-core-group', reason: 'r' }] }, '2026-11-03', 'minutes-finalised');
    expect(r.status).toBe('due');
  });
  it('a standard introduced after the event is not applicable to it', () => {
    const rules = RULES.map((r) => (r.key === 'icpc-timescale' ? { ...r, effectiveFrom: '2026-06-01' } : r));
    expect(run({ strategyDiscussions: [sd('2026-04-02')], s47s: [s47('2026-04-02')] }, '2026-05-01', 'icpc-timescale', { rules }).status).toBe('not-applicable');
  });
  it('a standard with no version at all is not evaluated', () => {
    expect(evaluate(facts({}), RULES.filter((r) => r.key !== 'repeat-plan'), '2026-11-02').map((r) => r.key)).not.toContain('repeat-plan');
  });
  it('every default standard is evaluated', () => {
    expect(evaluate(facts({}), RULES, '2026-11-02').map((r) => r.key).sort()).toEqual(DEFAULT_STANDARDS.map((d) => d.key).sort());
  });
});
