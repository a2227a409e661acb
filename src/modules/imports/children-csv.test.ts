/**
 * The children CSV on a real database: import, export of the cohort, import of that export again
 * (nothing changes), a bad file refused whole with its line and column, the upload form, the
 * cohort export bounded by who may see which child (and access-logged), and the workbook.
 */
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../lib/actor.js';
import { buildTestApp, type Agent, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { ChildrenCsvError, csvDate, parseChildrenCsv } from './children-csv.js';
import { ImportsService } from './service.js';

let t: TestApp;
let svc: ImportsService;
let p: Fixture;

beforeAll(async () => {
  t = await buildTestApp();
  svc = new ImportsService(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock));
  p = await makePartnership(t.database.db, '611');
}, 60_000);
afterAll(() => t?.close());

const FILE = [
  'la_child_id,first_name,last_name,date_of_birth,sex,ethnicity,area,team,plan_start,plan_end,category,initial_category,previous_plans',
  'CSV001,Ada,Lovelace,2018-04-01,female,WBRI,North,Safeguarding North,2026-01-10,,NEG,,0',
  'CSV002,Brian,"O\'Neill, Jr",02/03/2019,male,,South,Safeguarding South,2025-03-01,2025-09-01,PHY,PHY,1',
  'CSV002,,,,,,,,2026-02-01,,EMO,PHY,2',
  'CSV003,Cara,Smith,2020-12-25,not-known,,North,Safeguarding North,2026-06-30,,MUL,NEG,',
].join('\n');

async function importText(text: string, fileName = 'children.csv') {
  return svc.importChildrenCsv({ text, fileName, target: { partnershipId: p.partnershipId }, actorFor: (id) => systemActor(id, 'test'), source: 'cli' });
}

async function snapshot(partnershipId: string) {
  const db = t.database.db;
  const children = await db.selectFrom('children').select(['la_child_id', 'first_name', 'last_name', 'date_of_birth', 'sex', 'ethnicity', 'area_id', 'team_id', 'version']).where('partnership_id', '=', partnershipId).orderBy('la_child_id').execute();
  const plans = await db
    .selectFrom('cp_plans')
    .innerJoin('children', 'children.id', 'cp_plans.child_id')
    .select(['children.la_child_id', 'cp_plans.started_on', 'cp_plans.ended_on', 'cp_plans.latest_category', 'cp_plans.initial_category', 'cp_plans.previous_plans', 'cp_plans.version'])
    .where('cp_plans.partnership_id', '=', partnershipId)
    .orderBy('children.la_child_id')
    .orderBy('cp_plans.started_on')
    .execute();
  return { children, plans };
}

describe('parsing the children CSV', () => {
  const lookups = { areas: [{ id: 'a1', name: 'North' }], teams: [{ id: 't1', name: 'Safeguarding North' }] };
  const refused = (text: string) => {
    try {
      parseChildrenCsv(text, lookups, { today: '2026-11-02' });
    } catch (err) {
      if (err instanceof ChildrenCsvError) return err;
      throw err;
    }
    throw new Error('the file was accepted');
  };

  it.each([
    ['2026-01-31', '2026-01-31'],
    ['31/01/2026', '2026-01-31'],
    ['1/2/2026', '2026-02-01'],
    ['2026-02-30', null],
    ['30/13/2026', null],
    ['yesterday', null],
  ])('reads the date %s as %s', (v, want) => expect(csvDate(v)).toBe(want));

  it('names the line and column of every bad cell, and refuses the file', () => {
    const err = refused(['la_child_id,date_of_birth,plan_start,category,area', 'X1,2020-01-01,2026-01-01,NEG,North', 'X2,2020-13-01,2026-01-01,NEG,North', 'X3,2020-01-01,2026-01-01,BAD,Nowhere'].join('\n'));
    expect(err.problems.map((q) => [q.line, q.column, q.field])).toEqual([
      [3, 2, 'date_of_birth'],
      [4, 4, 'category'],
      [4, 5, 'area'],
    ]);
    expect(err.message).toMatch(/^Nothing was imported: line 3, column 2 \(date_of_birth\): “2020-13-01” is not a date/);
  });

  it.each([
    ['la_child_id,plan_start', 'the header has no category column'],
    ['la_child_id,plan_start,category,shoe_size', 'shoe_size is not a column'],
    ['la_child_id,plan_start,category,category', 'the column category appears twice'],
    ['la_child_id,plan_start,category', 'the file has a header but no rows'],
    ['', 'the file is empty'],
    ['la_child_id,plan_start,category\nA,2026-01-01', 'has 2 values; the header has 3'],
    ['la_child_id,plan_start,category\nA,2026-01-01,NEG\nA,2026-01-01,PHY', 'already has a plan starting 2026-01-01 on line 2'],
    ['la_child_id,plan_start,category\nA,2026-01-01,NEG\nA,2026-03-01,PHY', 'already has an open plan'],
    ['la_child_id,plan_start,plan_end,category\nA,2026-01-01,2026-01-01,NEG', 'must end (2026-01-01) after the day it started'],
    ['la_child_id,plan_start,category\nA,2027-01-01,NEG', 'is in the future'],
    ['la_child_id,plan_start,category,date_of_birth\nA,2026-01-01,NEG,2020-01-01\nA,2025-01-01,NEG,2020-01-02', 'has a different date_of_birth on line 2'],
    ['la_child_id,plan_start,category\n"A,2026-01-01,NEG', 'not valid CSV'],
  ])('refuses %j: %s', (text, message) => {
    expect(refused(text).message).toContain(message);
  });
});

