/**
 * Learning reviews and action plans: a review written in the seven parts of a 7-minute briefing (from
 * scratch or from a completed audit), published, sent to teams; each team's discussion and action
 * rows; partnership and agency rows; progress with evidence; closure on the "done" evidence; measures
 * computed live from the record (practice standards) or the latest audit (audit questions); and the
 * partnership's assurance view of all of it.
 *
 * Who may do what: the QA lead and partnership admin write, publish and send reviews and make
 * partnership and agency rows; everyone in the partnership reads published reviews and the action
 * plan (neither holds a child's name: the subject is a pseudonym, measures are aggregates); a team
 * the briefing was sent to records its response and rows; a row's owner, its team and (for agency
 * rows) that agency's team managers record progress and close it.
 */
import { limitOffset, type PageRequest } from '../../lib/pagination.js';
import type { Db } from '../../db/database.js';
import type { LearningActionStatus } from '../../db/schema.js';
import { type Actor, hasRole, systemActor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { londonDate } from '../../lib/working-days.js';
import type { AuditsService } from '../audits/service.js';
import { optionsOf, questionsOf } from '../audits/tools.js';
import * as brepo from '../standards/breakdown-repo.js';
import { closures } from '../standards/repository.js';
import { compliance, type StandardsService, zero } from '../standards/service.js';
import { draftFromAudit, type ReviewDraft } from './from-audit.js';
import { type Direction, type Measure, type MeasureScope, type MeasureValue, progress, storedMeasure } from './measures.js';
import * as repo from './repository.js';
import type { Measured, ReviewInput } from './schemas.js';
import { reviewTimescale, type Timescale } from './timescales.js';

export const canManageLearning = (actor: Actor): boolean => hasRole(actor, 'qa-lead', 'partnership-admin');

export type RecommendationStatus = 'no-actions' | 'in-progress' | 'actions-done' | 'impact-shown';
export const RECOMMENDATION_STATUS_LABELS: Record<RecommendationStatus, string> = {
  'no-actions': 'No actions yet',
  'in-progress': 'Actions in progress',
  'actions-done': 'Actions done',
  'impact-shown': 'Impact shown',
};

/** A recommendation's status from its rows: impact is shown once every row is done and every measured row has reached its target. */
export function recommendationStatus(rows: readonly { status: LearningActionStatus; direction: Direction | null }[]): RecommendationStatus {
  if (rows.length === 0) return 'no-actions';
  if (rows.some((r) => r.status !== 'done')) return 'in-progress';
  const measured = rows.filter((r) => r.direction !== null);
  return measured.length > 0 && measured.every((r) => r.direction === 'reached') ? 'impact-shown' : 'actions-done';
}

export interface MeasureView {
  measure: Measure;
  label: string;
  baseline: number | null;
  baselineCases: number | null;
  target: number;
  current: MeasureValue;
  direction: Direction;
}

export type ActionFilter = repo.ActionFilter;
export type ActionView = repo.ActionRow & { overdue: boolean; measureView: MeasureView | null; canEdit: boolean };

type Names = Awaited<ReturnType<typeof repo.groupNames>>;

export class LearningService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audits: AuditsService,
    private readonly standards: StandardsService,
  ) {}

  today(): string {
    return londonDate(this.clock.now());
  }

  private assertManager(actor: Actor): void {
    if (!canManageLearning(actor)) throw new ForbiddenError('Only a quality-assurance lead or partnership admin can do this');
  }

  // Reviews

  async list(actor: Actor) {
    const rows = await repo.listReviews(this.db, actor.partnershipId);
    return canManageLearning(actor) ? rows : rows.filter((r) => r.status === 'published');
  }

  /** The published briefings sent to the actor's team. */
  async briefingsForMe(actor: Actor) {
    if (actor.kind !== 'user' || !actor.teamId) return [];
    return repo.briefingsForTeam(this.db, actor.partnershipId, actor.teamId);
  }

  async draftFromAudit(actor: Actor, auditId: string): Promise<ReviewDraft & { auditId: string }> {
    this.assertManager(actor);
    const { data, report } = await this.audits.report(actor, auditId);
    if (data.audit.status !== 'completed') throw new ValidationError({ sourceAuditId: 'Only a completed audit can become the source of a learning review' });
    const completedOn = data.audit.completed_at ? londonDate(data.audit.completed_at) : null;
    return { ...draftFromAudit({ title: data.audit.title, purpose: data.audit.purpose, completedOn, toolKey: data.tool.key, toolName: data.tool.name }, report), auditId };
  }

  private async checkReferences(actor: Actor, input: ReviewInput): Promise<void> {
    const agencyIds = [...new Set(input.recommendations.flatMap((r) => r.agencyIds))];
    if (agencyIds.length) {
      const found = await this.db.selectFrom('agencies').select('id').where('partnership_id', '=', actor.partnershipId).where('id', 'in', agencyIds).execute();
      if (found.length !== agencyIds.length) throw new ValidationError({ recommendations: 'Select agencies of this partnership' });
    }
    if (input.sourceAuditId) {
      const audit = await this.db.selectFrom('audits').select('status').where('partnership_id', '=', actor.partnershipId).where('id', '=', input.sourceAuditId).executeTakeFirst();
      if (!audit || audit.status !== 'completed') throw new ValidationError({ sourceAuditId: 'Select a completed audit of this partnership' });
    }
  }

  private static values(input: ReviewInput): repo.ReviewValues {
    return {
      kind: input.kind,
      title: input.title,
      subject: input.subject,
      notified_on: input.notifiedOn ?? null,
      started_on: input.startedOn,
      background: input.background ?? '',
      concerns: input.concerns ?? '',
      incident: input.incident ?? '',
      themes: JSON.stringify(input.themes),
      findings: JSON.stringify(input.findings),
      implementing_change: input.implementingChange ?? '',
    };
  }

  async create(actor: Actor, input: ReviewInput): Promise<string> {
    this.assertManager(actor);
    await this.checkReferences(actor, input);
    const at = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const id = await repo.insertReview(trx, {
        ...LearningService.values(input),
        partnership_id: actor.partnershipId,
        source_audit_id: input.sourceAuditId ?? null,
        created_by: actor.kind === 'user' ? actor.userId : null,
        at,
      });
      await repo.replaceRecommendations(trx, actor.partnershipId, id, input.recommendations);
      return id;
    });
  }

  private async reviewFor(actor: Actor, id: string): Promise<repo.ReviewRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('There is no review with that id');
    const review = await repo.reviewById(this.db, actor.partnershipId, id);
    if (!review || (review.status !== 'published' && !canManageLearning(actor))) throw new NotFoundError('There is no review with that id');
    return review;
  }

  async update(actor: Actor, id: string, input: ReviewInput & { version: number }): Promise<void> {
    this.assertManager(actor);
    const review = await this.reviewFor(actor, id);
    if (review.status === 'published') throw new ValidationError({ title: 'A published review cannot be changed: its briefing has gone to teams' });
    await this.checkReferences(actor, input);
    await this.db.transaction().execute(async (trx) => {
      const v = await repo.updateReview(trx, actor.partnershipId, id, input.version, { ...LearningService.values(input), source_audit_id: input.sourceAuditId ?? review.source_audit_id }, this.clock.now());
      if (v === null) throw new ConflictError('The review was changed by someone else while you were editing it', { title: review.title, version: review.version }, { title: input.title, version: input.version });
      await repo.replaceRecommendations(trx, actor.partnershipId, id, input.recommendations);
    });
  }

  async publish(actor: Actor, id: string, version: number): Promise<void> {
    this.assertManager(actor);
    const review = await this.reviewFor(actor, id);
    if (review.status === 'published') throw new ValidationError({ publish: 'The review is already published' });
    const recs = await repo.recommendationsOf(this.db, [id]);
    const findings = review.findings as string[];
    if (findings.length === 0 || recs.length === 0) throw new ValidationError({ publish: 'Add at least one finding and one recommendation before publishing the briefing' });
    const at = this.clock.now();
    const v = await repo.updateReview(this.db, actor.partnershipId, id, version, { status: 'published', published_at: at, published_by: actor.kind === 'user' ? actor.userId : null }, at);
    if (v === null) throw new ConflictError('The review was changed by someone else before you published it', { version: review.version }, { version });
  }

  async send(actor: Actor, id: string, teamIds: readonly string[]): Promise<number> {
    this.assertManager(actor);
    const review = await this.reviewFor(actor, id);
    if (review.status !== 'published') throw new ValidationError({ teamIds: 'Publish the briefing before sending it to teams' });
    const unique = [...new Set(teamIds)];
    const found = await this.db.selectFrom('teams').select('id').where('partnership_id', '=', actor.partnershipId).where('id', 'in', unique).execute();
    if (found.length !== unique.length) throw new ValidationError({ teamIds: 'Select teams of this partnership' });
    return repo.insertRecipients(this.db, actor.partnershipId, id, unique, actor.kind === 'user' ? actor.userId : null, this.clock.now());
  }

  /** The review with its recommendations (each with its rows and status), the teams and their responses, and its timescale. */
  async load(actor: Actor, id: string) {
    const review = await this.reviewFor(actor, id);
    const [recommendations, recipients, actions, closed] = await Promise.all([
      repo.recommendationsOf(this.db, [id]),
      repo.recipientsOf(this.db, id),
      this.actions(actor, { reviewId: id }),
      closures(this.db, actor.partnershipId),
    ]);
    const timescale: Timescale | null = reviewTimescale(
      { kind: review.kind, notifiedOn: review.notified_on, startedOn: review.started_on, publishedOn: review.published_at ? londonDate(review.published_at) : null },
      this.today(),
      closed,
    );
    const mine = actor.kind === 'user' && actor.teamId ? (recipients.find((r) => r.team_id === actor.teamId) ?? null) : null;
    const agencies = await this.db.selectFrom('agencies').select(['id', 'name']).where('partnership_id', '=', actor.partnershipId).execute();
    const agencyName = new Map(agencies.map((a) => [a.id, a.name]));
    return {
      review,
      themes: review.themes as string[],
      findings: review.findings as string[],
      recommendations: recommendations.map((r) => {
        const rows = actions.filter((a) => a.recommendation_id === r.id);
        return { ...r, addressedTo: r.agency_ids.map((a) => agencyName.get(a) ?? 'An agency'), actions: rows, status: recommendationStatus(rows.map((a) => ({ status: a.status, direction: a.measureView?.direction ?? null }))) };
      }),
      otherActions: actions.filter((a) => !a.recommendation_id),
      recipients,
      timescale,
      myResponse: mine,
      canManage: canManageLearning(actor),
    };
  }

  // Team responses

  private async myRecipient(actor: Actor, reviewId: string) {
    const review = await this.reviewFor(actor, reviewId);
    const recipient = actor.kind === 'user' && actor.teamId && review.status === 'published' ? await repo.recipientFor(this.db, reviewId, actor.teamId) : undefined;
    if (!recipient) throw new NotFoundError('The briefing was not sent to your team');
    return { review, recipient };
  }

  async responsePage(actor: Actor, reviewId: string) {
    const { recipient } = await this.myRecipient(actor, reviewId);
    const data = await this.load(actor, reviewId);
    const team = await this.db.selectFrom('teams').select(['name']).where('id', '=', recipient.team_id).executeTakeFirstOrThrow();
    return { ...data, recipient, teamName: team.name, teamActions: [...data.recommendations.flatMap((r) => r.actions), ...data.otherActions].filter((a) => a.team_id === recipient.team_id) };
  }

  async respond(actor: Actor, reviewId: string, input: { discussion: string; version: number }): Promise<void> {
    const { recipient } = await this.myRecipient(actor, reviewId);
    const ok = await repo.saveResponse(this.db, recipient.id, input.version, input.discussion, actor.kind === 'user' ? actor.userId : null, this.clock.now());
    if (!ok) throw new ConflictError('Someone in your team saved the discussion while you were writing it', { discussion: recipient.discussion, version: recipient.version }, { discussion: input.discussion, version: input.version });
  }

  async addTeamAction(actor: Actor, reviewId: string, input: ActionFields): Promise<string> {
    const { recipient } = await this.myRecipient(actor, reviewId);
    const team = await this.db.selectFrom('teams').select(['agency_id']).where('id', '=', recipient.team_id).executeTakeFirstOrThrow();
    return this.insertAction(actor, input, { reviewId, level: 'team', teamId: recipient.team_id, agencyId: team.agency_id, ownerId: actor.kind === 'user' ? actor.userId : null });
  }

  /** A partnership or agency row, by the QA lead, optionally against a published review's recommendation. */
  async addPlanRow(actor: Actor, input: ActionFields & { level: 'partnership' | 'agency'; agencyId?: string | null | undefined; reviewId?: string | null | undefined; ownerId?: string | null | undefined }): Promise<string> {
    this.assertManager(actor);
    if (input.recommendationId && !input.reviewId) {
      const rec = await this.db.selectFrom('review_recommendations').select('review_id').where('partnership_id', '=', actor.partnershipId).where('id', '=', input.recommendationId).executeTakeFirst();
      if (!rec) throw new ValidationError({ recommendationId: 'Select one of the review’s recommendations' });
      input = { ...input, reviewId: rec.review_id };
    }
    if (input.reviewId) {
      const review = await this.reviewFor(actor, input.reviewId);
      if (review.status !== 'published') throw new ValidationError({ reviewId: 'Publish the review before adding actions to it' });
    }
    if (input.agencyId) {
      const a = await this.db.selectFrom('agencies').select('id').where('partnership_id', '=', actor.partnershipId).where('id', '=', input.agencyId).executeTakeFirst();
      if (!a) throw new ValidationError({ agencyId: 'Select an agency of this partnership' });
    }
    if (input.ownerId) {
      const u = await this.db.selectFrom('users').select('id').where('partnership_id', '=', actor.partnershipId).where('id', '=', input.ownerId).executeTakeFirst();
      if (!u) throw new ValidationError({ ownerId: 'Select someone in this partnership' });
    }
    return this.insertAction(actor, input, { reviewId: input.reviewId ?? null, level: input.level, teamId: null, agencyId: input.level === 'agency' ? (input.agencyId ?? null) : null, ownerId: input.ownerId ?? null });
  }

  private async insertAction(actor: Actor, input: ActionFields, where: { reviewId: string | null; level: 'partnership' | 'agency' | 'team'; teamId: string | null; agencyId: string | null; ownerId: string | null }): Promise<string> {
    if (input.recommendationId) {
      const rec = where.reviewId ? await this.db.selectFrom('review_recommendations').select('id').where('review_id', '=', where.reviewId).where('id', '=', input.recommendationId).executeTakeFirst() : undefined;
      if (!rec) throw new ValidationError({ recommendationId: 'Select one of the review’s recommendations' });
    }
    let baseline: MeasureValue | null = null;
    if (input.measured) {
      await this.checkMeasure(actor, input.measured.measure);
      baseline = await this.measureValue(actor.partnershipId, input.measured.measure);
    }
    return repo.insertAction(this.db, {
      partnership_id: actor.partnershipId,
      review_id: where.reviewId,
      recommendation_id: input.recommendationId ?? null,
      level: where.level,
      agency_id: where.agencyId,
      team_id: where.teamId,
      what: input.what,
      who: input.who,
      owner_user_id: where.ownerId,
      due_on: input.dueOn,
      done_when: input.doneWhen,
      worked_when: input.workedWhen,
      measure: input.measured ? JSON.stringify(input.measured.measure) : null,
      baseline: baseline?.value ?? null,
      baseline_cases: baseline?.cases ?? null,
      target: input.measured?.target ?? null,
      created_by: actor.kind === 'user' ? actor.userId : null,
      at: this.clock.now(),
    });
  }

  /** The published reviews with their recommendations, for choosing what a new row answers. */
  async publishedRecommendations(actor: Actor) {
    const published = (await repo.listReviews(this.db, actor.partnershipId)).filter((r) => r.status === 'published');
    const recs = await repo.recommendationsOf(
      this.db,
      published.map((r) => r.id),
    );
    return published.map((r) => ({ id: r.id, title: r.title, recommendations: recs.filter((x) => x.review_id === r.id) }));
  }

  /** Who can own a partnership or agency row: the partnership's active users (QA leads and admins choose). */
  async people(actor: Actor) {
    this.assertManager(actor);
    return this.db
      .selectFrom('users')
      .innerJoin('agencies', 'agencies.id', 'users.agency_id')
      .select(['users.id', 'users.name', 'agencies.name as agency_name'])
      .where('users.partnership_id', '=', actor.partnershipId)
      .where('users.disabled_at', 'is', null)
      .orderBy('users.name')
      .execute();
  }

  // Action plans

  private canEdit(actor: Actor, row: repo.ActionRow): boolean {
    if (canManageLearning(actor)) return true;
    if (actor.kind !== 'user') return false;
    if (row.owner_user_id === actor.userId) return true;
    if (row.level === 'team' && row.team_id === actor.teamId) return true;
    return row.level === 'agency' && row.agency_id === actor.agencyId && actor.role === 'team-manager';
  }

  async actions(actor: Actor, filter: repo.ActionFilter = {}): Promise<ActionView[]> {
    return this.decorateActions(actor, await repo.listActions(this.db, actor.partnershipId, filter));
  }

  /** One page of action plan rows (the API's), each measured; only the page's measures are worked out. */
  async actionsPage(actor: Actor, filter: repo.ActionFilter, page: PageRequest): Promise<{ rows: ActionView[]; total: number }> {
    const { limit, offset } = limitOffset(page);
    const [rows, total] = await Promise.all([repo.listActions(this.db, actor.partnershipId, filter, limit, offset), repo.countActions(this.db, actor.partnershipId, filter)]);
    return { rows: await this.decorateActions(actor, rows), total };
  }

  private async decorateActions(actor: Actor, rows: repo.ActionRow[]): Promise<ActionView[]> {
    const names = await repo.groupNames(this.db, actor.partnershipId);
    const values = new Map<string, Promise<MeasureValue>>();
    const today = this.today();
    const labels = rows.some((r) => r.measure) ? await this.measureLabels(actor.partnershipId) : null;
    return Promise.all(
      rows.map(async (row): Promise<ActionView> => {
        let measureView: MeasureView | null = null;
        const m = row.measure ? storedMeasure.safeParse(row.measure) : null;
        if (m?.success && row.target !== null) {
          const key = JSON.stringify(m.data);
          if (!values.has(key)) values.set(key, this.measureValue(actor.partnershipId, m.data, names));
          const current = await values.get(key)!;
          measureView = { measure: m.data, label: measureLabel(m.data, labels!, names), baseline: row.baseline, baselineCases: row.baseline_cases, target: row.target, current, direction: progress(row.baseline, row.target, current.value) };
        }
        return { ...row, overdue: row.status !== 'done' && row.due_on < today, measureView, canEdit: this.canEdit(actor, row) };
      }),
    );
  }

  async action(actor: Actor, id: string): Promise<{ action: ActionView; updates: Awaited<ReturnType<typeof repo.updatesOf>> }> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('There is no action with that id');
    const [[action], updates] = await Promise.all([this.actions(actor, { id }), repo.updatesOf(this.db, id)]);
    if (!action) throw new NotFoundError('There is no action with that id');
    return { action, updates };
  }

  /** Refuses (404, or 403) before a form or body is read, so a person without the right learns nothing from validation. */
  async assertCanEdit(actor: Actor, id: string): Promise<void> {
    await this.editable(actor, id);
  }

  async assertCanRespond(actor: Actor, reviewId: string): Promise<void> {
    await this.myRecipient(actor, reviewId);
  }

  private async editable(actor: Actor, id: string): Promise<repo.ActionRow> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('There is no action with that id');
    const [row] = await repo.listActions(this.db, actor.partnershipId, { id });
    if (!row) throw new NotFoundError('There is no action with that id');
    if (!this.canEdit(actor, row)) throw new ForbiddenError('Only the action’s owner, its team or the quality-assurance lead can update it');
    return row;
  }

  async addUpdate(actor: Actor, id: string, input: { text: string; evidence?: string | undefined; markInProgress: boolean }): Promise<void> {
    const row = await this.editable(actor, id);
    if (row.status === 'done') throw new ValidationError({ text: 'The action is closed: it cannot take more updates' });
    const at = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await repo.insertUpdate(trx, { partnership_id: actor.partnershipId, action_id: id, author_user_id: actor.kind === 'user' ? actor.userId : null, text: input.text, evidence: input.evidence ?? null, at });
      if (input.markInProgress && row.status === 'open') await repo.setActionStatus(trx, id, { status: 'in-progress' }, at);
    });
  }

  /** Closes a row once the evidence that it has been done is recorded. */
  async close(actor: Actor, id: string, input: { doneEvidence: string; version: number }): Promise<void> {
    const row = await this.editable(actor, id);
    if (row.status === 'done') throw new ValidationError({ doneEvidence: 'The action is already closed' });
    const at = this.clock.now();
    const ok = await repo.setActionStatus(this.db, id, { status: 'done', done_evidence: input.doneEvidence, closed_at: at, closed_by: actor.kind === 'user' ? actor.userId : null }, at, input.version);
    if (!ok) throw new ConflictError('The action was changed by someone else while you were closing it', { status: row.status, version: row.version }, { doneEvidence: input.doneEvidence, version: input.version });
  }

  // Measures

  /** What a row's measure can be: the partnership's standards, the option questions of its audit tools, and where. */
  async measureOptions(actor: Actor) {
    const system = systemActor(actor.partnershipId, 'measures');
    const [definitions, tools, names] = await Promise.all([this.standards.definitions(system), this.audits.tools(system), repo.groupNames(this.db, actor.partnershipId)]);
    return {
      standards: definitions.map((d) => ({ key: d.key, name: d.name })),
      questions: tools.flatMap((t) =>
        questionsOf(t).flatMap((q) => optionsOf(t, q).map((o) => ({ value: `${t.key}|${q.key}|${o}`, text: `${t.name}: ${q.text} – ${o}` }))),
      ),
      scopes: [
        { value: 'partnership', text: 'The whole partnership' },
        ...names.areas.map((a) => ({ value: `area:${a.id}`, text: `Area: ${a.name}` })),
        ...names.teams.map((t) => ({ value: `team:${t.id}`, text: `Team: ${t.name}` })),
        ...names.agencies.map((a) => ({ value: `agency:${a.id}`, text: `Agency: ${a.name}` })),
      ],
    };
  }

  private async checkMeasure(actor: Actor, m: Measure): Promise<void> {
    const options = await this.measureOptions(actor);
    if (m.kind === 'standard' && !options.standards.some((s) => s.key === m.key)) throw new ValidationError({ measureStandard: 'Select a practice standard from the list' });
    if (m.kind === 'audit' && !options.questions.some((q) => q.value === `${m.toolKey}|${m.questionKey}|${m.answer}`)) throw new ValidationError({ measureQuestion: 'Select an audit question and answer from the list' });
    const scope = m.scope.by === 'partnership' ? 'partnership' : `${m.scope.by}:${m.scope.id}`;
    if (!options.scopes.some((s) => s.value === scope)) throw new ValidationError({ measureScope: 'Select where it is measured from the list' });
  }

  private async measureLabels(partnershipId: string) {
    const system = systemActor(partnershipId, 'measures');
    const [definitions, tools] = await Promise.all([this.standards.definitions(system), this.audits.tools(system)]);
    return {
      standards: new Map(definitions.map((d) => [d.key as string, d.name])),
      questions: new Map(tools.flatMap((t) => questionsOf(t).map((q) => [`${t.key}|${q.key}`, `${t.name}: ${q.text}`] as const))),
    };
  }

  /** The measure's value now: a standard's compliance, or the share of the latest audit's cases giving the answer. */
  async measureValue(partnershipId: string, m: Measure, names?: Names): Promise<MeasureValue> {
    if (m.kind === 'standard') {
      const group = m.scope.by === 'partnership' ? {} : { [m.scope.by]: m.scope.id };
      const counts = zero();
      for (const r of await brepo.statusCounts(this.db, partnershipId, m.key, group)) counts[r.status] += r.n;
      return { value: compliance(counts), cases: counts.met + counts['met-late'] + counts.missed + counts.overdue };
    }
    const latest = await this.audits.latestReport(partnershipId, m.toolKey);
    if (!latest) return { value: null, cases: 0 };
    let counts: Record<string, number> | undefined;
    if (m.scope.by === 'partnership') counts = latest.report.questions[m.questionKey];
    else {
      const n = names ?? (await repo.groupNames(this.db, partnershipId));
      const name = scopeName(m.scope, n);
      const by = m.scope.by === 'area' ? latest.report.byArea : m.scope.by === 'team' ? latest.report.byTeam : latest.report.byAgency;
      counts = name ? by[name]?.[m.questionKey] : undefined;
    }
    const total = Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
    return { value: total ? Math.round((1000 * (counts?.[m.answer] ?? 0)) / total) / 10 : null, cases: total };
  }

  // The partnership's assurance view

  async assurance(actor: Actor) {
    this.assertManager(actor);
    const [reviews, actions, names] = await Promise.all([repo.listReviews(this.db, actor.partnershipId), this.actions(actor), repo.groupNames(this.db, actor.partnershipId)]);
    const published = reviews.filter((r) => r.status === 'published');
    const recs = await repo.recommendationsOf(
      this.db,
      published.map((r) => r.id),
    );
    const recommendations = recs.map((r) => {
      const rows = actions.filter((a) => a.recommendation_id === r.id);
      return { ...r, review: published.find((p) => p.id === r.review_id)!, status: recommendationStatus(rows.map((a) => ({ status: a.status, direction: a.measureView?.direction ?? null }))), actions: rows.length };
    });
    const byStatus = Object.fromEntries((Object.keys(RECOMMENDATION_STATUS_LABELS) as RecommendationStatus[]).map((s) => [s, recommendations.filter((r) => r.status === s).length])) as Record<RecommendationStatus, number>;
    const overdue = actions.filter((a) => a.overdue);
    const agencyOf = (a: ActionView) => {
      if (a.level === 'partnership') return 'The partnership';
      if (a.agency_name) return a.agency_name;
      return names.teams.find((t) => t.id === a.team_id)?.agency_name ?? 'Unknown agency';
    };
    const overdueByAgency = [...new Set(overdue.map(agencyOf))].sort().map((agency) => ({ agency, count: overdue.filter((a) => agencyOf(a) === agency).length }));
    const measured = actions.filter((a) => a.measureView);
    const responses = published.map((r) => ({ id: r.id, title: r.title, sent: Number(r.sent), responded: Number(r.responded) }));
    // Each review's own timescale (rapid reviews and local reviews), drafts included: a draft is what runs late
    const closed = await closures(this.db, actor.partnershipId);
    const timescales = reviews.flatMap((r) => {
      const ts = reviewTimescale({ kind: r.kind, notifiedOn: r.notified_on, startedOn: r.started_on, publishedOn: r.published_at ? londonDate(new Date(r.published_at)) : null }, this.today(), closed);
      return ts ? [{ id: r.id, title: r.title, kind: r.kind, ...ts }] : [];
    });
    return { today: this.today(), timescales, reviews: published.length, recommendations, byStatus, actions: actions.length, open: actions.filter((a) => a.status !== 'done').length, overdue, overdueByAgency, measured, responses, agencyOf };
  }
}

export interface ActionFields {
  what: string;
  who: string;
  dueOn: string;
  doneWhen: string;
  workedWhen: string;
  recommendationId?: string | null | undefined;
  measured: Measured;
}

function scopeName(s: MeasureScope, names: Names): string | null {
  if (s.by === 'partnership') return null;
  const list = s.by === 'area' ? names.areas : s.by === 'team' ? names.teams : names.agencies;
  return list.find((x) => x.id === s.id)?.name ?? null;
}

/** "First core group chaired by a manager, area North" and the like. */
export function measureLabel(m: Measure, labels: { standards: Map<string, string>; questions: Map<string, string> }, names: Names): string {
  const what = m.kind === 'standard' ? (labels.standards.get(m.key) ?? m.key) : `${labels.questions.get(`${m.toolKey}|${m.questionKey}`) ?? m.questionKey} – answered ${m.answer}`;
  const where = m.scope.by === 'partnership' ? 'the whole partnership' : `${m.scope.by} ${scopeName(m.scope, names) ?? '(removed)'}`;
  return `${what}, ${where}`;
}
