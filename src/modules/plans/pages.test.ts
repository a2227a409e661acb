import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';

let t: TestApp;
let f: Fixture;
let childId: string;
let planId: string;
let outcomeIds: string[];

const signedIn = async (key: string): Promise<Agent> => {
  const a = t.agent();
  await a.signIn(f.users[key]!.email, PASSWORD);
  return a;
};
const versionOf = (body: string) => body.match(/name="version" value="(\d+)"/)![1]!;
const versions = () => t.database.db.selectFrom('plan_versions').select(['number', 'summary', 'meeting_id', 'conference_id']).where('plan_id', '=', planId).orderBy('number').execute();
const actionByWhat = (what: string) => t.database.db.selectFrom('plan_actions').selectAll().where('what', '=', what).executeTakeFirstOrThrow();
const dueOn = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return { 'dueOn-day': String(Number(d)), 'dueOn-month': String(Number(m)), 'dueOn-year': y! };
};
const addMember = (cid: string, userKey: string, agencyKey: string, role: string) =>
  t.database.db
    .insertInto('core_group_members')
    .values({ partnership_id: f.partnershipId, child_id: cid, user_id: f.users[userKey]!.id, name: `${userKey} person`, agency_id: f.agencies[agencyKey]!, role, joined_on: '2026-10-26' })
    .execute();
const addMeeting = async (cid: string, pid: string, status: 'draft' | 'finalised' = 'draft') =>
  (
    await t.database.db
      .insertInto('core_group_meetings')
      .values({ partnership_id: f.partnershipId, child_id: cid, plan_id: pid, held_on: '2026-11-27', status, minutes: '{}', chair_user_id: f.users.manager!.id, chair_is_manager: true })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
  ({ childId, planId, outcomeIds } = await makeChildOnPlan(t, f, { firstName: 'Ada', outcomes: ['Ada is safe from harm at home', 'Ada attends school every day'] }));
  await addMember(childId, 'health', 'health', 'Health visitor');
});
afterAll(() => t.close());

