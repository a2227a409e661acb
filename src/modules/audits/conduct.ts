/**
 * Running a case audit in Assure: the QA lead plans it (tool, cohort, a reproducible sample, auditors
 * from the agencies involved, never a child's own workers), starts it, moderates and completes it;
 * auditors answer the questions of the cases assigned to them, beside the record's facts, while it
 * runs. Every view of a child's record from an audit is access-logged against the child.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database.js';
import { type AuditStatus, CATEGORIES } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { choice, emptyToNull, emptyToUndefined, isoDate, optionalId, optionalText, parse, text } from '../../lib/validation.js';
import { londonDate } from '../../lib/working-days.js';
import type { AccessLogService } from '../access-log/service.js';
import { type Agreement, agreementByDomain } from './agreement.js';
import { assignAuditors } from './assignment.js';
import { loadRecordFacts, prefillFrom, type RecordFacts } from './record-facts.js';
import * as repo from './repository.js';
import { drawSample } from './sampling.js';
import { type AuditData, type AuditsService, canManageAudits } from './service.js';
import { normaliseAnswer, optionsOf, questionsOf, type StoredTool } from './tools.js';

const optionalWhole = (label: string, min: number, max: number) =>
  z.preprocess(emptyToNull, z.coerce.number({ error: `Enter ${label} as a whole number` }).int({ error: `Enter ${label} as a whole number` }).min(min, { error: `${label} must be ${min} or more` }).max(max, { error: `${label} must be ${max} or fewer` }).nullable());

export const planSchema = z
  .object({
    title: text('the audit’s title', 200),
    purpose: optionalText('the purpose', 2000),
    tool: z.string({ error: 'Select the audit tool' }).min(1, { error: 'Select the audit tool' }),
    onDate: isoDate('the date the cohort is taken on'),
    minPlanMonths: optionalWhole('the minimum length of plan in months', 0, 120),
    areaId: optionalId('an area'),
    teamId: optionalId('a team'),
    category: z.preprocess(emptyToNull, choice(CATEGORIES, 'a category of abuse').nullable()),
    minAge: optionalWhole('the youngest age', 0, 18),
    maxAge: optionalWhole('the oldest age', 0, 18),
    strategy: choice(['all', 'random', 'stratified'] as const, 'how to choose the cases'),
    size: optionalWhole('the number of cases', 1, 5000),
    seed: z.preprocess(emptyToUndefined, z.string().trim().max(64, { error: 'The seed must be 64 characters or fewer' }).optional()),
    auditorsPerCase: z.preprocess((v) => (v === '' || v === undefined ? 2 : v), z.coerce.number({ error: 'Enter the number of auditors for each case' }).int().min(1, { error: 'Each case needs at least 1 auditor' }).max(4, { error: 'At most 4 auditors for each case' })),
  })
  .superRefine((v, ctx) => {
    if (v.strategy !== 'all' && v.size == null) ctx.addIssue({ code: 'custom', path: ['size'], message: 'Enter the number of cases to sample' });
    if (v.minAge != null && v.maxAge != null && v.minAge > v.maxAge) ctx.addIssue({ code: 'custom', path: ['maxAge'], message: 'The oldest age must be the youngest age or more' });
  });
export type PlanInput = z.output<typeof planSchema>;

/** Where an audit can go next, and who moves it. */
const NEXT: Partial<Record<AuditStatus, AuditStatus>> = { planning: 'running', running: 'moderation', moderation: 'completed' };

export interface AnswerInput {
  answers: Record<string, string>;
  reasons: Record<string, string>;
  /** The token the page was read with: answers changed since then are a conflict, not overwritten. */
  token: string;
  submit: boolean;
}

/** A token for "the answers as they were when the page was read": their ids and versions. */
function tokenOf(rows: readonly { id: string; version: number }[]): string {
  return rows
    .map((r) => `${r.id}:${r.version}`)
    .sort()
    .join(',');
}

