import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';
import { ChildRecords } from '../cases/record.js';
import { factsAsAt, monthEnds } from './breakdown.js';
import { emptyFacts } from './engine.js';
import { csvField, toCsv } from '../../lib/tabular.js';
import { StandardsService } from './service.js';

let t: TestApp;
let f: Fixture;
const kids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
const ICPC = 'Initial conference within 15 working days of the strategy discussion';

async function signedIn(who: string) {
  const a = t.agent();
  const res = await a.signIn(f.users[who]!.email, PASSWORD);
  expect(res.statusCode).toBe(303);
  return a;
}

/** A minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF), to read the export back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.replace(/^\uFEFF/, '');
  const endRow = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && s[i + 1] === '\n') {
      endRow();
      i++;
    } else field += ch;
  }
  if (field || row.length) endRow();
  return rows;
}

const strip = (html: string) => html.replace(/<span class="govuk-visually-hidden">[\s\S]*?<\/span>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

/** The page's "Compliance by <group>" table: standard name → group name → the compliance shown. */
function pageGroupFigures(html: string): Map<string, Map<string, string>> {
  const table = /<table class="govuk-table" id="by-group">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  const heads = [...(/<thead[\s\S]*?<\/thead>/.exec(table)?.[0] ?? '').matchAll(/<th scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) => strip(m[1]!)).slice(1);
  const out = new Map<string, Map<string, string>>();
  for (const tr of [...table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].slice(1)) {
    const name = strip(/<th scope="row"[^>]*>([\s\S]*?)<\/th>/.exec(tr[1]!)![1]!);
    const cells = [...tr[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => strip(m[1]!).split(' ')[0]!);
    out.set(name, new Map(heads.map((h, i) => [h, cells[i]!])));
  }
  return out;
}

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '932');
  // A: ICPC in time (North); B: ICPC late (strategy discussion 1 September, North);
  // C: in time, in the South team and area, led by the health practitioner
  kids.a = (await makeChildOnPlan(t, f, { firstName: 'Alpha', lastName: 'Breakdown' })).childId;
  kids.b = (await makeChildOnPlan(t, f, { firstName: 'Bravo', lastName: 'Breakdown', strategyOn: '2026-09-01' })).childId;
  kids.c = (await makeChildOnPlan(t, f, { firstName: 'Charlie', lastName: 'Breakdown' })).childId;
  await t.database.db.updateTable('children').set({ team_id: f.teams.south!, area_id: f.areas.South!, lead_user_id: f.users.health!.id }).where('id', '=', kids.c).execute();
  const svc = new StandardsService(new ChildRecords(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock)));
  expect(await svc.recomputePartnership(f.partnershipId)).toEqual({ children: 3 });
}, 60_000);

afterAll(() => t.close());

async function api(who: string, url: string) {
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  const row = await t.database.db.selectFrom('users').select(['id', 'partnership_id']).where('id', '=', f.users[who]!.id).executeTakeFirstOrThrow();
  const { token } = await auth.createToken(row, 'breakdown test', 1);
  return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
}

describe('pure parts', () => {
  it('the last 12 month-ends before today, oldest first, leap years and short months included', () => {
    const m = monthEnds('2026-11-02');
    expect(m).toHaveLength(12);
    expect(m[0]).toBe('2025-11-30');
    expect(m.at(-1)).toBe('2026-10-31');
    expect(monthEnds('2028-03-31', 2)).toEqual(['2028-01-31', '2028-02-29']);
    expect(monthEnds('2027-01-01', 1)).toEqual(['2026-12-31']);
  });

  it('facts as at a date leave out what had not started and reopen what ended later', () => {
    const facts = {
      ...emptyFacts('c'),
      plans: [
        { id: 'p1', startedOn: '2026-01-10', endedOn: '2026-06-01', previousPlans: 0, cinPlan: null, noCinPlanReason: null, endedByConferenceId: 'x' },
        { id: 'p2', startedOn: '2026-07-01', endedOn: null, previousPlans: 1, cinPlan: null, noCinPlanReason: null, endedByConferenceId: null },
      ],
      actions: [{ id: 'a1', planId: 'p1', what: 'w', dueOn: '2026-02-01', status: 'done', doneOn: '2026-03-15' }],
    };
    const at = factsAsAt(facts, '2026-02-28');
    expect(at.plans).toEqual([{ ...facts.plans[0], endedOn: null, endedByConferenceId: null }]);
    expect(at.actions).toEqual([{ ...facts.actions[0], status: 'open', doneOn: null }]);
    expect(factsAsAt(facts, '2026-12-31')).toEqual(facts);
  });

  it('CSV fields are escaped and guarded against formula injection', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    for (const s of ['+1', '-1', '@SUM(A1)', '\tx']) expect(csvField(s)).toBe(`'${s}`);
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(parseCsv(toCsv([['a,"b"', '=1'], [1, null]]))).toEqual([['a,"b"', "'=1"], ['1', '']]);
  });
});

