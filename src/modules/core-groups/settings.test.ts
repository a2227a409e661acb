/**
 * The partnership's minutes settings: its own headings and the checks it makes mandatory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';

let t: TestApp;
let f: Fixture;

const versionOf = (body: string) => body.match(/name="version" value="(\d+)"/)![1]!;

async function signedIn(key: string): Promise<Agent> {
  const a = t.agent();
  expect((await a.signIn(f.users[key]!.email, PASSWORD)).statusCode).toBe(303);
  return a;
}

beforeAll(async () => {
  t = await buildTestApp({}, new Date('2026-12-01T10:00:00Z'));
  f = await makePartnership(t.database.db);
});
afterAll(() => t.close());

describe('/admin/minutes', () => {
  it('is for partnership admins only', async () => {
    for (const key of ['worker', 'manager', 'qa']) {
      const a = await signedIn(key);
      expect((await a.get('/admin/minutes')).statusCode).toBe(403);
      expect((await a.post('/admin/minutes', { headings: 'x', version: '0' })).statusCode).toBe(403);
    }
  });

  it('shows the default headings, saves the partnership’s own and the mandatory checks, and refuses a stale save', async () => {
    const admin = await signedIn('admin');
    expect((await admin.get('/admin')).body).toContain('href="/admin/minutes"');
    const page = await admin.get('/admin/minutes');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Review of previous actions\nThe child’s voice and lived experience\nWhat is working well');
    expect(versionOf(page.body)).toBe('0');

    const empty = await admin.post('/admin/minutes', { headings: '  ', version: '0' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the headings, one a line');

    const ok = await admin.post('/admin/minutes', { headings: 'Actions from last time\nVoice of the child\nProgress for each outcome\nSafety analysis\nAnything else', mandatoryChecks: ['no-safety-judgement', 'no-child-voice'], version: '0' });
    expect(ok.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('partnership_settings').selectAll().where('partnership_id', '=', f.partnershipId).executeTakeFirstOrThrow();
    expect(row.minutes_headings).toEqual([
      { key: 'previous-actions', title: 'Actions from last time' },
      { key: 'child-voice', title: 'Voice of the child' },
      { key: 'progress', title: 'Progress for each outcome' },
      { key: 'safety-analysis', title: 'Safety analysis' },
      { key: 'anything-else', title: 'Anything else' },
    ]);
    expect(row.mandatory_minutes_checks).toEqual(['no-safety-judgement', 'no-child-voice']);
    const saved = await admin.get('/admin/minutes?saved=1');
    expect(saved.body).toContain('The minutes settings have been saved');
    expect(saved.body).toMatch(/value="no-child-voice" checked/);

    const stale = await admin.post('/admin/minutes', { headings: 'Only one', version: '0' });
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('Someone else changed the minutes settings');
    const again = await admin.post('/admin/minutes', { headings: 'Only one', version: versionOf(saved.body) });
    expect(again.statusCode).toBe(303);
    // restore for the next test
    const latest = await admin.get('/admin/minutes');
    await admin.post('/admin/minutes', { headings: 'Actions from last time\nVoice of the child\nProgress for each outcome\nSafety analysis\nAnything else', mandatoryChecks: ['no-safety-judgement'], version: versionOf(latest.body) });
  });

  it('meetings are minuted under the partnership’s headings, and its mandatory check blocks finalising', async () => {
    const { childId } = await makeChildOnPlan(t, f, { conferenceOn: '2026-11-13' });
    const sw = await signedIn('worker');
    await sw.get(`/children/${childId}/meetings/new`);
    const res = await sw.post(`/children/${childId}/meetings/new`, { 'heldOn-day': '1', 'heldOn-month': '12', 'heldOn-year': '2026', chairUserId: f.users.worker!.id });
    const url = res.headers.location as string;
    const page = await sw.get(url);
    for (const key of ['previous-actions', 'child-voice', 'progress', 'safety-analysis', 'anything-else']) expect(page.body).toContain(`name="minutes-${key}-text"`);
    expect(page.body).not.toContain('name="minutes-worries-text"');
    expect(page.body).toContain('nothing is recorded under “Voice of the child”');
    const refused = await sw.post(`${url}/finalise`, { version: versionOf(page.body) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Your partnership requires this before minutes are finalised: No judgement of safety');
    expect((await sw.post(`${url}/minutes`, { 'minutes-anything-else-text': 'Nothing else.', 'minutes-safety-analysis-text': 'Safer because the home is warm.', safetyScale: '7', version: versionOf(page.body) })).statusCode).toBe(303);
    const ready = await sw.get(url);
    expect((await sw.post(`${url}/finalise`, { version: versionOf(ready.body) })).statusCode).toBe(303);
    const row = await t.database.db.selectFrom('core_group_meetings').select(['minutes', 'status']).where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'finalised', minutes: { 'anything-else': 'Nothing else.', 'safety-analysis': 'Safer because the home is warm.' } });
  });
});
