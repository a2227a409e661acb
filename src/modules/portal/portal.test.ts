import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';
import { addMeeting, childOnPlan } from '../casework/testing.js';
import { invitationStatus, submissionText } from './service.js';

let t: TestApp;
let f: Fixture;
let child: { childId: string; conferenceId: string; planId: string };
let meetingId: string;
let sharedMeetingId: string;
let motherId: string;
const NAME = 'Zephyrine';
const SURNAME = 'Testchild';

const signIn = async (key: string) => {
  const a = t.agent();
  await a.signIn(f.users[key]!.email, PASSWORD);
  return a;
};

/** Creates a link as the social worker; returns its path (shown once). */
async function createLink(fields: Record<string, string>): Promise<string> {
  const sw = await signIn('worker');
  await sw.get(`/children/${child.childId}/invitations`);
  const res = await sw.post(`/children/${child.childId}/invitations`, { familyMemberId: '', 'expiresOn-day': '', 'expiresOn-month': '', 'expiresOn-year': '', code: '', ...fields });
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const m = res.body.match(/\/v\/([A-Za-z0-9_-]{43})/);
  expect(m).not.toBeNull();
  return `/v/${m![1]}`;
}

/** Nothing about the child on a refusal page. */
function leaksNothing(body: string) {
  expect(body).not.toContain(NAME);
  expect(body).not.toContain(SURNAME);
  expect(body).not.toContain(child.childId);
}

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
  child = await childOnPlan(t, f, { laChildId: 'PT-0001', firstName: NAME, dateOfBirth: '2018-03-10' });
  meetingId = await addMeeting(t, f, child.childId, child.planId, '2026-11-16');
  sharedMeetingId = await addMeeting(t, f, child.childId, child.planId, '2026-10-30');
  const db = t.database.db;
  await db
    .updateTable('core_group_meetings')
    .set({ status: 'finalised', finalised_at: new Date('2026-10-31T10:00:00Z'), family_copy: 'We met and agreed the plan.\nEveryone will meet again in four weeks.', shared_family_on: '2026-10-31' })
    .where('id', '=', sharedMeetingId)
    .execute();
  const outcome = await db.insertInto('plan_outcomes').values({ partnership_id: f.partnershipId, plan_id: child.planId, child_id: child.childId, title: 'Zephyrine goes to school every day', created_by: null, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('plan_actions')
    .values({ partnership_id: f.partnershipId, plan_id: child.planId, child_id: child.childId, outcome_id: outcome.id, what: 'Walk to school together', owner_user_id: null, owner_name: 'Mum', owner_agency_id: f.agencies.csc!, due_on: '2026-12-01', done_measure: 'Register shows attendance', worked_measure: 'Attendance above 95%', created_by: null, updated_at: new Date() })
    .execute();
  const fm = await db.insertInto('family_members').values({ partnership_id: f.partnershipId, child_id: child.childId, name: 'Alex Testparent', relationship: 'Mother', lives_with_child: true, parental_responsibility: true, contact: null, notes: null, created_by: null, updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  motherId = fm.id;
});
afterAll(() => t.close());

describe('rules', () => {
  it('status of a link', () => {
    expect(invitationStatus({ status: 'open', expires_on: '2026-11-02', failed_attempts: 0 }, '2026-11-02')).toBe('open');
    expect(invitationStatus({ status: 'open', expires_on: '2026-11-01', failed_attempts: 0 }, '2026-11-02')).toBe('expired');
    expect(invitationStatus({ status: 'open', expires_on: '2026-11-05', failed_attempts: 5 }, '2026-11-02')).toBe('locked');
    expect(invitationStatus({ status: 'revoked', expires_on: '2026-11-05', failed_attempts: 0 }, '2026-11-02')).toBe('revoked');
  });
  it('the submission as text leaves blank answers out', () => {
    expect(submissionText('younger-child', { feeling: 'happy', worries: ' ', goodThings: 'My dog', dreams: '' })).toBe('How I feel: 🙂 Happy\n\nMy house of good things:\nMy dog');
  });
});

describe('creating links', () => {
  it('refuses a family copy of a meeting that is not finalised, and a parent link without a family member', async () => {
    const sw = await signIn('worker');
    const page = await sw.get(`/children/${child.childId}/invitations`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('does not send e-mails');
    const bad = await sw.post(`/children/${child.childId}/invitations`, { kind: 'family-copy', familyMemberId: motherId, target: `meeting:${meetingId}` });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#target"');
    const badCode = await sw.post(`/children/${child.childId}/invitations`, { kind: 'young-person', target: `meeting:${meetingId}`, code: '12' });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.body).toContain('The code must be 6 numbers');
    const bad2 = await sw.post(`/children/${child.childId}/invitations`, { kind: 'parent', familyMemberId: '', target: `meeting:${meetingId}` });
    expect(bad2.statusCode).toBe(400);
    expect(bad2.body).toContain('href="#familyMemberId"');
  });

  it('keeps only the hash of the token and the code', async () => {
    const link = await createLink({ kind: 'young-person', target: `meeting:${meetingId}`, code: '135790' });
    const row = await t.database.db.selectFrom('portal_invitations').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(link.slice(3));
    expect(JSON.stringify(row)).not.toContain('135790');
    expect(row.expires_on).toBe('2026-11-15');
  });
});

describe('a link refused leaks nothing', () => {
  it('unknown, malformed, expired, revoked and used links all get the same neutral page', async () => {
    const anon = t.agent();
    const unknown = await anon.get(`/v/${'a'.repeat(43)}`);
    const malformed = await anon.get('/v/abc');
    expect(unknown.statusCode).toBe(404);
    expect(malformed.statusCode).toBe(404);
    expect(unknown.body).toContain('This link cannot be used');
    expect(unknown.headers['cache-control']).toBe('no-store');
    expect(unknown.headers['referrer-policy']).toBe('no-referrer');

    const toRevoke = await createLink({ kind: 'young-person', target: `meeting:${meetingId}` });
    expect((await anon.get(toRevoke)).body).toContain(NAME);
    const sw = await signIn('worker');
    const list = await sw.get(`/children/${child.childId}/invitations`);
    const id = [...list.body.matchAll(/invitations\/([0-9a-f-]{36})\/revoke/g)].map((m) => m[1]!);
    for (const one of id) expect((await sw.post(`/children/${child.childId}/invitations/${one}/revoke`)).statusCode).toBe(303);
    const revoked = await anon.get(toRevoke);
    expect(revoked.statusCode).toBe(404);
    leaksNothing(revoked.body);
    const refusals = await t.database.db.selectFrom('access_log').select(['details', 'actor']).where('subject_id', '=', child.childId).where('action', '=', 'portal-view').execute();
    expect(refusals.some((l) => (l.details as { refused?: string }).refused === 'revoked' && l.actor === 'system:portal')).toBe(true);
    expect((await anon.post(`${toRevoke}`, { action: 'submit', goingWell: 'x' })).statusCode).toBe(404);

    const sw2 = await signIn('worker');
    await sw2.get(`/children/${child.childId}/invitations`);
    const res = await sw2.post(`/children/${child.childId}/invitations`, { kind: 'young-person', target: `meeting:${meetingId}`, 'expiresOn-day': '3', 'expiresOn-month': '11', 'expiresOn-year': '2026' });
    const toExpire = res.body.match(/\/v\/[A-Za-z0-9_-]{43}/)![0];
    expect((await anon.get(toExpire)).statusCode).toBe(200);
    t.clock.advance(2 * 24 * 3600 * 1000);
    try {
      const expired = await anon.get(toExpire);
      expect(expired.statusCode).toBe(404);
      leaksNothing(expired.body);
      const strip = (b: string) => b.replace(/nonce="[^"]*"/g, '').replace(/value="[^"]*"/g, '');
      expect(strip(expired.body)).toBe(strip(unknown.body));
      expect(strip(revoked.body)).toBe(strip(unknown.body));
    } finally {
      t.clock.advance(-2 * 24 * 3600 * 1000);
    }
  });

  it('asks for the code first, counts wrong guesses, and locks after 5 (told plainly)', async () => {
    const link = await createLink({ kind: 'younger-child', target: `meeting:${meetingId}`, code: '246810' });
    const anon = t.agent();
    const first = await anon.get(link);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Enter your code');
    leaksNothing(first.body);
    expect(first.headers['cache-control']).toBe('no-store');
    // The form cannot be reached or posted without the code
    const sneak = await anon.post(link, { action: 'submit', worries: 'x' });
    expect(sneak.statusCode).toBe(403);
    leaksNothing(sneak.body);
    for (let i = 1; i <= 4; i++) {
      const wrong = await anon.post(`${link}/code`, { code: String(100000 + i) });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain(`${5 - i} ${5 - i === 1 ? 'try' : 'tries'} left`);
      leaksNothing(wrong.body);
    }
    const fifth = await anon.post(`${link}/code`, { code: '999999' });
    expect(fifth.statusCode).toBe(423);
    expect(fifth.body).toContain('entered wrongly 5 times');
    leaksNothing(fifth.body);
    // Even the right code no longer opens it, from any browser
    const right = await t.agent().post(`${link}/code`, { code: '246810' }, { csrf: null });
    expect(right.statusCode).toBe(403);
    const again = await t.agent().get(link);
    expect(again.statusCode).toBe(423);
    leaksNothing(again.body);
    const log = await t.database.db.selectFrom('access_log').select(['action', 'actor', 'details']).where('subject_id', '=', child.childId).where('action', '=', 'portal-view').execute();
    expect(log.filter((l) => (l.details as { code?: string }).code === 'wrong').length).toBeGreaterThanOrEqual(5);
    expect(log.every((l) => l.actor === 'system:portal')).toBe(true);
  });

  it('refuses a post without the CSRF token', async () => {
    const link = await createLink({ kind: 'young-person', target: `meeting:${meetingId}` });
    const anon = t.agent();
    await anon.get(link);
    const res = await anon.post(link, { action: 'save', goingWell: 'x' }, { csrf: null });
    expect(res.statusCode).toBe(403);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('giving views through a link', () => {
  it('a child with a code saves, comes back, and sends the three houses once; it lands in the record linked to the meeting', async () => {
    const link = await createLink({ kind: 'younger-child', target: `meeting:${meetingId}`, code: '112233' });
    const anon = t.agent();
    await anon.get(link);
    const ok = await anon.post(`${link}/code`, { code: '112 233' });
    expect(ok.statusCode).toBe(303);
    const form = await anon.get(link);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`Tell us what you think, ${NAME}`);
    expect(form.body).toContain('My house of worries');
    const saved = await anon.post(link, { action: 'save', feeling: 'okay', worries: 'When mum and dad shout', goodThings: '', dreams: '' });
    expect(saved.statusCode).toBe(303);
    const back = await anon.get(String(saved.headers.location));
    expect(back.body).toContain('Saved. You can come back');
    expect(back.body).toContain('When mum and dad shout');
    const empty = await anon.post(link, { action: 'submit', feeling: '', worries: '', goodThings: '', dreams: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write something in at least one box');
    const sent = await anon.post(link, { action: 'submit', feeling: 'okay', worries: 'When mum and dad shout', goodThings: 'My friend Sam', dreams: 'A dog' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/v/thanks');
    const used = await anon.get(link);
    expect(used.statusCode).toBe(404);
    leaksNothing(used.body);
    expect((await anon.post(link, { action: 'submit', worries: 'again' })).statusCode).toBe(404);

    const entries = await t.database.db.selectFrom('voice_entries').selectAll().where('child_id', '=', child.childId).where('kind', '=', 'submission').execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]!.meeting_id).toBe(meetingId);
    expect(entries[0]!.heard_by_name).toBe('Submitted through a link by the child');
    expect(entries[0]!.content).toContain('My house of dreams:\nA dog');
    const log = await t.database.db.selectFrom('access_log').select(['action', 'actor', 'record_id']).where('subject_id', '=', child.childId).where('action', '=', 'portal-submit').execute();
    expect(log).toEqual([{ action: 'portal-submit', actor: 'system:portal', record_id: entries[0]!.id }]);

    const sw = await signIn('worker');
    const voice = await sw.get(`/children/${child.childId}/voice?meeting=${meetingId}`);
    expect(voice.body).toContain('A dog');
    expect(voice.body).toContain('Submitted through a link by the child');
  });

  it('a parent sends their views; the family copy is read and agreed with', async () => {
    const link = await createLink({ kind: 'parent', familyMemberId: motherId, target: `meeting:${meetingId}` });
    const anon = t.agent();
    const form = await anon.get(link);
    expect(form.body).toContain('What do you want to happen?');
    const sent = await anon.post(link, { action: 'submit', goingWell: 'School mornings', worries: '', wantToHappen: 'More help at home', whoAtMeeting: 'My sister', meetingShouldKnow: '' });
    expect(sent.statusCode).toBe(303);
    const entry = await t.database.db.selectFrom('voice_entries').selectAll().where('child_id', '=', child.childId).where('content', 'like', '%More help at home%').executeTakeFirstOrThrow();
    expect(entry.heard_by_name).toBe('Submitted through a link by a parent (Alex Testparent, Mother)');
    expect(entry.meeting_id).toBe(meetingId);

    const copy = await createLink({ kind: 'family-copy', familyMemberId: motherId, target: `meeting:${sharedMeetingId}` });
    const page = await anon.get(copy);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('We met and agreed the plan.');
    expect(page.body).toContain('Walk to school together');
    expect(page.body).toContain('Attendance above 95%');
    const none = await anon.post(`${copy}/response`, { comment: '' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('href="#agrees"');
    const agreed = await anon.post(`${copy}/response`, { agrees: 'no', comment: 'The plan does not say who helps in the mornings.' });
    expect(agreed.statusCode).toBe(303);
    expect((await anon.get(copy)).statusCode).toBe(404);
    const sw = await signIn('worker');
    const list = await sw.get(`/children/${child.childId}/invitations?meeting=${sharedMeetingId}`);
    expect(list.body).toContain('Family’s response');
    expect(list.body).toContain('No, does not agree');
    expect(list.body).toContain('who helps in the mornings');
  });
});