export class AuditConduct {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
    private readonly audits: AuditsService,
  ) {}

  private requireLead(actor: Actor): void {
    if (!canManageAudits(actor)) throw new ForbiddenError('Only a quality-assurance lead or partnership admin can do that');
  }

  /** Draws the sample from the cohort and assigns auditors: the audit is then planned, not yet running. */
  async plan(actor: Actor, raw: unknown): Promise<{ id: string; cases: number; unmet: number }> {
    this.requireLead(actor);
    let input: PlanInput;
    try {
      input = parse(planSchema, raw);
    } catch (err) {
      // The checks across fields run only once each field is right: give them with the others
      const r = (raw ?? {}) as Record<string, unknown>;
      if (err instanceof ValidationError && (r.strategy === 'random' || r.strategy === 'stratified') && (r.size === undefined || r.size === '') && !err.fields.size) {
        throw new ValidationError({ ...err.fields, size: 'Enter the number of cases to sample' });
      }
      throw err;
    }
    const tool = await this.audits.toolByKey(actor, input.tool).catch(() => {
      throw new ValidationError({ tool: 'Select the audit tool' });
    });
    const cohortDef: repo.CohortDefinition = { onDate: input.onDate, minPlanMonths: input.minPlanMonths, areaId: input.areaId, teamId: input.teamId, category: input.category, minAge: input.minAge, maxAge: input.maxAge };
    const [areas, teams] = await Promise.all([this.audits.areas(actor), this.audits.teams(actor)]);
    const unknown: Record<string, string> = {};
    if (input.areaId && !areas.some((a) => a.id === input.areaId)) unknown.areaId = 'Select an area of the partnership';
    if (input.teamId && !teams.some((t) => t.id === input.teamId)) unknown.teamId = 'Select a team of the partnership';
    if (Object.keys(unknown).length) throw new ValidationError(unknown);
    const cohort = await repo.cohortChildren(this.db, actor.partnershipId, cohortDef);
    if (cohort.length === 0) throw new ValidationError({ onDate: 'No child is in this cohort: choose another date or fewer conditions' });
    const seed = input.seed ?? randomBytes(6).toString('hex');
    const strategy = input.strategy === 'all' ? ({ kind: 'all' } as const) : { kind: input.strategy, size: input.size!, seed };
    const sample = drawSample(
      cohort.map((c) => ({ ...c, caseRef: c.childId })),
      strategy,
    );
    const byChild = new Map(cohort.map((c) => [c.childId, c]));
    const cases = sample.map((s, i) => ({ ...byChild.get(s.childId)!, caseRef: `C${String(i + 1).padStart(3, '0')}` }));
    const result = assignAuditors(cases, await repo.auditorCandidates(this.db, actor.partnershipId), { perCase: input.auditorsPerCase });
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const id = await repo.insertAudit(trx, {
        partnershipId: actor.partnershipId,
        toolId: tool.id,
        title: input.title,
        purpose: input.purpose ?? null,
        status: 'planning',
        source: 'assure',
        cohort: { ...cohortDef, size: cohort.length },
        sample: { ...strategy, ...(strategy.kind === 'all' ? {} : { seed }), unmet: result.unmet.map((u) => ({ caseRef: cases.find((c) => c.childId === u.childId)!.caseRef, reason: u.reason })) },
        auditorsPerCase: input.auditorsPerCase,
        createdBy: actor.kind === 'user' ? actor.userId : null,
        now,
      });
      const caseIds = await repo.insertCases(
        trx,
        id,
        cases.map((c) => ({ childId: c.childId, caseRef: c.caseRef, area: c.areaName, team: c.teamName, agencies: c.agencyNames })),
      );
      const idOf = new Map(cases.map((c, i) => [c.childId, caseIds[i]!]));
      if (result.assignments.length) {
        await trx
          .insertInto('audit_assignments')
          .values(result.assignments.map((a) => ({ audit_case_id: idOf.get(a.childId)!, user_id: a.userId, assigned_at: now })))
          .execute();
      }
      await this.accessLog.record(trx, actor, { action: 'create', recordType: 'audit', recordId: id, details: { tool: tool.key, version: tool.version, cohort: cohort.length, sample: cases.length, strategy: strategy.kind } });
      return { id, cases: cases.length, unmet: result.unmet.length };
    });
  }

  /** planning → running → moderation → completed, each move by the QA lead, against the version read. */
  async advance(actor: Actor, id: string, version: number): Promise<AuditStatus> {
    this.requireLead(actor);
    const data = await this.audits.load(actor, id);
    const next = NEXT[data.audit.status];
    if (!next) throw new ValidationError({ status: 'This audit is already complete' });
    if (next === 'running' && (await repo.assignmentsOf(this.db, id)).length === 0) throw new ValidationError({ status: 'Assign auditors before starting the audit: there are no auditors in the partnership' });
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('audits')
        .set({ status: next, version: sql`version + 1`, updated_at: now, ...(next === 'running' ? { started_at: now } : {}), ...(next === 'completed' ? { completed_at: now } : {}) })
        .where('id', '=', id)
        .where('partnership_id', '=', actor.partnershipId)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) throw new ConflictError('Someone else changed this audit while you were looking at it', { status: data.audit.status, version: data.audit.version }, { status: next, version });
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'audit', recordId: id, details: { status: next } });
      return next;
    });
  }

  /**
   * A case's auditors and who else could audit it, for changing them after planning (while the
   * audit is planned or running): every active auditor of the partnership, marked when they work
   * with the child (never assignable), come from an agency involved, or have already answered.
   */
  async caseAuditors(actor: Actor, auditId: string, caseId: string) {
    this.requireLead(actor);
    const data = await this.audits.load(actor, auditId);
    const auditCase = data.cases.find((c) => c.id === caseId);
    if (!auditCase) throw new NotFoundError('There is no such case in this audit');
    const [assignments, pool, child] = await Promise.all([
      repo.assignmentsOf(this.db, auditId),
      this.db
        .selectFrom('users as u')
        .innerJoin('agencies as a', 'a.id', 'u.agency_id')
        .select(['u.id', 'u.name', 'a.id as agency_id', 'a.name as agency_name'])
        .where('u.partnership_id', '=', actor.partnershipId)
        .where('u.role', '=', 'auditor')
        .where('u.disabled_at', 'is', null)
        .orderBy('a.name')
        .orderBy('u.name')
        .execute(),
      auditCase.child_id ? this.db.selectFrom('children').select(['id as child_id', 'lead_user_id', 'team_id']).where('id', '=', auditCase.child_id).where('partnership_id', '=', actor.partnershipId).executeTakeFirst() : undefined,
    ]);
    const involved = child ? (await repo.peopleInvolved(this.db, actor.partnershipId, [child])).get(child.child_id) : undefined;
    const workers = new Set(involved?.workerUserIds ?? []);
    const agencies = new Set(involved ? [...involved.agencies.keys()] : []);
    const mine = assignments.filter((a) => a.audit_case_id === caseId);
    const answered = new Set(data.answers.filter((a) => a.audit_case_id === caseId && a.kind === 'auditor' && a.author_user_id).map((a) => a.author_user_id!));
    const candidates = pool.map((u) => ({
      userId: u.id,
      name: u.name,
      agency: u.agency_name,
      assigned: mine.some((a) => a.user_id === u.id),
      conflict: workers.has(u.id),
      involvedAgency: agencies.has(u.agency_id),
      answered: answered.has(u.id),
    }));
    // someone assigned who is no longer an active auditor still shows, so they can be removed
    for (const a of mine) if (!candidates.some((c) => c.userId === a.user_id)) candidates.push({ userId: a.user_id, name: a.user_name, agency: a.agency_name, assigned: true, conflict: workers.has(a.user_id), involvedAgency: false, answered: answered.has(a.user_id) });
    return { ...data, auditCase, candidates, canChange: data.audit.status === 'planning' || data.audit.status === 'running' };
  }

  /**
   * Sets a case's auditors (while the audit is planned or running): 1 to 4 active auditors of the
   * partnership, none who works with the child; an auditor who has answered the case stays on it.
   * The whole change is made, or none of it.
   */
  async reassign(actor: Actor, auditId: string, caseId: string, raw: unknown): Promise<{ added: number; removed: number }> {
    const view = await this.caseAuditors(actor, auditId, caseId);
    if (!view.canChange) throw new ValidationError({ userIds: 'Auditors can be changed only before auditing closes' });
    const input = parse(
      z.object({
        userIds: z.preprocess(
          (v) => (v === undefined || v === '' ? [] : [v].flat()),
          z.array(z.uuid({ error: 'Select auditors from the list' })).min(1, { error: 'Select at least one auditor for the case' }).max(4, { error: 'Select at most 4 auditors for the case' }),
        ),
      }),
      raw,
    );
    const wanted = new Set(input.userIds);
    const byId = new Map(view.candidates.map((c) => [c.userId, c]));
    const problems: string[] = [];
    for (const id of wanted) {
      const c = byId.get(id);
      if (!c) problems.push('Select auditors from the list');
      else if (c.conflict) problems.push(`${c.name} works with the child, so cannot audit the case: choose another auditor`);
    }
    for (const c of view.candidates.filter((x) => x.assigned && !wanted.has(x.userId) && x.answered)) problems.push(`${c.name} has answered this case already, so stays on it`);
    if (problems.length) throw new ValidationError({ userIds: [...new Set(problems)].join('. ') });
    const current = new Set(view.candidates.filter((c) => c.assigned).map((c) => c.userId));
    const add = [...wanted].filter((id) => !current.has(id));
    const remove = [...current].filter((id) => !wanted.has(id));
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const locked = await trx.selectFrom('audits').select('status').where('id', '=', auditId).where('partnership_id', '=', actor.partnershipId).forUpdate().executeTakeFirstOrThrow();
      if (locked.status !== 'planning' && locked.status !== 'running') throw new ConflictError('The audit moved on while you were changing its auditors', { status: locked.status }, null);
      if (remove.length) {
        const answeredSince = await trx.selectFrom('audit_answers').select('author_user_id').where('audit_case_id', '=', caseId).where('kind', '=', 'auditor').where('author_user_id', 'in', remove).executeTakeFirst();
        if (answeredSince) throw new ConflictError('An auditor you removed has just answered the case: look again', null, null);
        await trx.deleteFrom('audit_assignments').where('audit_case_id', '=', caseId).where('user_id', 'in', remove).execute();
      }
      if (add.length) await trx.insertInto('audit_assignments').values(add.map((userId) => ({ audit_case_id: caseId, user_id: userId, assigned_at: now }))).onConflict((oc) => oc.doNothing()).execute();
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'audit-case', recordId: caseId, subjectId: view.auditCase.child_id, details: { audit: auditId, auditorsAdded: add.length, auditorsRemoved: remove.length } });
    });
    return { added: add.length, removed: remove.length };
  }

  /** The audit page for the QA lead: cases with their auditors and progress, and agreement between auditors. */
  async overview(actor: Actor, id: string) {
    this.requireLead(actor);
    const data = await this.audits.load(actor, id);
    const assignments = await repo.assignmentsOf(this.db, id);
    return { ...data, assignments, agreement: agreementOf(data) };
  }

  /** The running audits' cases assigned to this person. */
  async myCases(actor: Actor) {
    if (actor.kind !== 'user') return [];
    return repo.casesAssignedTo(this.db, actor.partnershipId, actor.userId);
  }

  /**
   * One case for its auditor (only while the audit runs) or for the QA lead: the questions, the
   * auditor's answers so far, what the record says for the questions it can answer, and the facts.
   */
  async auditCase(actor: Actor, auditId: string, caseId: string) {
    // The same gate as the API's: 404 unless assigned while the audit runs, or the QA lead. Then only this case is read.
    const mode = await this.access(actor, auditId, caseId);
    const audit = (await repo.auditById(this.db, actor.partnershipId, auditId))!;
    const [tool, auditCase, answers, all] = await Promise.all([
      repo.toolById(this.db, actor.partnershipId, audit.tool_id),
      this.db.selectFrom('audit_cases').selectAll().where('id', '=', caseId).where('audit_id', '=', auditId).executeTakeFirstOrThrow(),
      repo.answersOf(this.db, auditId, caseId),
      repo.assignmentsOf(this.db, auditId),
    ]);
    if (!tool) throw new NotFoundError('The audit’s tool is missing');
    const assignments = all.filter((a) => a.audit_case_id === caseId);
    const mine = actor.kind === 'user' ? assignments.find((a) => a.user_id === actor.userId) : undefined;
    const facts = auditCase.child_id ? await loadRecordFacts(this.db, actor.partnershipId, auditCase.child_id) : null;
    const own = answers.filter((a) => a.kind === 'auditor' && actor.kind === 'user' && a.author_user_id === actor.userId);
    const prefills = facts ? prefillsFor(tool, facts) : {};
    await this.db.transaction().execute((trx) =>
      this.accessLog.record(trx, actor, { action: 'view', recordType: 'audit-case', recordId: caseId, subjectId: auditCase.child_id, details: { audit: auditId } }),
    );
    return { audit, tool, auditCase, facts, prefills, own, answers, assignments, mine, token: tokenOf(own), canAnswer: mode === 'answer' };
  }

  /**
   * Whether the person may open this case (before anything is read or logged): its auditor while
   * the audit runs may answer it, the QA lead may look at it; anyone else is told it does not exist.
   */
  async access(actor: Actor, auditId: string, caseId: string): Promise<'answer' | 'view'> {
    const row = await this.db
      .selectFrom('audit_cases as c')
      .innerJoin('audits as a', 'a.id', 'c.audit_id')
      .leftJoin('audit_assignments as s', (j) => j.onRef('s.audit_case_id', '=', 'c.id').on('s.user_id', '=', actor.kind === 'user' ? actor.userId : '00000000-0000-0000-0000-000000000000'))
      .select(['a.status', 's.id as assignment'])
      .where('c.id', '=', caseId)
      .where('a.id', '=', auditId)
      .where('a.partnership_id', '=', actor.partnershipId)
      .executeTakeFirst();
    if (row?.assignment && row.status === 'running') return 'answer';
    if (row && canManageAudits(actor)) return 'view';
    throw new NotFoundError('There is no such case in this audit');
  }

  /** The auditor's answers for one case, saved whole (or not at all); `submit` marks the case done. */
  async saveAnswers(actor: Actor, auditId: string, caseId: string, input: AnswerInput): Promise<void> {
    const view = await this.auditCase(actor, auditId, caseId);
    if (!view.canAnswer || actor.kind !== 'user') throw new ForbiddenError('Only an auditor assigned to this case can answer it, while the audit runs');
    const rows = validateAnswers(view.tool, input, view.prefills, input.submit);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      // Lock this auditor's answers for the case, then check nobody saved since the page was read
      const current = await trx
        .selectFrom('audit_answers')
        .select(['id', 'version'])
        .where('audit_case_id', '=', caseId)
        .where('kind', '=', 'auditor')
        .where('author_user_id', '=', actor.userId)
        .forUpdate()
        .execute();
      await trx.selectFrom('audit_assignments').select('id').where('id', '=', view.mine!.id).forUpdate().execute();
      if (tokenOf(current) !== input.token) throw new ConflictError('These answers were saved from another page since you opened this one', null, input.answers);
      await trx.deleteFrom('audit_answers').where('audit_case_id', '=', caseId).where('kind', '=', 'auditor').where('author_user_id', '=', actor.userId).execute();
      if (rows.length) {
        const versions = new Map(view.own.map((a) => [a.question_key, a.version]));
        await trx
          .insertInto('audit_answers')
          .values(
            rows.map((r) => ({
              audit_case_id: caseId,
              kind: 'auditor' as const,
              author_user_id: actor.userId,
              question_key: r.key,
              answer: r.answer,
              prefilled: r.prefilled,
              evidence: r.evidence ? JSON.stringify({ text: r.evidence }) : null,
              reason: r.reason,
              updated_at: now,
              version: (versions.get(r.key) ?? 0) + 1,
            })),
          )
          .execute();
      }
      await trx.updateTable('audit_assignments').set({ submitted_at: input.submit ? now : null }).where('id', '=', view.mine!.id).execute();
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'audit-case', recordId: caseId, subjectId: view.auditCase.child_id, details: { audit: auditId, answers: rows.length, submitted: input.submit } });
    });
  }

  /** The moderator's view of a case: each auditor's answer beside the agreed one. */
  async moderationCase(actor: Actor, auditId: string, caseId: string) {
    this.requireLead(actor);
    const data = await this.audits.load(actor, auditId);
    const auditCase = data.cases.find((c) => c.id === caseId);
    if (!auditCase) throw new NotFoundError('There is no such case in this audit');
    const assignments = (await repo.assignmentsOf(this.db, auditId)).filter((a) => a.audit_case_id === caseId);
    const answers = data.answers.filter((a) => a.audit_case_id === caseId);
    const agreed = answers.filter((a) => a.kind === 'agreed');
    return { ...data, auditCase, assignments, answers, agreed, token: tokenOf(agreed), canModerate: data.audit.status === 'moderation' };
  }

  /** The agreed answers for a case; where auditors differed the moderator gives the reason. */
  async saveAgreed(actor: Actor, auditId: string, caseId: string, input: Omit<AnswerInput, 'submit'>): Promise<void> {
    const view = await this.moderationCase(actor, auditId, caseId);
    if (!view.canModerate) throw new ValidationError({ status: 'Answers are agreed once the audit is in moderation' });
    const fields: Record<string, string> = {};
    const rows: { key: string; answer: string; reason: string | null }[] = [];
    for (const q of questionsOf(view.tool)) {
      const raw = input.answers[q.key] ?? '';
      const result = normaliseAnswer(view.tool, q, raw);
      if ('error' in result) {
        fields[`answer_${q.key}`] = `The answer ${result.error}`;
        continue;
      }
      if (result.value === null) continue;
      const given = new Set(view.answers.filter((a) => a.kind === 'auditor' && a.question_key === q.key && a.answer !== null).map((a) => a.answer));
      const reason = (input.reasons[q.key] ?? '').trim();
      if (given.size > 1 && !reason) fields[`reason_${q.key}`] = `Say why this is the agreed answer: the auditors differed on “${q.text}”`;
      if (reason.length > 2000) fields[`reason_${q.key}`] = 'The reason must be 2,000 characters or fewer';
      rows.push({ key: q.key, answer: result.value, reason: reason || null });
    }
    if (Object.keys(fields).length) throw new ValidationError(fields);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('audit_answers').select(['id', 'version']).where('audit_case_id', '=', caseId).where('kind', '=', 'agreed').forUpdate().execute();
      await trx.selectFrom('audit_cases').select('id').where('id', '=', caseId).forUpdate().execute();
      const again = await trx.selectFrom('audit_answers').select(['id', 'version']).where('audit_case_id', '=', caseId).where('kind', '=', 'agreed').execute();
      if (tokenOf(current) !== input.token || tokenOf(again) !== input.token) throw new ConflictError('Someone else agreed answers for this case since you opened it', null, input.answers);
      await trx.deleteFrom('audit_answers').where('audit_case_id', '=', caseId).where('kind', '=', 'agreed').execute();
      const versions = new Map(view.agreed.map((a) => [a.question_key, a.version]));
      if (rows.length) {
        await trx
          .insertInto('audit_answers')
          .values(rows.map((r) => ({ audit_case_id: caseId, kind: 'agreed' as const, author_user_id: actor.kind === 'user' ? actor.userId : null, question_key: r.key, answer: r.answer, reason: r.reason, updated_at: now, version: (versions.get(r.key) ?? 0) + 1 })))
          .execute();
      }
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'audit-case', recordId: caseId, subjectId: view.auditCase.child_id, details: { audit: auditId, agreed: rows.length } });
    });
  }

  /** Auditors' comments (the text answers), for the QA lead to tag with themes. */
  async comments(actor: Actor, auditId: string) {
    this.requireLead(actor);
    const data = await this.audits.load(actor, auditId);
    const textKeys = new Map(questionsOf(data.tool).filter((q) => q.type === 'text').map((q) => [q.key, q]));
    const refs = new Map(data.cases.map((c) => [c.id, c.case_ref]));
    const { themes, tags } = await repo.themesOf(this.db, auditId);
    const comments = data.answers
      .filter((a) => textKeys.has(a.question_key) && a.answer)
      .map((a) => ({ id: a.id, caseRef: refs.get(a.audit_case_id)!, question: textKeys.get(a.question_key)!.text, domain: textKeys.get(a.question_key)!.domainName, text: a.answer!, themes: tags.filter((t) => t.answer_id === a.id).map((t) => themes.find((x) => x.id === t.theme_id)!.name) }))
      .sort((x, y) => x.caseRef.localeCompare(y.caseRef) || x.question.localeCompare(y.question));
    return { ...data, comments, themes: themes.map((t) => ({ ...t, count: tags.filter((g) => g.theme_id === t.id).length })) };
  }

  /** Tags comments with a theme (a strength or an area for improvement), creating it if new. */
  async tagTheme(actor: Actor, auditId: string, raw: unknown): Promise<void> {
    this.requireLead(actor);
    const input = parse(
      z.object({
        name: text('the theme', 120),
        kind: choice(['strength', 'improvement'] as const, 'whether it is a strength or an area for improvement'),
        answerIds: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.uuid({ error: 'Select the comments this theme is about' })).min(1, { error: 'Select the comments this theme is about' }).max(2000)),
      }),
      raw,
    );
    const data = await this.audits.load(actor, auditId);
    const known = new Set(data.answers.map((a) => a.id));
    if (input.answerIds.some((id) => !known.has(id))) throw new ValidationError({ answerIds: 'Select comments from this audit' });
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('audit_themes').values({ audit_id: auditId, kind: input.kind, name: input.name }).onConflict((oc) => oc.columns(['audit_id', 'name']).doNothing()).execute();
      const theme = await trx.selectFrom('audit_themes').select('id').where('audit_id', '=', auditId).where('name', '=', input.name).executeTakeFirstOrThrow();
      await trx
        .insertInto('audit_theme_tags')
        .values(input.answerIds.map((answerId) => ({ theme_id: theme.id, answer_id: answerId })))
        .onConflict((oc) => oc.doNothing())
        .execute();
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'audit', recordId: auditId, details: { theme: input.name, tagged: input.answerIds.length } });
    });
  }
}

