/**
 * Escalations between agencies: raised by anyone who can see the child's record about any
 * agency's practice, through the partnership's stages with a response deadline in working days,
 * to an outcome and the learning. Every read and change goes through ChildRecords.
 */
import type { Actor } from '../../lib/actor.js';
import { londonDate } from '../../lib/working-days.js';
import type { AccessLogService } from '../access-log/service.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { canContribute, ensure } from '../cases/policy.js';
import { type ChildRecords, type RecordScope, updateVersioned } from '../cases/record.js';
import { partnershipClosures } from '../cases/repository.js';
import { canActOnEscalation, isOverdue, isStage, nextStage, responseDue, STAGE_LABELS } from './policy.js';
import * as repo from './repository.js';
import type { EscalateInput, RaiseInput, ResolveInput, ResponseInput, WithdrawInput } from './schemas.js';

export type { EscalationRow } from './repository.js';

const NOT_YOURS = 'Only the agency that raised the escalation, the agency it is about, and the child’s case holders can act on it';

export class EscalationsService {
  constructor(
    private readonly records: ChildRecords,
    private readonly accessLog: AccessLogService,
  ) {}

  private get db() {
    return this.records.db;
  }

  async assertCanRaise(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canContribute));
  }

  async assertCanAct(actor: Actor, childId: string, escalationId: string): Promise<void> {
    const allowed = await this.records.permits(actor, childId, async (access) => {
      const e = await repo.getEscalation(this.db, actor.partnershipId, childId, escalationId);
      if (!e) throw new NotFoundError('Escalation not found');
      return canActOnEscalation(access, e);
    });
    ensure(allowed, NOT_YOURS);
  }

  /** The partnership's agencies: any of them can be the subject of an escalation. */
  async agencies(actor: Actor) {
    return repo.partnershipAgencies(this.db, actor.partnershipId);
  }

  /** The child's escalations, open first (access-logged). */
  async listForChild(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'escalation', async (s) => {
      await s.log({ action: 'list', recordType: 'escalation', recordId: childId });
      const rows = await repo.listForChild(s.trx, actor.partnershipId, childId);
      return {
        child: s.access.child,
        escalations: rows.map((e) => ({ ...e, overdue: isOverdue(e, s.today), stageLabel: isStage(e.stage) ? STAGE_LABELS[e.stage] : `Stage ${e.stage}` })),
        can: { raise: canContribute(s.access) },
      };
    });
  }

  /** One escalation with its history and what the actor may do (access-logged). */
  async get(actor: Actor, childId: string, escalationId: string) {
    return this.records.read(
      actor,
      childId,
      'escalation',
      async (s) => {
        const e = await repo.getEscalation(s.trx, actor.partnershipId, childId, escalationId);
        if (!e) throw new NotFoundError('Escalation not found');
        const events = await repo.events(s.trx, actor.partnershipId, escalationId);
        const closures = await partnershipClosures(s.trx, actor.partnershipId);
        const next = nextStage(e.stage);
        const act = canActOnEscalation(s.access, e) && e.status === 'open';
        return {
          child: s.access.child,
          escalation: { ...e, overdue: isOverdue(e, s.today), stageLabel: isStage(e.stage) ? STAGE_LABELS[e.stage] : `Stage ${e.stage}` },
          events: events.map((ev) => ({ ...ev, stageLabel: isStage(ev.stage) ? STAGE_LABELS[ev.stage] : `Stage ${ev.stage}` })),
          next: next ? { stage: next, label: STAGE_LABELS[next], dueOn: responseDue(next, s.today, closures) } : null,
          can: { act, escalate: act && next !== null },
        };
      },
      escalationId,
    );
  }

  async raise(actor: Actor, childId: string, input: RaiseInput): Promise<string> {
    return this.records.change(actor, childId, async (s) => {
      ensure(canContribute(s.access));
      if (actor.kind !== 'user') throw new ValidationError({ aboutAgencyId: 'An escalation is raised by a person of an agency' });
      const about = await s.trx.selectFrom('agencies').select('id').where('id', '=', input.aboutAgencyId).where('partnership_id', '=', actor.partnershipId).executeTakeFirst();
      if (!about) throw new ValidationError({ aboutAgencyId: 'Select an agency of this partnership' });
      const startedOn = input.raisedOn ?? s.today;
      if (startedOn > s.today) throw new ValidationError({ raisedOn: 'The date raised cannot be in the future' });
      const closures = await partnershipClosures(s.trx, actor.partnershipId);
      const id = await repo.insertEscalation(s.trx, {
        partnershipId: actor.partnershipId,
        childId,
        raisedByAgencyId: actor.agencyId,
        aboutAgencyId: input.aboutAgencyId,
        concern: input.concern,
        desiredOutcome: input.desiredOutcome,
        stageStartedOn: startedOn,
        responseDueOn: responseDue(1, startedOn, closures),
        createdBy: actor.userId,
      });
      await repo.addEvent(s.trx, { partnershipId: actor.partnershipId, escalationId: id, stage: 1, kind: 'raised', note: input.concern, createdBy: actor.userId, at: s.now });
      await s.log({ action: 'create', recordType: 'escalation', recordId: id, details: { aboutAgencyId: input.aboutAgencyId } });
      return id;
    });
  }

  /** Loads the open escalation the actor may act on, inside the change. */
  private async openFor(s: RecordScope, childId: string, escalationId: string) {
    const e = await repo.getEscalation(s.trx, s.access.actor.partnershipId, childId, escalationId);
    if (!e) throw new NotFoundError('Escalation not found');
    ensure(canActOnEscalation(s.access, e), NOT_YOURS);
    if (e.status !== 'open') throw new ValidationError({ _: `This escalation is already ${e.status}` });
    return e;
  }

  private userId(actor: Actor): string | null {
    return actor.kind === 'user' ? actor.userId : null;
  }

  async respond(actor: Actor, childId: string, escalationId: string, input: ResponseInput): Promise<void> {
    return this.records.change(actor, childId, async (s) => {
      const e = await this.openFor(s, childId, escalationId);
      await updateVersioned(s.trx, 'escalations', { id: e.id, partnershipId: actor.partnershipId, version: input.version }, {}, 'escalation');
      await repo.addEvent(s.trx, { partnershipId: actor.partnershipId, escalationId, stage: e.stage, kind: 'response', note: input.note, createdBy: this.userId(actor), at: s.now });
      await s.log({ action: 'update', recordType: 'escalation', recordId: escalationId, details: { event: 'response', stage: e.stage } });
    });
  }

  /** Moves to the next stage from today, with that stage's response deadline. */
  async escalate(actor: Actor, childId: string, escalationId: string, input: EscalateInput): Promise<{ stage: number; responseDueOn: string }> {
    return this.records.change(actor, childId, async (s) => {
      const e = await this.openFor(s, childId, escalationId);
      const next = nextStage(e.stage);
      if (!next) throw new ValidationError({ reason: 'This escalation is at the last stage (partnership chair): resolve it, or withdraw it' });
      const closures = await partnershipClosures(s.trx, actor.partnershipId);
      const dueOn = responseDue(next, s.today, closures);
      await updateVersioned(s.trx, 'escalations', { id: e.id, partnershipId: actor.partnershipId, version: input.version }, { stage: next, stage_started_on: s.today, response_due_on: dueOn }, 'escalation');
      await repo.addEvent(s.trx, { partnershipId: actor.partnershipId, escalationId, stage: next, kind: 'escalated', note: input.reason, createdBy: this.userId(actor), at: s.now });
      await s.log({ action: 'update', recordType: 'escalation', recordId: escalationId, details: { event: 'escalated', stage: next } });
      return { stage: next, responseDueOn: dueOn };
    });
  }

  async resolve(actor: Actor, childId: string, escalationId: string, input: ResolveInput): Promise<void> {
    return this.records.change(actor, childId, async (s) => {
      const e = await this.openFor(s, childId, escalationId);
      await updateVersioned(
        s.trx,
        'escalations',
        { id: e.id, partnershipId: actor.partnershipId, version: input.version },
        { status: 'resolved', outcome: input.outcome, learning: input.learning, resolved_on: s.today },
        'escalation',
      );
      await repo.addEvent(s.trx, { partnershipId: actor.partnershipId, escalationId, stage: e.stage, kind: 'resolved', note: `${input.outcome}\n\nLearning: ${input.learning}`, createdBy: this.userId(actor), at: s.now });
      await s.log({ action: 'update', recordType: 'escalation', recordId: escalationId, details: { event: 'resolved', stage: e.stage } });
    });
  }

  async withdraw(actor: Actor, childId: string, escalationId: string, input: WithdrawInput): Promise<void> {
    return this.records.change(actor, childId, async (s) => {
      const e = await this.openFor(s, childId, escalationId);
      await updateVersioned(s.trx, 'escalations', { id: e.id, partnershipId: actor.partnershipId, version: input.version }, { status: 'withdrawn', resolved_on: s.today }, 'escalation');
      await repo.addEvent(s.trx, { partnershipId: actor.partnershipId, escalationId, stage: e.stage, kind: 'withdrawn', note: input.reason, createdBy: this.userId(actor), at: s.now });
      await s.log({ action: 'update', recordType: 'escalation', recordId: escalationId, details: { event: 'withdrawn', stage: e.stage } });
    });
  }

  /**
   * Open escalations about every child the actor may see (bounded by visibleChildren in the
   * query). Each one listed is access-logged against its child.
   */
  /**
   * One page of the escalations about the children the actor may see, filtered (bounded by
   * visibleChildren in the query); each one on the page is access-logged against its child.
   */
  async pageForActor(actor: Actor, f: repo.EscalationFilter & { page: number; pageSize: number }) {
    const today = londonDate(this.records.clock.now());
    return this.db.transaction().execute(async (trx) => {
      const { page, pageSize, ...filter } = f;
      const r = await repo.pageAcrossVisibleChildren(trx, actor, { ...filter, dueBefore: filter.dueBefore === 'today' ? today : filter.dueBefore, limit: pageSize, offset: (page - 1) * pageSize });
      for (const e of r.rows) await this.accessLog.record(trx, actor, { action: 'list', recordType: 'escalation', recordId: e.id, subjectId: e.child_id });
      return { rows: r.rows.map((e) => ({ ...e, overdue: isOverdue(e, today) })), total: r.total };
    });
  }

  async openForActor(actor: Actor) {
    return this.db.transaction().execute(async (trx) => {
      const rows = await repo.openAcrossVisibleChildren(trx, actor);
      const today = londonDate(this.records.clock.now());
      await this.accessLog.recordMany(trx, actor, rows.map((r) => ({ action: 'list', recordType: 'escalation', recordId: r.id, subjectId: r.child_id })));
      return rows.map((e) => ({ ...e, overdue: isOverdue(e, today), stageLabel: isStage(e.stage) ? STAGE_LABELS[e.stage] : `Stage ${e.stage}` }));
    });
  }
}