describe('importing the children CSV', () => {
  it('creates the children and plans, and importing the same file again changes nothing', async () => {
    const first = await importText(FILE);
    expect(first.summary).toMatchObject({ children: 3, plans: 4, created: 7, updated: 0, issues: [] });
    const before = await snapshot(p.partnershipId);
    expect(before.children.map((c) => [c.la_child_id, c.first_name, c.last_name, c.date_of_birth, c.sex])).toEqual([
      ['CSV001', 'Ada', 'Lovelace', '2018-04-01', 'female'],
      ['CSV002', 'Brian', "O'Neill, Jr", '2019-03-02', 'male'],
      ['CSV003', 'Cara', 'Smith', '2020-12-25', 'not-known'],
    ]);
    expect(before.children[0]).toMatchObject({ area_id: p.areas.North, team_id: p.teams.north, ethnicity: 'WBRI' });
    expect(before.plans.map((x) => [x.la_child_id, x.started_on, x.ended_on, x.latest_category, x.initial_category, x.previous_plans])).toEqual([
      ['CSV001', '2026-01-10', null, 'NEG', 'NEG', 0],
      ['CSV002', '2025-03-01', '2025-09-01', 'PHY', 'PHY', 1],
      ['CSV002', '2026-02-01', null, 'EMO', 'PHY', 2],
      ['CSV003', '2026-06-30', null, 'MUL', 'NEG', 0],
    ]);

    const again = await importText(FILE);
    expect(again.summary).toMatchObject({ children: 3, plans: 4, created: 0, updated: 0 });
    expect(await snapshot(p.partnershipId)).toEqual(before);
    const runs = await sql<{ kind: string; n: number }>`select kind, count(*)::int as n from import_runs where partnership_id = ${p.partnershipId} group by kind`.execute(t.database.db);
    expect(runs.rows).toEqual([{ kind: 'children-csv', n: 2 }]);
  });

  it('a later file updates in place: a plan ended, the next one started, a name corrected', async () => {
    const later = ['la_child_id,first_name,plan_start,plan_end,category', 'CSV001,Ada,2026-01-10,2026-08-01,NEG', 'CSV001,Ada,2026-09-01,,PHY', 'CSV003,Clara,2026-06-30,,MUL'].join('\n');
    const out = await importText(later, 'later.csv');
    expect(out.summary).toMatchObject({ children: 2, plans: 3, created: 1 });
    expect(out.summary.updated).toBe(2); // CSV003's name and CSV001's first plan's end; CSV003's initial category (not in this file) is kept
    const s = await snapshot(p.partnershipId);
    expect(s.children.find((c) => c.la_child_id === 'CSV003')?.first_name).toBe('Clara');
    expect(s.plans.filter((x) => x.la_child_id === 'CSV001').map((x) => [x.started_on, x.ended_on])).toEqual([
      ['2026-01-10', '2026-08-01'],
      ['2026-09-01', null],
    ]);
  });

  it('a row that conflicts with what Assure holds refuses the whole file, naming the line and column', async () => {
    const before = await snapshot(p.partnershipId);
    const logBefore = await sql<{ n: number }>`select count(*)::int as n from access_log where partnership_id = ${p.partnershipId}`.execute(t.database.db);
    const text = ['la_child_id,date_of_birth,plan_start,category', 'CSV900,2021-01-01,2026-01-01,NEG', 'CSV001,,2026-10-01,NEG', 'CSV901,,2026-02-01,SAB'].join('\n');
    const err = await importText(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChildrenCsvError);
    const problems = (err as ChildrenCsvError).problems;
    expect(problems.map((q) => [q.line, q.column, q.field])).toEqual([
      [3, 3, 'plan_start'],
      [4, 2, 'date_of_birth'],
    ]);
    expect(problems[0]!.message).toContain('already has an open plan in Assure, started 2026-09-01');
    expect(await snapshot(p.partnershipId)).toEqual(before);
    const logAfter = await sql<{ n: number }>`select count(*)::int as n from access_log where partnership_id = ${p.partnershipId}`.execute(t.database.db);
    expect(logAfter.rows[0]!.n).toBe(logBefore.rows[0]!.n);
  });
});

