import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { makePartnership, type Fixture } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';

let t: TestApp;
let f: Fixture;
let other: Fixture;
const tokens: Record<string, string> = {};
let childId: string;
let planId: string;
let outcomeIds: string[];

const api = (method: string, url: string, who: string | null, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });

const newAction = (over: Record<string, unknown> = {}) => ({
  outcomeId: outcomeIds[0],
  what: 'Health visitor visits weekly',
  ownerUserId: f.users.health!.id,
  dueOn: '2026-12-04',
  doneMeasure: 'Visits recorded',
  workedMeasure: 'Weight on centile',
  ...over,
});

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '901');
  other = await makePartnership(t.database.db, '902');
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  for (const key of ['worker', 'manager', 'health', 'admin']) tokens[key] = (await auth.createToken({ id: f.users[key]!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
  tokens.otherWorker = (await auth.createToken({ id: other.users.worker!.id, partnership_id: other.partnershipId }, 'test', 30)).token;
  ({ childId, planId, outcomeIds } = await makeChildOnPlan(t, f));
  await t.database.db
    .insertInto('core_group_members')
    .values({ partnership_id: f.partnershipId, child_id: childId, user_id: f.users.health!.id, name: 'Health visitor', agency_id: f.agencies.health!, role: 'Health visitor', joined_on: '2026-10-26' })
    .execute();
});
afterAll(() => t.close());

describe('the plan through the API', () => {
  let actionId: string;

  it('GET the current plan: outcomes, actions and versions', async () => {
    const res = await api('GET', `/children/${childId}/plan`, 'health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ id: planId, childId, startedOn: '2026-10-26', initialCategory: 'NEG', latestCategory: 'NEG', previousPlans: 0, currentVersion: 1 });
    expect(body.outcomes.map((o: { title: string }) => o.title)).toEqual(['The child is safe from harm at home', 'The child’s needs are met every day']);
    expect(body.versions).toEqual([expect.objectContaining({ number: 1, summary: 'Outline plan agreed at the initial conference', conferenceKind: 'initial' })]);
  });

  it('revisions: add, change and remove outcomes and actions, each a new version', async () => {
    const add = await api('POST', `/children/${childId}/plan/actions`, 'worker', newAction());
    expect(add.statusCode).toBe(201);
    expect(add.json()).toEqual({ id: expect.any(String), version: 1, planVersion: 2 });
    actionId = add.json().id;

    const patch = await api('PATCH', `/children/${childId}/plan/actions/${actionId}`, 'worker', newAction({ dueOn: '2026-12-11', version: 1 }));
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toEqual({ id: actionId, version: 2, planVersion: 3 });

    const outcome = await api('POST', `/children/${childId}/plan/outcomes`, 'manager', { title: 'The child’s health needs are met' });
    expect(outcome.statusCode).toBe(201);
    const rename = await api('PATCH', `/children/${childId}/plan/outcomes/${outcome.json().id}`, 'manager', { title: 'The child’s health needs are met, checked by the GP', version: 1 });
    expect(rename.json().planVersion).toBe(5);
    const del = await api('DELETE', `/children/${childId}/plan/outcomes/${outcome.json().id}?version=2&reason=Duplicate`, 'manager');
    expect(del.statusCode).toBe(200);
    expect(del.json().planVersion).toBe(6);
    expect((await api('DELETE', `/children/${childId}/plan/outcomes/${outcomeIds[1]}`, 'manager')).statusCode).toBe(400);

    const plan = (await api('GET', `/children/${childId}/plan`, 'worker')).json();
    expect(plan.currentVersion).toBe(6);
    expect(plan.versions.map((v: { summary: string }) => v.summary)).toEqual([
      'Outcome removed: “The child’s health needs are met, checked by the GP”. Reason: Duplicate',
      'Outcome changed: “The child’s health needs are met” is now “The child’s health needs are met, checked by the GP”',
      'Outcome added: “The child’s health needs are met”',
      'Action changed: “Health visitor visits weekly” (by when)',
      'Action added: “Health visitor visits weekly”',
      'Outline plan agreed at the initial conference',
    ]);
    const action = plan.outcomes[0].actions[0];
    expect(action).toMatchObject({ id: actionId, what: 'Health visitor visits weekly', owner: { userId: f.users.health!.id, agencyId: f.agencies.health!, agency: 'health agency 901' }, dueOn: '2026-12-11', status: 'not-started', version: 2, latestProgress: null });
  });

  it('validation errors name the fields in the JSON error shape', async () => {
    const res = await api('POST', `/children/${childId}/plan/actions`, 'worker', { outcomeId: outcomeIds[0], what: '' });
    expect(res.statusCode).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('validation_failed');
    expect(Object.keys(err.fields)).toEqual(expect.arrayContaining(['what', 'dueOn', 'doneMeasure', 'workedMeasure']));
    const otherAgency = await api('POST', `/children/${childId}/plan/actions`, 'worker', newAction({ ownerUserId: null, ownerName: 'Someone', ownerAgencyId: other.agencies.health }));
    expect(otherAgency.statusCode).toBe(400);
    expect(otherAgency.json().error.fields.ownerAgencyId).toBeDefined();
    const otherUser = await api('POST', `/children/${childId}/plan/actions`, 'worker', newAction({ ownerUserId: other.users.health!.id }));
    expect(otherUser.statusCode).toBe(400);
  });

  it('a revision in a draft meeting is linked to it; a finalised meeting is refused with 400', async () => {
    const meeting = async (status: 'draft' | 'finalised') =>
      (await t.database.db.insertInto('core_group_meetings').values({ partnership_id: f.partnershipId, child_id: childId, plan_id: planId, held_on: '2026-11-27', status, minutes: '{}' }).returning('id').executeTakeFirstOrThrow()).id;
    const draft = await meeting('draft');
    const res = await api('POST', `/children/${childId}/plan/outcomes`, 'worker', { title: 'Parents work with services', meetingId: draft });
    expect(res.statusCode).toBe(201);
    const v = (await api('GET', `/children/${childId}/plan`, 'worker')).json().versions[0];
    expect(v).toMatchObject({ number: 7, meetingId: draft, meetingHeldOn: '2026-11-27', summary: 'Outcome added: “Parents work with services”' });
    const closed = await api('POST', `/children/${childId}/plan/outcomes`, 'worker', { title: 'Not saved', meetingId: await meeting('finalised') });
    expect(closed.statusCode).toBe(400);
    expect(closed.json().error.fields.meetingId).toContain('finalised');
  });

  it('two changes from the same version: the second gets 409 with the saved version; nothing is lost', async () => {
    const current = (await api('GET', `/children/${childId}/plan`, 'worker')).json().outcomes[0].actions[0];
    const first = await api('PATCH', `/children/${childId}/plan/actions/${actionId}`, 'worker', newAction({ dueOn: '2026-12-18', workedMeasure: 'First', version: current.version }));
    expect(first.statusCode).toBe(200);
    const second = await api('PATCH', `/children/${childId}/plan/actions/${actionId}`, 'manager', newAction({ dueOn: '2026-12-18', workedMeasure: 'Second', version: current.version }));
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'conflict' }, current: { id: actionId, worked_measure: 'First' } });
    const del = await api('DELETE', `/children/${childId}/plan/actions/${actionId}?version=${current.version}`, 'manager');
    expect(del.statusCode).toBe(409);
    expect((await api('GET', `/children/${childId}/plan`, 'worker')).json().outcomes[0].actions[0]).toMatchObject({ workedMeasure: 'First' });
  });

  it('progress: the owning agency updates, another agency’s person gets 403, a stranger 404; concurrent updates conflict', async () => {
    const a = (await api('GET', `/children/${childId}/plan`, 'health')).json().outcomes[0].actions[0];
    const ok = await api('POST', `/children/${childId}/plan/actions/${actionId}/progress`, 'health', { status: 'in-progress', note: 'Visited; weight up.', version: a.version });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ actionId, status: 'in-progress', version: a.version + 1 });
    const stale = await api('POST', `/children/${childId}/plan/actions/${actionId}/progress`, 'worker', { status: 'done', note: 'Done, I think', version: a.version });
    expect(stale.statusCode).toBe(409);
    const after = (await api('GET', `/children/${childId}/plan`, 'health')).json();
    expect(after.outcomes[0].actions[0]).toMatchObject({ status: 'in-progress', latestProgress: { status: 'in-progress', note: 'Visited; weight up.', by: 'health person 901' } });
    expect(after.currentVersion).toBe(8); // progress is not a revision: version 8 is the change of “First” above

    const csc = await api('POST', `/children/${childId}/plan/actions`, 'worker', newAction({ ownerUserId: f.users.worker!.id, what: 'Social worker visit' }));
    expect((await api('POST', `/children/${childId}/plan/actions/${csc.json().id}/progress`, 'health', { status: 'done', note: 'x', version: 1 })).statusCode).toBe(403);
    expect((await api('POST', `/children/${childId}/plan/outcomes`, 'health', { title: 'x' })).statusCode).toBe(403);
    expect((await api('PATCH', `/children/${childId}/plan/actions/${actionId}`, 'health', newAction({ version: 1 }))).statusCode).toBe(403);
    expect((await api('DELETE', `/children/${childId}/plan/actions/${actionId}?version=1`, 'health')).statusCode).toBe(403);
    for (const who of ['admin', 'otherWorker']) {
      expect((await api('GET', `/children/${childId}/plan`, who)).statusCode).toBe(404);
      expect((await api('POST', `/children/${childId}/plan/actions/${actionId}/progress`, who, { status: 'done', note: 'x', version: 1 })).statusCode).toBe(404);
      expect((await api('GET', `/children/${childId}/plan/versions/compare?from=1&to=2`, who)).statusCode).toBe(404);
    }
    expect((await api('GET', `/children/${childId}/plan`, null)).statusCode).toBe(401);
  });

  it('compare two versions', async () => {
    const res = await api('GET', `/children/${childId}/plan/versions/compare?from=1&to=3`, 'health');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.from).toMatchObject({ number: 1, conferenceKind: 'initial' });
    expect(body.to).toMatchObject({ number: 3, createdBy: 'worker person 901' });
    expect(body.changes).toEqual([
      { kind: 'action-added', outcome: 'The child is safe from harm at home', action: 'Health visitor visits weekly' },
    ]);
    const removed = (await api('GET', `/children/${childId}/plan/versions/compare?from=4&to=6`, 'health')).json();
    expect(removed.changes).toEqual([{ kind: 'outcome-removed', outcome: 'The child’s health needs are met' }]);
    expect(removed.between.map((v: { number: number }) => v.number)).toEqual([5, 6]);
    const changed = (await api('GET', `/children/${childId}/plan/versions/compare?from=2&to=3`, 'health')).json();
    expect(changed.changes).toEqual([{ kind: 'action-changed', outcome: 'The child is safe from harm at home', action: 'Health visitor visits weekly', field: 'By when', before: '2026-12-04', after: '2026-12-11' }]);
    expect((await api('GET', `/children/${childId}/plan/versions/compare?from=1&to=50`, 'health')).statusCode).toBe(400);
  });

  it('my actions: open actions of mine or my agency on children I may see', async () => {
    const res = await api('GET', '/my/actions', 'health');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((i: { what: string }) => i.what)).toEqual(['Health visitor visits weekly']);
    expect(res.json().items[0]).toMatchObject({ childId, status: 'in-progress', overdue: false, owner: { userId: f.users.health!.id } });
    expect((await api('GET', '/my/actions', 'worker')).json().items.map((i: { what: string }) => i.what)).toEqual(['Social worker visit']);
    expect((await api('GET', '/my/actions', 'otherWorker')).json()).toMatchObject({ items: [], total: 0 });
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    for (const p of ['/api/v1/children/{id}/plan', '/api/v1/children/{id}/plan/actions/{actionId}', '/api/v1/children/{id}/plan/actions/{actionId}/progress', '/api/v1/my/actions', '/api/v1/children/{id}/plan/versions/compare']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });
});
