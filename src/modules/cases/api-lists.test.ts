/**
 * The API's lists: one pagination contract (page, pageSize → items, page, pageSize, total), the
 * filters of each list, 400s that name the field, lists bounded by who may see what, and reads
 * of a child's record access-logged as the pages are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../lib/validation.js';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService, userActor } from '../auth/service.js';
import { insertImportRun } from '../imports/repository.js';
import { ChildRecords } from './record.js';
import { newChildSchema } from './schemas.js';
import { CasesService } from './service.js';

let t: TestApp;
let f: Fixture;
let other: Fixture;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

type Page<T = Record<string, unknown>> = { items: T[]; page: number; pageSize: number; total: number };

async function get(who: string, url: string) {
  return t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${tokens[who]}` } });
}
async function page<T = Record<string, unknown>>(who: string, url: string): Promise<Page<T>> {
  const res = await get(who, url);
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Page<T>;
}
const names = (p: Page) => p.items.map((c) => `${String(c.firstName)} ${String(c.lastName)}`);

beforeAll(async () => {
  t = await buildTestApp();
  const db = t.database.db;
  f = await makePartnership(db, '901');
  other = await makePartnership(db, '902');
  const accessLog = new AccessLogService(db, t.clock);
  const auth = new AuthService(db, t.clock, t.config, accessLog);
  for (const key of ['worker', 'health', 'manager', 'admin', 'qa']) tokens[key] = (await auth.createToken({ id: f.users[key]!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
  tokens.elsewhere = (await auth.createToken({ id: other.users.worker!.id, partnership_id: other.partnershipId }, 'test', 30)).token;
  tokens.elsewhereAdmin = (await auth.createToken({ id: other.users.admin!.id, partnership_id: other.partnershipId }, 'test', 30)).token;

  // Six children led by the worker (team North): three on a plan, two never on one, one whose plan ended
  const plans = [
    { firstName: 'Ada', lastName: 'Apple', categories: ['NEG' as const] },
    { firstName: 'Ben', lastName: 'Birch', categories: ['PHY' as const] },
    { firstName: 'Cal', lastName: 'Cedar', categories: ['NEG' as const] },
  ];
  for (const p of plans) ids[p.firstName] = (await makeChildOnPlan(t, f, { ...p, laChildId: `API-${p.firstName.toUpperCase()}` })).childId;
  const cases = new CasesService(new ChildRecords(db, t.clock, accessLog));
  const worker = userActor(await db.selectFrom('users').selectAll().where('id', '=', f.users.worker!.id).executeTakeFirstOrThrow());
  for (const [firstName, lastName] of [
    ['Dee', 'Dogwood'],
    ['Eve', 'Elm'],
    ['Fay', 'Fir'],
  ] as const) {
    ids[firstName] = await cases.create(
      worker,
      parse(newChildSchema, { laChildId: `API-${firstName.toUpperCase()}`, firstName, lastName, sex: 'not-known', dateOfBirth: '2020-02-02', referralReceivedOn: '2026-10-01', referralSummary: 'Synthetic referral.' }),
    );
  }
  await db.insertInto('cp_plans').values({ partnership_id: f.partnershipId, child_id: ids.Fay!, started_on: '2024-01-10', ended_on: '2025-03-01', initial_category: 'EMO', latest_category: 'EMO', previous_plans: 0 }).execute();
  // Two of them in the South area and team
  await db.updateTable('children').set({ area_id: f.areas.South!, team_id: f.teams.south! }).where('id', 'in', [ids.Ben!, ids.Eve!]).execute();
  // The other partnership's child
  ids.elsewhere = (await makeChildOnPlan(t, other, { firstName: 'Elsewhere', lastName: 'Child' })).childId;
}, 120_000);
afterAll(() => t.close());

describe('GET /api/v1/children: pagination', () => {
  it('answers { items, page, pageSize, total }, 50 a page by default', async () => {
    const p = await page('worker', '/children');
    expect(p).toMatchObject({ page: 1, pageSize: 50, total: 6 });
    expect(names(p)).toEqual(['Ada Apple', 'Ben Birch', 'Cal Cedar', 'Dee Dogwood', 'Eve Elm', 'Fay Fir']);
  });

  it('cuts pages at their boundaries, with the total of every page, and an empty page past the end', async () => {
    const pages = [await page('worker', '/children?pageSize=4&page=1'), await page('worker', '/children?pageSize=4&page=2'), await page('worker', '/children?pageSize=4&page=3')];
    expect(pages.map((p) => p.items.length)).toEqual([4, 2, 0]);
    expect(pages.map((p) => p.total)).toEqual([6, 6, 6]);
    expect(pages.map((p) => p.page)).toEqual([1, 2, 3]);
    expect(pages.every((p) => p.pageSize === 4)).toBe(true);
    expect([...names(pages[0]!), ...names(pages[1]!)]).toEqual(names(await page('worker', '/children?pageSize=200')));
    expect((await page('worker', '/children?pageSize=1&page=6')).items.map((c) => c.firstName)).toEqual(['Fay']);
  });

  it.each([
    ['pageSize=0', 'pageSize', 'pageSize must be from 1 to 200'],
    ['pageSize=201', 'pageSize', 'pageSize must be from 1 to 200'],
    ['pageSize=ten', 'pageSize', 'pageSize must be a whole number'],
    ['pageSize=2.5', 'pageSize', 'pageSize must be a whole number'],
    ['page=0', 'page', 'page must be 1 or more'],
    ['page=-3', 'page', 'page must be 1 or more'],
    ['page=two', 'page', 'page must be a whole number'],
    ['area=north', 'area', 'area must be the id (a UUID) of one of your partnership’s areas'],
    ['team=1', 'team', 'team must be the id (a UUID) of one of your partnership’s teams'],
    ['category=XYZ', 'category', 'category must be one of NEG, PHY, EMO, SAB, MUL'],
    ['status=closed', 'status', 'status must be one of on-plan, plan-ended, no-plan'],
    [`q=${'x'.repeat(201)}`, 'q', 'q must be 200 characters or fewer'],
  ])('refuses %s with a 400 naming the field', async (qs, field, message) => {
    const res = await get('worker', `/children?${qs}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), fields: { [field]: message } } });
  });
});

describe('GET /api/v1/children: filters', () => {
  it.each([
    ['status=on-plan', ['Ada', 'Ben', 'Cal']],
    ['onPlan=yes', ['Ada', 'Ben', 'Cal']],
    ['status=no-plan', ['Dee', 'Eve']],
    ['status=plan-ended', ['Fay']],
    ['category=NEG', ['Ada', 'Cal']],
    ['category=EMO', []],
    ['q=cedar', ['Cal']],
    ['q=api-d', ['Dee']],
    ['q=%25', []],
    ['status=on-plan&category=PHY', ['Ben']],
  ])('%s', async (qs, expected) => {
    const p = await page('worker', `/children?${qs}`);
    expect(p.items.map((c) => c.firstName)).toEqual(expected);
    expect(p.total).toBe(expected.length);
  });

  it('by area and team (ids from /areas and /teams), and pages the filtered list', async () => {
    expect((await page('worker', `/children?area=${f.areas.South}`)).items.map((c) => c.firstName)).toEqual(['Ben', 'Eve']);
    expect((await page('worker', `/children?team=${f.teams.south}&status=no-plan`)).items.map((c) => c.firstName)).toEqual(['Eve']);
    const north = await page('worker', `/children?team=${f.teams.north}&pageSize=2&page=2`);
    expect(north).toMatchObject({ total: 4, page: 2 });
    expect(north.items.map((c) => c.firstName)).toEqual(['Dee', 'Fay']);
    const item = (await page('worker', '/children?q=Ben')).items[0]!;
    expect(item).toMatchObject({ areaId: f.areas.South, teamId: f.teams.south, team: 'Safeguarding South', lead: 'worker person 901', category: 'PHY', onPlanSince: '2026-10-26' });
  });
});

describe('GET /api/v1/children: only the children you may see', () => {
  it('never lists another partnership’s children, even with that partnership’s area as the filter', async () => {
    for (const who of ['worker', 'manager', 'admin', 'qa', 'health']) {
      const body = (await get(who, '/children?pageSize=200')).body;
      expect(body, who).not.toContain('Elsewhere');
      expect(body, who).not.toContain(ids.elsewhere);
    }
    expect(await page('worker', `/children?area=${other.areas.North}`)).toMatchObject({ items: [], total: 0 });
    const theirs = await page('elsewhere', '/children');
    expect(names(theirs)).toEqual(['Elsewhere Child']);
    expect(await page('elsewhere', `/children?team=${f.teams.north}`)).toMatchObject({ items: [], total: 0 });
  });

  it('counts in the total only what the person may see: a partner agency outside the core group sees none, a team manager their team’s', async () => {
    expect(await page('health', '/children')).toMatchObject({ items: [], total: 0 });
    expect(await page('admin', '/children')).toMatchObject({ items: [], total: 0 });
    const manager = await page('manager', '/children?pageSize=200');
    expect(manager.items.map((c) => c.firstName)).toEqual(['Ada', 'Cal', 'Dee', 'Fay']);
    expect(manager.total).toBe(4);
  });
});

describe('reads of a child’s record are access-logged like the pages', () => {
  const rowsFor = (recordType: string, userId: string) =>
    t.database.db.selectFrom('access_log').selectAll().where('record_type', '=', recordType).where('user_id', '=', userId).where('subject_id', '=', ids.Ada!).orderBy('id', 'desc').execute();

  it.each([
    ['/children/:id', 'child'],
    ['/children/:id/conferences', 'conference'],
    ['/children/:id/plan/versions', 'plan'],
    ['/children/:id/meetings', 'core-group'],
    ['/children/:id/voice', 'voice-entry'],
    ['/children/:id/entries', 'case-entry'],
  ])('GET %s writes a view row about the child (%s)', async (url, recordType) => {
    const before = (await rowsFor(recordType, f.users.worker!.id)).length;
    const res = await get('worker', url.replace(':id', ids.Ada!));
    expect(res.statusCode, res.body).toBe(200);
    const after = await rowsFor(recordType, f.users.worker!.id);
    expect(after.length).toBeGreaterThan(before);
    expect(['view', 'list']).toContain(after[0]!.action);
  });

  it('writes nothing for someone refused (404), and the list of children logs no child as viewed', async () => {
    const count = async () => Number((await t.database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('subject_id', '=', ids.Ada!).executeTakeFirstOrThrow()).n);
    const before = await count();
    expect((await get('health', `/children/${ids.Ada}/conferences`)).statusCode).toBe(404);
    expect((await get('elsewhere', `/children/${ids.Ada}/plan/versions`)).statusCode).toBe(404);
    await get('worker', '/children');
    expect(await count()).toBe(before);
  });
});

describe('a child’s conferences, plan versions, plans and actions', () => {
  it('lists the conferences with kind and status filters, paged', async () => {
    const all = await page('worker', `/children/${ids.Ada}/conferences`);
    expect(all).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(all.items[0]).toMatchObject({ kind: 'initial', status: 'completed', heldOn: '2026-10-26', decision: 'plan', categories: ['NEG'], chair: 'chair person 901' });
    expect(await page('worker', `/children/${ids.Ada}/conferences?status=scheduled`)).toMatchObject({ items: [], total: 0 });
    expect(await page('worker', `/children/${ids.Ada}/conferences?kind=initial&pageSize=1&page=2`)).toMatchObject({ items: [], total: 1, page: 2 });
    const bad = await get('worker', `/children/${ids.Ada}/conferences?kind=final`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields.kind).toBe('kind must be one of initial, review, transfer-in, pre-birth');
  });

  it('lists the plan’s versions, and a past plan by its id', async () => {
    const v = await page<{ number: number; summary: string }>('worker', `/children/${ids.Ada}/plan/versions`);
    expect(v.total).toBe(1);
    expect(v.items[0]).toMatchObject({ number: 1, summary: 'Outline plan agreed at the initial conference' });
    const ended = (await t.database.db.selectFrom('cp_plans').select('id').where('child_id', '=', ids.Fay!).executeTakeFirstOrThrow()).id;
    const past = await get('worker', `/children/${ids.Fay}/plans/${ended}`);
    expect(past.statusCode).toBe(200);
    expect(past.json()).toMatchObject({ id: ended, endedOn: '2025-03-01', latestCategory: 'EMO', outcomes: [] });
    expect((await get('worker', `/children/${ids.Fay}/plan/versions?planId=${ended}`)).statusCode).toBe(200);
    expect((await get('worker', `/children/${ids.Ada}/plans/${ended}`)).statusCode).toBe(404);
    expect((await get('worker', `/children/${ids.Ada}/plan/versions?planId=nope`)).json().error.fields.planId).toMatch(/planId must be/);
  });

  it('reads one action with every progress note, newest first', async () => {
    const plan = (await get('worker', `/children/${ids.Ada}/plan`)).json() as { outcomes: { id: string }[] };
    const post = (url: string, body: unknown) =>
      t.app.inject({ method: 'POST', url: `/api/v1/children/${ids.Ada}${url}`, headers: { authorization: `Bearer ${tokens.worker}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const action = await post('/plan/actions', { outcomeId: plan.outcomes[0]!.id, what: 'Home visit weekly', ownerUserId: f.users.worker!.id, dueOn: '2026-11-30', doneMeasure: 'Visits recorded', workedMeasure: 'Home conditions better' });
    expect(action.statusCode, action.body).toBe(201);
    const actionId = String(action.json().id);
    const progress = await post(`/plan/actions/${actionId}/progress`, { status: 'in-progress', note: 'First visit done.', version: 1 });
    expect(progress.statusCode, progress.body).toBe(201);
    const res = await get('worker', `/children/${ids.Ada}/plan/actions/${actionId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: actionId, what: 'Home visit weekly', status: 'in-progress', open: true, progress: [{ status: 'in-progress', note: 'First visit done.', by: 'worker person 901' }] });
    expect((await get('health', `/children/${ids.Ada}/plan/actions/${actionId}`)).statusCode).toBe(404);
  });
});

describe('the other lists share the contract', () => {
  it('escalations: status (open by default), paged in the database', async () => {
    const raise = (childId: string, concern: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/children/${childId}/escalations`,
        headers: { authorization: `Bearer ${tokens.worker}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ aboutAgencyId: f.agencies.police, concern, desiredOutcome: 'A report before the meeting.' }),
      });
    for (const c of [ids.Ada!, ids.Ben!, ids.Cal!]) expect((await raise(c, `No police report for ${c}`)).statusCode).toBe(201);
    const first = await page('worker', '/escalations?pageSize=2');
    expect(first).toMatchObject({ total: 3, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect((await page('worker', '/escalations?pageSize=2&page=2')).items).toHaveLength(1);
    expect(await page('worker', '/escalations?status=resolved')).toMatchObject({ total: 0 });
    expect(await page('worker', `/escalations?about=${f.agencies.police}&stage=1`)).toMatchObject({ total: 3 });
    expect(await page('worker', `/escalations?about=${f.agencies.health}`)).toMatchObject({ total: 0 });
    expect(await page('elsewhere', '/escalations?status=all')).toMatchObject({ total: 0 });
    expect(await page('health', '/escalations?status=all')).toMatchObject({ total: 0 });
    expect((await get('worker', '/escalations?stage=5')).json().error.fields.stage).toBe('stage must be a whole number from 1 to 4');
    expect((await get('worker', '/escalations?status=closed')).json().error.fields.status).toBe('status must be one of open, resolved, withdrawn, all');
  });

  it('users, teams and agencies: filters and pages', async () => {
    const users = await page<{ role: string }>('admin', '/users?role=practitioner&pageSize=1');
    expect(users).toMatchObject({ total: 2, pageSize: 1 });
    expect(users.items).toHaveLength(1);
    expect(await page('admin', `/users?team=${f.teams.north}`)).toMatchObject({ total: 2 });
    expect((await get('admin', '/users?role=boss')).json().error.fields.role).toMatch(/^role must be one of practitioner/);
    expect(await page('worker', `/teams?area=${f.areas.South}`)).toMatchObject({ total: 1, items: [{ name: 'Safeguarding South' }] });
    expect(await page('worker', '/agencies?type=police&pageSize=1')).toMatchObject({ total: 1, items: [{ type: 'police' }] });
    expect(await page('worker', '/areas?page=2&pageSize=1')).toMatchObject({ total: 2, page: 2, items: [{ name: 'South' }] });
    expect((await get('worker', '/agencies?type=army')).statusCode).toBe(400);
  });

  it('imports: the partnership’s runs, newest first, and a run’s issues by code, paged (admins only)', async () => {
    const counts = { children: 1, plans: 1, s47: 0, conferences: 0, reviews: 0, created: 1, updated: 0 };
    const issues = [
      { code: '8530', child: 'A1', message: 'First' },
      { code: 'IMPORT', child: 'A2', message: 'Second' },
      { code: '8530', child: 'A3', message: 'Third' },
    ];
    const at = (d: string) => new Date(`${d}T10:00:00Z`);
    const older = await insertImportRun(t.database.db, { partnershipId: f.partnershipId, fileName: 'census-2025.xml', source: 'cli', header: {}, counts, issues, startedAt: at('2026-10-01'), finishedAt: at('2026-10-01'), createdBy: null });
    await insertImportRun(t.database.db, { partnershipId: f.partnershipId, kind: 'children-csv', fileName: 'children.csv', source: 'web', header: {}, counts, issues: [], startedAt: at('2026-10-20'), finishedAt: at('2026-10-20'), createdBy: f.users.admin!.id });
    await insertImportRun(t.database.db, { partnershipId: other.partnershipId, fileName: 'theirs.xml', source: 'cli', header: {}, counts, issues: [], startedAt: at('2026-10-25'), finishedAt: at('2026-10-25'), createdBy: null });
    const runs = await page<{ fileName: string; by: string | null }>('admin', '/imports');
    expect(runs.items.map((r) => r.fileName)).toEqual(['children.csv', 'census-2025.xml']);
    expect(runs.items[0]!.by).toBe('admin person 901');
    expect(await page('admin', '/imports?kind=cin-census')).toMatchObject({ total: 1, items: [{ fileName: 'census-2025.xml', counts }] });
    expect((await get('admin', `/imports/${older}`)).json()).toMatchObject({ issues: 3, byCode: [{ code: '8530', n: 2 }, { code: 'IMPORT', n: 1, rule: 'Note from the import' }] });
    const i = await page<{ child: string }>('admin', `/imports/${older}/issues?code=8530&pageSize=1&page=2`);
    expect(i).toMatchObject({ total: 2, page: 2 });
    expect(i.items.map((x) => x.child)).toEqual(['A3']);
    expect((await get('elsewhereAdmin', `/imports/${older}`)).statusCode).toBe(404);
    expect((await get('worker', '/imports')).statusCode).toBe(403);
  });

  it('the team view: a team manager’s children on a plan, paged', async () => {
    const team = await page<{ child: string; daysOnPlan: number }>('manager', '/team?pageSize=1');
    expect(team).toMatchObject({ total: 2, pageSize: 1, team: 'Safeguarding North' });
    expect(team.items[0]).toMatchObject({ child: 'Ada Apple', daysOnPlan: 7 });
    expect((await get('worker', '/team')).statusCode).toBe(403);
  });

  it('a standard’s drill-down: the children behind the number you may see, paged', async () => {
    const { StandardsService } = await import('../standards/service.js');
    const standards = new StandardsService(new ChildRecords(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock)));
    await standards.recomputePartnership(f.partnershipId);
    const d = await page<{ childId: string }>('manager', '/standards/first-core-group/children?pageSize=1');
    expect(d.pageSize).toBe(1);
    expect(d.items.length).toBeLessThanOrEqual(1);
    expect(d.total).toBeLessThanOrEqual((d as unknown as { count: number }).count);
    expect((await get('manager', '/standards/first-core-group/children?status=late')).json().error.fields.status).toBe('status must be a status of a standard');
    expect((await get('worker', '/standards/first-core-group/children')).statusCode).toBe(403);
  });
});

describe('the other reads the pages show', () => {
  it('a retention review by its id: the case reference, never the name, access-logged', async () => {
    const db = t.database.db;
    const closed = await db
      .insertInto('children')
      .values({ partnership_id: f.partnershipId, la_child_id: 'API-CLOSED', first_name: 'Closed', last_name: 'Apichild', date_of_birth: '1980-01-01', created_at: '2010-01-01T00:00:00Z' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('cp_plans').values({ partnership_id: f.partnershipId, child_id: closed.id, started_on: '2010-01-01', ended_on: '2011-01-01', initial_category: 'NEG', latest_category: 'NEG', previous_plans: 0 }).execute();
    const { RetentionService } = await import('../retention/service.js');
    const { systemActor } = await import('../../lib/actor.js');
    await new RetentionService(db, t.clock, new AccessLogService(db, t.clock)).markDue(systemActor(f.partnershipId, 'test'));
    const list = await page<{ id: string; caseRef: string }>('admin', '/retention/reviews');
    expect(list.total).toBe(1);
    const one = await get('admin', `/retention/reviews/${list.items[0]!.id}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ id: list.items[0]!.id, caseRef: list.items[0]!.caseRef, closedOn: '2011-01-01' });
    expect(one.body).not.toMatch(/Apichild|API-CLOSED|1980/);
    const logged = await db.selectFrom('access_log').select('action').where('record_type', '=', 'retention-review').where('record_id', '=', list.items[0]!.id).where('user_id', '=', f.users.admin!.id).execute();
    expect(logged.length).toBeGreaterThan(0);
    expect((await get('elsewhereAdmin', `/retention/reviews/${list.items[0]!.id}`)).statusCode).toBe(404);
    expect((await get('admin', '/retention/rule')).json()).toMatchObject({ yearsAfterClosure: 6, minimumAge: 25 });
  });

  it('one practice standard’s versions; an unknown key is a 400 naming it', async () => {
    const r = await get('admin', '/standards/definitions/first-core-group');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ current: { key: 'first-core-group' }, versions: [{ key: 'first-core-group' }] });
    expect((await get('admin', '/standards/definitions/no-such-standard')).json().error.fields.key).toBeDefined();
    expect((await get('worker', '/standards/definitions/first-core-group')).statusCode).toBe(403);
  });

  it('the links sent to a child’s family, for those who may see the record only', async () => {
    expect(await page('worker', `/children/${ids.Ada}/invitations`)).toMatchObject({ items: [], total: 0, responses: [] });
    expect((await get('health', `/children/${ids.Ada}/invitations`)).statusCode).toBe(404);
    expect((await get('worker', `/children/${ids.Ada}/invitations?meeting=x`)).json().error.fields.meeting).toBe('meeting must be the id of a core group meeting');
  });

  it('the learning assurance figures, for QA leads and admins', async () => {
    expect((await get('qa', '/learning/assurance')).json()).toMatchObject({ reviews: 0, recommendations: 0, actions: 0, overdue: 0, responses: [] });
    expect((await get('worker', '/learning/assurance')).statusCode).toBe(403);
  });

  it('the reminder setting of the token’s user', async () => {
    expect((await get('worker', '/account/notifications')).json()).toEqual({ digest: expect.any(String), isDefault: true });
  });

  it('audits: completed ones for everyone, all for QA leads, by status, tool and source, paged in the database', async () => {
    const db = t.database.db;
    const accessLog = new AccessLogService(db, t.clock);
    const { AuditsService } = await import('../audits/service.js');
    const { AuditConduct } = await import('../audits/conduct.js');
    const { systemActor } = await import('../../lib/actor.js');
    const audits = new AuditsService(db, t.clock, accessLog);
    const qa = systemActor(f.partnershipId, 'test');
    for (const title of ['First imported', 'Second imported']) await audits.importAudit(qa, { toolKey: 'cp-multi-agency', title, csv: 'case_ref,area,overall\nA1,North,Good\n' });
    await new AuditConduct(db, t.clock, accessLog, audits).plan(qa, { title: 'Planned audit', tool: 'core-group-thematic', onDate: '2026-11-02', strategy: 'all', auditorsPerCase: '1' });
    expect(await page('qa', '/audits')).toMatchObject({ total: 3 });
    expect(await page('worker', '/audits')).toMatchObject({ total: 2 });
    expect(await page('worker', '/audits?status=planning')).toMatchObject({ total: 0, items: [] });
    expect(await page('qa', '/audits?status=planning')).toMatchObject({ total: 1, items: [{ title: 'Planned audit' }] });
    const [p1, p2] = [await page<{ title: string }>('qa', '/audits?tool=cp-multi-agency&source=import&pageSize=1&page=1'), await page<{ title: string }>('qa', '/audits?tool=cp-multi-agency&source=import&pageSize=1&page=2')];
    expect([p1.total, p2.total, p1.items.length, p2.items.length]).toEqual([2, 2, 1, 1]);
    expect([p1.items[0]!.title, p2.items[0]!.title].sort()).toEqual(['First imported', 'Second imported']);
    expect(await page('elsewhere', '/audits')).toMatchObject({ total: 0 });
    expect((await get('qa', '/audits?status=done')).json().error.fields.status).toBe('status must be one of planning, running, moderation, completed');
  });
});
