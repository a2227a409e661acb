/**
 * A case audit run in Assure, through the services on a real database: the QA lead plans it from a
 * cohort (a reproducible sample, auditors never a child's own workers), auditors answer their cases
 * beside the record (pre-filled answers from it), the QA lead moderates, agreement before moderation is
 * reported, themes are tagged and the report counts the final answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, systemActor } from '../../lib/actor.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService, userActor } from '../auth/service.js';
import { PartnershipService } from '../partnership/service.js';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AuditConduct } from './conduct.js';
import { AuditsService } from './service.js';
import { questionsOf } from './tools.js';

describe('running a case audit', () => {
  let t: TestApp;
  let f: Fixture;
  let audits: AuditsService;
  let conduct: AuditConduct;
  const actors: Record<string, Actor> = {};
  const children: string[] = [];
  let token: string;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });

  const actor = async (userId: string) => userActor(await t.database.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow());

  beforeAll(async () => {
    t = await buildTestApp();
    const db = t.database.db;
    f = await makePartnership(db, '931');
    const accessLog = new AccessLogService(db, t.clock);
    audits = new AuditsService(db, t.clock, accessLog);
    conduct = new AuditConduct(db, t.clock, accessLog, audits);
    const people = new PartnershipService(db, t.clock, accessLog, new AuthService(db, t.clock, t.config, accessLog));
    const sys = systemActor(f.partnershipId, 'test');
    for (const [key, agency] of [
      ['police', f.agencies.police!],
      ['school', f.agencies.school!],
    ] as const) {
      const u = await people.addUser(sys, { email: `auditor-${key}@test.assure.example`, name: `${key} auditor`, role: 'auditor', agencyId: agency, teamId: null, password: PASSWORD });
      f.users[`auditor_${key}`] = { id: u.id, email: u.email, role: 'auditor' };
    }
    for (let i = 0; i < 6; i++) children.push((await makeChildOnPlan(t, f, { firstName: `Audit${i}`, lastName: 'Child', laChildId: `AUD${i}` })).childId);
    // The police auditor is the lead practitioner of the first child: never their auditor
    await db.updateTable('children').set({ lead_user_id: f.users.auditor_police!.id }).where('id', '=', children[0]!).execute();
    // The second child's voice was heard during the plan; the others' not
    await db
      .insertInto('voice_entries')
      .values({ partnership_id: f.partnershipId, child_id: children[1]!, kind: 'said', recorded_on: '2026-10-29', content: 'Synthetic words', seen_alone: true, updated_at: new Date() })
      .execute();
    for (const key of ['qa', 'worker', 'auditor', 'auditor_police', 'auditor_school', 'admin']) actors[key] = await actor(f.users[key]!.id);
    token = (await new AuthService(db, t.clock, t.config, accessLog).createToken({ id: f.users.qa!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const plan = (extra: Record<string, unknown> = {}) =>
    conduct.plan(actors.qa!, { title: 'Core groups, November 2026', tool: 'core-group-thematic', onDate: '2026-11-02', strategy: 'random', size: '4', seed: 'nov-2026', auditorsPerCase: '2', ...extra });

  it('draws the same sample from the same seed, never assigns a child’s own worker, and refuses bad plans naming the field', async () => {
    const a = await plan();
    const b = await plan({ title: 'Same seed again' });
    const childrenOf = async (id: string) => (await audits.load(actors.qa!, id)).cases.map((c) => [c.case_ref, c.child_id]);
    expect(a.cases).toBe(4);
    expect(await childrenOf(b.id)).toEqual(await childrenOf(a.id));
    const other = await plan({ title: 'Another seed', seed: 'another' });
    expect(await childrenOf(other.id)).not.toEqual(await childrenOf(a.id));

    const everyone = await plan({ title: 'All of them', strategy: 'all', size: '' });
    const view = await conduct.overview(actors.qa!, everyone.id);
    expect(view.cases).toHaveLength(6);
    const first = view.cases.find((c) => c.child_id === children[0])!;
    const assigned = view.assignments.filter((s) => s.audit_case_id === first.id).map((s) => s.user_id);
    expect(assigned).toHaveLength(2);
    expect(assigned).not.toContain(f.users.auditor_police!.id);
    for (const c of view.cases.filter((x) => x.child_id !== children[0])) expect(view.assignments.filter((s) => s.audit_case_id === c.id)).toHaveLength(2);
    // reports never carry names: the case reference is not the child's
    expect(view.cases.map((c) => c.case_ref)).toEqual(['C001', 'C002', 'C003', 'C004', 'C005', 'C006']);

    // a cohort by team: the one child moved to the south team
    await t.database.db.updateTable('children').set({ team_id: f.teams.south! }).where('id', '=', children[5]!).execute();
    const south = await plan({ title: 'South team', strategy: 'all', size: '', teamId: f.teams.south! });
    expect((await audits.load(actors.qa!, south.id)).cases.map((c) => [c.child_id, c.team])).toEqual([[children[5], 'Safeguarding South']]);
    const southPage = t.agent();
    await southPage.signIn(f.users.qa!.email, PASSWORD);
    expect((await southPage.get(`/audits/${south.id}`)).body).toContain('team Safeguarding South: 1 child');
    await t.database.db.updateTable('children').set({ team_id: f.teams.north! }).where('id', '=', children[5]!).execute();

    for (const [input, field] of [
      [{ teamId: '00000000-0000-4000-8000-000000000000' }, 'teamId'],
      [{ areaId: '00000000-0000-4000-8000-000000000000' }, 'areaId'],
      [{ size: '' }, 'size'],
      [{ tool: 'no-such' }, 'tool'],
      [{ onDate: '2020-01-01' }, 'onDate'],
      [{ minAge: '12', maxAge: '3' }, 'maxAge'],
      [{ auditorsPerCase: '9' }, 'auditorsPerCase'],
    ] as const) {
      const err = await plan(input).catch((e: unknown) => e);
      expect(err, JSON.stringify(input)).toBeInstanceOf(ValidationError);
      expect(Object.keys((err as ValidationError).fields)).toContain(field);
    }
    await expect(conduct.plan(actors.worker!, { title: 'x' })).rejects.toBeInstanceOf(ForbiddenError);
  }, 60_000);

  it('runs from planning to completion: answers pre-filled from the record, moderation, agreement and the report', async () => {
    const { id } = await plan({ title: 'Full run', strategy: 'all', size: '' });
    let overview = await conduct.overview(actors.qa!, id);
    // Before it runs, an auditor sees nothing of it
    const target = overview.cases.find((c) => c.child_id === children[1])!;
    const pair = overview.assignments.filter((s) => s.audit_case_id === target.id).map((s) => Object.values(actors).find((a) => a.kind === 'user' && a.userId === s.user_id)!);
    await expect(conduct.auditCase(pair[0]!, id, target.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await conduct.advance(actors.qa!, id, overview.audit.version)).toBe('running');
    await expect(conduct.advance(actors.qa!, id, overview.audit.version)).rejects.toBeInstanceOf(ConflictError);

    // An auditor not assigned to the case cannot open it; one assigned sees the record's answers
    const outsider = Object.values(actors).find((a) => a.kind === 'user' && a.role === 'auditor' && !pair.includes(a))!;
    await expect(conduct.auditCase(outsider, id, target.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await conduct.myCases(pair[0]!)).map((c) => c.case_id)).toContain(target.id);
    const page = await conduct.auditCase(pair[0]!, id, target.id);
    expect(page.prefills.childs_voice_present).toEqual({ answer: 'Yes', evidence: '1 entry of the child’s voice during the plan, 1 seen alone; latest 2026-10-29.' });
    const otherCase = overview.cases.find((c) => c.child_id === children[2])!;
    const otherAuditor = Object.values(actors).find((a) => a.kind === 'user' && overview.assignments.some((s) => s.audit_case_id === otherCase.id && s.user_id === a.userId))!;
    expect((await conduct.auditCase(otherAuditor, id, otherCase.id)).prefills.childs_voice_present!.answer).toBe('No');
    // the view of the child's record from the audit is logged against the child
    const logged = await t.database.db.selectFrom('access_log').select(['action', 'record_type', 'subject_id']).where('record_type', '=', 'audit-case').where('subject_id', '=', children[1]!).execute();
    expect(logged.length).toBeGreaterThan(0);

    // Overriding the record's answer needs a reason; submitting needs the headline questions
    const answers = { quality_of_minutes: 'Does not meet the required standard', effectiveness: 'Meets the required standard', overall_safety: 'Meets the required standard', childs_voice_present: 'No', quality_comments: 'Updates given but the plan is not revised.' };
    const refused = await conduct.saveAnswers(pair[0]!, id, target.id, { answers, reasons: {}, token: page.token, submit: true }).catch((e: unknown) => e);
    expect((refused as ValidationError).fields).toEqual({ reason_childs_voice_present: 'Say why your answer differs from the record’s (Yes)' });
    const incomplete = await conduct.saveAnswers(pair[0]!, id, target.id, { answers: { effectiveness: 'Meets the required standard' }, reasons: {}, token: page.token, submit: true }).catch((e: unknown) => e);
    expect(Object.keys((incomplete as ValidationError).fields).sort()).toEqual(['answer_overall_safety', 'answer_quality_of_minutes']);
    await conduct.saveAnswers(pair[0]!, id, target.id, { answers, reasons: { childs_voice_present: 'The entry records the worker’s view, not the child’s.' }, token: page.token, submit: true });
    // the same page saved again (another tab) is a conflict, not a silent overwrite
    await expect(conduct.saveAnswers(pair[0]!, id, target.id, { answers, reasons: { childs_voice_present: 'x' }, token: page.token, submit: false })).rejects.toBeInstanceOf(ConflictError);

    // The second auditor differs on the quality of minutes
    const second = await conduct.auditCase(pair[1]!, id, target.id);
    await conduct.saveAnswers(pair[1]!, id, target.id, { answers: { ...answers, quality_of_minutes: 'Meets the required standard', childs_voice_present: 'Yes' }, reasons: {}, token: second.token, submit: true });

    // Every other case: both auditors agree
    overview = await conduct.overview(actors.qa!, id);
    for (const c of overview.cases.filter((x) => x.id !== target.id)) {
      for (const s of overview.assignments.filter((x) => x.audit_case_id === c.id)) {
        const who = Object.values(actors).find((a) => a.kind === 'user' && a.userId === s.user_id)!;
        const v = await conduct.auditCase(who, id, c.id);
        await conduct.saveAnswers(who, id, c.id, { answers: { quality_of_minutes: 'Does not meet the required standard', effectiveness: 'Does not meet the required standard', overall_safety: 'Meets the required standard' }, reasons: {}, token: v.token, submit: true });
      }
    }
    overview = await conduct.overview(actors.qa!, id);
    // Quality: 6 cases agreed on quality_of_minutes but one → observed agreement 5/6 on that question
    const quality = overview.agreement.quality!;
    expect(quality.n).toBeGreaterThanOrEqual(6);
    expect(quality.observed).toBeLessThan(1);
    expect(overview.agreement.effectiveness!.observed).toBe(1);

    // Before moderation the disputed answer is not counted
    let report = (await audits.report(actors.qa!, id)).report;
    expect(report.questions.quality_of_minutes).toEqual({ 'Meets the required standard': 0, 'Does not meet the required standard': 5 });
    expect(report.unanswered.quality_of_minutes).toBe(1);

    await expect(conduct.saveAgreed(actors.qa!, id, target.id, { answers: { quality_of_minutes: 'Meets the required standard' }, reasons: {}, token: '' })).rejects.toBeInstanceOf(ValidationError); // not in moderation yet
    expect(await conduct.advance(actors.qa!, id, overview.audit.version)).toBe('moderation');
    const mod = await conduct.moderationCase(actors.qa!, id, target.id);
    const noReason = await conduct.saveAgreed(actors.qa!, id, target.id, { answers: { quality_of_minutes: 'Does not meet the required standard' }, reasons: {}, token: mod.token }).catch((e: unknown) => e);
    expect(Object.keys((noReason as ValidationError).fields)).toEqual(['reason_quality_of_minutes']);
    // the same through the API: both auditors' answers side by side, and the reason asked for
    const viaApi = (await api('GET', `/audits/${id}/cases/${target.id}/moderation`)).json() as { token: string; canModerate: boolean; questions: { key: string; differ: boolean; given: { auditor: string; answer: string | null }[] }[] };
    expect(viaApi.canModerate).toBe(true);
    expect(viaApi.token).toBe(mod.token);
    expect(viaApi.questions.filter((q) => q.differ).map((q) => q.key).sort()).toEqual(['childs_voice_present', 'quality_of_minutes']);
    expect(viaApi.questions.find((q) => q.key === 'quality_of_minutes')!.given.map((g) => g.answer).sort()).toEqual(['Does not meet the required standard', 'Meets the required standard']);
    const apiNoReason = await api('PUT', `/audits/${id}/cases/${target.id}/agreed`, { answers: { quality_of_minutes: 'Does not meet the required standard' }, token: mod.token });
    expect(apiNoReason.statusCode).toBe(400);
    expect(Object.keys((apiNoReason.json() as { error: { fields: Record<string, string> } }).error.fields)).toEqual(['reason_quality_of_minutes']);
    await conduct.saveAgreed(actors.qa!, id, target.id, { answers: { quality_of_minutes: 'Does not meet the required standard' }, reasons: { quality_of_minutes: 'The plan was not revised at any meeting.' }, token: mod.token });

    // Themes on comments, then the report after moderation
    const { comments } = (await api('GET', `/audits/${id}/comments`)).json() as { comments: { id: string; caseRef: string; text: string }[] };
    expect(comments).toHaveLength(2);
    const tagged = await api('POST', `/audits/${id}/themes`, { name: 'Plan not revised', kind: 'improvement', answerIds: comments.map((c) => c.id) });
    expect(tagged.statusCode, tagged.body).toBe(201);
    expect(((await api('GET', `/audits/${id}/comments`)).json() as { themes: unknown[] }).themes).toEqual([{ name: 'Plan not revised', kind: 'improvement', count: 2 }]);
    const badTheme = await conduct.tagTheme(actors.qa!, id, { name: '', kind: 'sideways' }).catch((e: unknown) => e);
    expect(Object.keys((badTheme as ValidationError).fields).sort()).toEqual(['answerIds', 'kind', 'name']);

    const final = await conduct.advance(actors.qa!, id, (await audits.load(actors.qa!, id)).audit.version);
    expect(final).toBe('completed');
    report = (await audits.report(actors.worker!, id)).report; // a completed report is the partnership's
    expect(report.questions.quality_of_minutes).toEqual({ 'Meets the required standard': 0, 'Does not meet the required standard': 6 });
    expect(report.themes).toEqual([{ kind: 'improvement', name: 'Plan not revised', count: 1, quotes: [{ caseRef: target.case_ref, text: 'Updates given but the plan is not revised.' }] }]);
    // after it runs, its auditors see its cases no more
    await expect(conduct.auditCase(pair[0]!, id, target.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(questionsOf(overview.tool).length).toBeGreaterThan(10);
  }, 120_000);

  it('changes a case’s auditors after planning, never to someone who works with the child nor dropping one who has answered', async () => {
    const { id } = await plan({ title: 'Reassigned', strategy: 'all', size: '' });
    const overview = await conduct.overview(actors.qa!, id);
    const first = overview.cases.find((c) => c.child_id === children[0])!;
    const view = await conduct.caseAuditors(actors.qa!, id, first.id);
    expect(view.canChange).toBe(true);
    const police = f.users.auditor_police!.id;
    expect(view.candidates.find((c) => c.userId === police)).toMatchObject({ conflict: true, assigned: false });
    const assigned = view.candidates.filter((c) => c.assigned).map((c) => c.userId);
    expect(assigned).toHaveLength(2);

    const refusal = async (raw: unknown) => ((await conduct.reassign(actors.qa!, id, first.id, raw).catch((e: unknown) => e)) as ValidationError).fields;
    expect((await refusal({ userIds: [police] })).userIds).toBe('police auditor works with the child, so cannot audit the case: choose another auditor');
    expect((await refusal({ userIds: [] })).userIds).toBe('Select at least one auditor for the case');
    expect((await refusal({ userIds: ['00000000-0000-4000-8000-000000000000'] })).userIds).toBe('Select auditors from the list');
    expect(await conduct.reassign(actors.qa!, id, first.id, { userIds: assigned[0] })).toEqual({ added: 0, removed: 1 });
    expect((await conduct.overview(actors.qa!, id)).assignments.filter((a) => a.audit_case_id === first.id).map((a) => a.user_id)).toEqual([assigned[0]]);

    // Once the case is answered, its auditor stays; a new one can still be added while it runs
    await conduct.advance(actors.qa!, id, overview.audit.version);
    const who = Object.values(actors).find((a) => a.kind === 'user' && a.userId === assigned[0])!;
    const page = await conduct.auditCase(who, id, first.id);
    await conduct.saveAnswers(who, id, first.id, { answers: { quality_of_minutes: 'Meets the required standard' }, reasons: {}, token: page.token, submit: false });
    expect((await refusal({ userIds: [assigned[1]] })).userIds).toMatch(/has answered this case already, so stays on it$/);
    expect(await conduct.reassign(actors.qa!, id, first.id, { userIds: [assigned[0], assigned[1]] })).toEqual({ added: 1, removed: 0 });
    // the new auditor sees the case among their own
    const added = Object.values(actors).find((a) => a.kind === 'user' && a.userId === assigned[1])!;
    expect((await conduct.myCases(added)).map((c) => c.case_id)).toContain(first.id);

    // The page, without JavaScript: the error summary names the field; nothing changes on a bad post
    const qa = t.agent();
    await qa.signIn(f.users.qa!.email, PASSWORD);
    const form = await qa.get(`/audits/${id}/cases/${first.id}/auditors`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Works with the child: cannot audit the case');
    const bad = await qa.post(`/audits/${id}/cases/${first.id}/auditors`, { userIds: [assigned[0]!, police] });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('href="#userIds"');
    expect((await conduct.overview(actors.qa!, id)).assignments.filter((a) => a.audit_case_id === first.id)).toHaveLength(2);
    const good = await qa.post(`/audits/${id}/cases/${first.id}/auditors`, { userIds: [assigned[0]!] });
    expect(good.statusCode).toBe(303);
    expect((await qa.get(good.headers.location as string)).body).toContain('The case’s auditors are saved.');

    // After auditing closes they no longer change
    await conduct.advance(actors.qa!, id, (await audits.load(actors.qa!, id)).audit.version);
    expect((await refusal({ userIds: [assigned[0]] })).userIds).toBe('Auditors can be changed only before auditing closes');
  }, 60_000);
});