describe('the dashboard by area, team and agency', () => {
  it('by team: compliance for each team, each number linking to the drill-down for that team', async () => {
    const a = await signedIn('qa');
    const res = await a.get('/standards?by=team');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Compliance by team');
    const figures = pageGroupFigures(res.body);
    expect(figures.get(ICPC)?.get('Safeguarding North')).toBe('50%');
    expect(figures.get(ICPC)?.get('Safeguarding South')).toBe('100%');
    expect(res.body).toContain(`href="/standards/icpc-timescale?team=${f.teams.north}"`);
    expect(res.body).toContain('href="/standards/icpc-timescale?status=met-late"');
    // the selector is a GET form that works without JavaScript
    expect(res.body).toMatch(/<form method="get" action="\/standards"[\s\S]*?name="by" type="radio" value="team" checked/);
  });

  it('by agency: the lead practitioner’s agency', async () => {
    const a = await signedIn('qa');
    const res = await a.get('/standards?by=agency');
    const figures = pageGroupFigures(res.body);
    expect(figures.get(ICPC)?.get('csc agency 932')).toBe('50%');
    expect(figures.get(ICPC)?.get('health agency 932')).toBe('100%');
    expect([...(figures.get(ICPC)?.keys() ?? [])]).toEqual(['csc agency 932', 'health agency 932']); // agencies without children are left out
    expect(res.body).toContain(`href="/standards/icpc-timescale?agency=${f.agencies.health}"`);
  });

  it('by area by default; a manager sees their team only; a bad breakdown is a 400', async () => {
    const m = await signedIn('manager');
    const res = await m.get('/standards');
    expect(res.body).toContain('Compliance by area');
    expect(pageGroupFigures(res.body).get(ICPC)?.get('North')).toBe('50%');
    expect(pageGroupFigures((await m.get('/standards?by=team')).body).get(ICPC)).toEqual(new Map([['Safeguarding North', '50%']]));
    expect((await m.get('/standards?by=school')).statusCode).toBe(400);
  });

  it('a child moving team, area or lead practitioner, and a practitioner moving agency, move its figures at once', async () => {
    const a = await signedIn('qa');
    const db = t.database.db;
    const before = await db.selectFrom('children').select(['team_id', 'area_id', 'lead_user_id']).where('id', '=', kids.b).executeTakeFirstOrThrow();
    try {
      // No recompute in between: the stored results follow the child (migration 017's triggers)
      await db.updateTable('children').set({ team_id: f.teams.south!, area_id: f.areas.South! }).where('id', '=', kids.b).execute();
      expect(pageGroupFigures((await a.get('/standards?by=team')).body).get(ICPC)).toEqual(new Map([['Safeguarding North', '100%'], ['Safeguarding South', '50%']]));
      expect(pageGroupFigures((await a.get('/standards?by=area')).body).get(ICPC)?.get('South')).toBe('50%');
      await db.updateTable('children').set({ lead_user_id: f.users.health!.id }).where('id', '=', kids.b).execute();
      expect(pageGroupFigures((await a.get('/standards?by=agency')).body).get(ICPC)).toEqual(new Map([['csc agency 932', '100%'], ['health agency 932', '50%']]));
      await db.updateTable('users').set({ agency_id: f.agencies.csc! }).where('id', '=', f.users.health!.id).execute();
      expect(pageGroupFigures((await a.get('/standards?by=agency')).body).get(ICPC)).toEqual(new Map([['csc agency 932', '66.7%']]));
    } finally {
      await db.updateTable('users').set({ agency_id: f.agencies.health! }).where('id', '=', f.users.health!.id).execute();
      await db.updateTable('children').set(before).where('id', '=', kids.b).execute();
    }
    expect(pageGroupFigures((await a.get('/standards?by=team')).body).get(ICPC)?.get('Safeguarding North')).toBe('50%');
  });

  it('the chart is server-rendered SVG in a figure with a caption, followed by its figures as a table', async () => {
    const a = await signedIn('qa');
    const res = await a.get('/standards');
    expect(res.body).toMatch(/<figure[^>]*>\s*<figcaption[^>]*>Compliance by standard<\/figcaption>\s*<div class="app-chart"><svg aria-hidden="true"[\s\S]*?<\/svg><\/div>\s*<table class="govuk-table">/);
    const figure = /<figure[\s\S]*?<\/figure>/.exec(res.body)![0];
    expect(figure).not.toContain('<script'); // no chart script
    expect(figure).not.toContain('<style'); // a style element would be blocked by the CSP
    const chartTable = /<\/svg><\/div>\s*<table[\s\S]*?<\/table>/.exec(res.body)![0];
    expect(strip(chartTable)).toContain(`${ICPC} 66.7% 3`);
  });
});

