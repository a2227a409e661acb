import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';
import { addMeeting, addMember, apiCall, childOnPlan, scrapeForm, tokenFor } from '../casework/testing.js';
import { isUnderTwo, voiceIsStale } from './policy.js';

let t: TestApp;
let f: Fixture;
let baby: { childId: string; conferenceId: string; planId: string };
let older: { childId: string; conferenceId: string; planId: string };

const signIn = async (key: string) => {
  const a = t.agent();
  await a.signIn(f.users[key]!.email, PASSWORD);
  return a;
};

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
  baby = await childOnPlan(t, f, { laChildId: 'VB-0001', firstName: 'Bea', dateOfBirth: '2026-04-10' });
  older = await childOnPlan(t, f, { laChildId: 'VB-0002', firstName: 'Olly', dateOfBirth: '2016-04-10' });
  await addMember(t, f, baby.childId, 'health', 'health', 'Health visitor');
});
afterAll(() => t.close());

describe('what is expected of the child’s voice (pure rules)', () => {
  it.each([
    [{ date_of_birth: null }, '2026-11-02', true],
    [{ date_of_birth: '2024-11-03' }, '2026-11-02', true],
    [{ date_of_birth: '2024-11-02' }, '2026-11-02', false],
    [{ date_of_birth: '2016-01-01' }, '2026-11-02', false],
  ])('under two: %o on %s → %s', (child, today, expected) => {
    expect(isUnderTwo(child, today)).toBe(expected);
  });

  it.each([
    [null, '2026-11-02', true],
    ['2026-09-21', '2026-11-02', false],
    ['2026-09-20', '2026-11-02', true],
  ])('stale: latest %s on %s → %s', (latest, today, expected) => {
    expect(voiceIsStale(latest, today)).toBe(expected);
  });
});

