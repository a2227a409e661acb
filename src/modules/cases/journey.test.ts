import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';

let t: TestApp;
let f: Fixture;

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
});
afterAll(() => t.close());

describe('from referral to a child protection plan, without JavaScript', () => {
  let childId: string;

  it('a social worker adds a child with the referral; errors name the fields', async () => {
    const sw = t.agent();
    await sw.signIn(f.users.worker!.email, PASSWORD);
    await sw.get('/children/new');
    const bad = await sw.post('/children/new', { laChildId: '', firstName: 'Ada', lastName: '', sex: 'female', 'dateOfBirth-day': '31', 'dateOfBirth-month': '2', 'dateOfBirth-year': '2020', 'referralReceivedOn-day': '', 'referralReceivedOn-month': '', 'referralReceivedOn-year': '', referralSummary: '' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['laChildId', 'lastName', 'dateOfBirth', 'referralReceivedOn', 'referralSummary']) expect(bad.body).toContain(`href="#${field}"`);
    expect(bad.body).toContain('Date of birth must be a real date');
    expect(bad.body).toContain('value="31"');

    const res = await sw.post('/children/new', {
      laChildId: 'NB-0001',
      firstName: 'Ada',
      lastName: 'Testchild',
      sex: 'female',
      'dateOfBirth-day': '3',
      'dateOfBirth-month': '4',
      'dateOfBirth-year': '2020',
      ethnicity: 'WBRI',
      disabilities: ['COMM', 'LD'],
      'referralReceivedOn-day': '2',
      'referralReceivedOn-month': '11',
      'referralReceivedOn-year': '2026',
      referralSource: 'School',
      referralSummary: 'Bruising seen at school.',
    });
    expect(res.statusCode).toBe(303);
    childId = (res.headers.location as string).split('/')[2]!;
    const page = await sw.get(`/children/${childId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ada Testchild');
    expect(page.body).toContain('Communication, Learning');
    expect(page.body).toContain('Bruising seen at school.');
  });

  it('a strategy discussion with police and health starts a section 47 with an ICPC target 15 working days on', async () => {
    const sw = t.agent();
    await sw.signIn(f.users.worker!.email, PASSWORD);
    await sw.get(`/children/${childId}/strategy-discussions/new`);
    const res = await sw.post(`/children/${childId}/strategy-discussions/new`, {
      'heldOn-day': '3',
      'heldOn-month': '11',
      'heldOn-year': '2026',
      'participant-1-name': 'Sam Social',
      'participant-1-agency': f.agencies.csc!,
      'participant-2-name': 'PC Patel',
      'participant-2-agency': f.agencies.police!,
      'participant-3-name': 'Nurse Noor',
      'participant-3-agency': f.agencies.health!,
      outcome: 'section-47',
    });
    expect(res.statusCode).toBe(303);
    const page = await sw.get(`/children/${childId}`);
    expect(page.body).toContain('initial conference due by 24 November 2026');
    expect(page.body).toContain('PC Patel (police agency 901)');
  });

  it('the social worker schedules the ICPC with a chair; the chair now sees the child', async () => {
    const chair = t.agent();
    await chair.signIn(f.users.chair!.email, PASSWORD);
    expect((await chair.get(`/children/${childId}`)).statusCode).toBe(404);

    const sw = t.agent();
    await sw.signIn(f.users.worker!.email, PASSWORD);
    await sw.get(`/children/${childId}/conferences/new`);
    const res = await sw.post(`/children/${childId}/conferences/new`, {
      kind: 'initial',
      'scheduledOn-day': '20',
      'scheduledOn-month': '11',
      'scheduledOn-year': '2026',
      chairUserId: f.users.chair!.id,
      invitedAgencyIds: [f.agencies.police!, f.agencies.health!, f.agencies.school!],
    });
    expect(res.statusCode).toBe(303);
    const confUrl = res.headers.location as string;
    expect((await chair.get(`/children/${childId}`)).statusCode).toBe(200);

    // The social worker cannot record the decision: only the chair or the manager
    await sw.get(confUrl);
    expect((await sw.post(confUrl, { decision: 'plan' })).statusCode).toBe(403);

    const form = await chair.get(confUrl);
    const ids = [...form.body.matchAll(/name="attendance-([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    const invitees = [...new Set(ids)];
    expect(invitees).toHaveLength(3);
    const attendance = Object.fromEntries(invitees.map((id, i) => [`attendance-${id}`, i === 2 ? 'apologies-report' : 'attended']));
    const version = form.body.match(/name="version" value="(\d+)"/)![1]!;
    const missing = await chair.post(confUrl, { ...attendance, 'heldOn-day': '20', 'heldOn-month': '11', 'heldOn-year': '2026', decision: 'plan', rationale: 'Significant harm likely.', version });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Select at least one category of abuse');
    expect(missing.body).toContain('Enter the outline plan');
    const done = await chair.post(confUrl, {
      ...attendance,
      'heldOn-day': '20',
      'heldOn-month': '11',
      'heldOn-year': '2026',
      decision: 'plan',
      categories: ['PHY'],
      rationale: 'Significant harm likely: unexplained bruising, father’s violence.',
      outlineOutcomes: 'Ada is safe from physical harm at home\nAda attends school every day',
      previousPlans: '0',
      version,
    });
    expect(done.statusCode).toBe(303);
    const page = await chair.get(`/children/${childId}`);
    expect(page.body).toContain('On a child protection plan');
    expect(page.body).toContain('Physical abuse');
    const plan = await t.database.db.selectFrom('cp_plans').selectAll().where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ started_on: '2026-11-20', initial_category: 'PHY', previous_plans: 0, ended_on: null });
    const outcomes = await t.database.db.selectFrom('plan_outcomes').select('title').where('plan_id', '=', plan.id).orderBy('position').execute();
    expect(outcomes.map((o) => o.title)).toEqual(['Ada is safe from physical harm at home', 'Ada attends school every day']);
    const versions = await t.database.db.selectFrom('plan_versions').select(['number', 'summary']).where('plan_id', '=', plan.id).execute();
    expect(versions).toEqual([{ number: 1, summary: 'Outline plan agreed at the initial conference' }]);
  });

  it('ending a plan at review cannot complete without the child in need plan or a reason', async () => {
    const sw = t.agent();
    await sw.signIn(f.users.worker!.email, PASSWORD);
    await sw.get(`/children/${childId}/conferences/new`);
    const res = await sw.post(`/children/${childId}/conferences/new`, { kind: 'review', 'scheduledOn-day': '19', 'scheduledOn-month': '2', 'scheduledOn-year': '2027', chairUserId: f.users.chair!.id, invitedAgencyIds: [f.agencies.health!] });
    expect(res.statusCode).toBe(303);
    const chair = t.agent();
    await chair.signIn(f.users.chair!.email, PASSWORD);
    const confUrl = res.headers.location as string;
    const form = await chair.get(confUrl);
    const invitee = form.body.match(/name="attendance-([0-9a-f-]{36})"/)![1]!;
    const version = form.body.match(/name="version" value="(\d+)"/)![1]!;
    const base = { [`attendance-${invitee}`]: 'attended', 'heldOn-day': '19', 'heldOn-month': '2', 'heldOn-year': '2027', decision: 'end', rationale: 'Risks reduced and sustained.', version };
    const refused = await chair.post(confUrl, base);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Set out the child in need plan, or give the reason there is none');
    const ok = await chair.post(confUrl, { ...base, cinPlan: 'Weekly family support; school attendance monitored by DSL; review in 3 months.' });
    expect(ok.statusCode).toBe(303);
    const plan = await t.database.db.selectFrom('cp_plans').selectAll().where('child_id', '=', childId).executeTakeFirstOrThrow();
    expect(plan.ended_on).toBe('2027-02-19');
    expect(plan.cin_plan).toContain('Weekly family support');
  });
});

describe('who sees a child', () => {
  it('lists only the children the person may see: not a practitioner of another agency, not an admin', async () => {
    const names = async (key: string) => {
      const a = t.agent();
      await a.signIn(f.users[key]!.email, PASSWORD);
      return (await a.get('/children')).body;
    };
    expect(await names('worker')).toContain('Ada Testchild');
    expect(await names('manager')).toContain('Ada Testchild'); // manager of the child's team
    expect(await names('chair')).toContain('Ada Testchild');
    expect(await names('health')).not.toContain('Ada Testchild');
    expect(await names('admin')).not.toContain('Ada Testchild');
    expect(await names('qa')).not.toContain('Ada Testchild');
  });
});

describe('a section 47 enquiry that ends without a conference', () => {
  it('is concluded with its outcome; a second conclusion is refused', async () => {
    const sw = t.agent();
    await sw.signIn(f.users.worker!.email, PASSWORD);
    await sw.get('/children/new');
    const created = await sw.post('/children/new', {
      laChildId: 'NB-0002', firstName: 'Bo', lastName: 'Testchild', sex: 'male',
      'dateOfBirth-day': '1', 'dateOfBirth-month': '2', 'dateOfBirth-year': '2018',
      'referralReceivedOn-day': '2', 'referralReceivedOn-month': '11', 'referralReceivedOn-year': '2026', referralSummary: 'Worry about supervision.',
    });
    const id = (created.headers.location as string).split('/')[2]!;
    await sw.get(`/children/${id}/strategy-discussions/new`);
    await sw.post(`/children/${id}/strategy-discussions/new`, { 'heldOn-day': '3', 'heldOn-month': '11', 'heldOn-year': '2026', outcome: 'section-47' });
    const page = await sw.get(`/children/${id}`);
    const action = page.body.match(/action="(\/children\/[^"]+\/s47\/[^"]+\/outcome)"/)![1]!;
    const bad = await sw.post(action, { outcome: 'no-icpc-cin', 'concludedOn-day': '1', 'concludedOn-month': '11', 'concludedOn-year': '2026', version: '1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('The enquiry cannot conclude before it started');
    const ok = await sw.post(action, { outcome: 'no-icpc-cin', 'concludedOn-day': '10', 'concludedOn-month': '11', 'concludedOn-year': '2026', version: '1' });
    expect(ok.statusCode).toBe(303);
    const after = await sw.get(`/children/${id}`);
    expect(after.body).toContain('concluded 10 November 2026: no initial conference: the child will be supported as a child in need');
    const again = await sw.post(action, { outcome: 'no-icpc-nfa', 'concludedOn-day': '11', 'concludedOn-month': '11', 'concludedOn-year': '2026', version: '2' });
    expect(again.statusCode).toBe(400);
  });
});

describe('a child no team has yet (for example imported from the CIN census)', () => {
  it('is seen only by team managers in children’s social care until one allocates it', async () => {
    const db = t.database.db;
    const child = await db
      .insertInto('children')
      .values({ partnership_id: f.partnershipId, la_child_id: 'IMP-0001', first_name: 'Child', last_name: 'IMP-0001', date_of_birth: '2019-01-01' })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    const list = async (key: string) => {
      const a = t.agent();
      await a.signIn(f.users[key]!.email, PASSWORD);
      return { a, body: (await a.get('/children')).body };
    };
    expect((await list('worker')).body).not.toContain('IMP-0001');
    expect((await list('health')).body).not.toContain('IMP-0001');
    expect((await list('admin')).body).not.toContain('IMP-0001');
    const { a: mgr, body } = await list('manager');
    expect(body).toContain('IMP-0001');
    const page = await mgr.get(`/children/${child.id}`);
    expect(page.body).toContain('is not allocated to a team yet');

    await mgr.get(`/children/${child.id}/allocate`);
    const bad = await mgr.post(`/children/${child.id}/allocate`, { teamId: f.teams.north!, leadUserId: f.users.health!.id, version: String(child.version) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Select a practitioner of that team');
    const ok = await mgr.post(`/children/${child.id}/allocate`, { teamId: f.teams.north!, leadUserId: f.users.worker!.id, version: String(child.version) });
    expect(ok.statusCode).toBe(303);

    expect((await list('worker')).body).toContain('IMP-0001');
    const row = await db.selectFrom('children').select(['team_id', 'lead_user_id', 'area_id']).where('id', '=', child.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ team_id: f.teams.north, lead_user_id: f.users.worker!.id, area_id: f.areas.North });
    // Allocated, it is no longer every manager's: only the manager of its team may change it
    const health = t.agent();
    await health.signIn(f.users.health!.email, PASSWORD);
    expect((await health.get(`/children/${child.id}`)).statusCode).toBe(404);
  });
});
