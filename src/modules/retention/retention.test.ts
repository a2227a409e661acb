/**
 * Retention on a real database: closed records marked for review under the rule, the admin's list
 * (case references only), anonymisation (the child's names gone from every text column of every
 * table, counts and standards unchanged, access-logged, the log untouched), refusals (still open, already
 * decided, two approvals at once), keeping a record for now, and the forms' validation.
 */
import { type LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildTestApp, type Agent, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { systemActor } from '../../lib/actor.js';
import { lockChain, verifyChain } from '../access-log/repository.js';
import { AccessLogService } from '../access-log/service.js';
import { AuditConduct } from '../audits/conduct.js';
import { AuditsService } from '../audits/service.js';
import { AuthService, userActor } from '../auth/service.js';
import { ChildRecords } from '../cases/record.js';
import { familyMemberSchema } from '../cases/schemas.js';
import { CasesService } from '../cases/service.js';
import { parse } from '../../lib/validation.js';
import { StandardsService } from '../standards/service.js';
import { caseReference } from './rule.js';
import { RetentionConflict, RetentionService } from './service.js';

let t: TestApp;
let f: Fixture;
let svc: RetentionService;
let admin: Agent;
const tokens: Record<string, string> = {};
const FIRST = 'Quillon';
const LAST = 'Zarthwick';
const PARENT = 'Marvella Zarthwick';
const LA_ID = 'LA-QZ-7781';
const ids: Record<string, string> = {};

async function api(who: string, method: string, url: string, payload?: unknown): Promise<Record<string, unknown>> {
  const res: LightMyRequestResponse = await t.app.inject({
    method: method as 'POST',
    url,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.body ? (res.json() as Record<string, unknown>) : {};
}

/** A child on a plan from October 2026 that ends at a review conference on 20 January 2027, born `born`. */
async function closedChild(firstName: string, lastName: string, born: string, laChildId?: string): Promise<string> {
  t.clock.set(new Date('2026-11-02T09:00:00Z'));
  const child = await makeChildOnPlan(t, f, { firstName, lastName, ...(laChildId ? { laChildId } : {}), outcomes: [`${firstName} is safe at home`, 'Needs are met every day'] });
  await t.database.db.updateTable('children').set({ date_of_birth: born }).where('id', '=', child.childId).execute();
  return child.childId;
}

async function endPlan(childId: string): Promise<void> {
  const { first_name: name } = await t.database.db.selectFrom('children').select('first_name').where('id', '=', childId).executeTakeFirstOrThrow();
  t.clock.set(new Date('2027-02-01T09:00:00Z'));
  const base = `/api/v1/children/${childId}`;
  const conf = await api('lead', 'POST', `${base}/conferences`, { kind: 'review', scheduledOn: '2027-01-20', chairUserId: f.users.chair!.id, invitedAgencyIds: [f.agencies.health] });
  const invitees = await t.database.db.selectFrom('conference_invitees').select('id').where('conference_id', '=', String(conf.id)).execute();
  await api('chair', 'POST', `${base}/conferences/${String(conf.id)}/outcome`, {
    heldOn: '2027-01-20',
    decision: 'end',
    rationale: `Risks to ${name} reduced and sustained.`,
    cinPlan: `${name} gets weekly family support from ${name === FIRST ? PARENT : 'the'}'s family worker.`,
    attendance: Object.fromEntries(invitees.map((i) => [i.id, 'attended'])),
    version: 1,
  });
}

/** Every text, varchar, jsonb and array column of every table, searched for the string. */
async function whereFound(needle: string, except: string[] = []): Promise<string[]> {
  const { rows: cols } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')
    order by 1, 2`.execute(t.database.db);
  const found: string[] = [];
  for (const c of cols) {
    if (except.includes(c.table_name)) continue;
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(c.table_name)} where ${sql.ref(c.column_name)}::text ilike ${'%' + needle + '%'}`.execute(t.database.db);
    if (Number(r.rows[0]?.n) > 0) found.push(`${c.table_name}.${c.column_name}`);
  }
  return found;
}

async function tableCounts(): Promise<Record<string, number>> {
  const tables = (await t.database.db.introspection.getTables()).map((x) => x.name).filter((n) => !n.startsWith('assure_migrations'));
  const out: Record<string, number> = {};
  for (const name of tables) out[name] = Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(t.database.db)).rows[0]?.n);
  return out;
}

