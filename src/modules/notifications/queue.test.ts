/**
 * /my/standards (for me, my team, my agency, from the stored standards results) and the
 * reminder setting on /account/notifications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';
import { ChildRecords } from '../cases/record.js';
import { StandardsService } from '../standards/service.js';

let t: TestApp;
let f: Fixture;
let a: string;
let b: string;
let workerToken: string;

async function signedIn(email: string): Promise<Agent> {
  const agent = t.agent();
  expect((await agent.signIn(email, PASSWORD)).statusCode).toBe(303);
  return agent;
}
/** The part of the page under the heading with this id, up to the next h2. */
function section(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) return '';
  const next = html.indexOf('<h2', at + 1);
  return html.slice(at, next < 0 ? undefined : next);
}

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
  const db = t.database.db;
  const childA = await makeChildOnPlan(t, f, { firstName: 'Ottilie', lastName: 'Ashgrove' });
  a = childA.childId;
  b = (await makeChildOnPlan(t, f, { firstName: 'Cassius', lastName: 'Brambleton' })).childId;
  const auth = new AuthService(db, t.clock, t.config, new AccessLogService(db, t.clock));
  const workerRow = await db.selectFrom('users').select(['id', 'partnership_id']).where('id', '=', f.users.worker!.id).executeTakeFirstOrThrow();
  workerToken = (await auth.createToken(workerRow, 'queue test', 90)).token;
  const api = async (url: string, payload: unknown) => {
    const res = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${workerToken}`, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  };
  // The health practitioner joins A's core group; an action of A's plan is owned by the social worker (social care)
  await api(`/api/v1/children/${a}/core-group/members`, { kind: 'user', userId: f.users.health!.id, role: 'Health visitor', joinedOn: '2026-10-26' });
  await api(`/api/v1/children/${a}/plan/actions`, { outcomeId: childA.outcomeIds[0], what: 'Arrange nursery place', ownerUserId: f.users.worker!.id, dueOn: '2026-11-20', doneMeasure: 'Place agreed', workedMeasure: 'Attends' });
  t.clock.set(new Date('2026-12-14T09:00:00Z'));
  await new StandardsService(new ChildRecords(db, t.clock, new AccessLogService(db, t.clock))).recomputePartnership(f.partnershipId);
}, 60_000);

afterAll(() => t?.close());

describe('/my/standards', () => {
  it('shows the lead practitioner what is due and overdue for the children they lead, linked to each child’s standards', async () => {
    const page = await (await signedIn(f.users.worker!.email)).get('/my/standards');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1 class="govuk-heading-l">Practice standards due</h1>');
    const mine = section(page.body, 'mine');
    for (const [id, name] of [[a, 'Ottilie Ashgrove'], [b, 'Cassius Brambleton']] as const) {
      expect(mine).toContain(`href="/children/${id}/standards">${name}`);
    }
    expect(mine).toContain('First core group within 10 working days');
    expect(mine).toContain('Plan actions done by their date');
    expect(mine).toContain('Overdue');
    expect(page.body).not.toContain('id="team"');
  });

  it('shows a team manager their team’s children under their team', async () => {
    const page = await (await signedIn(f.users.manager!.email)).get('/my/standards');
    const team = section(page.body, 'team');
    expect(team).toContain('Ottilie Ashgrove');
    expect(team).toContain('Cassius Brambleton');
    expect(section(page.body, 'mine')).toContain('Nothing is due or overdue');
  });

  it('shows an agency what concerns it: results naming another agency stay out; children it is not on the core group of are not there', async () => {
    const page = await (await signedIn(f.users.health!.email)).get('/my/standards');
    expect(page.statusCode).toBe(200);
    expect(section(page.body, 'mine')).toContain('Nothing is due or overdue');
    const agency = section(page.body, 'agency');
    expect(agency).toContain('Ottilie Ashgrove');
    expect(agency).toContain('First core group within 10 working days');
    // The overdue action is social care's, not health's
    expect(agency).not.toContain('Plan actions done by their date');
    expect(page.body).not.toContain('Cassius Brambleton');
  });

  it('shows nothing of children a person may not see', async () => {
    const page = await (await signedIn(f.users.auditor!.email)).get('/my/standards');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Ashgrove');
    expect(page.body).not.toContain('Brambleton');
  });

  it('is in the API with the same figures', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/my/standards', headers: { authorization: `Bearer ${workerToken}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { overdue: number; mine: { childId: string; status: string; standard: string }[]; team: unknown[] };
    expect(body.mine.some((i) => i.childId === a && i.standard === 'actions-on-time' && i.status === 'overdue')).toBe(true);
    expect(body.overdue).toBe(body.mine.filter((i) => i.status === 'overdue').length);
    expect(body.team).toEqual([]);
  });

  it('is linked from /my/work', async () => {
    expect((await (await signedIn(f.users.worker!.email)).get('/my/work')).body).toContain('href="/my/standards"');
  });
});

describe('/account/notifications', () => {
  const checked = (html: string) => html.match(/value="(\w+)" checked/)?.[1];

  it('defaults to daily for practitioners and managers, off for others', async () => {
    expect(checked((await (await signedIn(f.users.worker!.email)).get('/account/notifications')).body)).toBe('daily');
    expect(checked((await (await signedIn(f.users.manager!.email)).get('/account/notifications')).body)).toBe('daily');
    expect(checked((await (await signedIn(f.users.auditor!.email)).get('/account/notifications')).body)).toBe('off');
  });

  it('is linked from /account and saves the choice; a wrong value is shown again with an error', async () => {
    const agent = await signedIn(f.users.worker!.email);
    expect((await agent.get('/account')).body).toContain('href="/account/notifications"');
    await agent.get('/account/notifications');
    const bad = await agent.post('/account/notifications', { digest: 'hourly' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('Select how often you want the reminder e-mail');
    const saved = await agent.post('/account/notifications', { digest: 'weekly' });
    expect(saved.statusCode).toBe(303);
    const page = await agent.get(String(saved.headers.location));
    expect(page.body).toContain('Your reminder setting has been saved');
    expect(checked(page.body)).toBe('weekly');
    // Mail is not set up in this test app: the page says so
    expect(page.body).toContain('no mail server set up');
  });
});
