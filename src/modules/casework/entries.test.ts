import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';
import { ENTRY_KINDS } from './kinds.js';
import { addMember, apiCall, childOnPlan, scrapeForm, tokenFor } from './testing.js';

let t: TestApp;
let f: Fixture;
let childId: string;

const signIn = async (key: string) => {
  const a = t.agent();
  await a.signIn(f.users[key]!.email, PASSWORD);
  return a;
};

/** Date boxes as a browser posts them. */
const date = (name: string, iso: string) => {
  if (!iso) return { [`${name}-day`]: '', [`${name}-month`]: '', [`${name}-year`]: '' };
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
};

/** A filled-in form for each kind, as typed by a person. */
const samples = (): Record<string, Record<string, string>> => ({
  'child-visit': { ...date('visitedOn', '2026-10-27'), visitedBy: 'social care person 901', where: 'At home', seenAlone: 'not-appropriate', notSeenAloneReason: 'Casey was unwell and stayed with her grandmother.', notes: 'Casey showed me her room & her drawings.' },
  'professionals-meeting': { ...date('heldOn', '2026-10-28'), attendees: 'Sam (social care)\nNoor (health visiting)', reason: 'stuck', reasonDetail: 'No change in home conditions since the ICPC.', decisions: 'Weekly unannounced visits; review in 4 weeks.' },
  'reflective-circle-referral': {
    ...date('referredOn', '2026-10-29'),
    circumstances: 'Third plan for neglect; mother’s mental health fluctuates.',
    effectiveness: 'Short-term improvement that is not sustained: the group agrees the barrier is the partner’s return.',
    asks: 'How to engage the father who does not live with the child?',
    ...date('panelOn', ''),
    outcome: '',
  },
  'school-transition': { ...date('plannedMoveOn', '2027-09-06'), currentSchool: 'Oakfield Primary', newSchool: 'Riverside Academy', dslName: 'Ms Dale', dslContact: '01632 960000', ...date('dslToldOn', '2027-07-30') },
  'graded-care-assessment': {
    ...date('assessedOn', '2026-10-30'),
    assessor: 'Noor Health',
    'grades-area-0': 'Physical care',
    'grades-grade-0': '4',
    'grades-area-1': 'Safety',
    'grades-grade-1': '3',
    'grades-area-2': 'Love and care',
    'grades-grade-2': '2',
    'grades-area-3': 'Esteem',
    'grades-grade-3': '3',
    summary: 'Physical care remains the greatest concern: food and clean clothes are inconsistent.',
  },
  'signs-of-safety': { ...date('mappedOn', '2026-10-30'), worries: 'Unexplained bruises & missed health appointments.', workingWell: 'Grandmother visits daily.', nextSteps: 'Safety plan with the grandmother.', dangerStatements: 'We are worried that…', safetyGoals: '', scaling: '4' },
  supervision: { ...date('heldOn', '2026-10-31'), supervisor: 'manager person 901', reflection: 'The plan is drifting: the same actions appear at every meeting.', decisions: 'Professionals meeting within 2 weeks.' },
  'multi-agency-meeting': { meetingKind: 'cse-map', otherKind: '', ...date('heldOn', '2026-10-27'), summary: 'Intelligence shared about older males at the park.', actions: 'Police to disrupt; school to monitor attendance.' },
  'request-for-information': { toAgencyId: '', ...date('askedOn', '2026-10-26'), ...date('dueOn', ''), question: 'Has the child been seen at the surgery since June?', answer: '', ...date('answeredOn', '') },
});

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
  ({ childId } = await childOnPlan(t, f, { laChildId: 'CE-0001', firstName: 'Casey', dateOfBirth: '2019-05-01' }));
  await addMember(t, f, childId, 'health', 'health', 'Health visitor');
});
afterAll(() => t.close());

