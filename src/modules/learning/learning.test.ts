/**
 * The learning loop through the pages, as a browser without JavaScript uses them: the QA lead drafts
 * a review from a completed audit, publishes its briefing and sends it to two teams; each team records
 * its discussion and an action row, one measured by "first core group chaired by a manager" in the
 * North area; a manager-chaired first core group recorded in North moves the measure to its target;
 * the row closes only with its evidence; the assurance view and its files carry the same figures.
 * Who may see and do what is checked on the way.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../lib/actor.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService, userActor } from '../auth/service.js';
import { AuditsService } from '../audits/service.js';
import { CORE_GROUP_THEMATIC } from '../audits/tools.js';
import { PartnershipService } from '../partnership/service.js';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { seed003Cases, toAuditCsv } from '../../../test/support/audit-cohorts.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';

const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! };
};
/** Pixels of the briefing's green (#00703c) in a binary PPM (P6) image. */
function greenPixels(ppm: Buffer): number {
  const header = ppm.toString('latin1', 0, 64).match(/^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/);
  if (!header) throw new Error('not a PPM image');
  let n = 0;
  for (let i = header[0].length; i + 2 < ppm.length; i += 3) if (ppm[i]! < 40 && ppm[i + 1]! > 90 && ppm[i + 1]! < 135 && ppm[i + 2]! > 40 && ppm[i + 2]! < 85) n++;
  return n;
}
const errorSummary = (body: string) => body.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '';

