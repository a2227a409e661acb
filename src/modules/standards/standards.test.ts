import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';
import { ChildRecords } from '../cases/record.js';
import { StandardsService } from './service.js';

let t: TestApp;
let f: Fixture;
const tokens: Record<string, string> = {};
const kids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

async function api(who: string, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

const stored = (childId: string, key: string) =>
  t.database.db.selectFrom('standard_results').selectAll().where('child_id', '=', childId).where('standard_key', '=', key).executeTakeFirst();

async function signedIn(who: string) {
  const a = t.agent();
  const res = await a.signIn(f.users[who]!.email, PASSWORD);
  expect(res.statusCode).toBe(303);
  return a;
}

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '931');
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  for (const who of ['worker', 'manager', 'qa', 'admin', 'health', 'auditor']) {
    const row = await t.database.db.selectFrom('users').select(['id', 'partnership_id']).where('id', '=', f.users[who]!.id).executeTakeFirstOrThrow();
    tokens[who] = (await auth.createToken(row, 'standards test', 30)).token;
  }
  // A: ICPC in time (North); B: ICPC late (strategy discussion 1 September, North); C: in time, moved to the South team
  kids.a = (await makeChildOnPlan(t, f, { firstName: 'Alpha', lastName: 'Standards' })).childId;
  kids.b = (await makeChildOnPlan(t, f, { firstName: 'Bravo', lastName: 'Standards', strategyOn: '2026-09-01' })).childId;
  kids.c = (await makeChildOnPlan(t, f, { firstName: 'Charlie', lastName: 'Standards' })).childId;
  await t.database.db.updateTable('children').set({ team_id: f.teams.south!, area_id: f.areas.South! }).where('id', '=', kids.c).execute();
}, 60_000);

afterAll(() => t.close());

describe('re-evaluation when the record changes', () => {
  it('several people viewing and changing the same child at once all succeed; storing its standards neither collides nor deadlocks', async () => {
    // Views (which store the child's results) and changes (which re-evaluate them) of one child, all at once
    const all = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 2
          ? api('worker', 'POST', `/api/v1/children/${kids.b}/family`, { name: `Relative ${i}`, relationship: 'other', livesWithChild: 'no', parentalResponsibility: 'no' })
          : api('worker', 'GET', `/api/v1/children/${kids.b}/standards`),
      ),
    );
    expect(all.map((r) => r.statusCode), all.map((r) => r.body).join("\n")).toEqual(Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? 201 : 200)));
    const rows = await t.database.db.selectFrom('standard_results').select('standard_key').where('child_id', '=', kids.b).execute();
    expect(new Set(rows.map((r) => r.standard_key)).size).toBe(rows.length);
  });

  it('saving a core group meeting re-evaluates the child in the same transaction (the afterChange hook)', async () => {
    // The fixture's child was made without the hook: nothing stored yet
    expect(await stored(kids.a, 'first-core-group')).toBeUndefined();
    const res = await api('worker', 'POST', `/api/v1/children/${kids.a}/meetings`, { heldOn: '2026-11-02', chairUserId: f.users.manager!.id });
    expect(res.statusCode, res.body).toBe(201);
    const meetingId = (res.json() as { id: string }).id;
    const r = await stored(kids.a, 'first-core-group');
    expect(r).toMatchObject({ status: 'met', due_on: '2026-11-09' });
    expect(JSON.stringify(r!.evidence)).toContain(meetingId);
    expect((await stored(kids.a, 'first-core-group-chair'))?.status).toBe('met');
    expect((await stored(kids.a, 'minutes-finalised'))).toMatchObject({ status: 'due', due_on: '2026-11-09' });
  });

  it('a visit to the child saved as a case entry re-evaluates the visits standard, with the visit as evidence', async () => {
    const visit = (visitedOn: string, seenAlone: string) => api('worker', 'POST', `/api/v1/children/${kids.c}/entries`, { kind: 'child-visit', data: { visitedOn, visitedBy: 'Sam', where: 'At school', seenAlone, notSeenAloneReason: seenAlone === 'yes' ? undefined : 'Mother would not leave the room.', notes: 'Seen at school.' } });
    const first = await visit('2026-10-30', 'yes');
    expect(first.statusCode, first.body).toBe(201);
    expect(await stored(kids.c, 'child-visits')).toMatchObject({ status: 'due', due_on: '2026-11-13' }); // Friday 30 October + 10 working days
    const second = await visit('2026-11-02', 'no');
    expect(second.statusCode, second.body).toBe(201);
    const r = await stored(kids.c, 'child-visits');
    expect(r).toMatchObject({ status: 'missed', reason: 'Not seen alone' });
    expect(JSON.stringify(r!.evidence)).toContain((second.json() as { id: string }).id);
  });

  it('a change that fails stores nothing', async () => {
    const before = await stored(kids.a, 'minutes-finalised');
    const res = await api('worker', 'POST', `/api/v1/children/${kids.a}/meetings`, { heldOn: 'not a date', chairUserId: f.users.manager!.id });
    expect(res.statusCode).toBe(400);
    expect((await stored(kids.a, 'minutes-finalised'))?.evaluated_at).toEqual(before?.evaluated_at);
  });
});