describe('case entries', () => {
  it('every kind round-trips through its form without JavaScript: what is saved is what the form shows, and saving it again changes nothing', async () => {
    const sw = await signIn('worker');
    const forms = samples();
    forms['request-for-information']!.toAgencyId = f.agencies.health!;
    for (const kind of ENTRY_KINDS) {
      const form = await sw.get(`/children/${childId}/entries/new?kind=${kind.kind}`);
      expect(form.statusCode, kind.kind).toBe(200);
      expect(form.body).toContain(`<h1 class="govuk-heading-l">${kind.label}</h1>`);
      const created = await sw.post(`/children/${childId}/entries/new`, { kind: kind.kind, ...forms[kind.kind]! });
      expect(created.statusCode, `${kind.kind}: ${created.body.match(/govuk-error-summary__list[\s\S]*?<\/ul>/)?.[0] ?? ''}`).toBe(303);
      const entryId = (created.headers.location as string).split('/')[4]!.split('?')[0]!;
      const saved = await t.database.db.selectFrom('case_entries').selectAll().where('id', '=', entryId).executeTakeFirstOrThrow();
      expect(saved.kind).toBe(kind.kind);
      expect(saved.author_agency_id).toBe(f.agencies.csc);

      const view = await sw.get(`/children/${childId}/entries/${entryId}`);
      expect(view.statusCode).toBe(200);
      for (const field of kind.fields) expect(view.body, `${kind.kind} shows ${field.label}`).toContain(field.label);

      const edit = await sw.get(`/children/${childId}/entries/${entryId}/edit`);
      expect(edit.statusCode).toBe(200);
      const posted = scrapeForm(edit.body, `/children/${childId}/entries/${entryId}/edit`);
      const again = await sw.post(`/children/${childId}/entries/${entryId}/edit`, posted);
      expect(again.statusCode, `${kind.kind} resaved`).toBe(303);
      const after = await t.database.db.selectFrom('case_entries').selectAll().where('id', '=', entryId).executeTakeFirstOrThrow();
      expect(after.data, kind.kind).toEqual(saved.data);
      expect(after.occurred_on).toBe(saved.occurred_on);
      expect(after.due_on).toBe(saved.due_on);
      expect(after.version).toBe(saved.version + 1);
    }
    const supervision = await t.database.db.selectFrom('case_entries').select('data').where('kind', '=', 'supervision').executeTakeFirstOrThrow();
    expect(supervision.data).toEqual({ heldOn: '2026-10-31', supervisor: 'manager person 901', reflection: 'The plan is drifting: the same actions appear at every meeting.', decisions: 'Professionals meeting within 2 weeks.' });
    const graded = await t.database.db.selectFrom('case_entries').select('data').where('kind', '=', 'graded-care-assessment').executeTakeFirstOrThrow();
    expect(graded.data.grades).toEqual([
      { area: 'Physical care', grade: 4 },
      { area: 'Safety', grade: 3 },
      { area: 'Love and care', grade: 2 },
      { area: 'Esteem', grade: 3 },
    ]);
    const timeline = await sw.get(`/children/${childId}/entries`);
    for (const kind of ENTRY_KINDS) expect(timeline.body).toContain(kind.label);
    const filtered = await sw.get(`/children/${childId}/entries?kind=supervision`);
    expect(filtered.body).toContain('Professionals meeting within 2 weeks.');
    expect(filtered.body).not.toContain('Intelligence shared about older males');
  });

  it('a new form starts with the signed-in person as supervisor and the partnership’s graded areas', async () => {
    const mgr = await signIn('manager');
    const sup = await mgr.get(`/children/${childId}/entries/new?kind=supervision`);
    expect(sup.body).toMatch(/name="supervisor" type="text" value="manager person 901"/);
    const graded = await mgr.get(`/children/${childId}/entries/new?kind=graded-care-assessment`);
    for (const area of ['Physical care', 'Safety', 'Love and care', 'Esteem']) expect(graded.body).toContain(`value="${area}"`);
  });

  it('errors re-render with 400, the error summary naming each field, and the values typed', async () => {
    const sw = await signIn('worker');
    await sw.get(`/children/${childId}/entries/new?kind=signs-of-safety`);
    const bad = await sw.post(`/children/${childId}/entries/new`, { kind: 'signs-of-safety', ...date('mappedOn', '2026-02-31'), worries: 'Kept text', workingWell: '', nextSteps: 'x', scaling: '11' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error:');
    for (const field of ['mappedOn', 'workingWell', 'scaling']) expect(bad.body).toContain(`href="#${field}"`);
    expect(bad.body).toContain('The safety scale must be a whole number from 0 to 10');
    expect(bad.body).toContain('Kept text');
    const grades = await sw.post(`/children/${childId}/entries/new`, { kind: 'graded-care-assessment', ...date('assessedOn', '2026-10-30'), assessor: 'A', 'grades-area-0': 'Physical care', 'grades-grade-0': '', summary: 's' });
    expect(grades.statusCode).toBe(400);
    expect(grades.body).toContain('href="#grades.0.grade"');
    expect(grades.body).toContain('id="grades.0.grade"');
    const noKind = await sw.get(`/children/${childId}/entries/new?kind=`);
    expect(noKind.statusCode).toBe(400);
    expect(noKind.body).toContain('Select what you want to add');
  });

  it('a school transition shows whether the DSL was told before the summer holiday, for dates either side', async () => {
    const sw = await signIn('worker');
    const base = { kind: 'school-transition', ...date('plannedMoveOn', '2027-09-06'), currentSchool: 'Oakfield Primary', newSchool: 'Riverside Academy', dslName: 'Ms Dale', dslContact: '01632 960000' };
    const show = async (told: string) => {
      await sw.get(`/children/${childId}/entries/new?kind=school-transition`);
      const res = await sw.post(`/children/${childId}/entries/new`, { ...base, ...date('dslToldOn', told) });
      expect(res.statusCode).toBe(303);
      return (await sw.get(res.headers.location as string)).body;
    };
    // 1 August 2027 is a Sunday: the last weekday before it is Friday 30 July.
    expect(await show('2027-07-30')).toContain('Yes: told before the summer holiday');
    const late = await show('2027-08-02');
    expect(late).toContain('No: told after the summer holiday began');
    expect(late).not.toContain('Yes: told before');
    const notYet = await show('');
    expect(notYet).toContain('Not yet told: tell them by 30 July 2027');
  });

  it('a request for information gets a deadline 10 working days on, is flagged overdue, and the agency asked records the answer', async () => {
    let sw = await signIn('worker');
    await sw.get(`/children/${childId}/entries/new?kind=request-for-information`);
    const res = await sw.post(`/children/${childId}/entries/new`, { kind: 'request-for-information', toAgencyId: f.agencies.health!, ...date('askedOn', '2026-11-02'), question: 'Any attendance at A&E this year?' });
    expect(res.statusCode).toBe(303);
    const entryId = (res.headers.location as string).split('/')[4]!.split('?')[0]!;
    const row = await t.database.db.selectFrom('case_entries').selectAll().where('id', '=', entryId).executeTakeFirstOrThrow();
    expect(row.due_on).toBe('2026-11-16');
    expect(row.data.dueOn).toBe('2026-11-16');

    const onTime = await sw.get(`/children/${childId}/entries`);
    expect(onTime.body).not.toMatch(/Any attendance at A&amp;E this year\?[\s\S]{0,50}Overdue/);
    t.clock.set(new Date('2026-11-17T09:00:00Z'));
    sw = await signIn('worker'); // the session has expired meanwhile
    const late = await sw.get(`/children/${childId}/entries`);
    expect(late.body).toContain('overdue');
    expect(late.body).toContain(`/children/${childId}/entries/${entryId}">Request for information of 2 November 2026</a>, due 16 November 2026`);
    expect((await sw.get(`/children/${childId}/entries/${entryId}`)).body).toContain('Overdue: no answer by the deadline');
    const api = await apiCall(t)('GET', `/children/${childId}/entries?kind=request-for-information`, await tokenFor(t, f, 'worker'));
    expect(api.json().items.find((i: { id: string }) => i.id === entryId).overdue).toBe(true);

    // The health visitor is of the agency asked: she answers, though she cannot edit the request.
    const hv = await signIn('health');
    expect((await hv.get(`/children/${childId}/entries/${entryId}/edit`)).statusCode).toBe(403);
    const page = await hv.get(`/children/${childId}/entries/${entryId}/answer`);
    expect(page.statusCode).toBe(200);
    const version = page.body.match(/name="version" value="(\d+)"/)![1]!;
    const empty = await hv.post(`/children/${childId}/entries/${entryId}/answer`, { answer: '', version });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#answer"');
    const answered = await hv.post(`/children/${childId}/entries/${entryId}/answer`, { answer: 'One attendance in March: minor burn.', version });
    expect(answered.statusCode).toBe(303);
    const after = await t.database.db.selectFrom('case_entries').selectAll().where('id', '=', entryId).executeTakeFirstOrThrow();
    expect(after.data).toMatchObject({ answer: 'One attendance in March: minor burn.', answeredOn: '2026-11-17', question: 'Any attendance at A&E this year?' });
    expect((await sw.get(`/children/${childId}/entries/${entryId}`)).body).not.toContain('Overdue: no answer');
    t.clock.set(new Date('2026-11-02T09:00:00Z'));
  });

  it('only the author’s side edits an entry; anyone who can see the record adds one', async () => {
    const sw = await signIn('worker');
    await sw.get(`/children/${childId}/entries/new?kind=supervision`);
    const res = await sw.post(`/children/${childId}/entries/new`, { kind: 'supervision', ...date('heldOn', '2026-11-01'), supervisor: 'manager person 901', reflection: 'r', decisions: 'd' });
    const url = (res.headers.location as string).split('?')[0]!;
    const hv = await signIn('health');
    expect((await hv.get(url)).statusCode).toBe(200);
    expect((await hv.get(url)).body).not.toContain('Change this entry');
    expect((await hv.get(`${url}/edit`)).statusCode).toBe(403);
    expect((await hv.post(`${url}/edit`, { nonsense: 'x' })).statusCode).toBe(403);
    const token = await tokenFor(t, f, 'health');
    const entryId = url.split('/')[4]!;
    const patch = await apiCall(t)('PATCH', `/children/${childId}/entries/${entryId}`, token, { data: { heldOn: '2026-11-01', supervisor: 'x', reflection: 'x', decisions: 'x' }, version: 1 });
    expect(patch.statusCode).toBe(403);
    // The manager is a case holder, but of the same agency as the author: allowed.
    const mgr = await signIn('manager');
    expect((await mgr.get(`${url}/edit`)).statusCode).toBe(200);
    // The health visitor adds her own entry and may change it.
    await hv.get(`/children/${childId}/entries/new?kind=professionals-meeting`);
    const own = await hv.post(`/children/${childId}/entries/new`, { kind: 'professionals-meeting', ...date('heldOn', '2026-11-01'), attendees: 'a', reason: 'other', decisions: 'd' });
    expect(own.statusCode).toBe(303);
    expect((await hv.get(`${(own.headers.location as string).split('?')[0]}/edit`)).statusCode).toBe(200);
  });

  it('two people editing the same entry: the second gets the conflict page with both versions, never a lost update', async () => {
    const sw = await signIn('worker');
    const mgr = await signIn('manager');
    await sw.get(`/children/${childId}/entries/new?kind=supervision`);
    const res = await sw.post(`/children/${childId}/entries/new`, { kind: 'supervision', ...date('heldOn', '2026-11-01'), supervisor: 'manager person 901', reflection: 'First reflection', decisions: 'First decisions' });
    const url = `${(res.headers.location as string).split('?')[0]}/edit`;
    const a = scrapeForm((await sw.get(url)).body, url);
    const b = scrapeForm((await mgr.get(url)).body, url);
    expect((await sw.post(url, { ...a, decisions: 'Decisions by the social worker' })).statusCode).toBe(303);
    const second = await mgr.post(url, { ...b, decisions: 'Decisions by the manager' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else changed this record');
    expect(second.body).toContain('Decisions by the social worker');
    expect(second.body).toContain('Decisions by the manager');
    const row = await t.database.db.selectFrom('case_entries').select('data').where('id', '=', url.split('/')[4]!).executeTakeFirstOrThrow();
    expect(row.data.decisions).toBe('Decisions by the social worker');
    const token = await tokenFor(t, f, 'manager');
    const api = await apiCall(t)('PATCH', `/children/${childId}/entries/${url.split('/')[4]}`, token, { data: { heldOn: '2026-11-01', supervisor: 'm', reflection: 'r', decisions: 'd' }, version: 1 });
    expect(api.statusCode).toBe(409);
  });

  it('the API validates data by the kind’s schema and names the fields', async () => {
    const api = apiCall(t);
    const token = await tokenFor(t, f, 'worker');
    const unknown = await api('POST', `/children/${childId}/entries`, token, { kind: 'gossip', data: {} });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.fields.kind).toContain('Select the kind of entry');
    const bad = await api('POST', `/children/${childId}/entries`, token, { kind: 'request-for-information', data: { toAgencyId: f.agencies.health, askedOn: '2026-11-02', dueOn: '2026-11-01' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toMatchObject({ 'data.question': 'Enter what was asked' });
    const other = await makePartnership(t.database.db, '902');
    const foreign = await api('POST', `/children/${childId}/entries`, token, { kind: 'request-for-information', data: { toAgencyId: other.agencies.health, askedOn: '2026-11-02', question: 'q' } });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.fields['data.toAgencyId']).toContain('Select the agency asked');
    const ok = await api('POST', `/children/${childId}/entries`, token, { kind: 'signs-of-safety', data: { mappedOn: '2026-11-02', worries: 'w', workingWell: 'ww', nextSteps: 'n', scaling: 6 } });
    expect(ok.statusCode).toBe(201);
    const list = await api('GET', `/children/${childId}/entries?kind=signs-of-safety`, token);
    expect(list.json().items.find((i: { id: string }) => i.id === ok.json().id).data).toEqual({ mappedOn: '2026-11-02', worries: 'w', workingWell: 'ww', nextSteps: 'n', scaling: 6 });

    // The agency asked may send only the answer.
    const rfi = await api('POST', `/children/${childId}/entries`, token, { kind: 'request-for-information', data: { toAgencyId: f.agencies.health, askedOn: '2026-11-02', question: 'Seen since June?' } });
    const hv = await tokenFor(t, f, 'health');
    const tooMuch = await api('PATCH', `/children/${childId}/entries/${rfi.json().id}`, hv, { data: { question: 'Changed', answer: 'a' }, version: 1 });
    expect(tooMuch.statusCode).toBe(403);
    const answer = await api('PATCH', `/children/${childId}/entries/${rfi.json().id}`, hv, { data: { answer: 'Yes, in August.', answeredOn: '2026-11-02' }, version: 1 });
    expect(answer.statusCode).toBe(200);
    expect(answer.json().data).toMatchObject({ question: 'Seen since June?', answer: 'Yes, in August.', answeredOn: '2026-11-02', dueOn: '2026-11-16' });
  });

  it('the OpenAPI document describes each kind’s data, and the voice and escalation routes', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const body = JSON.stringify(doc.paths['/api/v1/children/{id}/entries'].post.requestBody);
    for (const kind of ENTRY_KINDS) expect(body).toContain(`"${kind.kind}"`);
    expect(body).toContain('toAgencyId');
    for (const p of ['/api/v1/children/{id}/voice', '/api/v1/children/{id}/voice/{entryId}', '/api/v1/children/{id}/escalations', '/api/v1/children/{id}/escalations/{escalationId}/resolve', '/api/v1/escalations', '/api/v1/children/{id}/entries/{entryId}']) {
      expect(doc.paths[p], p).toBeDefined();
    }
  });

  it('a person who cannot see the record gets 404, in pages and the API; views and changes are access-logged', async () => {
    const police = await signIn('admin');
    expect((await police.get(`/children/${childId}/entries`)).statusCode).toBe(404);
    expect((await police.get(`/children/${childId}/entries/new?kind=supervision`)).statusCode).toBe(404);
    expect((await police.post(`/children/${childId}/entries/new`, { kind: 'supervision' })).statusCode).toBe(404);
    const token = await tokenFor(t, f, 'admin');
    expect((await apiCall(t)('GET', `/children/${childId}/entries`, token)).statusCode).toBe(404);
    expect((await apiCall(t)('POST', `/children/${childId}/entries`, token, { kind: 'supervision', data: { heldOn: '2026-11-01', supervisor: 's', reflection: 'r', decisions: 'd' } })).statusCode).toBe(404);
    const log = await t.database.db.selectFrom('access_log').select(['action', 'record_type']).where('subject_id', '=', childId).where('record_type', '=', 'case-entry').execute();
    expect(log.some((l) => l.action === 'create')).toBe(true);
    expect(log.some((l) => l.action === 'update')).toBe(true);
    expect(log.some((l) => l.action === 'view')).toBe(true);
    expect(log.some((l) => l.action === 'list')).toBe(true);
  });
});