const adminActor = async () => userActor(await t.database.db.selectFrom('users').selectAll().where('id', '=', f.users.admin!.id).executeTakeFirstOrThrow());
const dueReview = async (childId: string) => t.database.db.selectFrom('retention_reviews').selectAll().where('child_id', '=', childId).where('status', '=', 'due').executeTakeFirst();

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '901');
  const db = t.database.db;
  const accessLog = new AccessLogService(db, t.clock);
  const auth = new AuthService(db, t.clock, t.config, accessLog);
  const standards: StandardsService = new StandardsService(new ChildRecords(db, t.clock, accessLog, (trx, id) => standards.reevaluate(trx, id)));
  svc = new RetentionService(db, t.clock, accessLog, (trx, id) => standards.reevaluate(trx, id));
  for (const [who, key] of [['lead', 'worker'], ['chair', 'chair']] as const) {
    const row = await db.selectFrom('users').select(['id', 'partnership_id']).where('id', '=', f.users[key]!.id).executeTakeFirstOrThrow();
    tokens[who] = (await auth.createToken(row, 'retention test', 365)).token;
  }
  // The admin's for the whole of the tests, which move the clock on by years to when records come due
  const adminRow = await db.selectFrom('users').select(['id', 'partnership_id']).where('id', '=', f.users.admin!.id).executeTakeFirstOrThrow();
  tokens.admin = (await auth.createToken(adminRow, 'retention test', 40 * 365)).token;

  // The child whose record is anonymised: named everywhere the record holds free text
  ids.named = await closedChild(FIRST, LAST, '1995-05-06', LA_ID);
  const base = `/api/v1/children/${ids.named}`;
  await db.updateTable('children').set({ upn: 'A123456789012', school_name: `${LAST} Primary`, school_dsl_name: 'Pat Dsl', school_dsl_contact: 'dsl@school.example' }).where('id', '=', ids.named).execute();
  await api('lead', 'POST', `${base}/family`, { name: PARENT, relationship: 'mother', livesWithChild: 'yes', parentalResponsibility: 'yes', contact: '12 Zarthwick Road', notes: `Mother of ${FIRST}` });
  await api('lead', 'POST', `${base}/core-group/members`, { kind: 'person', name: PARENT, isParent: true, role: 'Mother', joinedOn: '2026-10-26' });
  const outcome = await db.selectFrom('plan_outcomes').select('id').where('child_id', '=', ids.named).orderBy('position').executeTakeFirstOrThrow();
  await api('lead', 'POST', `${base}/plan/actions`, { outcomeId: outcome.id, what: `${FIRST} sees the GP`, ownerUserId: f.users.health!.id, dueOn: '2026-11-20', doneMeasure: `${FIRST}'s check recorded`, workedMeasure: 'Milestones met' });
  const meeting = await api('lead', 'POST', `${base}/meetings`, { heldOn: '2026-11-02', chairUserId: f.users.manager!.id });
  await db.updateTable('core_group_meetings').set({ minutes: JSON.stringify({ 'what-is-working-well': `${FIRST} is happier at school`, 'worries': `${PARENT} missed visits` }), absent_parent_consideration: `${PARENT} was phoned` }).where('id', '=', String(meeting.id)).execute();
  await api('lead', 'POST', `${base}/voice`, { kind: 'said', recordedOn: '2026-10-28', content: `${FIRST} said: I like my teacher`, how: 'Seen alone at school', seenAlone: 'yes' });
  const esc = await api('lead', 'POST', `${base}/escalations`, { aboutAgencyId: f.agencies.police, concern: `No police report about ${FIRST}.`, desiredOutcome: 'Reports two days before.' });
  await db.updateTable('escalations').set({ status: 'resolved', resolved_on: '2026-11-10', outcome: `Report sent for ${FIRST}` }).where('id', '=', String(esc.id)).execute();
  await api('lead', 'POST', `${base}/entries`, { kind: 'request-for-information', data: { toAgencyId: f.agencies.health, askedOn: '2026-10-27', question: `Immunisation history of ${FIRST} ${LAST}?` } });
  // An audit with the child as a case, and an auditor's comment naming the child
  const accessLogSvc = new AccessLogService(db, t.clock);
  const audits = new AuditsService(db, t.clock, accessLogSvc);
  const conduct = new AuditConduct(db, t.clock, accessLogSvc, audits);
  const planned = await conduct.plan(systemActor(f.partnershipId, 'test'), { title: 'Retention audit', tool: 'core-group-thematic', onDate: '2026-11-02', strategy: 'all', auditorsPerCase: '1' });
  const auditCase = await db.selectFrom('audit_cases').select('id').where('audit_id', '=', planned.id).where('child_id', '=', ids.named).executeTakeFirstOrThrow();
  await db.insertInto('audit_answers').values({ audit_case_id: auditCase.id, kind: 'auditor', author_user_id: f.users.auditor!.id, question_key: 'quality', answer: 'good', comment: `Minutes show ${FIRST}'s wishes clearly` }).execute();
  ids.auditCase = auditCase.id;
  await endPlan(ids.named);

  // Others: still on a plan; closed but the child is too young; closed and due (for the refusals and the race)
  ids.open = await closedChild('Opal', 'Stillopen', '1990-01-01');
  ids.young = await closedChild('Yara', 'Tooyoung', '2015-01-01');
  await endPlan(ids.young);
  ids.reopen = await closedChild('Rhea', 'Reopened', '1990-01-01');
  await endPlan(ids.reopen);
  ids.race = await closedChild('Ravi', 'Racecase', '1990-01-01');
  await endPlan(ids.race);
  ids.kept = await closedChild('Kit', 'Keptcase', '1990-01-01');
  await endPlan(ids.kept);

  t.clock.set(new Date('2034-01-10T09:00:00Z'));
  admin = t.agent();
  expect((await admin.signIn(f.users.admin!.email, PASSWORD)).statusCode).toBe(303);
}, 180_000);
afterAll(() => t.close());