describe('learning reviews, team responses and measured action plans', () => {
  let t: TestApp;
  let f: Fixture;
  let other: Fixture;
  let auditId: string;
  let reviewId: string;
  let measuredRowId: string;
  const children: { childId: string }[] = [];
  const agents: Record<string, Agent> = {};

  const signedIn = async (email: string) => {
    const a = t.agent();
    const res = await a.signIn(email, PASSWORD);
    expect(res.statusCode).toBe(303);
    return a;
  };

  beforeAll(async () => {
    t = await buildTestApp();
    const db = t.database.db;
    f = await makePartnership(db, '941');
    other = await makePartnership(db, '942');
    const accessLog = new AccessLogService(db, t.clock);
    const people = new PartnershipService(db, t.clock, accessLog, new AuthService(db, t.clock, t.config, accessLog));
    const southWorker = await people.addUser(systemActor(f.partnershipId, 'test'), { email: 'south.941@test.assure.example', name: 'south person 941', role: 'practitioner', agencyId: f.agencies.csc!, teamId: f.teams.south!, password: PASSWORD });
    f.users.south = { id: southWorker.id, email: southWorker.email, role: 'practitioner' };
    // A completed core group audit: seed 003's shape, its quadrants renamed to this partnership's areas
    const cases = seed003Cases().map((c) => ({ ...c, area: c.area === 'West' || c.area === 'North' ? 'North' : 'South' }));
    const qa = userActor(await db.selectFrom('users').selectAll().where('id', '=', f.users.qa!.id).executeTakeFirstOrThrow());
    auditId = (await new AuditsService(db, t.clock, accessLog).importAudit(qa, { toolKey: 'core-group-thematic', title: 'Core groups 2026', csv: toAuditCsv(CORE_GROUP_THEMATIC, cases) })).id;
    // Two children on plans in North: the first's first core group was not chaired by a manager
    for (const name of ['Ash', 'Birch']) {
      const c = await makeChildOnPlan(t, f, { firstName: name, lastName: 'Learning' });
      await db.updateTable('children').set({ area_id: f.areas.North!, team_id: f.teams.north! }).where('id', '=', c.childId).execute();
      children.push(c);
    }
    for (const key of ['qa', 'manager', 'worker', 'south', 'health']) agents[key] = await signedIn(f.users[key]!.email);
    agents.otherQa = await signedIn(other.users.qa!.email);
    await agents.worker!.get(`/children/${children[0]!.childId}/meetings/new`);
    const first = await agents.worker!.post(`/children/${children[0]!.childId}/meetings/new`, { ...dateFields('heldOn', '2026-10-28'), chairUserId: f.users.worker!.id });
    expect(first.statusCode).toBe(303);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('drafts a review from the completed audit, refuses a bad form whole, and saves it', async () => {
    const qa = agents.qa!;
    expect((await qa.get(`/audits/${auditId}/report`)).body).toContain(`href="/learning/new?audit=${auditId}"`);
    const draft = await qa.get(`/learning/new?audit=${auditId}`);
    expect(draft.statusCode).toBe(200);
    expect(draft.body).toContain('Learning from Core groups 2026');
    expect(draft.body).toContain('Was the first core group chaired by a manager? No: 101 of 132 cases (77%).');

    const fields = {
      kind: 'thematic-audit',
      title: 'Learning from Core groups 2026',
      subject: '',
      ...dateFields('startedOn', '2026-11-02'),
      background: 'A thematic audit of 132 core groups.',
      themes: 'Core group chairing\nChild’s voice',
      findings: 'First core groups are rarely chaired by a manager.',
      recommendation1: 'Every first core group is chaired by a manager.',
      addressedTo1: f.agencies.csc!,
      recommendation2: 'Partners send a report when they cannot attend.',
      sourceAuditId: auditId,
    };
    const before = await t.database.db.selectFrom('learning_reviews').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const refused = await qa.post('/learning/new', fields);
    expect(refused.statusCode).toBe(400);
    expect(errorSummary(refused.body)).toContain('Enter the pseudonym of the child or family');
    expect(refused.body).toContain('value="Learning from Core groups 2026"');
    const after = await t.database.db.selectFrom('learning_reviews').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));

    const saved = await qa.post('/learning/new', { ...fields, subject: 'Alex' });
    expect(saved.statusCode).toBe(303);
    reviewId = saved.headers.location!.match(/\/learning\/([0-9a-f-]{36})/)![1]!;
    const page = await qa.get(`/learning/${reviewId}`);
    expect(page.body).toContain('Every first core group is chaired by a manager.');
    expect(page.body).toContain(`Addressed to csc agency 941.`);
    expect(page.body).toContain('Draft');
  });

  it('keeps a draft from everyone but the QA lead and admin, and from other partnerships', async () => {
    expect((await agents.manager!.get(`/learning/${reviewId}`)).statusCode).toBe(404);
    expect((await agents.otherQa!.get(`/learning/${reviewId}`)).statusCode).toBe(404);
    expect((await agents.worker!.get('/learning/new')).statusCode).toBe(403);
  });

  it('publishes the briefing in seven parts and sends it to two teams', async () => {
    const qa = agents.qa!;
    await qa.get(`/learning/${reviewId}`);
    const published = await qa.post(`/learning/${reviewId}/publish`, { version: '1' });
    expect(published.statusCode).toBe(303);
    const again = await qa.post(`/learning/${reviewId}/publish`, { version: '2' });
    expect(again.statusCode).toBe(400);
    expect(errorSummary(again.body)).toContain('already published');
    // A published review is fixed
    await qa.get(`/learning/${reviewId}/edit`);
    const edit = await qa.post(`/learning/${reviewId}/edit`, { kind: 'thematic-audit', title: 'Changed', subject: 'Alex', ...dateFields('startedOn', '2026-11-02'), version: '2' });
    expect(edit.statusCode).toBe(400);

    const briefing = await agents.health!.get(`/learning/${reviewId}/briefing`);
    expect(briefing.statusCode).toBe(200);
    for (const part of ['Background', 'Safeguarding concerns', 'What happened', 'The review', 'The findings', 'Recommendations', 'Implementing change']) expect(briefing.body).toContain(part);

    await qa.get(`/learning/${reviewId}/send`);
    const none = await qa.post(`/learning/${reviewId}/send`, {});
    expect(none.statusCode).toBe(400);
    expect(errorSummary(none.body)).toContain('Select at least one team');
    const sent = await qa.post(`/learning/${reviewId}/send`, { teamIds: [f.teams.north!, f.teams.south!] });
    expect(sent.statusCode).toBe(303);
    expect((await qa.get(`/learning/${reviewId}`)).body).toContain('Teams: 0 of 2 responded');
  });

  it('the briefing PDF has the seven parts and the team response form', async () => {
    const res = await agents.manager!.get(`/learning/${reviewId}/briefing.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(path.join(tmpdir(), 'assure-briefing-'));
    writeFileSync(path.join(dir, 'b.pdf'), res.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'b.pdf'), '-'], { encoding: 'utf8' });
    for (const part of ['01', 'Background', '02', 'Safeguarding concerns', '03', 'What happened', '04', 'The review', '05', 'The findings', '06', 'Recommendations', '07', 'Implementing change', 'Team response', 'What needs to happen?', 'Who will do it?', 'By when?']) expect(text).toContain(part);
    expect(text).toContain('Every first core group is chaired by a manager.');
    // As pictures: the seven numbered parts are drawn as green boxes, on every page until the response form
    execFileSync('pdftoppm', ['-r', '30', path.join(dir, 'b.pdf'), path.join(dir, 'page')]);
    const pages = readdirSync(dir).filter((n) => n.startsWith('page') && n.endsWith('.ppm')).sort();
    expect(pages.length).toBe(2);
    const green = pages.map((p) => greenPixels(readFileSync(path.join(dir, p))));
    // Seven boxes of about 18 × 20 pixels at 30 dpi on the first page; the response form has none
    expect(green[0]).toBeGreaterThan(7 * 200);
    expect(green[1]).toBe(0);
    // Kept beside the browser tests' screenshots, to look at: test-results/briefing/page-1.png, page-2.png
    const keep = path.resolve(import.meta.dirname, '../../../test-results/briefing');
    mkdirSync(keep, { recursive: true });
    writeFileSync(path.join(keep, 'briefing.pdf'), res.rawPayload);
    execFileSync('pdftoppm', ['-png', '-r', '60', path.join(keep, 'briefing.pdf'), path.join(keep, 'page')]);
  });

  it('a team records its discussion and a measured action; bad rows are refused naming each field', async () => {
    const manager = agents.manager!;
    expect((await manager.get('/learning')).body).toContain('Briefings for your team');
    const page = await manager.get(`/learning/${reviewId}/response`);
    expect(page.statusCode).toBe(200);
    const discussion = await manager.post(`/learning/${reviewId}/response`, { discussion: 'We agreed managers chair every first core group.', version: '1' });
    expect(discussion.statusCode).toBe(303);
    // A second save on the version read before is a conflict, not a lost update
    const stale = await manager.post(`/learning/${reviewId}/response`, { discussion: 'Overwritten?', version: '1' });
    expect(stale.statusCode).toBe(409);

    const rec = await t.database.db.selectFrom('review_recommendations').select('id').where('review_id', '=', reviewId).where('position', '=', 1).executeTakeFirstOrThrow();
    const bad = await manager.post(`/learning/${reviewId}/response/actions`, { what: '', who: 'Team manager', ...dateFields('dueOn', '2026-12-31'), doneWhen: 'Chairing rota', workedWhen: 'More first core groups chaired by a manager', measureKind: 'standard', measureStandard: 'first-core-group-chair', measureScope: '', measureTarget: '150' });
    expect(bad.statusCode).toBe(400);
    const summary = errorSummary(bad.body);
    for (const m of ['Enter what needs to happen', 'Select where it is measured', 'The target must be between 0 and 100']) expect(summary).toContain(m);
    expect(await t.database.db.selectFrom('learning_actions').selectAll().execute()).toHaveLength(0);

    const row = await manager.post(`/learning/${reviewId}/response/actions`, {
      what: 'Managers chair every first core group',
      who: 'Team manager',
      ...dateFields('dueOn', '2026-12-31'),
      doneWhen: 'A chairing rota is in place',
      workedWhen: 'First core groups in North are chaired by a manager',
      recommendationId: rec.id,
      measureKind: 'standard',
      measureStandard: 'first-core-group-chair',
      measureScope: `area:${f.areas.North!}`,
      measureTarget: '50',
    });
    expect(row.statusCode).toBe(303);
    const stored = await t.database.db.selectFrom('learning_actions').selectAll().executeTakeFirstOrThrow();
    measuredRowId = stored.id;
    // The baseline: one first core group in North, not chaired by a manager
    expect(stored).toMatchObject({ level: 'team', team_id: f.teams.north, agency_id: f.agencies.csc, baseline: 0, baseline_cases: 1, target: 50, status: 'open' });
    const view = await manager.get(`/learning/actions/${measuredRowId}`);
    expect(view.body).toContain('Baseline 0% · target 50% · now 0% (1 case)');
    expect(view.body).toContain('No change yet');
  });

  it('a team the briefing was not sent to cannot respond; another team can, without a measure', async () => {
    expect((await agents.health!.get(`/learning/${reviewId}/response`)).statusCode).toBe(404);
    const south = agents.south!;
    await south.get(`/learning/${reviewId}/response`);
    expect((await south.post(`/learning/${reviewId}/response`, { discussion: 'We will ask partners for reports.', version: '1' })).statusCode).toBe(303);
    const row = await south.post(`/learning/${reviewId}/response/actions`, { what: 'Ask absent partners for reports', who: 'Social worker', ...dateFields('dueOn', '2026-11-20'), doneWhen: 'A reminder goes with every invitation', workedWhen: 'Reports arrive from absent partners' });
    expect(row.statusCode).toBe(303);
    expect((await agents.qa!.get(`/learning/${reviewId}`)).body).toContain('Teams: 2 of 2 responded');
  });

  it('a manager-chaired first core group in North moves the measure to its target', async () => {
    await agents.worker!.get(`/children/${children[1]!.childId}/meetings/new`);
    const meeting = await agents.worker!.post(`/children/${children[1]!.childId}/meetings/new`, { ...dateFields('heldOn', '2026-10-30'), chairUserId: f.users.manager!.id });
    expect(meeting.statusCode).toBe(303);
    const view = await agents.manager!.get(`/learning/actions/${measuredRowId}`);
    expect(view.body).toContain('Baseline 0% · target 50% · now 50% (2 cases)');
    expect(view.body).toContain('Target reached');
  });

  it('progress is recorded by the team, and the row closes only with its evidence', async () => {
    const manager = agents.manager!;
    await manager.get(`/learning/actions/${measuredRowId}`);
    expect((await manager.post(`/learning/actions/${measuredRowId}/updates`, { text: 'Rota drafted', evidence: 'Team meeting notes', markInProgress: 'yes' })).statusCode).toBe(303);
    expect((await t.database.db.selectFrom('learning_actions').select('status').where('id', '=', measuredRowId).executeTakeFirstOrThrow()).status).toBe('in-progress');
    // Someone outside the team may read the row but not change it
    await agents.south!.get(`/learning/actions/${measuredRowId}`);
    expect((await agents.south!.post(`/learning/actions/${measuredRowId}/updates`, { text: 'Not mine' })).statusCode).toBe(403);
    const row = await t.database.db.selectFrom('learning_actions').select('version').where('id', '=', measuredRowId).executeTakeFirstOrThrow();
    const noEvidence = await manager.post(`/learning/actions/${measuredRowId}/close`, { doneEvidence: ' ', version: String(row.version) });
    expect(noEvidence.statusCode).toBe(400);
    expect(errorSummary(noEvidence.body)).toContain('Enter the evidence that it has been done');
    expect((await manager.post(`/learning/actions/${measuredRowId}/close`, { doneEvidence: 'Rota in place from 1 November', version: String(row.version) })).statusCode).toBe(303);
    const page = await agents.qa!.get(`/learning/${reviewId}`);
    // Its only row is done and its measure reached
    expect(page.body).toMatch(/Recommendation 1<\/h3>\s*<div class="govuk-summary-card__actions"><strong class="govuk-tag govuk-tag--green">\s*Impact shown/);
  });

  it('an agency row measured by an audit question takes its baseline from the latest audit, and moves with the next one', async () => {
    const qa = agents.qa!;
    await qa.get('/learning/actions/new');
    const fields = {
      level: 'agency',
      agencyId: f.agencies.csc!,
      ownerId: f.users.manager!.id,
      reviewId: reviewId,
      what: 'Core group chairs trained',
      who: 'Principal social worker',
      ...dateFields('dueOn', '2027-03-31'),
      doneWhen: 'Training register',
      workedWhen: 'The next audit finds more first core groups chaired by a manager',
      measureKind: 'audit',
      measureQuestion: 'core-group-thematic|manager_first_core_group|Yes',
      measureScope: `area:${f.areas.North!}`,
      measureTarget: '40',
    };
    const refused = await qa.post('/learning/actions/new', { ...fields, measureQuestion: 'core-group-thematic|manager_first_core_group|Perhaps' });
    expect(refused.statusCode).toBe(400);
    expect(errorSummary(refused.body)).toContain('Select an audit question and answer from the list');
    const made = await qa.post('/learning/actions/new', fields);
    expect(made.statusCode).toBe(303);
    const id = made.headers.location!.match(/actions\/([0-9a-f-]{36})/)![1]!;
    // North holds seed 003's West (13 of 60 chaired by a manager) and North (4 of 16) quadrants: 17 of 76
    const row = await t.database.db.selectFrom('learning_actions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ level: 'agency', agency_id: f.agencies.csc, owner_user_id: f.users.manager!.id, baseline: 22.4, baseline_cases: 76, target: 40 });
    // A later audit with the same tool: 38 of 76 first core groups in North chaired by a manager
    const later = seed003Cases().map((c, i) => ({ ...c, area: c.area === 'West' || c.area === 'North' ? 'North' : 'South', answers: { ...c.answers, manager_first_core_group: i % 2 === 0 ? 'Yes' : 'No' } }));
    const qaActor = userActor(await t.database.db.selectFrom('users').selectAll().where('id', '=', f.users.qa!.id).executeTakeFirstOrThrow());
    t.clock.advance(60_000);
    await new AuditsService(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock)).importAudit(qaActor, { toolKey: 'core-group-thematic', title: 'Core groups 2027', csv: toAuditCsv(CORE_GROUP_THEMATIC, later) });
    const page = await agents.manager!.get(`/learning/actions/${id}`);
    expect(page.body).toContain('Baseline 22.4% · target 40% · now 50% (76 cases)');
    expect(page.body).toContain('Target reached');
    // The agency's team manager may record progress on it; a practitioner of the agency may not
    await agents.manager!.get(`/learning/actions/${id}`);
    expect((await agents.manager!.post(`/learning/actions/${id}/updates`, { text: 'Two sessions held' })).statusCode).toBe(303);
    await agents.south!.get(`/learning/actions/${id}`);
    expect((await agents.south!.post(`/learning/actions/${id}/updates`, { text: 'Not mine' })).statusCode).toBe(403);
  });

  it('the assurance view, its PDF and XLSX carry the same figures', async () => {
    const qa = agents.qa!;
    const page = await qa.get('/learning/assurance');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Target reached');
    expect((await agents.manager!.get('/learning/assurance')).statusCode).toBe(403);
    const xlsx = await qa.get('/learning/assurance.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const measures = wb.getWorksheet('Measures')!;
    expect(measures.getRow(2).values).toEqual([undefined, 'Managers chair every first core group', 'csc agency 941', expect.stringContaining('area North'), '0%', '50%', '50%', 'Target reached']);
    const recs = wb.getWorksheet('Recommendations')!;
    expect(recs.getRow(2).getCell(3).value).toBe('Impact shown');
    expect(recs.getRow(3).getCell(3).value).toBe('No actions yet');
    const pdf = await qa.get('/learning/assurance.pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const keep = path.resolve(import.meta.dirname, '../../../test-results/briefing');
    mkdirSync(keep, { recursive: true });
    writeFileSync(path.join(keep, 'assurance.pdf'), pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-layout', path.join(keep, 'assurance.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toMatch(/Impact shown\s+1/);
    expect(text).toMatch(/Managers chair every first core group.*0%\s+50%\s+50%\s+Target reached/s);
    execFileSync('pdftoppm', ['-png', '-r', '50', path.join(keep, 'assurance.pdf'), path.join(keep, 'assurance')]);
  });

  it('the API lists the rows with their measures, filtered, and reads a review', async () => {
    const accessLog = new AccessLogService(t.database.db, t.clock);
    const { token } = await new AuthService(t.database.db, t.clock, t.config, accessLog).createToken({ id: f.users.health!.id, partnership_id: f.partnershipId }, 'test', 30);
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const done = (await get('/api/v1/learning/actions?status=done')).json() as { items: { what: string; measure: { current: number; direction: string } | null }[] };
    expect(done.items).toEqual([expect.objectContaining({ what: 'Managers chair every first core group', measure: expect.objectContaining({ baseline: 0, target: 50, current: 50, cases: 2, direction: 'reached' }) })]);
    const open = (await get('/api/v1/learning/actions?status=open')).json() as { items: { what: string }[] };
    expect(open.items.map((i) => i.what)).toEqual(['Ask absent partners for reports', 'Core group chairs trained']);
    expect((await get('/api/v1/learning/actions?status=finished')).statusCode).toBe(400);
    const second = (await get('/api/v1/learning/actions?pageSize=1&page=2')).json() as { items: { what: string }[]; total: number; page: number };
    expect(second).toMatchObject({ total: 3, page: 2, items: [{ what: 'Managers chair every first core group' }] });
    const tooBig = (await get('/api/v1/learning/actions?pageSize=500')).json() as { error: { fields: Record<string, string> } };
    expect(tooBig.error.fields.pageSize).toBe('pageSize must be from 1 to 200');
    // A rapid review notified 20 working days ago and still a draft is overdue, on the review and in the assurance view
    const qaToken = (await new AuthService(t.database.db, t.clock, t.config, accessLog).createToken({ id: f.users.qa!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
    const made = await t.app.inject({ method: 'POST', url: '/api/v1/learning/reviews', headers: { authorization: `Bearer ${qaToken}` }, payload: { kind: 'rapid-review', title: 'Rapid review: Sam', subject: 'Sam', notifiedOn: '2026-10-05', startedOn: '2026-10-06' } });
    expect(made.statusCode).toBe(201);
    const rapid = (await t.app.inject({ method: 'GET', url: `/api/v1/learning/reviews/${(made.json() as { id: string }).id}`, headers: { authorization: `Bearer ${qaToken}` } })).json() as { timescale: { dueOn: string; status: string } };
    expect(rapid.timescale).toMatchObject({ dueOn: '2026-10-26', status: 'overdue' });
    const xlsx = await agents.qa!.get('/learning/assurance.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Review timescales')!.getRow(2).values).toEqual([undefined, 'Rapid review: Sam', 'Rapid review', expect.stringContaining('15 working days'), '2026-10-26', undefined, 'Overdue']);
    const review = (await get(`/api/v1/learning/reviews/${reviewId}`)).json() as { status: string; recommendations: { status: string }[]; teams: { responded: boolean }[] };
    expect(review).toMatchObject({ status: 'published', recommendations: [{ status: 'impact-shown' }, { status: 'no-actions' }], teams: [{ responded: true }, { responded: true }] });
  });
});
