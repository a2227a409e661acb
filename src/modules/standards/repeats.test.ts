import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';

let t: TestApp;
let f: Fixture;

async function signedIn(who: string) {
  const a = t.agent();
  expect((await a.signIn(f.users[who]!.email, PASSWORD)).statusCode).toBe(303);
  return a;
}

const strip = (html: string) => html.replace(/<span class="govuk-visually-hidden">[\s\S]*?<\/span>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

/** A table of the page as its rows' text, header row first. */
function tableRows(html: string, id: string): string[] {
  const table = new RegExp(`<table class="govuk-table" id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  return [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => strip(m[1]!));
}

async function earlierPlan(childId: string, startedOn: string, endedOn: string) {
  await t.database.db
    .insertInto('cp_plans')
    .values({ partnership_id: f.partnershipId, child_id: childId, started_on: startedOn, ended_on: endedOn, initial_category: 'NEG', latest_category: 'NEG', previous_plans: 0, created_by: null })
    .execute();
}
async function referral(childId: string, receivedOn: string) {
  await t.database.db.insertInto('referrals').values({ partnership_id: f.partnershipId, child_id: childId, received_on: receivedOn, summary: 'Referred again', created_by: null }).execute();
}

beforeAll(async () => {
  t = await buildTestApp(); // today: 2 November 2026; plans made here start on 26 October 2026
  f = await makePartnership(t.database.db, '933');
  // North: A on a plan recorded as their second (neglect); B back on a plan (physical abuse) after a plan ended
  // on 1 September 2025 and a referral exactly 12 months later
  const a = await makeChildOnPlan(t, f, { firstName: 'Amber', lastName: 'Repeat' });
  await t.database.db.updateTable('cp_plans').set({ previous_plans: 1 }).where('id', '=', a.planId).execute();
  const b = await makeChildOnPlan(t, f, { firstName: 'Beryl', lastName: 'Repeat', categories: ['PHY'] });
  await earlierPlan(b.childId, '2025-01-10', '2025-09-01');
  await referral(b.childId, '2026-09-01');
  // South: C back on a plan after one that ended on 1 January 2024, referred again a day over 12 months later;
  // D on a first plan
  const c = await makeChildOnPlan(t, f, { firstName: 'Cerys', lastName: 'Repeat' });
  await earlierPlan(c.childId, '2023-03-01', '2024-01-01');
  await referral(c.childId, '2025-01-02');
  const d = await makeChildOnPlan(t, f, { firstName: 'Delia', lastName: 'Repeat' });
  for (const id of [c.childId, d.childId]) await t.database.db.updateTable('children').set({ team_id: f.teams.south!, area_id: f.areas.South! }).where('id', '=', id).execute();
}, 60_000);

afterAll(() => t.close());

describe('repeat plans and re-referrals on the dashboard', () => {
  it('by area: of the plans started in the last 12 months, the second or later plans and those after a re-referral, as a share', async () => {
    const res = await (await signedIn('qa')).get('/standards');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Repeat plans and re-referrals');
    expect(strip(res.body)).toContain('started after 2 November 2025 up to 2 November 2026');
    expect(tableRows(res.body, 'repeats-by-group')).toEqual([
      'Area Plans started Second or later plans After a re-referral',
      'All (the partnership) 4 75% 3 of 4 25% 1 of 4', // the earlier plans started before the period are not counted
      'North 2 100% 2 of 2 50% 1 of 2',
      'South 2 50% 1 of 2 0% 0 of 2',
    ]);
    expect(tableRows(res.body, 'repeats-by-category')).toEqual([
      'Category of abuse Plans started Second or later plans After a re-referral',
      'Neglect 3 66.7% 2 of 3 0% 0 of 3',
      'Physical abuse 1 100% 1 of 1 100% 1 of 1',
      'Emotional abuse 0 — 0 of 0 — 0 of 0',
      'Sexual abuse 0 — 0 of 0 — 0 of 0',
      'Multiple categories 0 — 0 of 0 — 0 of 0',
    ]);
  });

  it('by team; a team manager sees their team’s plans only', async () => {
    const qa = await (await signedIn('qa')).get('/standards?by=team');
    expect(tableRows(qa.body, 'repeats-by-group').slice(1)).toEqual(['All (the partnership) 4 75% 3 of 4 25% 1 of 4', 'Safeguarding North 2 100% 2 of 2 50% 1 of 2', 'Safeguarding South 2 50% 1 of 2 0% 0 of 2']);
    const m = await (await signedIn('manager')).get('/standards?by=team');
    expect(tableRows(m.body, 'repeats-by-group').slice(1)).toEqual(['All (your team) 2 100% 2 of 2 50% 1 of 2', 'Safeguarding North 2 100% 2 of 2 50% 1 of 2']);
    expect(tableRows(m.body, 'repeats-by-category')[2]).toBe('Physical abuse 1 100% 1 of 1 100% 1 of 1');
  });

  it('the re-referral window is the repeat-plan standard’s parameter', async () => {
    const admin = await signedIn('admin');
    const saved = await admin.post('/admin/standards/repeat-plan', { 'effectiveFrom-day': '2', 'effectiveFrom-month': '11', 'effectiveFrom-year': '2026', param_reReferralMonths: '13', name: 'Second or later plan, or re-referral after a plan', checks: 'Flags a child on a second or later plan, or referred again within 13 months of a plan ending.', severity: 'medium' });
    expect(saved.statusCode, saved.body.match(/govuk-error-summary__list[\s\S]*?<\/ul>/)?.[0] ?? '').toBe(303);
    const res = await (await signedIn('qa')).get('/standards');
    expect(tableRows(res.body, 'repeats-by-group')[1]).toBe('All (the partnership) 4 75% 3 of 4 50% 2 of 4'); // C's referral is now within 13 months
    expect(strip(res.body)).toContain('within 13 months of an earlier plan ending');
  });

  it('the CSV and the XLSX carry the same figures as the page', async () => {
    const qa = await signedIn('qa');
    const page = await qa.get('/standards?by=area');
    const csv = await qa.get('/standards/repeat-plans.csv?by=area');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="repeat-plans-by-area.csv"');
    const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    expect(rows.slice(1)).toEqual([
      ['All', 'All (the partnership)', '4', '3', '75', '2', '50'],
      ['Area', 'North', '2', '2', '100', '1', '50'],
      ['Area', 'South', '2', '1', '50', '1', '50'],
      ['Category of abuse', 'Neglect', '3', '2', '66.7', '1', '33.3'],
      ['Category of abuse', 'Physical abuse', '1', '1', '100', '1', '100'],
      ['Category of abuse', 'Emotional abuse', '0', '0', '', '0', ''],
      ['Category of abuse', 'Sexual abuse', '0', '0', '', '0', ''],
      ['Category of abuse', 'Multiple categories', '0', '0', '', '0', ''],
    ]);
    // each page row matches its CSV row
    const pageRows = tableRows(page.body, 'repeats-by-group').slice(1).concat(tableRows(page.body, 'repeats-by-category').slice(1));
    rows.slice(1).forEach((r, i) => {
      expect(pageRows[i]).toBe(`${r[1]} ${r[2]} ${r[4] ? `${r[4]}%` : '—'} ${r[3]} of ${r[2]} ${r[6] ? `${r[6]}%` : '—'} ${r[5]} of ${r[2]}`);
    });
    const xlsx = await qa.get('/standards.xlsx?by=area');
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('Repeat plans')!;
    const values: string[][] = [];
    sheet.eachRow((row) => values.push(Array.from({ length: 7 }, (_, i) => row.getCell(i + 1).value).map((v) => (v === null || v === undefined ? '' : String(v)))));
    expect(values).toEqual(rows);
  });
});