describe('marking and listing', () => {
  it('marks the closed records past the rule, not the open one or the young child', async () => {
    const r = await svc.markDue(systemActor(f.partnershipId, 'test'));
    expect(r.marked).toBe(4);
    for (const k of ['named', 'reopen', 'race', 'kept']) expect(await dueReview(ids[k]!), k).toBeDefined();
    for (const k of ['open', 'young']) expect(await dueReview(ids[k]!), k).toBeUndefined();
    // Marking again marks nothing twice
    expect((await svc.markDue(systemActor(f.partnershipId, 'test'))).marked).toBe(0);
  });

  it('lists them to the admin by case reference, closing date and age band, never a name; each listed record is access-logged', async () => {
    const before = Number((await sql<{ n: number }>`select count(*)::int as n from access_log where record_type = 'retention-review' and action = 'list'`.execute(t.database.db)).rows[0]?.n);
    const page = await admin.get('/admin/retention');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(caseReference(ids.named!));
    expect(page.body).toContain('20 January 2027');
    expect(page.body).toContain('30 to 39');
    for (const name of [FIRST, LAST, 'Rhea', 'Ravi', 'Opal', 'Yara', LA_ID, '1995']) expect(page.body).not.toContain(name);
    const after = Number((await sql<{ n: number }>`select count(*)::int as n from access_log where record_type = 'retention-review' and action = 'list'`.execute(t.database.db)).rows[0]?.n);
    expect(after - before).toBe(4);
  });

  it('through the API, a page at a time, access-logging the records of the page given and only those', async () => {
    const listed = async () => Number((await sql<{ n: number }>`select count(*)::int as n from access_log where record_type = 'retention-review' and action = 'list'`.execute(t.database.db)).rows[0]?.n);
    const before = await listed();
    const first = await api('admin', 'GET', '/api/v1/retention/reviews?page=1&pageSize=3');
    expect(first).toMatchObject({ page: 1, pageSize: 3, total: 4 });
    expect(first.items).toHaveLength(3);
    expect((await listed()) - before).toBe(3);
    const second = await api('admin', 'GET', '/api/v1/retention/reviews?page=2&pageSize=3');
    expect(second.items).toHaveLength(1);
    expect((await listed()) - before).toBe(4);
    // The pages together are the list, each record once
    const caseRefs = [...(first.items as { caseRef: string }[]), ...(second.items as { caseRef: string }[])].map((r) => r.caseRef);
    expect(new Set(caseRefs).size).toBe(4);
    expect(caseRefs).toContain(caseReference(ids.named!));
  });

  it('is for partnership admins only', async () => {
    const worker = t.agent();
    await worker.signIn(f.users.worker!.email, PASSWORD);
    expect((await worker.get('/admin/retention')).statusCode).toBe(403);
  });
});