describe('the child’s voice and lived experience', () => {
  it('with no entries, the page highlights that the baby’s voice is missing and that observations are expected', async () => {
    const hv = await signIn('health');
    const page = await hv.get(`/children/${baby.childId}/voice`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('has been recorded in the last 6 weeks: there are no entries yet');
    expect(page.body).toContain('Bea is under 2: record observations of their lived experience');
    const olderPage = await (await signIn('worker')).get(`/children/${older.childId}/voice`);
    expect(olderPage.body).not.toContain('is under 2');
  });

  it('a health visitor in the core group adds an observation of a baby, linked to the conference it informed, without JavaScript', async () => {
    const hv = await signIn('health');
    const form = await hv.get(`/children/${baby.childId}/voice/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="conference:${baby.conferenceId}"`);

    const bad = await hv.post(`/children/${baby.childId}/voice/new`, { kind: '', 'recordedOn-day': '2', 'recordedOn-month': '11', 'recordedOn-year': '2026', content: 'Kept', how: '', informed: `conference:${baby.conferenceId}` });
    expect(bad.statusCode).toBe(400);
    for (const field of ['kind', 'how', 'seenAlone']) expect(bad.body).toContain(`href="#${field}"`);
    expect(bad.body).toContain('Kept');

    const res = await hv.post(`/children/${baby.childId}/voice/new`, {
      kind: 'observation',
      'recordedOn-day': '2',
      'recordedOn-month': '11',
      'recordedOn-year': '2026',
      content: 'Bea was in the same nappy as at 9am; she did not turn to her mother’s voice and was quiet in her cot.',
      how: 'Observation at a home visit',
      heardByName: '',
      seenAlone: 'not-applicable',
      informed: `conference:${baby.conferenceId}`,
    });
    expect(res.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('voice_entries').selectAll().where('child_id', '=', baby.childId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'observation', recorded_on: '2026-11-02', heard_by_user_id: f.users.health!.id, seen_alone: null, conference_id: baby.conferenceId, meeting_id: null, created_by: f.users.health!.id });

    const page = await hv.get(`/children/${baby.childId}/voice`);
    expect(page.body).toContain(`href="/children/${baby.childId}/conferences/${baby.conferenceId}">Initial child protection conference, 20 October 2026</a>`);
    expect(page.body).not.toContain('in the last 6 weeks');
    expect(page.body).toContain('health person 901');
    const informed = await hv.get(`/children/${baby.childId}/voice?conference=${baby.conferenceId}`);
    expect(informed.body).toContain('did not turn to her mother’s voice');
    const log = await t.database.db.selectFrom('access_log').select(['action']).where('subject_id', '=', baby.childId).where('record_type', '=', 'voice-entry').where('user_id', '=', f.users.health!.id).execute();
    expect(log.map((l) => l.action)).toEqual(expect.arrayContaining(['create', 'list']));
  });

  it('six weeks later, with nothing new, the page says so again', async () => {
    t.clock.set(new Date('2026-12-15T09:00:00Z'));
    const hv = await signIn('health');
    expect((await hv.get(`/children/${baby.childId}/voice`)).body).toContain('in the last 6 weeks: the latest entry is from 2 November 2026');
    t.clock.set(new Date('2026-11-02T09:00:00Z'));
  });

  it('links only to meetings and conferences of this child', async () => {
    const meetingId = await addMeeting(t, f, baby.childId, baby.planId, '2026-10-30');
    const sw = await signIn('worker');
    const form = await sw.get(`/children/${baby.childId}/voice/new`);
    expect(form.body).toContain(`value="meeting:${meetingId}"`);
    expect(form.body).not.toContain(older.conferenceId);
    const wrong = await sw.post(`/children/${baby.childId}/voice/new`, { kind: 'said', 'recordedOn-day': '1', 'recordedOn-month': '11', 'recordedOn-year': '2026', content: 'x', how: 'x', seenAlone: 'no', informed: `conference:${older.conferenceId}` });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Select a conference of this child');
    expect(wrong.body).toContain('href="#informed"');
    const ok = await sw.post(`/children/${baby.childId}/voice/new`, { kind: 'observation', 'recordedOn-day': '1', 'recordedOn-month': '11', 'recordedOn-year': '2026', content: 'Smiled at her grandmother.', how: 'Home visit', heardByName: 'Student social worker Pat', seenAlone: 'no', informed: `meeting:${meetingId}` });
    expect(ok.statusCode).toBe(303);
    const page = await sw.get(`/children/${baby.childId}/voice`);
    expect(page.body).toContain(`href="/children/${baby.childId}/meetings/${meetingId}">Core group meeting, 30 October 2026</a>`);
    expect(page.body).toContain('Student social worker Pat');
  });

  it('the health visitor cannot change the social worker’s entry (403, whatever she sends); the social worker can', async () => {
    const token = await tokenFor(t, f, 'worker');
    const created = await apiCall(t)('POST', `/children/${baby.childId}/voice`, token, { kind: 'said', recordedOn: '2026-11-02', content: 'Mum said Bea sleeps all morning.', how: 'Home visit', seenAlone: 'no' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const hv = await signIn('health');
    expect((await hv.get(`/children/${baby.childId}/voice`)).body).not.toContain(`/voice/${id}/edit`);
    expect((await hv.get(`/children/${baby.childId}/voice/${id}/edit`)).statusCode).toBe(403);
    expect((await hv.post(`/children/${baby.childId}/voice/${id}/edit`, { garbage: '1' })).statusCode).toBe(403);
    const hvToken = await tokenFor(t, f, 'health');
    const patch = await apiCall(t)('PATCH', `/children/${baby.childId}/voice/${id}`, hvToken, { kind: 'said', recordedOn: '2026-11-02', content: 'Changed', how: 'x', seenAlone: 'no', version: 1 });
    expect(patch.statusCode).toBe(403);
    const sw = await signIn('worker');
    const url = `/children/${baby.childId}/voice/${id}/edit`;
    const form = scrapeForm((await sw.get(url)).body, url);
    expect(form).toMatchObject({ kind: 'said', content: 'Mum said Bea sleeps all morning.', seenAlone: 'no', 'recordedOn-day': '2', heardByName: '' });
    expect((await sw.post(url, form)).statusCode).toBe(303);
    const row = await t.database.db.selectFrom('voice_entries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ version: 2, heard_by_user_id: f.users.worker!.id, content: 'Mum said Bea sleeps all morning.' });
  });

  it('two concurrent edits: the second gets 409 (conflict page, or JSON), never a lost update', async () => {
    const token = await tokenFor(t, f, 'worker');
    const created = await apiCall(t)('POST', `/children/${baby.childId}/voice`, token, { kind: 'advocate', recordedOn: '2026-11-01', content: 'Original', how: 'Advocate', seenAlone: 'not-applicable' });
    const id = created.json().id as string;
    const url = `/children/${baby.childId}/voice/${id}/edit`;
    const sw = await signIn('worker');
    const mgr = await signIn('manager');
    const a = scrapeForm((await sw.get(url)).body, url);
    const b = scrapeForm((await mgr.get(url)).body, url);
    expect((await sw.post(url, { ...a, content: 'First change' })).statusCode).toBe(303);
    const second = await mgr.post(url, { ...b, content: 'Second change' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('First change');
    expect(second.body).toContain('Second change');
    const api = await apiCall(t)('PATCH', `/children/${baby.childId}/voice/${id}`, token, { kind: 'advocate', recordedOn: '2026-11-01', content: 'API change', how: 'Advocate', seenAlone: 'not-applicable', version: 1 });
    expect(api.statusCode).toBe(409);
    const row = await t.database.db.selectFrom('voice_entries').select(['content', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ content: 'First change', version: 2 });
  });

  it('someone who cannot see the record gets 404 and learns nothing, in pages and the API', async () => {
    const outsider = await signIn('auditor');
    expect((await outsider.get(`/children/${baby.childId}/voice`)).statusCode).toBe(404);
    expect((await outsider.get(`/children/${baby.childId}/voice/new`)).statusCode).toBe(404);
    expect((await outsider.post(`/children/${baby.childId}/voice/new`, { kind: 'said' })).statusCode).toBe(404);
    const token = await tokenFor(t, f, 'auditor');
    expect((await apiCall(t)('GET', `/children/${baby.childId}/voice`, token)).statusCode).toBe(404);
    expect((await apiCall(t)('POST', `/children/${baby.childId}/voice`, token, { kind: 'said', recordedOn: '2026-11-01', content: 'x', how: 'x', seenAlone: 'no' })).statusCode).toBe(404);
    // The health visitor is not in Olly's core group.
    const hv = await signIn('health');
    expect((await hv.get(`/children/${older.childId}/voice`)).statusCode).toBe(404);
  });

  it('the API lists the entries with the flags the page shows', async () => {
    const token = await tokenFor(t, f, 'health');
    const res = await apiCall(t)('GET', `/children/${baby.childId}/voice`, token);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.underTwo).toBe(true);
    expect(body.stale).toBe(false);
    expect(body.items.find((i: { kind: string; conferenceId: string | null }) => i.kind === 'observation' && i.conferenceId === baby.conferenceId)).toMatchObject({ heardBy: 'health person 901', seenAlone: 'not-applicable' });
    const bad = await apiCall(t)('POST', `/children/${baby.childId}/voice`, token, { kind: 'said', recordedOn: '2099-01-01', content: 'x', how: 'x', seenAlone: 'maybe' });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(expect.arrayContaining(['seenAlone']));
  });
});