describe('drill-down by team and agency', () => {
  it('filters by team and by agency; the names only for those who may see the children', async () => {
    const m = await signedIn('manager');
    const north = await m.get(`/standards/icpc-timescale?team=${f.teams.north}&status=met-late`);
    expect(north.statusCode).toBe(200);
    expect(north.body).toContain('Bravo Breakdown');
    expect(north.body).toContain('team: Safeguarding North');
    const health = await m.get(`/standards/icpc-timescale?agency=${f.agencies.health}`);
    expect(health.body).toContain('<strong>0</strong> children'); // another team's child: not in the manager's figures
    const q = await signedIn('qa');
    const qHealth = await q.get(`/standards/icpc-timescale?agency=${f.agencies.health}`);
    expect(qHealth.body).toContain('<strong>1</strong> child');
    expect(qHealth.body).toContain('1 of them is not shown');
    expect(qHealth.body).not.toContain('Charlie Breakdown');
    expect((await q.get(`/standards/icpc-timescale?team=${f.teams.south}&agency=${f.agencies.csc}`)).body).toContain('<strong>0</strong> children');
    expect((await q.get('/standards/icpc-timescale?agency=none')).body).toContain('<strong>0</strong> children');
  });

  it('a bad id is a 400; an id not of the partnership a 404', async () => {
    const q = await signedIn('qa');
    expect((await q.get('/standards/icpc-timescale?team=nope')).statusCode).toBe(400);
    expect((await q.get('/standards/icpc-timescale?team=00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

describe('month by month', () => {
  /** The trend table: month-end → [met, met late, missed, overdue, due, compliance]. */
  const months = (html: string) =>
    new Map(
      [...(/<table class="govuk-table" id="months">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '').matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)].slice(1).map((m) => {
        const cells = [...m[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => strip(c[1]!));
        return [cells[0]!, cells.slice(1)] as const;
      }),
    );

  it('evaluates every child as at each of the last 12 month-ends', async () => {
    const q = await signedIn('qa');
    const res = await q.get('/standards/icpc-timescale/trend');
    expect(res.statusCode).toBe(200);
    const m = months(res.body);
    expect(m.size).toBe(12);
    // Before any strategy discussion: nothing due
    expect(m.get('31 August 2026')).toEqual(['0', '0', '0', '0', '0', '—']);
    // B's strategy discussion on 1 September, conference due 22 September, not held by the 30th
    expect(m.get('30 September 2026')).toEqual(['0', '0', '0', '1', '0', '0%']);
    // By the end of October: A and C met, B met late
    expect(m.get('31 October 2026')).toEqual(['2', '1', '0', '0', '0', '66.7%']);
    expect(res.body).toMatch(/<figcaption[^>]*>Compliance at each month-end<\/figcaption>\s*<div class="app-chart"><svg aria-hidden="true"/);
  });

  it('follows the scope and the filter', async () => {
    const mgr = await signedIn('manager');
    expect(months((await mgr.get('/standards/icpc-timescale/trend')).body).get('31 October 2026')).toEqual(['1', '1', '0', '0', '0', '50%']);
    const q = await signedIn('qa');
    const health = await q.get(`/standards/icpc-timescale/trend?agency=${f.agencies.health}`);
    expect(health.body).toContain('agency: health agency 932');
    expect(months(health.body).get('31 October 2026')).toEqual(['1', '0', '0', '0', '0', '100%']);
    expect((await q.get('/standards/no-such-standard/trend')).statusCode).toBe(404);
  });

  it('a flag standard shows the children flagged, with no chart', async () => {
    const q = await signedIn('qa');
    const res = await q.get('/standards/strategy-attendance/trend');
    expect(res.statusCode).toBe(200);
    const flagKey = (await t.database.db.selectFrom('standard_definitions').select(['key', 'kind']).where('partnership_id', '=', f.partnershipId).where('kind', '=', 'flag').executeTakeFirstOrThrow()).key;
    const flag = await q.get(`/standards/${flagKey}/trend`);
    expect(flag.body).toContain('Children flagged at each month-end');
    expect(flag.body).not.toContain('<svg');
  });
});

describe('exports', () => {
  it('CSV and XLSX carry the same figures as the page, for the same breakdown', async () => {
    const q = await signedIn('qa');
    const page = pageGroupFigures((await q.get('/standards?by=team')).body);
    const csvRes = await q.get('/standards.csv?by=team');
    expect(csvRes.statusCode).toBe(200);
    expect(csvRes.headers['content-type']).toContain('text/csv');
    expect(csvRes.headers['content-disposition']).toContain('practice-standards-by-team.csv');
    const csv = parseCsv(csvRes.body);
    expect(csv[0]).toEqual(['Standard', 'Team', 'Children it applies to', 'Overdue', 'Missed', 'Due', 'Met late', 'Met', 'Excepted', 'Not applicable', 'Compliance (%)']);
    expect(csv.find((r) => r[0] === ICPC && r[1] === 'All (the partnership)')).toEqual([ICPC, 'All (the partnership)', '3', '0', '0', '0', '1', '2', '0', '0', '66.7']);

    const xRes = await q.get('/standards.xlsx?by=team');
    expect(xRes.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xRes.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    const xlsx: string[][] = [];
    ws.eachRow((row) => xlsx.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
    // XLSX cells = CSV fields (numbers stay numbers in the workbook)
    expect(xlsx.map((r) => r.concat(Array(csv[0]!.length - r.length).fill('')))).toEqual(csv);
    expect(typeof ws.getRow(2).getCell(11).value).toBe('number');

    // Every compliance the page shows for a team is the export's
    let compared = 0;
    for (const [standard, groups] of page) {
      for (const [group, shown] of groups) {
        const row = csv.find((r) => r[0] === standard && r[1] === group);
        expect(row, `${standard} / ${group}`).toBeDefined();
        if (shown.endsWith('%') || shown === '—') {
          expect(row![10] === '' ? '—' : `${row![10]}%`, `${standard} / ${group}`).toBe(shown);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(10);
  });

  it('a name that looks like a formula is text in both', async () => {
    await t.database.db.updateTable('teams').set({ name: '=1+2' }).where('id', '=', f.teams.south!).execute();
    try {
      const q = await signedIn('qa');
      const csv = (await q.get('/standards.csv?by=team')).body;
      expect(csv).toContain(",'=1+2,");
      expect(csv).not.toMatch(/,=1\+2,/);
      const xRes = await q.get('/standards.xlsx?by=team');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xRes.rawPayload as unknown as ExcelJS.Buffer);
      const cells: ExcelJS.Cell[] = [];
      wb.worksheets[0]!.getColumn(2).eachCell((c) => cells.push(c));
      const f12 = cells.find((c) => c.value === '=1+2');
      expect(f12?.type).toBe(ExcelJS.ValueType.String);
    } finally {
      await t.database.db.updateTable('teams').set({ name: 'Safeguarding South' }).where('id', '=', f.teams.south!).execute();
    }
  });

  it('the drill-down downloads the children it lists, with the same figure, access-logged', async () => {
    const q = await signedIn('manager');
    const url = `/standards/icpc-timescale?team=${f.teams.north}`;
    const page = await q.get(url);
    expect(page.body).toContain(`href="/standards/icpc-timescale/children.csv?team=${f.teams.north}"`);
    const listed = [...page.body.matchAll(/href="\/children\/([0-9a-f-]{36})\/standards/g)].map((m) => m[1]);
    expect(listed.length).toBe(2);
    const csvRes = await q.get(`/standards/icpc-timescale/children.csv?team=${f.teams.north}`);
    expect(csvRes.statusCode).toBe(200);
    expect(csvRes.headers['content-disposition']).toContain('practice-standard-icpc-timescale.csv');
    const csv = parseCsv(csvRes.body);
    expect(csv[0]).toEqual(['Standard', 'LA child ID', 'First name', 'Last name', 'Status', 'Due', 'Reason', 'Area', 'Team', 'Lead practitioner', 'Lead practitioner’s agency']);
    expect(csv.slice(1).map((r) => `${r[2]} ${r[3]}: ${r[4]}`).sort()).toEqual(['Alpha Breakdown: Met', 'Bravo Breakdown: Met late']);
    expect(csv.slice(1).every((r) => r[0] === ICPC && r[8] === 'Safeguarding North')).toBe(true);
    const la = await t.database.db.selectFrom('children').select(['id', 'la_child_id']).where('id', 'in', listed as string[]).execute();
    expect(csv.slice(1).map((r) => r[1]).sort()).toEqual(la.map((c) => c.la_child_id).sort());

    const xRes = await q.get(`/standards/icpc-timescale/children.xlsx?team=${f.teams.north}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xRes.rawPayload as unknown as ExcelJS.Buffer);
    const rows: string[][] = [];
    wb.getWorksheet('Children')!.eachRow((row) => rows.push(Array.from(row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
    expect(rows.map((r) => r.concat(Array(csv[0]!.length - r.length).fill('')))).toEqual(csv);
    const about = new Map<string, unknown>();
    wb.getWorksheet('About')!.eachRow((row) => about.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(about.get('Children behind the figure')).toBe(2);
    expect(about.get('Team')).toBe('Safeguarding North');
    expect(page.body).toContain('<strong>2</strong> children');

    // The QA lead may see the figure but not the child: counted, not listed
    const qa = await signedIn('qa');
    const health = await qa.get(`/standards/icpc-timescale/children.xlsx?agency=${f.agencies.health}`);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(health.rawPayload as unknown as ExcelJS.Buffer);
    expect(wb2.getWorksheet('Children')!.rowCount).toBe(1);
    const about2 = new Map<string, unknown>();
    wb2.getWorksheet('About')!.eachRow((row) => about2.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(about2.get('Children behind the figure')).toBe(1);
    expect(about2.get('Of them, not listed (records you may not open)')).toBe(1);

    const logged = await t.database.db.selectFrom('access_log').select(['subject_id', 'record_type']).where('action', '=', 'export').where('user_id', '=', f.users.manager!.id).execute();
    expect(logged.filter((l) => l.record_type === 'standards').map((l) => String(l.subject_id)).sort()).toEqual([...(listed as string[]), ...(listed as string[])].sort());
  });

  it('the exports are for the same people as the page', async () => {
    const w = await signedIn('worker');
    expect((await w.get('/standards.csv')).statusCode).toBe(403);
    expect((await w.get('/standards.xlsx')).statusCode).toBe(403);
    expect((await w.get('/standards/icpc-timescale/children.csv')).statusCode).toBe(403);
    expect((await w.get('/standards/icpc-timescale/children.xlsx')).statusCode).toBe(403);
  });
});

describe('the API', () => {
  it('gives the same figures by group and month by month', async () => {
    const res = await api('qa', '/api/v1/standards/breakdown?by=agency');
    expect(res.statusCode, res.body).toBe(200);
    const d = res.json() as { by: string; groups: { id: string; name: string }[]; standards: { key: string; total: { compliance: number | null }; byGroup: Record<string, { compliance: number | null; met: number }> }[] };
    expect(d.by).toBe('agency');
    expect(d.groups.map((g) => g.id)).toEqual([f.agencies.csc, f.agencies.health]);
    const icpc = d.standards.find((s) => s.key === 'icpc-timescale')!;
    expect(icpc.total.compliance).toBe(66.7);
    expect(icpc.byGroup[f.agencies.health!]).toMatchObject({ met: 1, compliance: 100 });

    const tr = await api('manager', '/api/v1/standards/icpc-timescale/trend');
    expect(tr.statusCode, tr.body).toBe(200);
    const months = (tr.json() as { months: { date: string; counts: { compliance: number | null } }[] }).months;
    expect(months.map((m) => m.date)).toEqual(monthEnds('2026-11-02'));
    expect(months.at(-1)!.counts.compliance).toBe(50);
    expect((await api('worker', '/api/v1/standards/breakdown')).statusCode).toBe(403);
    expect((await api('qa', '/api/v1/standards/breakdown?by=nope')).statusCode).toBe(400);
  });
});