describe('the plan page', () => {
  it('shows the plan: start, categories, previous plans, outcomes and version 1 made at the initial conference', async () => {
    const sw = await signedIn('worker');
    const page = await sw.get(`/children/${childId}/plan`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Child protection plan</h1>');
    expect(page.body).toContain('26 October 2026');
    expect(page.body).toContain('Neglect');
    expect(page.body).toContain('Number of previous plans');
    expect(page.body).toContain('Ada is safe from harm at home');
    expect(page.body).toContain('Ada attends school every day');
    expect(page.body).toContain('Outline plan agreed at the initial conference');
    expect(page.body).toMatch(new RegExp(`href="/children/${childId}/conferences/[0-9a-f-]{36}">Initial child protection conference`));
    expect(page.body).toContain('Add an outcome');
  });

  it('is access-logged as a view of the plan', async () => {
    const rows = await t.database.db.selectFrom('access_log').select(['action', 'record_id', 'subject_id']).where('record_type', '=', 'plan').where('record_id', '=', planId).execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toMatchObject({ action: 'view', subject_id: childId });
  });
});

describe('revising the plan', () => {
  it('adding an action: errors name the fields and keep what was typed; both kinds of owner at once is refused', async () => {
    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/plan/actions/new?outcomeId=${outcomeIds[0]}`);
    const bad = await sw.post(`/children/${childId}/plan/actions/new`, { outcomeId: outcomeIds[0]!, what: 'Weekly home visits', ownerUserId: '', ownerName: '', ownerAgencyId: '', 'dueOn-day': '31', 'dueOn-month': '2', 'dueOn-year': '2027', doneMeasure: '', workedMeasure: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error:');
    for (const field of ['ownerUserId', 'dueOn', 'doneMeasure', 'workedMeasure']) expect(bad.body).toContain(`href="#${field}"`);
    expect(bad.body).toContain('Weekly home visits');
    expect(bad.body).toContain('value="31"');
    const both = await sw.post(`/children/${childId}/plan/actions/new`, { outcomeId: outcomeIds[0]!, what: 'x', ownerUserId: f.users.health!.id, ownerName: 'Someone', ownerAgencyId: '', ...dueOn('2026-12-01'), doneMeasure: 'd', workedMeasure: 'w' });
    expect(both.statusCode).toBe(400);
    expect(both.body).toContain('Choose a person from the list, or type a name, not both');
    const early = await sw.post(`/children/${childId}/plan/actions/new`, { outcomeId: outcomeIds[0]!, what: 'x', ownerUserId: f.users.health!.id, ...dueOn('2026-10-01'), doneMeasure: 'd', workedMeasure: 'w' });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('cannot be before the plan started');
    expect(await versions()).toHaveLength(1);
  });

  it('each revision is a new version with a plain-English summary: action added (a user: her agency follows), action for a named person', async () => {
    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/plan/actions/new?outcomeId=${outcomeIds[0]}`);
    const res = await sw.post(`/children/${childId}/plan/actions/new`, {
      outcomeId: outcomeIds[0]!,
      what: 'Health visitor visits weekly and checks Ada’s weight',
      ownerUserId: f.users.health!.id,
      ownerName: '',
      ownerAgencyId: '',
      ...dueOn('2026-12-04'),
      doneMeasure: 'Visits recorded in the health record',
      workedMeasure: 'Ada’s weight is on her centile line',
      meetingId: '',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/children/${childId}/plan?revised=2#outcome-${outcomeIds[0]}`);
    const health = await actionByWhat('Health visitor visits weekly and checks Ada’s weight');
    expect(health).toMatchObject({ owner_user_id: f.users.health!.id, owner_agency_id: f.agencies.health!, owner_name: 'health person 901', status: 'not-started' });

    await sw.get(`/children/${childId}/plan/actions/new`);
    const named = await sw.post(`/children/${childId}/plan/actions/new`, {
      outcomeId: outcomeIds[1]!,
      what: 'Mother takes Ada to school every day',
      ownerUserId: '',
      ownerName: 'Mother (synthetic)',
      ownerAgencyId: f.agencies.school!,
      ...dueOn('2026-12-11'),
      doneMeasure: 'Register shows attendance',
      workedMeasure: 'Attendance above 95%',
    });
    expect(named.statusCode).toBe(303);
    expect(await versions()).toEqual([
      { number: 1, summary: 'Outline plan agreed at the initial conference', meeting_id: null, conference_id: expect.any(String) },
      { number: 2, summary: 'Action added: “Health visitor visits weekly and checks Ada’s weight”', meeting_id: null, conference_id: null },
      { number: 3, summary: 'Action added: “Mother takes Ada to school every day”', meeting_id: null, conference_id: null },
    ]);
    const page = await sw.get(`/children/${childId}/plan?revised=3`);
    expect(page.body).toContain('The plan has been revised: version 3 saved.');
    expect(page.body).toContain('Mother (synthetic)');
    expect(page.body).toContain('school agency 901');
    expect(page.body).toContain('Action added: “Mother takes Ada to school every day”');
  });

  it('a revision made in a draft core group meeting is linked to it, and the page offers the way back to the meeting', async () => {
    const meetingId = await addMeeting(childId, planId);
    const sw = await signedIn('worker');
    const plan = await sw.get(`/children/${childId}/plan?meetingId=${meetingId}`);
    expect(plan.body).toContain('You are revising the plan in the core group meeting of 27 November 2026');
    expect(plan.body).toContain(`href="/children/${childId}/meetings/${meetingId}">Return to the meeting`);
    expect(plan.body).toContain(`/plan/outcomes/${outcomeIds[1]}/edit?meetingId=${meetingId}`);

    const form = await sw.get(`/children/${childId}/plan/outcomes/${outcomeIds[1]}/edit?meetingId=${meetingId}`);
    expect(form.body).toContain(`name="meetingId" value="${meetingId}"`);
    const res = await sw.post(`/children/${childId}/plan/outcomes/${outcomeIds[1]}/edit`, { title: 'Ada attends school every day and is ready to learn', version: versionOf(form.body), meetingId });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/children/${childId}/plan?meetingId=${meetingId}&revised=4#outcome-${outcomeIds[1]}`);
    const v4 = (await versions())[3]!;
    expect(v4).toEqual({ number: 4, summary: 'Outcome changed: “Ada attends school every day” is now “Ada attends school every day and is ready to learn”', meeting_id: meetingId, conference_id: null });
    const after = await sw.get(res.headers.location as string);
    expect(after.body).toContain(`href="/children/${childId}/meetings/${meetingId}">Return to the meeting`);
    expect(after.body).toContain(`href="/children/${childId}/meetings/${meetingId}">Core group meeting, 27 November 2026</a>`);
  });

  it('a meeting that is finalised, or of another child, cannot carry a revision: 400 and nothing saved', async () => {
    const finalised = await addMeeting(childId, planId, 'finalised');
    const other = await makeChildOnPlan(t, f, { firstName: 'Other' });
    const otherMeeting = await addMeeting(other.childId, other.planId);
    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/plan/outcomes/new`);
    const closed = await sw.post(`/children/${childId}/plan/outcomes/new`, { title: 'Ada’s health needs are met', meetingId: finalised });
    expect(closed.statusCode).toBe(400);
    expect(closed.body).toContain('The minutes of that meeting have been finalised');
    expect(closed.body).toContain('Ada’s health needs are met');
    const elsewhere = await sw.post(`/children/${childId}/plan/outcomes/new`, { title: 'Ada’s health needs are met', meetingId: otherMeeting });
    expect(elsewhere.statusCode).toBe(400);
    const garbage = await sw.post(`/children/${childId}/plan/outcomes/new`, { title: 'Ada’s health needs are met', meetingId: 'not-a-meeting' });
    expect(garbage.statusCode).toBe(400);
    expect(await versions()).toHaveLength(4);
  });

  it('changing an action, adding and removing an outcome (with its actions) and removing an action each make a version', async () => {
    const sw = await signedIn('worker');
    const health = await actionByWhat('Health visitor visits weekly and checks Ada’s weight');
    const form = await sw.get(`/children/${childId}/plan/actions/${health.id}/edit`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Ada’s weight is on her centile line');
    const changed = await sw.post(`/children/${childId}/plan/actions/${health.id}/edit`, {
      outcomeId: outcomeIds[0]!,
      what: health.what,
      ownerUserId: f.users.health!.id,
      ownerName: '',
      ownerAgencyId: '',
      ...dueOn('2026-12-18'),
      doneMeasure: health.done_measure,
      workedMeasure: 'Ada’s weight is on her centile line for two months',
      version: versionOf(form.body),
    });
    expect(changed.statusCode).toBe(303);

    // Saving without a change makes no version.
    const again = await sw.get(`/children/${childId}/plan/actions/${health.id}/edit`);
    const same = await sw.post(`/children/${childId}/plan/actions/${health.id}/edit`, { outcomeId: outcomeIds[0]!, what: health.what, ownerUserId: f.users.health!.id, ...dueOn('2026-12-18'), doneMeasure: health.done_measure, workedMeasure: 'Ada’s weight is on her centile line for two months', version: versionOf(again.body) });
    expect(same.headers.location).toContain('unchanged=1');

    await sw.get(`/children/${childId}/plan/outcomes/new`);
    const added = await sw.post(`/children/${childId}/plan/outcomes/new`, { title: 'Ada’s health needs are met' });
    expect(added.statusCode).toBe(303);
    const newOutcome = await t.database.db.selectFrom('plan_outcomes').selectAll().where('title', '=', 'Ada’s health needs are met').executeTakeFirstOrThrow();
    await sw.get(`/children/${childId}/plan/actions/new`);
    await sw.post(`/children/${childId}/plan/actions/new`, { outcomeId: newOutcome.id, what: 'GP reviews Ada’s asthma', ownerName: 'Dr Gill', ownerAgencyId: f.agencies.health!, ...dueOn('2027-01-08'), doneMeasure: 'Review letter', workedMeasure: 'No missed inhaler doses' });

    const confirm = await sw.get(`/children/${childId}/plan/outcomes/${newOutcome.id}/remove`);
    expect(confirm.body).toContain('Its action will be removed from the plan too.');
    expect(confirm.body).toContain('GP reviews Ada’s asthma');
    const removed = await sw.post(`/children/${childId}/plan/outcomes/${newOutcome.id}/remove`, { version: versionOf(confirm.body), reason: 'Merged into outcome 1' });
    expect(removed.statusCode).toBe(303);
    expect((await actionByWhat('GP reviews Ada’s asthma')).removed_at).not.toBeNull();

    const school = await actionByWhat('Mother takes Ada to school every day');
    const confirmAction = await sw.get(`/children/${childId}/plan/actions/${school.id}/remove`);
    const removedAction = await sw.post(`/children/${childId}/plan/actions/${school.id}/remove`, { version: versionOf(confirmAction.body), reason: '' });
    expect(removedAction.statusCode).toBe(303);

    expect((await versions()).slice(4).map((v) => [v.number, v.summary])).toEqual([
      [5, 'Action changed: “Health visitor visits weekly and checks Ada’s weight” (by when, how we will know it has worked)'],
      [6, 'Outcome added: “Ada’s health needs are met”'],
      [7, 'Action added: “GP reviews Ada’s asthma”'],
      [8, 'Outcome removed: “Ada’s health needs are met”, with its action. Reason: Merged into outcome 1'],
      [9, 'Action removed: “Mother takes Ada to school every day”'],
    ]);
    const page = await sw.get(`/children/${childId}/plan`);
    expect(page.body).not.toContain('Ada’s health needs are met</h2>');
    expect(page.body).not.toContain('Mother (synthetic)');
    const log = await t.database.db.selectFrom('access_log').select(['action', 'record_type']).where('subject_id', '=', childId).where('record_type', 'in', ['plan-action', 'plan-outcome']).where('action', '!=', 'view').execute();
    expect(log.map((l) => `${l.action} ${l.record_type}`)).toEqual(
      expect.arrayContaining(['create plan-action', 'update plan-action', 'delete plan-action', 'create plan-outcome', 'update plan-outcome', 'delete plan-outcome']),
    );
  });
});

describe('comparing versions', () => {
  it('shows what was added, changed and removed, and where each version was made; a partner in the core group can compare', async () => {
    const hv = await signedIn('health');
    const res = await hv.get(`/children/${childId}/plan/versions?from=1&to=9`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Changes from version 1 to version 9');
    const rows = [...res.body.matchAll(/<tr class="govuk-table__row">\s*<td class="govuk-table__cell">([^<]*)<\/td>\s*<td class="govuk-table__cell">([^<]*)<\/td>\s*<td class="govuk-table__cell">([^<]*)<\/td>\s*<td class="govuk-table__cell">([^<]*)<\/td>/g)].map((m) => m.slice(1, 5).map((s) => s.trim()));
    expect(rows).toEqual(
      expect.arrayContaining([
        ['Action added', 'Ada is safe from harm at home', 'Health visitor visits weekly and checks Ada’s weight', ''],
        ['Outcome changed', 'Ada attends school every day and is ready to learn', '', 'Outcome'],
      ]),
    );
    // Initial conference and the meeting, with links
    expect(res.body).toMatch(/href="\/children\/[0-9a-f-]{36}\/conferences\/[0-9a-f-]{36}">Initial child protection conference/);
    expect(res.body).toContain(`/children/${childId}/meetings/`);

    const narrow = await hv.get(`/children/${childId}/plan/versions?from=4&to=9`);
    expect(narrow.body).toContain('Action changed');
    expect(narrow.body).toContain('18 December 2026'); // the new due date, after
    expect(narrow.body).toContain('4 December 2026'); // before
    expect(narrow.body).toContain('Action removed');
    expect(narrow.body).toContain('Mother takes Ada to school every day');
    expect(narrow.body).not.toContain('GP reviews Ada’s asthma</td>'); // added and removed in between: no net change
    expect(narrow.body).toContain('Revisions between them');

    const missing = await hv.get(`/children/${childId}/plan/versions?from=1&to=99`);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('There is no version 99 of this plan');
    const choose = await hv.get(`/children/${childId}/plan/versions`);
    expect(choose.statusCode).toBe(200);
    expect(choose.body).toContain('Compare versions of the plan');
  });
});

describe('who may revise the plan and update actions', () => {
  it('a health visitor in the core group sees the plan without revision links, and gets 403 revising it', async () => {
    const hv = await signedIn('health');
    const page = await hv.get(`/children/${childId}/plan`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Add an outcome');
    expect(page.body).not.toContain('/edit');
    expect((await hv.get(`/children/${childId}/plan/outcomes/new`)).statusCode).toBe(403);
    await hv.get(`/children/${childId}/plan`);
    expect((await hv.post(`/children/${childId}/plan/outcomes/new`, {})).statusCode).toBe(403);
    expect((await hv.post(`/children/${childId}/plan/outcomes/new`, { title: 'Sneaky' })).statusCode).toBe(403);
    const health = await actionByWhat('Health visitor visits weekly and checks Ada’s weight');
    expect((await hv.post(`/children/${childId}/plan/actions/${health.id}/edit`, { what: 'changed' })).statusCode).toBe(403);
    expect((await hv.post(`/children/${childId}/plan/outcomes/${outcomeIds[0]}/remove`, { version: '1' })).statusCode).toBe(403);
    expect(await versions()).toHaveLength(9);
  });

  it('she updates her agency’s action: status and a required note, no new plan version; she cannot update another agency’s action', async () => {
    const hv = await signedIn('health');
    const health = await actionByWhat('Health visitor visits weekly and checks Ada’s weight');
    const url = `/children/${childId}/plan/actions/${health.id}/progress`;
    const form = await hv.get(url);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Save progress');
    const noNote = await hv.post(url, { status: 'in-progress', note: '', version: versionOf(form.body) });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.body).toContain('href="#note"');
    const ok = await hv.post(url, { status: 'in-progress', note: 'Visited 20 Nov: weight up 200g; mother engaging.', version: versionOf(form.body) });
    expect(ok.statusCode).toBe(303);
    expect((await actionByWhat(health.what)).status).toBe('in-progress');
    const updates = await t.database.db.selectFrom('action_updates').selectAll().where('action_id', '=', health.id).execute();
    expect(updates).toEqual([expect.objectContaining({ status: 'in-progress', note: 'Visited 20 Nov: weight up 200g; mother engaging.', created_by: f.users.health!.id })]);
    expect(await versions()).toHaveLength(9);
    const plan = await hv.get(`/children/${childId}/plan`);
    expect(plan.body).toContain('Visited 20 Nov: weight up 200g; mother engaging.');
    expect(plan.body).toContain('In progress');

    // An action owned by children's social care
    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/plan/actions/new`);
    await sw.post(`/children/${childId}/plan/actions/new`, { outcomeId: outcomeIds[0]!, what: 'Social worker sees Ada alone fortnightly', ownerUserId: f.users.worker!.id, ...dueOn('2026-12-02'), doneMeasure: 'Visit records', workedMeasure: 'Ada says how she feels' });
    const csc = await actionByWhat('Social worker sees Ada alone fortnightly');
    const view = await hv.get(`/children/${childId}/plan/actions/${csc.id}/progress`);
    expect(view.statusCode).toBe(200);
    expect(view.body).not.toContain('Save progress');
    expect(view.body).toContain('can update the progress of this action');
    expect((await hv.post(`/children/${childId}/plan/actions/${csc.id}/progress`, { status: 'done', note: 'x', version: String(csc.version) })).statusCode).toBe(403);
    expect((await hv.post(`/children/${childId}/plan/actions/${csc.id}/progress`, {})).statusCode).toBe(403);
    expect((await actionByWhat(csc.what)).status).toBe('not-started');
  });

  it('a practitioner who cannot see the child gets 404 on every plan page, and so does an admin', async () => {
    const other = await makeChildOnPlan(t, f, { firstName: 'Unseen' });
    const action = (await t.database.db.selectFrom('plan_actions').select('id').where('child_id', '=', childId).executeTakeFirstOrThrow()).id;
    for (const key of ['health', 'admin', 'qa']) {
      const a = await signedIn(key);
      const cid = key === 'health' ? other.childId : childId;
      for (const url of [`/children/${cid}/plan`, `/children/${cid}/plan/versions?from=1&to=1`, `/children/${cid}/plan/outcomes/new`, `/children/${cid}/plans/${other.planId}`]) {
        expect((await a.get(url)).statusCode, `${key} GET ${url}`).toBe(404);
      }
      await a.get('/');
      expect((await a.post(`/children/${cid}/plan/outcomes/new`, { title: 'x' })).statusCode).toBe(404);
      if (key !== 'health') {
        expect((await a.get(`/children/${childId}/plan/actions/${action}/progress`)).statusCode).toBe(404);
        expect((await a.post(`/children/${childId}/plan/actions/${action}/progress`, { status: 'done', note: 'x', version: '1' })).statusCode).toBe(404);
      }
    }
    // An action id of another child, through this child's URL
    const sw = await signedIn('worker');
    const otherAction = await t.database.db.insertInto('plan_actions').values({ partnership_id: f.partnershipId, plan_id: other.planId, child_id: other.childId, outcome_id: other.outcomeIds[0]!, what: 'Hidden', owner_name: 'x', owner_agency_id: f.agencies.csc!, due_on: '2026-12-01', done_measure: 'd', worked_measure: 'w' }).returning('id').executeTakeFirstOrThrow();
    expect((await sw.get(`/children/${childId}/plan/actions/${otherAction.id}/progress`)).statusCode).toBe(404);
    expect((await sw.get(`/children/${childId}/plan/actions/${otherAction.id}/edit`)).statusCode).toBe(404);
  });
});

describe('two people editing the same item', () => {
  it('the second change of an action from the same version gets the conflict page with both versions; nothing is lost', async () => {
    const sw = await signedIn('worker');
    const mgr = await signedIn('manager');
    const health = await actionByWhat('Health visitor visits weekly and checks Ada’s weight');
    const url = `/children/${childId}/plan/actions/${health.id}/edit`;
    const formA = await sw.get(url);
    const formB = await mgr.get(url);
    expect(versionOf(formA.body)).toBe(versionOf(formB.body));
    const fields = { outcomeId: outcomeIds[0]!, what: health.what, ownerUserId: f.users.health!.id, ...dueOn('2026-12-18'), doneMeasure: health.done_measure };
    const first = await sw.post(url, { ...fields, workedMeasure: 'First change: weight on centile', version: versionOf(formA.body) });
    expect(first.statusCode).toBe(303);
    const before = (await versions()).length;
    const second = await mgr.post(url, { ...fields, workedMeasure: 'Second change: Ada is gaining weight', version: versionOf(formB.body) });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else changed this part of the plan');
    expect(second.body).toContain('First change: weight on centile');
    expect(second.body).toContain('Second change: Ada is gaining weight');
    expect((await actionByWhat(health.what)).worked_measure).toBe('First change: weight on centile');
    expect(await versions()).toHaveLength(before);
  });

  it('two progress updates from the same version: the second gets 409 showing its note; the first stands', async () => {
    const hv = await signedIn('health');
    const sw = await signedIn('worker');
    const health = await actionByWhat('Health visitor visits weekly and checks Ada’s weight');
    const url = `/children/${childId}/plan/actions/${health.id}/progress`;
    const a = await hv.get(url);
    const b = await sw.get(url);
    const count = async () => (await t.database.db.selectFrom('action_updates').select('id').where('action_id', '=', health.id).execute()).length;
    const n = await count();
    expect((await hv.post(url, { status: 'done', note: 'Weight stable for a month.', version: versionOf(a.body) })).statusCode).toBe(303);
    const second = await sw.post(url, { status: 'not-done', note: 'Visits missed in December.', version: versionOf(b.body) });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Visits missed in December.');
    expect(second.body).toContain('Weight stable for a month.');
    expect((await actionByWhat(health.what)).status).toBe('done');
    expect(await count()).toBe(n + 1);
  });

  it('renaming an outcome someone else has just removed gets the conflict page', async () => {
    const sw = await signedIn('worker');
    const mgr = await signedIn('manager');
    await sw.get(`/children/${childId}/plan/outcomes/new`);
    await sw.post(`/children/${childId}/plan/outcomes/new`, { title: 'Short-lived outcome' });
    const o = await t.database.db.selectFrom('plan_outcomes').selectAll().where('title', '=', 'Short-lived outcome').executeTakeFirstOrThrow();
    const edit = await mgr.get(`/children/${childId}/plan/outcomes/${o.id}/edit`);
    const remove = await sw.get(`/children/${childId}/plan/outcomes/${o.id}/remove`);
    expect((await sw.post(`/children/${childId}/plan/outcomes/${o.id}/remove`, { version: versionOf(remove.body) })).statusCode).toBe(303);
    const late = await mgr.post(`/children/${childId}/plan/outcomes/${o.id}/edit`, { title: 'Renamed too late', version: versionOf(edit.body) });
    expect(late.statusCode).toBe(409);
    expect(late.body).toContain('Removed from the plan');
    expect(late.body).toContain('Renamed too late');
  });
});

describe('my actions', () => {
  it('lists open actions of mine or my agency on children I may see, soonest due first with overdue tagged, each linking to its progress', async () => {
    // A child the health visitor cannot see, with a health action on it
    const hidden = await makeChildOnPlan(t, f, { firstName: 'Hidden' });
    await t.database.db.insertInto('plan_actions').values({ partnership_id: f.partnershipId, plan_id: hidden.planId, child_id: hidden.childId, outcome_id: hidden.outcomeIds[0]!, what: 'Health action on a hidden child', owner_name: 'Someone', owner_agency_id: f.agencies.health!, due_on: '2026-11-20', done_measure: 'd', worked_measure: 'w' }).execute();
    // Visible child: an open health action named for someone else in health, due earlier; a done one; a removed one
    const base = { partnership_id: f.partnershipId, plan_id: planId, child_id: childId, outcome_id: outcomeIds[0]!, done_measure: 'd', worked_measure: 'w' };
    await t.database.db
      .insertInto('plan_actions')
      .values([
        { ...base, what: 'Agency action due first', owner_name: 'Another nurse', owner_agency_id: f.agencies.health!, due_on: '2026-11-25' },
        { ...base, what: 'Health action already done', owner_name: 'Another nurse', owner_agency_id: f.agencies.health!, due_on: '2026-11-26', status: 'done' },
        { ...base, what: 'Health action removed', owner_name: 'Another nurse', owner_agency_id: f.agencies.health!, due_on: '2026-11-26', removed_at: new Date() },
        { ...base, what: 'Police action', owner_name: 'PC Patel', owner_agency_id: f.agencies.police!, due_on: '2026-11-26' },
        { ...base, what: 'Health visitor reviews sleep routine', owner_user_id: f.users.health!.id, owner_name: 'health person 901', owner_agency_id: f.agencies.health!, due_on: '2027-02-01' },
      ])
      .execute();
    t.clock.set(new Date('2026-12-01T10:00:00Z'));
    const hv = await signedIn('health');
    const page = await hv.get('/my/actions');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Your actions</h1>');
    const whats = [...page.body.matchAll(/\/progress">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(whats).toEqual(['Agency action due first', 'Health visitor reviews sleep routine']);
    expect(page.body).toContain('Overdue');
    expect(page.body).not.toContain('Health action on a hidden child');
    expect(page.body).toContain(`/children/${childId}/plan/actions/`);

    const mine = await hv.get('/my/actions?whose=mine');
    expect([...mine.body.matchAll(/\/progress">([^<]+)<\/a>/g)].map((m) => m[1])).toEqual(['Health visitor reviews sleep routine']);
    expect(mine.body).toContain('(you)');

    const sw = await signedIn('worker');
    const swPage = await sw.get('/my/actions');
    expect(swPage.body).toContain('Social worker sees Ada alone fortnightly');
    expect(swPage.body).not.toContain('Health visitor reviews sleep routine');
    expect(swPage.body).not.toContain('Police action');

    const admin = await signedIn('admin');
    expect((await admin.get('/my/actions')).body).toContain('You have no open actions.');
  });

  it('actions on an ended plan are not listed, and a past plan is read only', async () => {
    await t.database.db.updateTable('cp_plans').set({ ended_on: '2026-12-01', end_reason: 'Test', cin_plan: 'CIN' }).where('id', '=', planId).execute();
    const hv = await signedIn('health');
    const page = await hv.get('/my/actions');
    expect(page.body).toContain('You have no open actions.');
    const sw = await signedIn('worker');
    const current = await sw.get(`/children/${childId}/plan`);
    expect(current.body).toContain('is not on a child protection plan');
    expect(current.body).toContain(`/children/${childId}/plans/${planId}`);
    const past = await sw.get(`/children/${childId}/plans/${planId}`);
    expect(past.statusCode).toBe(200);
    expect(past.body).toContain('Past child protection plan');
    expect(past.body).not.toContain('Add an outcome');
    expect(past.body).not.toContain('Update progress');
    expect(past.body).toContain(`name="planId" value="${planId}"`);
    const cmp = await sw.get(`/children/${childId}/plan/versions?from=1&to=2&planId=${planId}`);
    expect(cmp.statusCode).toBe(200);
    expect(cmp.body).toContain('Action added');
  });
});