describe('the cohort export and the upload page', () => {
  let q: Fixture;
  let admin: Agent;
  let manager: Agent;
  let otherManager: Agent;

  async function upload(agent: Agent, name: string, content: string) {
    const boundary = '----assureTestBoundaryCsv0123456789';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${agent.csrf ?? ''}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csv"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
      Buffer.from(content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return t.app.inject({
      method: 'POST',
      url: '/imports/children-csv',
      headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
  }

  const signedIn = async (email: string) => {
    const a = t.agent();
    expect((await a.signIn(email, PASSWORD)).statusCode).toBe(303);
    await a.get('/account');
    return a;
  };

  beforeAll(async () => {
    q = await makePartnership(t.database.db, '612');
    const made = await makeChildOnPlan(t, q, { firstName: 'Made', lastName: 'InAssure', laChildId: 'REAL01' });
    await t.database.db.updateTable('children').set({ team_id: q.teams.north!, area_id: q.areas.North! }).where('id', '=', made.childId).execute();
    admin = await signedIn(q.users.admin!.email);
    manager = await signedIn(q.users.manager!.email);
    const db = t.database.db;
    const other = await db.selectFrom('users').select('email').where('partnership_id', '=', q.partnershipId).where('role', '=', 'team-manager').where('team_id', '=', q.teams.south!).executeTakeFirst();
    if (!other) {
      const { AuthService } = await import('../auth/service.js');
      const { PartnershipService } = await import('../partnership/service.js');
      const accessLog = new AccessLogService(db, t.clock);
      const partnership = new PartnershipService(db, t.clock, accessLog, new AuthService(db, t.clock, t.config, accessLog));
      await partnership.addUser(systemActor(q.partnershipId, 'test'), { email: 'south.manager.612@test.assure.example', name: 'South Manager', role: 'team-manager', agencyId: q.agencies.csc!, teamId: q.teams.south!, password: PASSWORD });
    }
    otherManager = await signedIn('south.manager.612@test.assure.example');
  }, 60_000);

  it('an admin uploads the CSV through the page and sees the result; a bad file re-renders with the line and column', async () => {
    await admin.get('/imports/cin-census');
    const page = await admin.get('/imports/cin-census');
    expect(page.body).toContain('action="/imports/children-csv"');
    const bad = await upload(admin, 'bad.csv', 'la_child_id,plan_start,category\nX,2026-01-01,NOPE\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('line 2, column 3 (category)');
    expect(bad.body).toContain('<title>Error: ');
    const text = FILE.replaceAll('Safeguarding North', 'safeguarding north');
    const res = await upload(admin, 'children.csv', text);
    expect(res.statusCode, res.body).toBe(303);
    const result = await admin.get(String(res.headers.location));
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('The children CSV was imported');
    expect(result.body).toContain('Children CSV');
    expect((await admin.get('/imports/cin-census')).body).toContain('Children CSV');
    // Only partnership admins
    const worker = await signedIn(q.users.worker!.email);
    expect((await upload(worker, 'children.csv', text)).statusCode).toBe(403);
  });

  it('exports the cohort the person may see (not another team’s child), access-logged; importing the export again changes nothing', async () => {
    const db = t.database.db;
    // The manager of North sees North's children and the child made in Assure (their team); not South's
    const csv = await manager.get('/children.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('children-on-a-plan.csv');
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('la_child_id,first_name,last_name,date_of_birth,expected_date_of_birth,sex,upn,ethnicity,area,team,plan_start,plan_end,category,initial_category,previous_plans,lead_practitioner');
    const ids = lines.slice(1).map((l) => l.split(',')[0]);
    expect(ids.sort()).toEqual(['CSV001', 'CSV003', 'REAL01']);
    expect(csv.body).not.toContain('CSV002'); // South's child
    expect(lines.find((l) => l.startsWith('CSV001'))).toBe('CSV001,Ada,Lovelace,2018-04-01,,female,,WBRI,North,Safeguarding North,2026-01-10,,NEG,NEG,0,');

    const south = await otherManager.get('/children.csv');
    expect(south.body).toContain('CSV002');
    expect(south.body).not.toContain('CSV001');
    expect(south.body).not.toContain('CSV003');
    expect(south.body).not.toContain('REAL01');
    // A practitioner with no children of their own: the header only
    const partner = await signedIn(q.users.health!.email);
    expect((await partner.get('/children.csv')).body.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(1);

    const log = await db
      .selectFrom('access_log')
      .select(['subject_id', 'action', 'record_type'])
      .where('partnership_id', '=', q.partnershipId)
      .where('action', '=', 'export')
      .where('user_id', '=', q.users.manager!.id)
      .execute();
    const names = new Map((await db.selectFrom('children').select(['id', 'la_child_id']).where('partnership_id', '=', q.partnershipId).execute()).map((c) => [c.id, c.la_child_id]));
    const logged = log.map((l) => ({ la_child_id: names.get(String(l.subject_id)), action: l.action, record_type: l.record_type })).sort((a, b) => String(a.la_child_id).localeCompare(String(b.la_child_id)));
    expect(logged).toEqual([
      { la_child_id: 'CSV001', action: 'export', record_type: 'child' },
      { la_child_id: 'CSV003', action: 'export', record_type: 'child' },
      { la_child_id: 'REAL01', action: 'export', record_type: 'child' },
    ]);

    // Round trip: the South manager's export (every column the import reads) imported again changes nothing
    const before = await snapshot(q.partnershipId);
    const again = await svc.importChildrenCsv({ text: south.body, fileName: 'export.csv', target: { partnershipId: q.partnershipId }, actorFor: (id) => systemActor(id, 'test'), source: 'cli' });
    expect(again.summary).toMatchObject({ children: 1, plans: 1, created: 0, updated: 0 });
    expect(await snapshot(q.partnershipId)).toEqual(before);
  });

  it('the workbook has the same rows as the CSV', async () => {
    const csv = await manager.get('/children.csv');
    const xlsx = await manager.get('/children.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Children on a plan');
    const rows: string[] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v))).join(',')));
    const csvRows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    // The CSV pads to the header's width; the workbook leaves trailing empty cells out
    expect(rows.map((r) => r.split(',').slice(0, 15).join(','))).toEqual(csvRows.map((r) => r.split(',').slice(0, 15).join(',')));
    // The same children as the list page's children on a plan, with the same plan start and category
    const page = (await manager.get('/children?onPlan=yes')).body;
    const shown = [...page.matchAll(/<span class="govuk-body-s">([A-Z0-9]+)<\/span>/g)].map((m) => m[1]).sort();
    expect(rows.slice(1).map((r) => r.split(',')[0]).sort()).toEqual(shown);
    expect(page).toContain('since 10 January 2026');
    const ada = ws.getRow(rows.findIndex((r) => r.startsWith('CSV001')) + 1);
    expect([ada.getCell(11).value, ada.getCell(13).value, ada.getCell(15).value]).toEqual(['2026-01-10', 'NEG', 0]);
    expect(page).toContain('Neglect');
  });
});
