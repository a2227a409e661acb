/**
 * The work queues: minutes to finalise and share, meetings due (in working days, with the
 * partnership's closure days), and the team manager's view of the team.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';
import { systemActor } from '../../lib/actor.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';
import { PartnershipService } from '../partnership/service.js';

let t: TestApp;
let f: Fixture;
const kids: Record<string, string> = {};
const people: Record<string, { id: string; email: string }> = {};

async function signedIn(email: string): Promise<Agent> {
  const a = t.agent();
  expect((await a.signIn(email, PASSWORD)).statusCode).toBe(303);
  return a;
}

beforeAll(async () => {
  t = await buildTestApp({}, new Date('2026-11-30T10:00:00Z'));
  const db = t.database.db;
  f = await makePartnership(db);
  const accessLog = new AccessLogService(db, t.clock);
  const svc = new PartnershipService(db, t.clock, accessLog, new AuthService(db, t.clock, t.config, accessLog));
  const sys = systemActor(f.partnershipId, 'test');
  for (const [key, role] of [
    ['southManager', 'team-manager'],
    ['southWorker', 'practitioner'],
  ] as const) {
    const email = `${key}@test.assure.example`;
    const u = await svc.addUser(sys, { email, name: `${key} person`, role, agencyId: f.agencies.csc!, teamId: f.teams.south!, password: PASSWORD });
    people[key] = { id: u.id, email };
  }
  // A closure day of the partnership moves the first core group a working day later.
  await db.insertInto('partnership_settings').values({ partnership_id: f.partnershipId, minutes_headings: '[]', mandatory_minutes_checks: '[]', closure_days: JSON.stringify(['2026-11-23']) }).execute();

  // Amy: plan from 20 November, no meeting yet: first core group due 10 working days later, 7 December (4 without the closure day).
  kids.amy = (await makeChildOnPlan(t, f, { firstName: 'Amy', strategyOn: '2026-11-10', conferenceOn: '2026-11-20' })).childId;
  // Ben: last met 8 October: the next was due on 19 November, overdue.
  const ben = await makeChildOnPlan(t, f, { firstName: 'Ben', strategyOn: '2026-09-20', conferenceOn: '2026-10-01' });
  kids.ben = ben.childId;
  // Cal: a child of the south team.
  const cal = await makeChildOnPlan(t, f, { firstName: 'Cal', strategyOn: '2026-11-10', conferenceOn: '2026-11-20' });
  kids.cal = cal.childId;
  await db.updateTable('children').set({ team_id: f.teams.south!, lead_user_id: people.southWorker!.id }).where('id', '=', cal.childId).execute();
  // Dot: a finalised meeting not shared, then a draft waiting to be finalised.
  const dot = await makeChildOnPlan(t, f, { firstName: 'Dot', strategyOn: '2026-10-20', conferenceOn: '2026-11-02' });
  kids.dot = dot.childId;

  const meeting = (childId: string, planId: string, heldOn: string, status: 'draft' | 'finalised', chair: string, chairIsManager: boolean) =>
    db
      .insertInto('core_group_meetings')
      .values({ partnership_id: f.partnershipId, child_id: childId, plan_id: planId, held_on: heldOn, status, chair_user_id: chair, chair_is_manager: chairIsManager, minutes: '{}', ...(status === 'finalised' ? { finalised_at: new Date(`${heldOn}T15:00:00Z`) } : {}) })
      .execute();
  await meeting(ben.childId, ben.planId, '2026-10-08', 'finalised', f.users.worker!.id, false);
  await db.updateTable('core_group_meetings').set({ shared_professionals_on: '2026-10-09', shared_family_on: '2026-10-12' }).where('child_id', '=', ben.childId).execute();
  await meeting(dot.childId, dot.planId, '2026-11-09', 'finalised', f.users.manager!.id, true);
  await meeting(dot.childId, dot.planId, '2026-11-16', 'draft', f.users.manager!.id, true);
  await meeting(cal.childId, cal.planId, '2026-11-27', 'draft', people.southManager!.id, true);
});
afterAll(() => t.close());

const rowsOf = (body: string, id: string) => {
  const start = body.indexOf(`id="${id}"`);
  const rest = body.slice(start);
  const end = rest.indexOf('<h2', 10);
  return end === -1 ? rest : rest.slice(0, end);
};

describe('/my/work', () => {
  it('lists the meetings due, computed in working days with the partnership’s closure days', async () => {
    const sw = await signedIn(f.users.worker!.email);
    const page = await sw.get('/my/work');
    expect(page.statusCode).toBe(200);
    const due = rowsOf(page.body, 'meetings-due');
    expect(due).toContain('Amy Testchild');
    expect(due).toContain('data-due="2026-12-07">7 December 2026');
    expect(due).toContain('First core group (plan started 20 November 2026)');
    expect(due).toContain('Ben Testchild');
    expect(due).toMatch(/data-due="2026-11-19">19 November 2026\s*<strong class="govuk-tag govuk-tag--red">\s*Overdue/);
    expect(due).not.toContain('Dot Testchild'); // met on 16 November: next due 28 December
    expect(due).not.toContain('Cal Testchild'); // not led by this worker
    expect(due.indexOf('Ben Testchild')).toBeLessThan(due.indexOf('Amy Testchild'));
  });

  it('lists minutes to finalise and to share for the children the person leads, chairs or manages', async () => {
    const sw = await signedIn(f.users.worker!.email);
    const page = await sw.get('/my/work');
    const toFinalise = rowsOf(page.body, 'to-finalise');
    expect(toFinalise).toContain('Dot Testchild');
    expect(toFinalise).toContain('16 November 2026');
    expect(toFinalise).toContain('14 days since the meeting');
    expect(toFinalise).not.toContain('Cal Testchild');
    const toShare = rowsOf(page.body, 'to-share');
    expect(toShare).toContain('Dot Testchild');
    expect(toShare).toContain('professionals and family');
    expect(toShare).not.toContain('Ben Testchild'); // shared with both

    const southManager = await signedIn(people.southManager!.email);
    const theirs = await southManager.get('/my/work');
    expect(rowsOf(theirs.body, 'to-finalise')).toContain('Cal Testchild');
    expect(rowsOf(theirs.body, 'to-finalise')).not.toContain('Dot Testchild');
    expect(rowsOf(theirs.body, 'meetings-due')).not.toContain('Amy Testchild');
  });

  it('shows nothing of other people’s children to a partner practitioner', async () => {
    const hv = await signedIn(f.users.health!.email);
    const page = await hv.get('/my/work');
    expect(page.statusCode).toBe(200);
    for (const name of ['Amy', 'Ben', 'Cal', 'Dot']) expect(page.body).not.toContain(`${name} Testchild`);
  });

  it('the API gives the same queues', async () => {
    const accessLog = new AccessLogService(t.database.db, t.clock);
    const token = (await new AuthService(t.database.db, t.clock, t.config, accessLog).createToken({ id: f.users.manager!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/my/work', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.meetingsDue.map((d: { child: string; dueOn: string; first: boolean }) => [d.child, d.dueOn, d.first])).toEqual([
      ['Ben Testchild', '2026-11-19', false],
      ['Amy Testchild', '2026-12-07', true],
    ]);
    expect(body.minutesToFinalise.map((m: { child: string }) => m.child)).toEqual(['Dot Testchild']);
    expect(body.minutesToShare).toEqual([expect.objectContaining({ child: 'Dot Testchild', heldOn: '2026-11-09', notSharedWith: ['professionals', 'family'] })]);
  });
});

describe('/team', () => {
  it('lists only the manager’s own team’s children on a plan, with how their core groups run', async () => {
    const manager = await signedIn(f.users.manager!.email);
    const page = await manager.get('/team');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your team: Safeguarding North');
    for (const name of ['Amy', 'Ben', 'Dot']) expect(page.body).toContain(`${name} Testchild`);
    expect(page.body).not.toContain('Cal Testchild');
    const row = (name: string) => page.body.slice(page.body.indexOf(`${name} Testchild`), page.body.indexOf('</tr>', page.body.indexOf(`${name} Testchild`)));
    expect(row('Ben')).toMatch(/60[\s\S]*8 October 2026[\s\S]*19 November 2026[\s\S]*Overdue[\s\S]*>0<[\s\S]*>No/);
    expect(row('Dot')).toMatch(/28[\s\S]*16 November 2026[\s\S]*28 December 2026[\s\S]*>1<[\s\S]*>Yes/);
    expect(row('Amy')).toContain('No meeting yet');

    const south = await signedIn(people.southManager!.email);
    const theirs = await south.get('/team');
    expect(theirs.body).toContain('Cal Testchild');
    for (const name of ['Amy', 'Ben', 'Dot']) expect(theirs.body).not.toContain(`${name} Testchild`);
  });

  it('is for team managers only', async () => {
    for (const key of ['worker', 'health', 'chair', 'admin']) {
      const a = await signedIn(f.users[key]!.email);
      expect((await a.get('/team')).statusCode).toBe(403);
    }
  });
});
