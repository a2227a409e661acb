/**
 * The answers the record gives to pre-fillable questions, and their evidence: table-driven over the
 * facts for each kind, then end to end from a child's record (core groups with attendance, a plan
 * revised at a meeting, actions reviewed, minutes shared, the child's voice) to the answers an
 * auditor of the core group thematic audit sees already chosen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership } from '../../../test/support/factories.js';
import { prefillsFor } from './conduct.js';
import { loadRecordFacts, prefillFrom, type RecordFacts, timelineOf } from './record-facts.js';
import { CORE_GROUP_THEMATIC, CP_MULTI_AGENCY, type Prefill } from './tools.js';

type Meeting = RecordFacts['meetings'][number];
const meeting = (over: Partial<Meeting>): Meeting => ({
  id: 'm',
  planId: 'p1',
  heldOn: '2026-11-01',
  chairIsManager: false,
  status: 'finalised',
  sharedOn: null,
  absentWithReport: 0,
  absentWithoutReport: 0,
  present: 4,
  actionsReviewed: 0,
  revisedPlan: false,
  ...over,
});
const facts = (meetings: Meeting[], extra: Partial<RecordFacts> = {}): RecordFacts => ({
  plans: [{ id: 'p1', startedOn: '2026-10-26', endedOn: null, category: 'NEG', versions: 1 + meetings.filter((m) => m.revisedPlan).length }],
  conferences: [],
  meetings,
  voice: [],
  standards: [],
  ...extra,
});

describe('prefillFrom', () => {
  const three = [
    meeting({ id: 'a', heldOn: '2026-11-05', chairIsManager: true, sharedOn: '2026-11-06', absentWithReport: 1, revisedPlan: true }),
    meeting({ id: 'b', heldOn: '2026-12-10', absentWithoutReport: 2, actionsReviewed: 3, sharedOn: '2026-12-20' }),
    meeting({ id: 'c', heldOn: '2027-01-20', status: 'draft', actionsReviewed: 0 }),
  ];
  const cases: [string, RecordFacts, Prefill, { answer: string; evidence: string } | null][] = [
    ['a manager chaired the first core group', facts(three), 'first-core-group-chaired-by-manager', { answer: 'Yes', evidence: 'The first core group, on 2026-11-05, was chaired by a manager.' }],
    ['no manager at the first core group', facts([meeting({ heldOn: '2026-11-05' })]), 'first-core-group-chaired-by-manager', { answer: 'No', evidence: 'The first core group, on 2026-11-05, was not chaired by a manager.' }],
    ['no core group yet', facts([]), 'first-core-group-chaired-by-manager', null],
    ['1 of 3 absences with a report', facts(three), 'absent-agencies-sent-reports', { answer: 'Partly', evidence: '1 of 3 absences from 3 core groups came with a report.' }],
    ['nobody absent', facts([meeting({})]), 'absent-agencies-sent-reports', { answer: 'Yes', evidence: 'No professional was absent from the 1 core group.' }],
    ['absent without reports', facts([meeting({ absentWithoutReport: 2 })]), 'absent-agencies-sent-reports', { answer: 'No', evidence: '0 of 2 absences from 1 core group came with a report.' }],
    ['both finalised minutes shared (the draft does not count)', facts(three), 'minutes-shared-in-time', { answer: 'Yes', evidence: 'The minutes of 2 of 2 finalised core groups were shared with the members.' }],
    [
      'finalised minutes not shared, with the standard',
      facts([meeting({})], { standards: [{ key: 'minutes-shared', status: 'not-met', dueOn: null, reason: null }] }),
      'minutes-shared-in-time',
      { answer: 'No', evidence: 'The minutes of 0 of 1 finalised core group were shared with the members. The minutes-shared standard is not met.' },
    ],
    ['only drafts', facts([meeting({ status: 'draft' })]), 'minutes-shared-in-time', null],
    ['1 of 2 later core groups reviewed actions', facts(three), 'actions-reviewed', { answer: 'Partly', evidence: '1 of 2 core groups after the first reviewed the plan’s actions.' }],
    ['only the first core group', facts([meeting({})]), 'actions-reviewed', null],
    ['plan revised after 1 of 3', facts(three), 'plan-revised-after-core-group', { answer: 'Partly', evidence: 'The plan was revised after 1 of 3 core groups (2 plan versions in all).' }],
    ['plan never revised', facts([meeting({})]), 'plan-revised-after-core-group', { answer: 'No', evidence: 'The plan was revised after 0 of 1 core group (1 plan version in all).' }],
    [
      'voice during the plan, not before it',
      facts([], { voice: [{ kind: 'said', recordedOn: '2026-10-01', seenAlone: true }, { kind: 'observation', recordedOn: '2026-11-03', seenAlone: false }, { kind: 'said', recordedOn: '2026-11-20', seenAlone: true }] }),
      'childs-voice-recorded',
      { answer: 'Yes', evidence: '2 entries of the child’s voice during the plan, 1 seen alone; latest 2026-11-20.' },
    ],
    ['no voice during the plan', facts([], { voice: [{ kind: 'said', recordedOn: '2026-10-01', seenAlone: true }] }), 'childs-voice-recorded', { answer: 'No', evidence: 'No entry of the child’s voice during the plan.' }],
    ['no plan: the record cannot say', { ...facts([]), plans: [] }, 'childs-voice-recorded', null],
  ];
  it.each(cases)('%s', (_name, f, kind, expected) => {
    expect(prefillFrom(f, kind)).toEqual(expected);
  });

  it('only pre-fills an answer the question accepts (Yes / No questions take no Partly)', () => {
    const partly = facts([meeting({ absentWithReport: 1, absentWithoutReport: 1, chairIsManager: true })]);
    expect(prefillsFor({ ...CORE_GROUP_THEMATIC, id: 'x', version: 1 }, partly).absent_partner_reports).toEqual({ answer: 'Partly', evidence: '1 of 2 absences from 1 core group came with a report.' });
    expect(prefillsFor({ ...CORE_GROUP_THEMATIC, id: 'x', version: 1 }, partly).manager_first_core_group!.answer).toBe('Yes');
    const noPartly = { ...CP_MULTI_AGENCY, id: 'y', version: 1, domains: [{ key: 'd', name: 'D', questions: [{ key: 'q', text: 'Q', type: 'yes-partly-no' as const, options: ['Yes', 'No'], prefill: 'absent-agencies-sent-reports' as const }] }] };
    expect(prefillsFor(noPartly, partly)).toEqual({});
  });
});

describe('the record’s answers for a real child', () => {
  let t: TestApp;
  let f: Fixture;
  let childId: string;

  beforeAll(async () => {
    t = await buildTestApp();
    f = await makePartnership(t.database.db, '937');
    const db = t.database.db;
    const child = await makeChildOnPlan(t, f, { firstName: 'Prefill', lastName: 'Child' });
    childId = child.childId;
    const now = new Date();
    const common = { partnership_id: f.partnershipId, child_id: childId, updated_at: now, created_by: null };
    const members = await db
      .insertInto('core_group_members')
      .values([
        { ...common, user_id: f.users.health!.id, name: 'Health visitor', agency_id: f.agencies.health!, role: 'Health visitor', joined_on: '2026-10-26' },
        { ...common, user_id: null, name: 'Teacher', agency_id: f.agencies.school!, role: 'Designated safeguarding lead', joined_on: '2026-10-26' },
        { ...common, user_id: null, name: 'Parent', agency_id: null, role: 'Parent', is_parent: true, joined_on: '2026-10-26' },
      ])
      .returning('id')
      .execute();
    const meetings = await db
      .insertInto('core_group_meetings')
      .values([
        { ...common, plan_id: child.planId, held_on: '2026-11-05', chair_is_manager: false, status: 'finalised', shared_professionals_on: '2026-11-06' },
        { ...common, plan_id: child.planId, held_on: '2026-12-10', chair_is_manager: true, status: 'finalised', shared_professionals_on: null },
      ])
      .returning('id')
      .execute();
    const attend = (m: number, who: number, attendance: 'present' | 'apologies-report' | 'apologies-no-report') => ({ partnership_id: f.partnershipId, meeting_id: meetings[m]!.id, member_id: members[who]!.id, attendance });
    // first: the teacher sent apologies and a report; second: the teacher sent no report; the absent parent never counts
    await db.insertInto('meeting_attendance').values([attend(0, 0, 'present'), attend(0, 1, 'apologies-report'), attend(0, 2, 'apologies-no-report'), attend(1, 0, 'present'), attend(1, 1, 'apologies-no-report')]).execute();
    await db.insertInto('plan_versions').values({ partnership_id: f.partnershipId, plan_id: child.planId, number: 2, snapshot: JSON.stringify({}), summary: 'Revised at the first core group', meeting_id: meetings[0]!.id, created_by: null }).execute();
    const action = await db
      .insertInto('plan_actions')
      .values({ ...common, plan_id: child.planId, outcome_id: child.outcomeIds[0]!, what: 'Weekly visits', owner_user_id: f.users.health!.id, owner_name: 'Health visitor', owner_agency_id: f.agencies.health!, due_on: '2026-12-01', done_measure: 'Visits recorded', worked_measure: 'Weight on centile' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('action_reviews').values({ partnership_id: f.partnershipId, meeting_id: meetings[1]!.id, action_id: action.id, status: 'done', comment: 'Visits made' }).execute();
    await db.insertInto('voice_entries').values({ partnership_id: f.partnershipId, child_id: childId, kind: 'observation', recorded_on: '2026-11-20', content: 'Synthetic observation', seen_alone: false, updated_at: now }).execute();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('lays the record out as a timeline in date order', async () => {
    const recorded = await loadRecordFacts(t.database.db, f.partnershipId, childId);
    const timeline = timelineOf(recorded);
    expect(timeline.map((e) => e.on)).toEqual([...timeline.map((e) => e.on)].sort());
    expect(timeline.map((e) => `${e.on} ${e.text}`)).toEqual([
      expect.stringMatching(/^2026-10-26 Initial conference/) as unknown as string,
      '2026-10-26 Child protection plan started (NEG)',
      '2026-11-05 Core group: 1 present, 1 absent (1 with a report), plan revised; minutes shared 2026-11-06',
      '2026-11-20 The child’s voice: observation',
      '2026-12-10 Core group: 1 present, 1 absent (0 with a report), chaired by a manager, 1 action reviewed; minutes finalised',
    ]);
  });

  it('pre-fills each question of the core group thematic audit from what the record holds, with its evidence', async () => {
    const recorded = await loadRecordFacts(t.database.db, f.partnershipId, childId);
    expect(recorded.meetings.map((m) => [m.heldOn, m.present, m.absentWithReport, m.absentWithoutReport, m.actionsReviewed, m.revisedPlan])).toEqual([
      ['2026-11-05', 1, 1, 0, 0, true],
      ['2026-12-10', 1, 0, 1, 1, false],
    ]);
    const answers = prefillsFor({ ...CORE_GROUP_THEMATIC, id: 'x', version: 1 }, recorded);
    expect(answers).toEqual({
      plan_discussed_revised: { answer: 'Partly', evidence: expect.stringMatching(/^The plan was revised after 1 of 2 core groups \(\d+ plan versions in all\)\.$/) as unknown as string },
      actions_tracked: { answer: 'Yes', evidence: '1 of 1 core group after the first reviewed the plan’s actions.' },
      minutes_shared_agreed: { answer: 'Partly', evidence: expect.stringMatching(/^The minutes of 1 of 2 finalised core groups were shared with the members\./) as unknown as string },
      absent_partner_reports: { answer: 'Partly', evidence: '1 of 2 absences from 2 core groups came with a report.' },
      manager_first_core_group: { answer: 'No', evidence: 'The first core group, on 2026-11-05, was not chaired by a manager.' },
      childs_voice_present: { answer: 'Yes', evidence: '1 entry of the child’s voice during the plan; latest 2026-11-20.' },
    });
  }, 30_000);
});
