import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';
import { systemActor } from '../../lib/actor.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';
import { addMember, apiCall, childOnPlan, tokenFor } from '../casework/testing.js';
import { PartnershipService } from '../partnership/service.js';

let t: TestApp;
let f: Fixture;
let ada: string;
let bob: string;

const signIn = async (key: string) => {
  const a = t.agent();
  const res = await a.signIn(f.users[key]!.email, PASSWORD);
  expect(res.statusCode).toBe(303);
  return a;
};
const at = (iso: string) => t.clock.set(new Date(`${iso}T10:00:00Z`));
const version = (html: string) => html.match(/name="version" value="(\d+)"/)![1]!;

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
  // A police officer and a teacher, both made members of Ada's core group.
  const accessLog = new AccessLogService(t.database.db, t.clock);
  const svc = new PartnershipService(t.database.db, t.clock, accessLog, new AuthService(t.database.db, t.clock, t.config, accessLog));
  for (const [key, agency] of [
    ['police', 'police'],
    ['teacher', 'school'],
  ] as const) {
    const email = `${key}.901@test.assure.example`;
    const u = await svc.addUser(systemActor(f.partnershipId, 'test'), { email, name: `${key} person 901`, role: 'practitioner', agencyId: f.agencies[agency]!, teamId: null, password: PASSWORD });
    f.users[key] = { id: u.id, email, role: 'practitioner' };
  }
  ada = (await childOnPlan(t, f, { laChildId: 'ES-0001', firstName: 'Ada', dateOfBirth: '2018-02-02' })).childId;
  bob = (await childOnPlan(t, f, { laChildId: 'ES-0002', firstName: 'Bob', dateOfBirth: '2017-02-02' })).childId;
  await addMember(t, f, ada, 'health', 'health', 'Health visitor');
  await addMember(t, f, ada, 'police', 'police', 'Police officer');
  await addMember(t, f, ada, 'teacher', 'school', 'Designated safeguarding lead');
});
afterAll(() => t.close());

