/**
 * The core group and its meetings through the pages, as a browser without JavaScript would use
 * them: membership and its warnings, a meeting from arranging to finalising, sharing and agreement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';

let t: TestApp;
let f: Fixture;
let childId: string;
let planId: string;
let meetingUrl: string;
const actions: Record<string, string> = {};

const versionOf = (body: string) => body.match(/name="version" value="(\d+)"/)![1]!;
const findingsOn = (body: string) => [...body.matchAll(/data-finding="([a-z-]+)"/g)].map((m) => m[1]!);

async function signedIn(key: string): Promise<Agent> {
  const a = t.agent();
  const res = await a.signIn(f.users[key]!.email, PASSWORD);
  expect(res.statusCode).toBe(303);
  return a;
}

beforeAll(async () => {
  t = await buildTestApp({}, new Date('2026-12-01T10:00:00Z'));
  f = await makePartnership(t.database.db);
  ({ childId, planId } = await makeChildOnPlan(t, f, { firstName: 'Ada', outcomes: ['Ada attends school every day', 'Ada is safe from neglect at home'], conferenceOn: '2026-11-13' }));
  const outcomes = await t.database.db.selectFrom('plan_outcomes').select('id').where('plan_id', '=', planId).orderBy('position').execute();
  const add = async (key: string, what: string, agency: string, dueOn: string) => {
    const row = await t.database.db
      .insertInto('plan_actions')
      .values({
        partnership_id: f.partnershipId,
        plan_id: planId,
        child_id: childId,
        outcome_id: outcomes[1]!.id,
        what,
        owner_name: `${agency} person`,
        owner_agency_id: f.agencies[agency]!,
        due_on: dueOn,
        done_measure: 'Recorded on the record',
        worked_measure: 'Ada is well',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    actions[key] = row.id;
  };
  await add('weight', 'Health visitor to check Ada’s weight', 'health', '2026-11-20');
  await add('alone', 'Social worker to see Ada alone', 'csc', '2026-11-27');
  await add('later', 'School to report attendance each month', 'school', '2027-01-15');
  await add('before', 'Police check before the plan', 'police', '2026-11-10');
  await t.database.db.updateTable('plan_actions').set({ status: 'done' }).where('id', '=', actions.before!).execute();
});
afterAll(() => t.close());

describe('the core group', () => {
  it('a case holder adds a user, a parent and a practitioner who does not use Assure; errors name the fields', async () => {
    const sw = await signedIn('worker');
    const form = await sw.get(`/children/${childId}/core-group/members/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('health person 901 (health agency 901)');

    const bad = await sw.post(`/children/${childId}/core-group/members/new`, { kind: 'person', name: '', agencyId: '', role: '', 'joinedOn-day': '', 'joinedOn-month': '', 'joinedOn-year': '' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['name', 'agencyId', 'role', 'joinedOn']) expect(bad.body).toContain(`href="#${field}"`);

    const date = { 'joinedOn-day': '13', 'joinedOn-month': '11', 'joinedOn-year': '2026' };
    expect((await sw.post(`/children/${childId}/core-group/members/new`, { kind: 'user', userId: f.users.health!.id, role: 'Health visitor', ...date })).statusCode).toBe(303);
    expect((await sw.post(`/children/${childId}/core-group/members/new`, { kind: 'person', name: 'Dan Testfather', agencyId: '', isParent: 'yes', role: 'Father', ...date })).statusCode).toBe(303);
    expect((await sw.post(`/children/${childId}/core-group/members/new`, { kind: 'person', name: 'PC Patel', agencyId: f.agencies.police!, role: 'Police officer', ...date })).statusCode).toBe(303);
    const again = await sw.post(`/children/${childId}/core-group/members/new`, { kind: 'user', userId: f.users.health!.id, role: 'Health visitor', ...date });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('health person 901 is already a member of the core group');

    const page = await sw.get(`/children/${childId}/core-group`);
    expect(page.statusCode).toBe(200);
    for (const name of ['worker person 901', 'health person 901', 'Dan Testfather', 'PC Patel']) expect(page.body).toContain(name);
    expect(page.body).toContain('Parent or carer');
    expect(page.body).toContain('The first core group is due by 27 November 2026');
  });

  it('warns when members of one agency may duplicate services, and when an agency leaves without replacement', async () => {
    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/core-group/members/new`);
    await sw.post(`/children/${childId}/core-group/members/new`, { kind: 'person', name: 'Nurse Two', agencyId: f.agencies.health!, role: 'School nurse', 'joinedOn-day': '20', 'joinedOn-month': '11', 'joinedOn-year': '2026' });
    let page = await sw.get(`/children/${childId}/core-group`);
    expect(page.body).toContain('2 members are from health agency 901 (health person 901 and Nurse Two)');

    const patel = await t.database.db.selectFrom('core_group_members').select('id').where('name', '=', 'PC Patel').executeTakeFirstOrThrow();
    const leave = await sw.get(`/children/${childId}/core-group/members/${patel.id}/leave`);
    expect(leave.statusCode).toBe(200);
    const refused = await sw.post(`/children/${childId}/core-group/members/${patel.id}/leave`, { 'leftOn-day': '1', 'leftOn-month': '1', 'leftOn-year': '2026', reason: 'Moved', version: versionOf(leave.body) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('The date they left must be on or after the day they joined');
    const ok = await sw.post(`/children/${childId}/core-group/members/${patel.id}/leave`, { 'leftOn-day': '25', 'leftOn-month': '11', 'leftOn-year': '2026', reason: 'Moved to another station', version: versionOf(leave.body) });
    expect(ok.statusCode).toBe(303);
    page = await sw.get(`/children/${childId}/core-group`);
    expect(page.body).toContain('police agency 901 has left the core group without a replacement: PC Patel left on 25 November 2026 (Moved to another station)');
    expect(page.body).toMatch(/Past members[\s\S]*PC Patel[\s\S]*Moved to another station/);

    // Nurse Two leaves too, so health has one member again.
    const nurse = await t.database.db.selectFrom('core_group_members').select(['id', 'version']).where('name', '=', 'Nurse Two').executeTakeFirstOrThrow();
    await sw.get(`/children/${childId}/core-group/members/${nurse.id}/leave`);
    await sw.post(`/children/${childId}/core-group/members/${nurse.id}/leave`, { 'leftOn-day': '25', 'leftOn-month': '11', 'leftOn-year': '2026', reason: 'Duplicated the health visitor', version: String(nurse.version) });
    expect((await sw.get(`/children/${childId}/core-group`)).body).not.toContain('2 members are from health agency 901');
  });

  it('a partner member sees the core group but cannot change it; someone outside it gets 404', async () => {
    const hv = await signedIn('health');
    const page = await hv.get(`/children/${childId}/core-group`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Add a member');
    expect((await hv.get(`/children/${childId}/core-group/members/new`)).statusCode).toBe(403);
    expect((await hv.post(`/children/${childId}/core-group/members/new`, { kind: 'person', name: 'X', role: 'Y' })).statusCode).toBe(403);

    const outsider = await signedIn('auditor');
    expect((await outsider.get(`/children/${childId}/core-group`)).statusCode).toBe(404);
    expect((await outsider.post(`/children/${childId}/core-group/members/new`, { kind: 'person', name: 'X', role: 'Y' })).statusCode).toBe(404);
  });
});

describe('a core group meeting', () => {
  it('is arranged for the current plan with its chair; a manager chairing is recorded', async () => {
    const sw = await signedIn('worker');
    const form = await sw.get(`/children/${childId}/meetings/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('manager person 901 (team manager');
    const bad = await sw.post(`/children/${childId}/meetings/new`, { 'heldOn-day': '1', 'heldOn-month': '11', 'heldOn-year': '2026', chairUserId: f.users.qa!.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The meeting cannot be before the plan started');
    expect(bad.body).toContain('Select a member of the core group or a team manager to chair the meeting');
    const res = await sw.post(`/children/${childId}/meetings/new`, { 'heldOn-day': '1', 'heldOn-month': '12', 'heldOn-year': '2026', chairUserId: f.users.manager!.id });
    expect(res.statusCode).toBe(303);
    meetingUrl = res.headers.location as string;
    const row = await t.database.db.selectFrom('core_group_meetings').selectAll().where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ plan_id: planId, held_on: '2026-12-01', chair_user_id: f.users.manager!.id, chair_is_manager: true, status: 'draft' });
  });

  it('cannot be arranged for a child without a current plan (400)', async () => {
    const other = await t.database.db
      .insertInto('children')
      .values({ partnership_id: f.partnershipId, la_child_id: 'NOPLAN-1', first_name: 'Noel', last_name: 'Noplan', date_of_birth: '2020-01-01', lead_user_id: f.users.worker!.id, team_id: f.teams.north! })
      .returning('id')
      .executeTakeFirstOrThrow();
    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/meetings/new`);
    const res = await sw.post(`/children/${other.id}/meetings/new`, { 'heldOn-day': '1', 'heldOn-month': '12', 'heldOn-year': '2026', chairUserId: f.users.manager!.id });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Noel is not on a child protection plan');
  });

  it('shows the quality check as the minutes are written, each weakness until it is addressed', async () => {
    const sw = await signedIn('worker');
    let page = await sw.get(meetingUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Core group meeting, 1 December 2026</h1>');
    expect(findingsOn(page.body)).toEqual(['previous-actions-not-reviewed', 'plan-not-revised', 'no-child-voice', 'no-impact-analysis', 'no-safety-judgement', 'membership-not-confirmed']);
    expect(page.body).toContain('Health visitor to check Ada’s weight');
    expect(page.body).toContain(`href="/children/${childId}/plan?meetingId=${meetingUrl.split('/').pop()}"`);
    // the action done before the plan is not listed; the one due later is listed as still open
    expect(page.body).not.toContain('Police check before the plan');
    expect(page.body).toContain('School to report attendance each month');

    const members = await t.database.db.selectFrom('core_group_members').select(['id', 'name']).where('child_id', '=', childId).where('left_on', 'is', null).execute();
    const id = (name: string) => members.find((m) => m.name === name)!.id;
    const incomplete = await sw.post(`${meetingUrl}/attendance`, { [`attendance-${id('worker person 901')}`]: 'present', version: versionOf(page.body) });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('Select health person 901’s attendance');
    const attendance = {
      [`attendance-${id('worker person 901')}`]: 'present',
      [`attendance-${id('health person 901')}`]: 'apologies-no-report',
      [`attendance-${id('Dan Testfather')}`]: 'not-invited',
      membershipConfirmed: 'yes',
    };
    expect((await sw.post(`${meetingUrl}/attendance`, { ...attendance, version: versionOf(page.body) })).statusCode).toBe(303);
    page = await sw.get(meetingUrl);
    expect(findingsOn(page.body)).toEqual(['previous-actions-not-reviewed', 'plan-not-revised', 'no-child-voice', 'no-impact-analysis', 'no-safety-judgement', 'absent-agency-no-report', 'absent-parent-not-addressed']);
    expect(page.body).toContain('health agency 901 sent apologies without a report');
    expect(page.body).toContain('Dan Testfather (father) was not at the meeting');

    // A narrative with no analysis is still flagged
    const narrative = await sw.post(`${meetingUrl}/minutes`, { 'minutes-progress-text': 'Mum went to the appointment. Dad visited on Friday.', safetyScale: '', version: versionOf(page.body) });
    expect(narrative.statusCode).toBe(303);
    page = await sw.get(meetingUrl);
    expect(page.body).toContain('Minutes update but do not evaluate progress against the plan');

    const scale = await sw.post(`${meetingUrl}/minutes`, { 'minutes-progress-text': 'x', safetyScale: '11', version: versionOf(page.body) });
    expect(scale.statusCode).toBe(400);
    expect(scale.body).toContain('Safety scale must be a whole number from 0 to 10');
    expect(scale.body).toContain('value="11"');

    const minutes = {
      'minutes-child-voice-text': 'Ada said she likes breakfast club and drew her family.',
      'minutes-progress-text': 'School attendance is up to 95%, which shows the morning routine is working.',
      'minutes-safety-analysis-text': 'Safer than at conference because meals are regular.',
      'minutes-plan-changes-text': 'The health visitor’s visits become fortnightly.',
      safetyScale: '6',
    };
    expect((await sw.post(`${meetingUrl}/minutes`, { ...minutes, version: versionOf(page.body) })).statusCode).toBe(303);
    page = await sw.get(meetingUrl);
    expect((await sw.post(`${meetingUrl}/attendance`, { ...attendance, [`attendance-${id('health person 901')}`]: 'apologies-report', version: versionOf(page.body) })).statusCode).toBe(303);
    page = await sw.get(meetingUrl);
    expect((await sw.post(`${meetingUrl}/parents`, { parentsAttendance: 'Mum attended.', absentParentConsideration: 'Dan was phoned beforehand; his views were read out.', version: versionOf(page.body) })).statusCode).toBe(303);
    page = await sw.get(meetingUrl);
    expect(findingsOn(page.body)).toEqual(['previous-actions-not-reviewed']);
  });

  it('refuses to finalise while an action due since the last meeting is not reviewed, naming it', async () => {
    const sw = await signedIn('worker');
    let page = await sw.get(meetingUrl);
    const partial = await sw.post(`${meetingUrl}/action-reviews`, { [`status-${actions.alone}`]: 'done', [`comment-${actions.alone}`]: '', version: versionOf(page.body) });
    expect(partial.statusCode).toBe(400);
    expect(partial.body).toContain('Enter a comment on the action');
    expect((await sw.post(`${meetingUrl}/action-reviews`, { [`status-${actions.alone}`]: 'done', [`comment-${actions.alone}`]: 'Seen alone at school on 24 November.', version: versionOf(page.body) })).statusCode).toBe(303);

    page = await sw.get(meetingUrl);
    const refused = await sw.post(`${meetingUrl}/finalise`, { version: versionOf(page.body) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Review every action due since the last meeting before finalising: Health visitor to check Ada’s weight has not been reviewed');
    expect(refused.body).toContain(`href="#status-${actions.weight}"`);
    expect(refused.body).not.toContain('Social worker to see Ada alone has not been reviewed');
    expect((await t.database.db.selectFrom('core_group_meetings').select('status').where('child_id', '=', childId).executeTakeFirstOrThrow()).status).toBe('draft');

    expect((await sw.post(`${meetingUrl}/action-reviews`, { [`status-${actions.weight}`]: 'in-progress', [`comment-${actions.weight}`]: 'Weighed once; a second visit is booked.', version: versionOf(refused.body) })).statusCode).toBe(303);
    const action = await t.database.db.selectFrom('plan_actions').select('status').where('id', '=', actions.weight!).executeTakeFirstOrThrow();
    expect(action.status).toBe('in-progress');
    const updates = await t.database.db.selectFrom('action_updates').selectAll().where('action_id', '=', actions.weight!).execute();
    expect(updates).toMatchObject([{ status: 'in-progress', note: 'Weighed once; a second visit is booked.', meeting_id: meetingUrl.split('/').pop() }]);

    page = await sw.get(meetingUrl);
    expect(findingsOn(page.body)).toEqual([]);
    expect(page.body).toContain('No weaknesses found');
  });

  it('two people saving the minutes from the same version: the second gets a conflict and nothing is lost', async () => {
    const sw = await signedIn('worker');
    const manager = await signedIn('manager');
    const a = await sw.get(meetingUrl);
    const b = await manager.get(meetingUrl);
    expect(versionOf(a.body)).toBe(versionOf(b.body));
    const first = await sw.post(`${meetingUrl}/minutes`, { 'minutes-worries-text': 'Worry from the social worker.', 'minutes-child-voice-text': 'Ada said she likes breakfast club and drew her family.', 'minutes-progress-text': 'School attendance is up to 95%, which shows the morning routine is working.', 'minutes-safety-analysis-text': 'Safer than at conference because meals are regular.', 'minutes-plan-changes-text': 'The health visitor’s visits become fortnightly.', safetyScale: '6', version: versionOf(a.body) });
    expect(first.statusCode).toBe(303);
    const second = await manager.post(`${meetingUrl}/minutes`, { 'minutes-worries-text': 'Worry from the manager.', safetyScale: '4', version: versionOf(b.body) });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else changed this meeting’s minutes while you were editing them');
    expect(second.body).toContain('Worry from the social worker.');
    expect(second.body).toContain('Worry from the manager.');
    const row = await t.database.db.selectFrom('core_group_meetings').select(['minutes', 'safety_scale']).where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect(row.minutes.worries).toBe('Worry from the social worker.');
    expect(row.safety_scale).toBe(6);
  });

  it('a partner member can read the draft but not write the minutes (403); someone outside the core group gets 404', async () => {
    const hv = await signedIn('health');
    const page = await hv.get(meetingUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Save minutes');
    for (const part of ['minutes', 'attendance', 'action-reviews', 'finalise', 'parents']) {
      expect((await hv.post(`${meetingUrl}/${part}`, { 'minutes-worries-text': 'Changed by health', version: '1' })).statusCode).toBe(403);
    }
    const outsider = await signedIn('auditor');
    expect((await outsider.get(meetingUrl)).statusCode).toBe(404);
    expect((await outsider.post(`${meetingUrl}/agreement`, { agrees: 'yes' })).statusCode).toBe(404);
  });

  it('is finalised, then read-only; shared with professionals and, with a family copy, the family', async () => {
    const sw = await signedIn('worker');
    let page = await sw.get(meetingUrl);
    expect((await sw.post(`${meetingUrl}/finalise`, { version: versionOf(page.body) })).statusCode).toBe(303);
    const row = await t.database.db.selectFrom('core_group_meetings').selectAll().where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect(row.status).toBe('finalised');
    expect(row.finalised_by).toBe(f.users.worker!.id);
    expect(row.finalised_at).not.toBeNull();

    page = await sw.get(meetingUrl);
    expect(page.body).not.toContain('Save minutes');
    expect(page.body).toContain('Worry from the social worker.');
    const changed = await sw.post(`${meetingUrl}/minutes`, { 'minutes-worries-text': 'Too late', version: versionOf(page.body) });
    expect(changed.statusCode).toBe(400);
    expect(changed.body).toContain('These minutes have been finalised: they can no longer be changed');

    const noCopy = await sw.post(`${meetingUrl}/share-family`, { version: versionOf(page.body) });
    expect(noCopy.statusCode).toBe(400);
    expect(noCopy.body).toContain('Save the family copy of the minutes');

    expect((await sw.post(`${meetingUrl}/share-professionals`, { version: versionOf(page.body) })).statusCode).toBe(303);
    page = await sw.get(meetingUrl);
    expect(page.body).toContain('Shared with professionals on 1 December 2026');
    // The family copy starts as the minutes under their headings; the writer leaves out third-party information.
    const copy = page.body.match(/<textarea[^>]*name="familyCopy"[^>]*>([\s\S]*?)<\/textarea>/)![1]!;
    expect(copy).toMatch(/^Core group meeting, 1 December 2026\s+The child’s voice and lived experience\s+Ada said she likes breakfast club/);
    expect(copy).toContain('Safety scale (0 to 10): 6');
    expect((await sw.post(`${meetingUrl}/family-copy`, { familyCopy: 'What we agreed: fortnightly health visits. Ada is safer.', version: versionOf(page.body) })).statusCode).toBe(303);
    page = await sw.get(meetingUrl);
    expect((await sw.post(`${meetingUrl}/share-family`, { version: versionOf(page.body) })).statusCode).toBe(303);
    const shared = await t.database.db.selectFrom('core_group_meetings').select(['shared_professionals_on', 'shared_family_on', 'family_copy']).where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect(shared).toEqual({ shared_professionals_on: '2026-12-01', shared_family_on: '2026-12-01', family_copy: 'What we agreed: fortnightly health visits. Ada is safer.' });
  });

  it('a partner member records agreement or dispute, once, and can change it', async () => {
    const hv = await signedIn('health');
    await hv.get(meetingUrl);
    const noComment = await hv.post(`${meetingUrl}/agreement`, { agrees: 'no', comment: '' });
    expect(noComment.statusCode).toBe(400);
    expect(noComment.body).toContain('Say what you disagree with in the minutes');
    expect((await hv.post(`${meetingUrl}/agreement`, { agrees: 'no', comment: 'My apologies were sent with a report.' })).statusCode).toBe(303);
    expect((await hv.post(`${meetingUrl}/agreement`, { agrees: 'yes', comment: '' })).statusCode).toBe(303);
    const rows = await t.database.db.selectFrom('minutes_agreements').select(['user_id', 'agrees']).execute();
    expect(rows).toEqual([{ user_id: f.users.health!.id, agrees: true }]);
    const page = await hv.get(meetingUrl);
    expect(page.body).toMatch(/health person 901 \(health agency 901\)<\/td><td class="govuk-table__cell">Agrees/);
    // The chair (a conference chair who is not a member) cannot record agreement
    const chair = await signedIn('chair');
    await chair.get(meetingUrl);
    expect((await chair.post(`${meetingUrl}/agreement`, { agrees: 'yes' })).statusCode).toBe(403);
  });

  it('a check the partnership made mandatory blocks finalising the next meeting', async () => {
    const admin = await signedIn('admin');
    const settings = await admin.get('/admin/minutes');
    expect(settings.statusCode).toBe(200);
    const headings = settings.body.match(/<textarea[^>]*name="headings"[^>]*>([\s\S]*?)<\/textarea>/)![1]!.trim();
    expect((await admin.post('/admin/minutes', { headings, mandatoryChecks: ['no-child-voice'], version: versionOf(settings.body) })).statusCode).toBe(303);

    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/meetings/new`);
    const res = await sw.post(`/children/${childId}/meetings/new`, { 'heldOn-day': '1', 'heldOn-month': '12', 'heldOn-year': '2026', chairUserId: f.users.worker!.id });
    expect(res.statusCode).toBe(303);
    const url = res.headers.location as string;
    let page = await sw.get(url);
    // Previous meeting finalised on the same day: nothing is due since it, so only open actions are listed.
    expect(page.body).toContain('Previous meeting');
    expect(findingsOn(page.body)).toContain('no-child-voice');
    expect(page.body).toMatch(/data-finding="no-child-voice">\s*<strong class="govuk-tag govuk-tag--red">\s*Must fix/);
    const refused = await sw.post(`${url}/finalise`, { version: versionOf(page.body) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Your partnership requires this before minutes are finalised: The child’s voice is missing');
    expect(refused.body).not.toContain('has not been reviewed');

    // A voice entry linked to the meeting answers it
    await t.database.db
      .insertInto('voice_entries')
      .values({ partnership_id: f.partnershipId, child_id: childId, kind: 'observation', recorded_on: '2026-12-01', content: 'Ada played happily with her brother.', meeting_id: url.split('/').pop()! })
      .execute();
    page = await sw.get(url);
    expect(findingsOn(page.body)).not.toContain('no-child-voice');
    expect((await sw.post(`${url}/finalise`, { version: versionOf(page.body) })).statusCode).toBe(303);
  });

  it('every view and change is access-logged as the core group or the meeting', async () => {
    const rows = await t.database.db.selectFrom('access_log').select(['action', 'record_type']).where('subject_id', '=', childId).execute();
    const seen = new Set(rows.map((r) => `${r.action} ${r.record_type}`));
    for (const x of ['view core-group', 'create core-group', 'update core-group', 'create meeting', 'view meeting', 'update meeting']) expect(seen).toContain(x);
  });
});
