/**
 * The core group and its meetings through the JSON API: the same rules as the pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { makePartnership, type Fixture } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';

let t: TestApp;
let f: Fixture;
const tokens: Record<string, string> = {};
let childId: string;
let planId: string;
let meetingId: string;
let actionId: string;

const api = (method: string, url: string, token: string, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });

beforeAll(async () => {
  t = await buildTestApp({}, new Date('2026-12-01T10:00:00Z'));
  f = await makePartnership(t.database.db);
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  for (const key of ['worker', 'health', 'auditor', 'manager']) tokens[key] = (await auth.createToken({ id: f.users[key]!.id, partnership_id: f.partnershipId }, 'test', 365)).token;
  ({ childId, planId } = await makeChildOnPlan(t, f, { firstName: 'Ada', conferenceOn: '2026-11-13' }));
  const outcome = await t.database.db.selectFrom('plan_outcomes').select('id').where('plan_id', '=', planId).executeTakeFirstOrThrow();
  actionId = (
    await t.database.db
      .insertInto('plan_actions')
      .values({ partnership_id: f.partnershipId, plan_id: planId, child_id: childId, outcome_id: outcome.id, what: 'GP to review Ada’s growth', owner_name: 'Dr Green', owner_agency_id: f.agencies.health!, due_on: '2026-11-25', done_measure: 'Letter on file', worked_measure: 'Ada on her centile' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
});
afterAll(() => t.close());

describe('core group API', () => {
  it('adds members and lists them with warnings; a partner cannot add, an outsider gets 404', async () => {
    const add = await api('POST', `/children/${childId}/core-group/members`, tokens.worker!, { kind: 'user', userId: f.users.health!.id, role: 'Health visitor', joinedOn: '2026-11-13' });
    expect(add.statusCode).toBe(201);
    const police = await api('POST', `/children/${childId}/core-group/members`, tokens.worker!, { kind: 'person', name: 'PC Patel', agencyId: f.agencies.police!, role: 'Police officer', joinedOn: '2026-11-13' });
    expect(police.statusCode).toBe(201);
    const bad = await api('POST', `/children/${childId}/core-group/members`, tokens.worker!, { kind: 'person', role: 'x', joinedOn: '2026-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toMatchObject({ name: 'Enter the person’s name', joinedOn: expect.stringContaining('real date') });

    const leave = await api('POST', `/children/${childId}/core-group/members/${police.json().id}/leave`, tokens.worker!, { leftOn: '2026-11-20', reason: 'Case closed to police', version: 1 });
    expect(leave.statusCode).toBe(200);
    expect(leave.json()).toMatchObject({ name: 'PC Patel', leftOn: '2026-11-20', leftReason: 'Case closed to police' });

    const list = await api('GET', `/children/${childId}/core-group/members`, tokens.health!);
    expect(list.statusCode).toBe(200);
    expect(list.json().current.map((m: { name: string }) => m.name).sort()).toEqual(['health person 901', 'worker person 901']);
    expect(list.json().past).toHaveLength(1);
    expect(list.json().warnings).toEqual([{ id: 'left-without-replacement', message: expect.stringContaining('police agency 901 has left the core group without a replacement') }]);

    expect((await api('POST', `/children/${childId}/core-group/members`, tokens.health!, { kind: 'person', name: 'X', isParent: true, role: 'Mother', joinedOn: '2026-11-13' })).statusCode).toBe(403);
    expect((await api('GET', `/children/${childId}/core-group/members`, tokens.auditor!)).statusCode).toBe(404);
  });

  it('arranges a meeting and reads it with the quality check', async () => {
    const res = await api('POST', `/children/${childId}/meetings`, tokens.worker!, { heldOn: '2026-12-01', chairUserId: f.users.manager!.id });
    expect(res.statusCode).toBe(201);
    meetingId = res.json().id;
    const m = await api('GET', `/children/${childId}/meetings/${meetingId}`, tokens.health!);
    expect(m.statusCode).toBe(200);
    const body = m.json();
    expect(body).toMatchObject({ status: 'draft', heldOn: '2026-12-01', chair: { userId: f.users.manager!.id, isManager: true }, version: 1 });
    expect(body.actions).toEqual([expect.objectContaining({ id: actionId, dueSinceLastMeeting: true, review: null })]);
    expect(body.qualityFindings.map((x: { id: string }) => x.id)).toEqual(['previous-actions-not-reviewed', 'plan-not-revised', 'no-child-voice', 'no-impact-analysis', 'no-safety-judgement', 'membership-not-confirmed']);
    expect(body.headings[1]).toEqual({ key: 'child-voice', title: 'The child’s voice and lived experience' });

    const list = await api('GET', `/children/${childId}/meetings`, tokens.worker!);
    expect(list.json().items).toHaveLength(1);
    expect((await api('GET', `/children/${childId}/meetings/${meetingId}`, tokens.auditor!)).statusCode).toBe(404);
  });

  it('a meeting cannot be arranged without a current plan (400)', async () => {
    const other = await t.database.db
      .insertInto('children')
      .values({ partnership_id: f.partnershipId, la_child_id: 'NOPLAN-2', first_name: 'Noel', last_name: 'Noplan', date_of_birth: '2020-01-01', lead_user_id: f.users.worker!.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await api('POST', `/children/${other.id}/meetings`, tokens.worker!, { heldOn: '2026-12-01', chairUserId: f.users.manager!.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields._).toContain('not on a child protection plan');
  });

  it('two PATCHes from the same version: the second gets 409 with the saved version, nothing is lost', async () => {
    const first = await api('PATCH', `/children/${childId}/meetings/${meetingId}`, tokens.worker!, { version: 1, minutes: { worries: 'First writer’s worries.' }, safetyScale: 5 });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ version: 2, minutes: { worries: 'First writer’s worries.' }, safetyScale: 5 });
    const second = await api('PATCH', `/children/${childId}/meetings/${meetingId}`, tokens.manager!, { version: 1, minutes: { worries: 'Second writer’s worries.' } });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('conflict');
    expect(second.json().current).toMatchObject({ Worries: 'First writer’s worries.', version: 2 });
    const now = await api('GET', `/children/${childId}/meetings/${meetingId}`, tokens.worker!);
    expect(now.json().minutes).toEqual({ worries: 'First writer’s worries.' });
    const unknown = await api('PATCH', `/children/${childId}/meetings/${meetingId}`, tokens.worker!, { version: 2, minutes: { nonsense: 'x' } });
    expect(unknown.statusCode).toBe(400);
  });

  it('a partner member cannot change the minutes (403) but can agree once they are finalised', async () => {
    expect((await api('PATCH', `/children/${childId}/meetings/${meetingId}`, tokens.health!, { version: 2, minutes: { worries: 'health' } })).statusCode).toBe(403);
    expect((await api('POST', `/children/${childId}/meetings/${meetingId}/finalise`, tokens.health!, { version: 2 })).statusCode).toBe(403);
    // permission is decided before the body is read: a bad body still gets 403, or 404 from outside
    expect((await api('PATCH', `/children/${childId}/meetings/${meetingId}`, tokens.health!, { nonsense: true })).statusCode).toBe(403);
    expect((await api('PATCH', `/children/${childId}/meetings/${meetingId}`, tokens.auditor!, { nonsense: true })).statusCode).toBe(404);
    expect((await api('POST', `/children/${childId}/core-group/members`, tokens.health!, {})).statusCode).toBe(403);
    const early = await api('POST', `/children/${childId}/meetings/${meetingId}/agreement`, tokens.health!, { agrees: true });
    expect(early.statusCode).toBe(400);
  });

  it('finalising with an unreviewed action is refused with a clear message, and succeeds once reviewed', async () => {
    const refused = await api('POST', `/children/${childId}/meetings/${meetingId}/finalise`, tokens.worker!, { version: 2 });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe('Review every action due since the last meeting before finalising: GP to review Ada’s growth has not been reviewed');
    expect(refused.json().error.fields).toEqual({ [`status-${actionId}`]: 'Review every action due since the last meeting before finalising: GP to review Ada’s growth has not been reviewed' });

    const review = await api('POST', `/children/${childId}/meetings/${meetingId}/action-reviews`, tokens.worker!, { version: 2, reviews: [{ actionId, status: 'not-done', comment: 'The GP has not seen Ada; the health visitor will chase.' }] });
    expect(review.statusCode).toBe(200);
    expect(review.json()).toEqual({ version: 3 });
    expect((await t.database.db.selectFrom('plan_actions').select('status').where('id', '=', actionId).executeTakeFirstOrThrow()).status).toBe('not-done');

    const ok = await api('POST', `/children/${childId}/meetings/${meetingId}/finalise`, tokens.worker!, { version: 3 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'finalised', finalisedBy: 'worker person 901', actions: [expect.objectContaining({ review: { status: 'not-done', comment: expect.any(String) } })] });
    expect((await api('PATCH', `/children/${childId}/meetings/${meetingId}`, tokens.worker!, { version: 4, minutes: { worries: 'late' } })).statusCode).toBe(400);
  });

  it('shares with professionals and the family, and members agree or dispute', async () => {
    const noCopy = await api('POST', `/children/${childId}/meetings/${meetingId}/share`, tokens.worker!, { audience: 'family', version: 4 });
    expect(noCopy.statusCode).toBe(400);
    expect(noCopy.json().error.fields.familyCopy).toContain('Save the family copy');
    expect((await api('POST', `/children/${childId}/meetings/${meetingId}/share`, tokens.worker!, { audience: 'professionals', version: 4 })).json()).toEqual({ sharedOn: '2026-12-01' });
    expect((await api('POST', `/children/${childId}/meetings/${meetingId}/share`, tokens.worker!, { audience: 'family', familyCopy: 'What we agreed.', version: 5 })).json()).toEqual({ sharedOn: '2026-12-01' });

    const dispute = await api('POST', `/children/${childId}/meetings/${meetingId}/agreement`, tokens.health!, { agrees: false, comment: 'The growth check was done by me, not the GP.' });
    expect(dispute.statusCode).toBe(200);
    expect((await api('POST', `/children/${childId}/meetings/${meetingId}/agreement`, tokens.auditor!, { agrees: true })).statusCode).toBe(404);
    const m = (await api('GET', `/children/${childId}/meetings/${meetingId}`, tokens.worker!)).json();
    expect(m).toMatchObject({ sharedWithProfessionalsOn: '2026-12-01', sharedWithFamilyOn: '2026-12-01', familyCopy: 'What we agreed.' });
    expect(m.agreements).toEqual([expect.objectContaining({ name: 'health person 901', agrees: false, comment: 'The growth check was done by me, not the GP.' })]);
  });

  it('my work lists what the person has to do', async () => {
    const w = await api('GET', '/my/work', tokens.worker!);
    expect(w.statusCode).toBe(200);
    expect(w.json()).toMatchObject({ today: '2026-12-01', minutesToFinalise: [], minutesToShare: [] });
    // the last meeting was today: the next is due in 6 weeks, so not in the next 10 days
    expect(w.json().meetingsDue).toEqual([]);
    expect((await api('GET', '/my/work', tokens.health!)).json().meetingsDue).toEqual([]);
  });

  it('a manager of another team chosen to chair joins the core group, so they can open the meeting', async () => {
    const other = await t.database.db
      .insertInto('users')
      .values({ partnership_id: f.partnershipId, agency_id: f.agencies.csc!, team_id: f.teams.south!, email: 'south.manager@test.assure.example', name: 'South Manager', role: 'team-manager', password_hash: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
    const token = (await auth.createToken({ id: other.id, partnership_id: f.partnershipId }, 'test', 365)).token;
    expect((await api('GET', `/children/${childId}/meetings`, token)).statusCode).toBe(404);
    const res = await api('POST', `/children/${childId}/meetings`, tokens.worker!, { heldOn: '2026-12-15', chairUserId: other.id });
    expect(res.statusCode).toBe(201);
    const m = await api('GET', `/children/${childId}/meetings/${res.json().id}`, token);
    expect(m.statusCode).toBe(200);
    expect(m.json().chair).toEqual({ userId: other.id, name: 'South Manager', isManager: true });
    const members = (await api('GET', `/children/${childId}/core-group/members`, token)).json();
    expect(members.current).toContainEqual(expect.objectContaining({ name: 'South Manager', role: 'Chair of core group meetings' }));
    // a practitioner who is not a member cannot be chosen
    const refused = await api('POST', `/children/${childId}/meetings`, tokens.worker!, { heldOn: '2026-12-15', chairUserId: f.users.auditor!.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.chairUserId).toBe('Select a member of the core group or a team manager to chair the meeting');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const p of ['/api/v1/children/{id}/core-group/members', '/api/v1/children/{id}/meetings/{meetingId}', '/api/v1/children/{id}/meetings/{meetingId}/finalise', '/api/v1/my/work']) expect(doc.paths[p]).toBeDefined();
  });
});