/** Agreement between auditors before moderation, per domain (Cohen's kappa over pairs of auditors). */
export function agreementOf(data: Pick<AuditData, 'tool' | 'answers'>): Record<string, Agreement & { name: string }> {
  const domains = new Map(questionsOf(data.tool).filter((q) => optionsOf(data.tool, q).length > 0).map((q) => [q.key, q]));
  const ratings = data.answers
    .filter((a) => a.kind === 'auditor' && a.answer !== null && a.author_user_id !== null && domains.has(a.question_key))
    .map((a) => ({ caseId: a.audit_case_id, questionKey: a.question_key, domain: domains.get(a.question_key)!.domain, auditorId: a.author_user_id!, answer: a.answer! }));
  const byDomain = agreementByDomain(ratings);
  return Object.fromEntries(data.tool.domains.filter((d) => byDomain[d.key]).map((d) => [d.key, { ...byDomain[d.key]!, name: d.name }]));
}

export function prefillsFor(tool: StoredTool, facts: RecordFacts): Record<string, { answer: string; evidence: string }> {
  const out: Record<string, { answer: string; evidence: string }> = {};
  for (const q of questionsOf(tool)) {
    if (!q.prefill) continue;
    const p = prefillFrom(facts, q.prefill);
    if (p && optionsOf(tool, q).includes(p.answer)) out[q.key] = p;
  }
  return out;
}