describe('an escalation through the stages, without JavaScript', () => {
  let url: string;

  it('a health visitor in the core group raises one about the police; stage 1 is due 5 working days on, across Christmas', async () => {
    at('2026-12-21');
    const hv = await signIn('health');
    const form = await hv.get(`/children/${ada}/escalations/new`);
    expect(form.statusCode).toBe(200);
    const bad = await hv.post(`/children/${ada}/escalations/new`, { aboutAgencyId: '', concern: 'Kept text', desiredOutcome: '' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['aboutAgencyId', 'desiredOutcome']) expect(bad.body).toContain(`href="#${field}"`);
    expect(bad.body).toContain('Kept text');
    const res = await hv.post(`/children/${ada}/escalations/new`, {
      aboutAgencyId: f.agencies.police!,
      concern: 'Police notifications of domestic abuse incidents are not reaching the health visitor.',
      desiredOutcome: 'Notifications shared within one working day.',
    });
    expect(res.statusCode).toBe(303);
    url = (res.headers.location as string).split('?')[0]!;
    const page = await hv.get(url);
    expect(page.body).toContain('Stage 1: practitioner to practitioner');
    expect(page.body).toContain('30 December 2026');
    const row = await t.database.db.selectFrom('escalations').selectAll().where('child_id', '=', ada).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ stage: 1, stage_started_on: '2026-12-21', response_due_on: '2026-12-30', raised_by_agency_id: f.agencies.health, about_agency_id: f.agencies.police, status: 'open' });
  });

  it('the police officer, of the agency it is about, records a response', async () => {
    at('2026-12-22');
    const police = await signIn('police');
    const page = await police.get(url);
    const res = await police.post(`${url}/response`, { responseNote: 'Checking our notification process.', version: version(page.body) });
    expect(res.statusCode).toBe(303);
    expect((await police.get(url)).body).toContain('Checking our notification process.');
  });

  it('a teacher in the core group sees it but may not act on it: 403 whatever she sends', async () => {
    const teacher = await signIn('teacher');
    const page = await teacher.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(`action="${url}/response"`);
    for (const action of ['response', 'escalate', 'resolve', 'withdraw']) expect((await teacher.post(`${url}/${action}`, { junk: 'x' })).statusCode).toBe(403);
  });

  it('past its deadline it is overdue; escalated to managers, stage 2 is due 5 working days on, across New Year’s Day', async () => {
    at('2026-12-31');
    const hv = await signIn('health');
    const page = await hv.get(url);
    expect(page.body).toContain('is overdue');
    expect((await hv.get('/escalations')).body).toMatch(/30 December 2026 <strong class="govuk-tag govuk-tag--red">\s*Overdue/);
    const res = await hv.post(`${url}/escalate`, { escalateReason: 'No change after 5 working days.', version: version(page.body) });
    expect(res.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('escalations').selectAll().where('child_id', '=', ada).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ stage: 2, stage_started_on: '2026-12-31', response_due_on: '2027-01-08' });
    const after = await hv.get(url);
    expect(after.body).toContain('Stage 2: manager to manager');
    expect(after.body).not.toContain('is overdue');
  });

  it('the social worker escalates to stage 3 and the team manager to stage 4, each with 10 working days', async () => {
    at('2027-01-11');
    const sw = await signIn('worker');
    const p1 = await sw.get(url);
    expect((await sw.post(`${url}/escalate`, { escalateReason: 'Managers could not agree.', version: version(p1.body) })).statusCode).toBe(303);
    expect(await t.database.db.selectFrom('escalations').select(['stage', 'response_due_on']).where('child_id', '=', ada).executeTakeFirstOrThrow()).toEqual({ stage: 3, response_due_on: '2027-01-25' });
    at('2027-01-25');
    const mgr = await signIn('manager');
    const p2 = await mgr.get(url);
    expect(p2.body).toContain('the response will be due by 8 February 2027');
    expect((await mgr.post(`${url}/escalate`, { escalateReason: 'Senior managers disagree.', version: version(p2.body) })).statusCode).toBe(303);
    expect(await t.database.db.selectFrom('escalations').select(['stage', 'response_due_on']).where('child_id', '=', ada).executeTakeFirstOrThrow()).toEqual({ stage: 4, response_due_on: '2027-02-08' });
    const p3 = await mgr.get(url);
    expect(p3.body).toContain('Stage 4: partnership chair');
    expect(p3.body).not.toContain(`action="${url}/escalate"`);
    const beyond = await mgr.post(`${url}/escalate`, { escalateReason: 'Again', version: version(p3.body) });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.body).toContain('This escalation is at the last stage');
    expect(beyond.body).toContain('href="#escalateReason"');
  });

  it('resolving without the learning is refused, naming the field; with it, the escalation is resolved and its history shown', async () => {
    at('2027-02-01');
    const hv = await signIn('health');
    const page = await hv.get(url);
    const refused = await hv.post(`${url}/resolve`, { outcome: 'Police will copy notifications to health visiting.', learning: '', version: version(page.body) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#learning"');
    expect(refused.body).toContain('Enter the learning');
    expect(refused.body).toContain('Police will copy notifications to health visiting.');
    const api = await apiCall(t)('POST', `/children/${ada}/escalations/${url.split('/')[4]}/resolve`, await tokenFor(t, f, 'health'), { outcome: 'x', version: Number(version(page.body)) });
    expect(api.statusCode).toBe(400);
    expect(api.json().error.fields).toEqual({ learning: 'Enter the learning' });

    const ok = await hv.post(`${url}/resolve`, { outcome: 'Police will copy notifications to health visiting.', learning: 'Notification routes for under-5s must include health visiting.', version: version(page.body) });
    expect(ok.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('escalations').selectAll().where('child_id', '=', ada).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'resolved', resolved_on: '2027-02-01', learning: 'Notification routes for under-5s must include health visiting.', stage: 4 });
    const done = await hv.get(url);
    expect(done.body).toContain('Notification routes for under-5s must include health visiting.');
    expect(done.body).not.toContain(`action="${url}/resolve"`);
    const events = await t.database.db.selectFrom('escalation_events').select(['kind', 'stage']).where('escalation_id', '=', row.id).orderBy('created_at').execute();
    expect(events).toEqual([
      { kind: 'raised', stage: 1 },
      { kind: 'response', stage: 1 },
      { kind: 'escalated', stage: 2 },
      { kind: 'escalated', stage: 3 },
      { kind: 'escalated', stage: 4 },
      { kind: 'resolved', stage: 4 },
    ]);
    const history = done.body.slice(done.body.indexOf('History'));
    const order = ['Raised (Stage 1', 'Response (Stage 1', 'Escalated (Stage 2', 'Escalated (Stage 3', 'Escalated (Stage 4', 'Resolved (Stage 4'].map((s) => history.indexOf(s));
    expect(order.every((n) => n >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const again = await hv.post(`${url}/response`, { responseNote: 'late', version: String(row.version) });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This escalation is already resolved');
  });
});

describe('who sees escalations', () => {
  it('the open escalations list holds only children the person may see; a non-member gets 404 and sees nothing', async () => {
    at('2027-02-02');
    const api = apiCall(t);
    const sw = await tokenFor(t, f, 'worker');
    const raised = await api('POST', `/children/${bob}/escalations`, sw, { aboutAgencyId: f.agencies.school, concern: 'School has not shared attendance.', desiredOutcome: 'Weekly attendance to the social worker.' });
    expect(raised.statusCode).toBe(201);
    expect(raised.json()).toEqual({ id: expect.any(String) });

    const hv = await signIn('health');
    const hvList = await hv.get('/escalations');
    expect(hvList.statusCode).toBe(200);
    expect(hvList.body).not.toContain('Bob Testchild'); // not in Bob's core group

    const outsider = await signIn('auditor');
    const page = await outsider.get('/escalations');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('There are no open escalations');
    expect(page.body).not.toContain('Testchild');
    expect((await outsider.get(`/children/${bob}/escalations`)).statusCode).toBe(404);
    expect((await outsider.get(`/children/${bob}/escalations/${raised.json().id}`)).statusCode).toBe(404);
    expect((await outsider.post(`/children/${bob}/escalations/new`, { concern: 'x' })).statusCode).toBe(404);
    expect((await outsider.post(`/children/${bob}/escalations/${raised.json().id}/withdraw`, { withdrawReason: 'x', version: '1' })).statusCode).toBe(404);
    const auditorToken = await tokenFor(t, f, 'auditor');
    expect((await api('GET', '/escalations', auditorToken)).json()).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
    expect((await api('GET', `/children/${bob}/escalations`, auditorToken)).statusCode).toBe(404);

    const mgr = await signIn('manager');
    expect((await mgr.get('/escalations')).body).toContain('Bob Testchild');
    const mgrApi = await api('GET', '/escalations', await tokenFor(t, f, 'manager'));
    expect(mgrApi.json().items.map((i: { child: { firstName: string } }) => i.child.firstName)).toEqual(['Bob']);
    expect(mgrApi.json().items[0]).toMatchObject({ stage: 1, responseDueOn: '2027-02-09', status: 'open', overdue: false, aboutAgency: 'school agency 901' });
    const log = await t.database.db.selectFrom('access_log').select('action').where('record_type', '=', 'escalation').where('subject_id', '=', bob).where('user_id', '=', f.users.manager!.id).execute();
    expect(log.map((l) => l.action)).toContain('list');
  });

  it('two people acting at once: the second gets a conflict, never a lost update; withdrawing needs a reason', async () => {
    const id = (await t.database.db.selectFrom('escalations').select('id').where('child_id', '=', bob).executeTakeFirstOrThrow()).id;
    const url = `/children/${bob}/escalations/${id}`;
    const sw = await signIn('worker');
    const mgr = await signIn('manager');
    const a = version((await sw.get(url)).body);
    const b = version((await mgr.get(url)).body);
    expect((await sw.post(`${url}/response`, { responseNote: 'From the social worker', version: a })).statusCode).toBe(303);
    const second = await mgr.post(`${url}/response`, { responseNote: 'From the manager', version: b });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else changed this escalation');
    const api = await apiCall(t)('POST', `/children/${bob}/escalations/${id}/escalate`, await tokenFor(t, f, 'manager'), { reason: 'x', version: Number(b) });
    expect(api.statusCode).toBe(409);
    const notes = await t.database.db.selectFrom('escalation_events').select('note').where('escalation_id', '=', id).execute();
    expect(notes.map((n) => n.note)).not.toContain('From the manager');

    const fresh = version((await mgr.get(url)).body);
    const noReason = await mgr.post(`${url}/withdraw`, { withdrawReason: '', version: fresh });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#withdrawReason"');
    expect((await mgr.post(`${url}/withdraw`, { withdrawReason: 'Resolved informally at the core group.', version: fresh })).statusCode).toBe(303);
    expect((await t.database.db.selectFrom('escalations').select(['status', 'resolved_on']).where('id', '=', id).executeTakeFirstOrThrow())).toEqual({ status: 'withdrawn', resolved_on: '2027-02-02' });
    expect((await mgr.get('/escalations')).body).not.toContain('Bob Testchild');
  });
});