describe('anonymising', () => {
  it('removes the child’s and family’s names and identifiers from every text column of every table, and keeps the structure', async () => {
    for (const needle of [FIRST, LAST, LA_ID]) expect(await whereFound(needle), needle).not.toEqual([]);
    const counts = await tableCounts();
    const standardsBefore = await t.database.db.selectFrom('standard_results').select(['standard_key', 'status', 'due_on']).where('child_id', '=', ids.named!).orderBy('standard_key').execute();
    const plansBefore = await t.database.db.selectFrom('cp_plans').select(['started_on', 'ended_on', 'initial_category', 'latest_category']).where('child_id', '=', ids.named!).execute();
    const logBefore = await t.database.db.selectFrom('access_log').select(['id', 'hash']).orderBy('id').execute();
    const review = (await dueReview(ids.named!))!;

    const confirm = await admin.get(`/admin/retention/${review.id}/anonymise`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('This cannot be undone');
    expect(confirm.body).not.toContain(FIRST);
    const done = await admin.post(`/admin/retention/${review.id}/anonymise`, { version: String(review.version) });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/admin/retention?anonymised=${caseReference(ids.named!)}`);

    // Gone from everywhere, the access log included (no row names the child or family)
    for (const needle of [FIRST, LAST, LA_ID, '12 Zarthwick Road', 'A123456789012']) expect(await whereFound(needle), needle).toEqual([]);
    const child = await t.database.db.selectFrom('children').selectAll().where('id', '=', ids.named!).executeTakeFirstOrThrow();
    expect(child).toMatchObject({ first_name: 'Anonymised', last_name: 'record', upn: null, date_of_birth: '1995-07-01', school_name: 'Removed when the record was anonymised.' });
    expect(child.anonymised_at).not.toBeNull();

    // Counts, plans and standards as they were; only the access log grew
    const after = await tableCounts();
    expect(after.access_log).toBeGreaterThan(counts.access_log!);
    expect({ ...after, access_log: 0 }).toEqual({ ...counts, access_log: 0 });
    expect(await t.database.db.selectFrom('cp_plans').select(['started_on', 'ended_on', 'initial_category', 'latest_category']).where('child_id', '=', ids.named!).execute()).toEqual(plansBefore);
    expect(await t.database.db.selectFrom('standard_results').select(['standard_key', 'status', 'due_on']).where('child_id', '=', ids.named!).orderBy('standard_key').execute()).toEqual(standardsBefore);
    const answer = await t.database.db.selectFrom('audit_answers').select(['answer', 'comment']).where('audit_case_id', '=', ids.auditCase!).executeTakeFirstOrThrow();
    expect(answer).toEqual({ answer: 'good', comment: 'Minutes show [name removed]\'s wishes clearly' });

    // Logged, and the log before it untouched and still a chain
    const logAfter = await t.database.db.selectFrom('access_log').select(['id', 'hash']).orderBy('id').execute();
    expect(logAfter.slice(0, logBefore.length)).toEqual(logBefore);
    const entry = await t.database.db.selectFrom('access_log').selectAll().where('action', '=', 'anonymise').where('subject_id', '=', ids.named!).executeTakeFirstOrThrow();
    expect(entry.user_id).toBe(f.users.admin!.id);
    expect((await verifyChain(t.database.db)).broken).toBeNull();
    expect((await t.database.db.selectFrom('retention_reviews').select(['status', 'decided_by']).where('id', '=', review.id).executeTakeFirstOrThrow())).toEqual({ status: 'anonymised', decided_by: f.users.admin!.id });

    // Never due again
    expect((await svc.markDue(systemActor(f.partnershipId, 'test'))).marked).toBe(0);
    expect(await dueReview(ids.named!)).toBeUndefined();
  });

  it('leaves the anonymised record readable by its lead and closed to changes', async () => {
    const db = t.database.db;
    const lead = userActor(await db.selectFrom('users').selectAll().where('id', '=', f.users.worker!.id).executeTakeFirstOrThrow());
    const cases = new CasesService(new ChildRecords(db, t.clock, new AccessLogService(db, t.clock)));
    const seen = await cases.overview(lead, ids.named!);
    expect(seen.child.first_name).toBe('Anonymised');
    const leadAgent = t.agent();
    expect((await leadAgent.signIn(f.users.worker!.email, PASSWORD)).statusCode).toBe(303);
    const page = await leadAgent.get(`/children/${ids.named}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This record was anonymised on 10 January 2034');
    await expect(cases.addFamilyMember(lead, ids.named!, parse(familyMemberSchema, { name: PARENT, relationship: 'mother', livesWithChild: 'yes', parentalResponsibility: 'yes' }))).rejects.toMatchObject({ status: 409 });
    expect(await whereFound(LAST)).toEqual([]);
  });

  it('refuses a record opened again since it was marked, and changes nothing', async () => {
    const review = (await dueReview(ids.reopen!))!;
    await t.database.db.insertInto('cp_plans').values({ partnership_id: f.partnershipId, child_id: ids.reopen!, started_on: '2033-12-01', initial_category: 'NEG', latest_category: 'NEG', previous_plans: 1 }).execute();
    const logCount = (await tableCounts()).access_log;
    await expect(svc.anonymise(await adminActor(), review.id, review.version)).rejects.toThrow(/open/);
    expect((await t.database.db.selectFrom('children').select('first_name').where('id', '=', ids.reopen!).executeTakeFirstOrThrow()).first_name).toBe('Rhea');
    expect((await tableCounts()).access_log).toBe(logCount);
    // The page says why, with a 409
    const res = await admin.post(`/admin/retention/${review.id}/anonymise`, { version: String(review.version) });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('a child protection plan open');
    // The next marking withdraws the review
    await svc.markDue(systemActor(f.partnershipId, 'test'));
    expect((await t.database.db.selectFrom('retention_reviews').select('status').where('id', '=', review.id).executeTakeFirstOrThrow()).status).toBe('withdrawn');
  });

  it('two approvals at once anonymise once: the second is refused, one decision and one log entry', async () => {
    const review = (await dueReview(ids.race!))!;
    const actor = await adminActor();
    const results = await Promise.allSettled([svc.anonymise(actor, review.id, review.version), svc.anonymise(actor, review.id, review.version)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(RetentionConflict);
    const logged = await t.database.db.selectFrom('access_log').select('id').where('action', '=', 'anonymise').where('subject_id', '=', ids.race!).execute();
    expect(logged).toHaveLength(1);
    expect(await whereFound('Racecase')).toEqual([]);
    expect((await verifyChain(t.database.db)).broken).toBeNull();
  });
});

describe('keeping a record for now', () => {
  it('needs a reason: the error summary, the Error: title and a 400, and nothing saved', async () => {
    const review = (await dueReview(ids.kept!))!;
    await admin.get(`/admin/retention/${review.id}/keep`);
    const res = await admin.post(`/admin/retention/${review.id}/keep`, { reason: '  ', version: String(review.version) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toMatch(/<title>Error: Keep this record for now/);
    expect(res.body).toContain('href="#reason"');
    expect(res.body).toContain('Enter why the record is being kept');
    expect((await dueReview(ids.kept!))?.status).toBe('due');
  });

  it('refuses a review-again date that has passed', async () => {
    const review = (await dueReview(ids.kept!))!;
    const res = await admin.post(`/admin/retention/${review.id}/keep`, { reason: 'Legal hold', 'reviewAgainOn-day': '1', 'reviewAgainOn-month': '1', 'reviewAgainOn-year': '2030', version: String(review.version) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#reviewAgainOn"');
    expect(res.body).toContain('must be in the future');
  });

  it('keeps it with the reason until the review-again date, then marks it again', async () => {
    const review = (await dueReview(ids.kept!))!;
    const res = await admin.post(`/admin/retention/${review.id}/keep`, { reason: 'Legal hold from the council’s solicitor', version: String(review.version) });
    expect(res.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('retention_reviews').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'kept', reason: 'Legal hold from the council’s solicitor', review_again_on: '2035-01-10', decided_by: f.users.admin!.id });
    expect((await svc.markDue(systemActor(f.partnershipId, 'test'))).marked).toBe(0);
    const list = await admin.get('/admin/retention');
    expect(list.body).toContain('Kept, review again on 10 January 2035');
    t.clock.set(new Date('2035-01-10T09:00:00Z'));
    expect((await svc.markDue(systemActor(f.partnershipId, 'test'))).marked).toBe(1);
    expect(await dueReview(ids.kept!)).toBeDefined();
    t.clock.set(new Date('2034-01-10T09:00:00Z'));
  });

  it('a decided review is a 409 when decided again', async () => {
    const kept = await t.database.db.selectFrom('retention_reviews').selectAll().where('child_id', '=', ids.kept!).where('status', '=', 'kept').executeTakeFirstOrThrow();
    await expect(svc.keep(await adminActor(), kept.id, { reason: 'again', version: kept.version })).rejects.toThrow(/already been kept/);
  });
});

describe('the rule', () => {
  it('shows the defaults and refuses what is not a whole number', async () => {
    const page = await admin.get('/admin/retention/rule');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/id="yearsAfterClosure"[^>]*value="6"/);
    expect(page.body).toMatch(/id="minimumAge"[^>]*value="25"/);
    const bad = await admin.post('/admin/retention/rule', { yearsAfterClosure: 'six', minimumAge: '-1', version: '0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the number of years as a whole number');
    expect(bad.body).toContain('href="#yearsAfterClosure"');
    expect(bad.body).toContain('href="#minimumAge"');
  });

  it('saves a new rule, access-logged; a second save from the same version is a conflict', async () => {
    const ok = await admin.post('/admin/retention/rule', { yearsAfterClosure: '10', minimumAge: '', version: '0' });
    expect(ok.statusCode).toBe(303);
    expect(await svc.rule(await adminActor())).toMatchObject({ yearsAfterClosure: 10, minimumAge: null, version: 1 });
    const again = await admin.post('/admin/retention/rule', { yearsAfterClosure: '7', minimumAge: '25', version: '0' });
    expect(again.statusCode).toBe(409);
    const logged = await t.database.db.selectFrom('access_log').select('id').where('record_type', '=', 'retention-rule').execute();
    expect(logged).toHaveLength(1);
  });
});

describe.skipIf(inject('testBackend') !== 'postgres')('anonymising while an import writes the child', () => {
  it('waits for the import’s write to the child’s row, then anonymises; neither is ended as a deadlock', async () => {
    const childId = await closedChild('Ines', 'Importcase', '1990-01-01');
    await endPlan(childId);
    // Past the rule the tests above saved (10 years after closure)
    t.clock.set(new Date('2038-01-10T09:00:00Z'));
    await svc.markDue(systemActor(f.partnershipId, 'test'));
    const review = (await dueReview(childId))!;
    const db = t.database.db;
    let rowHeld!: () => void;
    const held = new Promise<void>((r) => (rowHeld = r));
    // An import as it writes: children's rows, then the partnership's access-log chain at its end
    const importer = db.transaction().execute(async (trx) => {
      await trx.updateTable('children').set({ ethnicity: 'WBRI', version: sql`version + 1` }).where('id', '=', childId).execute();
      rowHeld();
      // Until anonymising waits for the child's row
      const until = Date.now() + 30_000;
      while (!(await sql<{ n: number }>`select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database()`.execute(db)).rows[0]!.n) {
        if (Date.now() > until) throw new Error('Anonymising did not wait for the row');
        await new Promise((r) => setTimeout(r, 20));
      }
      await lockChain(trx, f.partnershipId);
    });
    await held;
    const done = await svc.anonymise(await adminActor(), review.id, review.version);
    await importer;
    expect(done.counts.children).toBe(1);
    expect((await db.selectFrom('children').select(['ethnicity', 'anonymised_at']).where('id', '=', childId).executeTakeFirstOrThrow()).anonymised_at).not.toBeNull();
    expect(await whereFound('Importcase')).toEqual([]);
    expect((await verifyChain(db)).broken).toBeNull();
  }, 60_000);
});