/** Checks an auditor's answers: each a valid answer, a reason where it overrides the record, headline questions answered on submit. */
function validateAnswers(tool: StoredTool, input: AnswerInput, prefills: Record<string, { answer: string; evidence: string }>, submit: boolean) {
  const fields: Record<string, string> = {};
  const rows: { key: string; answer: string | null; prefilled: string | null; evidence: string | null; reason: string | null }[] = [];
  for (const q of questionsOf(tool)) {
    const result = normaliseAnswer(tool, q, input.answers[q.key] ?? '');
    if ('error' in result) {
      fields[`answer_${q.key}`] = `The answer ${result.error}`;
      continue;
    }
    const prefill = prefills[q.key];
    const reason = (input.reasons[q.key] ?? '').trim();
    if (prefill && result.value !== null && result.value !== prefill.answer && !reason) fields[`reason_${q.key}`] = `Say why your answer differs from the record’s (${prefill.answer})`;
    if (reason.length > 2000) fields[`reason_${q.key}`] = 'The reason must be 2,000 characters or fewer';
    if (submit && q.headline && result.value === null) fields[`answer_${q.key}`] = `Answer “${q.text}” before you submit the case`;
    if (result.value !== null || reason) rows.push({ key: q.key, answer: result.value, prefilled: prefill?.answer ?? null, evidence: prefill?.evidence ?? null, reason: reason || null });
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  return rows;
}

export const todayIn = (clock: Clock): string => londonDate(clock.now());