describe('the child’s standards', () => {
  it('the page shows each standard with its status, due date and evidence links', async () => {
    const a = await signedIn('worker');
    const res = await a.get(`/children/${kids.b}/standards`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Initial conference within 15 working days of the strategy discussion');
    expect(res.body).toMatch(/id="standard-icpc-timescale"[\s\S]*?Met late/);
    expect(res.body).toMatch(/id="standard-strategy-attendance"[\s\S]*?No participant from: health/);
    expect(res.body).toMatch(new RegExp(`href="/children/${kids.b}/conferences/[0-9a-f-]{36}"`));
    expect(res.body).not.toContain('Record an exception'); // the lead practitioner may not
  });

  it('viewing a child whose results have not changed writes nothing; a change that alters them stores them', async () => {
    const a = await signedIn('worker');
    expect((await a.get(`/children/${kids.a}/standards`)).statusCode).toBe(200);
    const first = await stored(kids.a, 'minutes-finalised');
    expect(first).toBeDefined();
    t.clock.advance(60_000);
    expect((await a.get(`/children/${kids.a}/standards`)).statusCode).toBe(200);
    expect((await stored(kids.a, 'minutes-finalised'))?.evaluated_at).toEqual(first!.evaluated_at);
    // Stored results that no longer match the record (as after a write the hook did not see) are replaced on the next view
    await t.database.db.updateTable('standard_results').set({ status: 'missed' }).where('child_id', '=', kids.a).where('standard_key', '=', 'minutes-finalised').execute();
    expect((await a.get(`/children/${kids.a}/standards`)).statusCode).toBe(200);
    const after = await stored(kids.a, 'minutes-finalised');
    expect(after?.status).toBe(first!.status);
    expect(after!.evaluated_at.getTime()).toBeGreaterThan(first!.evaluated_at.getTime());
  });

  it('the API gives the same results', async () => {
    const res = await api('worker', 'GET', `/api/v1/children/${kids.b}/standards`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { asOf: string; items: { key: string; status: string; dueOn: string | null }[] };
    expect(body.asOf).toBe('2026-11-02');
    // 1 September 2026 + 15 working days = 22 September
    expect(body.items.find((i) => i.key === 'icpc-timescale')).toMatchObject({ status: 'met-late', dueOn: '2026-09-22' });
  });

  it('the child’s manager records an exception; the standard becomes excepted', async () => {
    const m = await signedIn('manager');
    await m.get(`/children/${kids.b}/standards/exceptions/new`);
    const bad = await m.post(`/children/${kids.b}/standards/exceptions/new`, { key: '', reason: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    const ok = await m.post(`/children/${kids.b}/standards/exceptions/new`, { key: 'strategy-attendance', reason: 'Health joined by telephone; not minuted' });
    expect(ok.statusCode).toBe(303);
    expect(await stored(kids.b, 'strategy-attendance')).toMatchObject({ status: 'excepted', reason: 'Health joined by telephone; not minuted' });
    expect(ok.headers.location).toBe(`/children/${kids.b}/standards?saved=1`);
    const page = await m.get(String(ok.headers.location));
    expect(page.body).toContain('Exception recorded');
  });
});

describe('the dashboard', () => {
  beforeAll(async () => {
    const svc = new StandardsService(new ChildRecords(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock)));
    expect(await svc.recomputePartnership(f.partnershipId)).toEqual({ children: 3 });
  });

  type Figures = { scope: string; areas: { id: string; name: string }[]; standards: { key: string; total: Record<string, number | null>; byArea: Record<string, Record<string, number | null>> }[] };
  const icpc = (d: Figures) => d.standards.find((s) => s.key === 'icpc-timescale')!;

  it('a QA lead sees the partnership: ICPC met for 2 of 3 children, by area', async () => {
    const res = await api('qa', 'GET', '/api/v1/standards');
    expect(res.statusCode).toBe(200);
    const d = res.json() as Figures;
    expect(d.scope).toBe('partnership');
    expect(icpc(d).total).toMatchObject({ met: 2, 'met-late': 1, overdue: 0, total: 3, compliance: 66.7 });
    expect(icpc(d).byArea[f.areas.North!]).toMatchObject({ met: 1, 'met-late': 1, compliance: 50 });
    expect(icpc(d).byArea[f.areas.South!]).toMatchObject({ met: 1, 'met-late': 0, compliance: 100 });
    // Excepted is counted apart and out of compliance
    expect(d.standards.find((s) => s.key === 'strategy-attendance')!.total).toMatchObject({ missed: 2, excepted: 1, compliance: 0 });
  });

  it('a team manager sees their team’s children only', async () => {
    const d = (await api('manager', 'GET', '/api/v1/standards')).json() as Figures;
    expect(d.scope).toBe('team');
    expect(icpc(d).total).toMatchObject({ met: 1, 'met-late': 1, total: 2 });
    expect(icpc(d).byArea[f.areas.South!]).toMatchObject({ total: 0 });
  });

  it('the page is a table with a link behind every number', async () => {
    const a = await signedIn('qa');
    const res = await a.get('/standards');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<caption class="govuk-table__caption govuk-table__caption--m">Children by status</caption>');
    expect(res.body).toContain('href="/standards/icpc-timescale?status=met-late"');
    expect(res.body).toContain(`href="/standards/icpc-timescale?area=${f.areas.South}"`);
  });

  it('practitioners and auditors are refused', async () => {
    expect((await api('worker', 'GET', '/api/v1/standards')).statusCode).toBe(403);
    expect((await api('auditor', 'GET', '/api/v1/standards')).statusCode).toBe(403);
  });
});

describe('drill-down', () => {
  it('a manager sees the names of their team’s children behind a number', async () => {
    const a = await signedIn('manager');
    const res = await a.get('/standards/icpc-timescale?status=met-late');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Bravo Standards');
    expect(res.body).not.toContain('Alpha Standards');
    const south = await a.get(`/standards/icpc-timescale?area=${f.areas.South}`);
    expect(south.body).not.toContain('Charlie Standards'); // another team's child: not in the manager's figures
    expect(south.body).toContain('<strong>0</strong> children');
  });

  it('a QA lead gets the number but no names', async () => {
    const a = await signedIn('qa');
    const res = await a.get('/standards/icpc-timescale');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<strong>3</strong> children');
    expect(res.body).toContain('3 of them are not shown');
    for (const name of ['Alpha', 'Bravo', 'Charlie']) expect(res.body).not.toContain(`${name} Standards`);
  });

  it('a bad filter is a 400, an unknown standard a 404', async () => {
    const a = await signedIn('qa');
    expect((await a.get('/standards/icpc-timescale?status=nope')).statusCode).toBe(400);
    expect((await a.get('/standards/no-such-standard')).statusCode).toBe(404);
  });
});
