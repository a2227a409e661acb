/**
 * Retention of closed child records. The partnership's rule marks closed records due for review;
 * a partnership admin anonymises each one (after a confirmation) or keeps it for now with a reason
 * and a date to review it again.
 *
 * This is a narrow exception to "admins never see children's records" (cases/access.ts): the review
 * list shows a case reference, the date the record closed and the child's age band, never a name,
 * and every listing, view and decision is access-logged against the child.
 */
import type { Db } from '../../db/database.js';
import { retryingTransaction } from '../../db/retry.js';
import { type Actor, actorLabel, hasRole, systemActor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { DomainError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { type PageRequest, paged } from '../../lib/pagination.js';
import { londonDate } from '../../lib/working-days.js';
import type { AccessLogService } from '../access-log/service.js';
import { lockChild, type Trx } from '../cases/record.js';
import * as repo from './repository.js';
import { addYears, ageBand, caseReference, dueForReview, retentionDecision, type RetentionRule } from './rule.js';

export interface DueReview {
  id: string;
  caseRef: string;
  closedOn: string;
  dueOn: string;
  ageBand: string;
  version: number;
}

export interface DecidedReview {
  id: string;
  caseRef: string;
  status: 'anonymised' | 'kept' | 'withdrawn';
  closedOn: string;
  reason: string | null;
  reviewAgainOn: string | null;
  decidedAt: Date | null;
}

export interface KeepInput {
  reason: string;
  reviewAgainOn?: string | undefined;
  version: number;
}

/** A decision that cannot go ahead as asked (already decided, or the record is open again): 409 with the reason. */
export class RetentionConflict extends DomainError {
  constructor(message: string) {
    super(message, 'conflict', 409);
  }
}

const OPEN_LABELS: Record<string, string> = { plan: 'a child protection plan', s47: 'a section 47 enquiry', conference: 'a conference not yet held', escalation: 'an escalation' };

export class RetentionService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accessLog: AccessLogService,
    /** Runs after a child is anonymised, in the same transaction (the child's practice standards are re-evaluated). */
    private readonly afterChange?: (trx: Trx, childId: string) => Promise<void>,
  ) {}

  private admin(actor: Actor): void {
    if (!hasRole(actor, 'partnership-admin')) throw new ForbiddenError();
  }

  private today(): string {
    return londonDate(this.clock.now());
  }

  async rule(actor: Actor): Promise<RetentionRule & { version: number; updatedAt: Date | null }> {
    this.admin(actor);
    return repo.loadRule(this.db, actor.partnershipId);
  }

  async saveRule(actor: Actor, rule: RetentionRule & { version: number }): Promise<void> {
    this.admin(actor);
    await this.db.transaction().execute(async (trx) => {
      const now = this.clock.now();
      const saved = await repo.saveRule(trx, actor.partnershipId, { yearsAfterClosure: rule.yearsAfterClosure, minimumAge: rule.minimumAge }, rule.version, actor.kind === 'user' ? actor.userId : null, now);
      if (!saved) throw new RetentionConflict('Someone else changed the retention rule while you were editing it. Look at it again, then make your change.');
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'retention-rule', recordId: actor.partnershipId, details: { yearsAfterClosure: rule.yearsAfterClosure, minimumAge: rule.minimumAge } });
    });
  }

  /**
   * Marks the records due for review as at today (and withdraws reviews of records no longer due, say
   * a plan started again). Reads dates only. A record kept until a date still to come is not marked.
   */
  async markDue(actor: Actor): Promise<{ marked: number; withdrawn: number }> {
    this.admin(actor);
    const today = this.today();
    return this.db.transaction().execute(async (trx) => {
      const rule = await repo.loadRule(trx, actor.partnershipId);
      const facts = await repo.loadFacts(trx, actor.partnershipId);
      const kept = await repo.keptUntil(trx, actor.partnershipId, today);
      const due = dueForReview(facts, rule, today).filter((d) => !kept.has(d.childId));
      const dueIds = new Set(due.map((d) => d.childId));
      const open = await repo.reviewsOf(trx, actor.partnershipId, ['due']);
      const stale = open.filter((r) => !dueIds.has(r.child_id)).map((r) => r.id);
      const withdrawn = await repo.withdraw(trx, actor.partnershipId, stale, this.clock.now(), actorLabel(actor));
      const marked = await repo.insertDue(trx, actor.partnershipId, due, this.clock.now());
      return { marked, withdrawn };
    });
  }

  /** Every partnership's records due for review marked (the daily job). */
  async markAllDue(): Promise<{ partnerships: number; marked: number }> {
    const ps = await this.db.selectFrom('partnerships').select('id').execute();
    let marked = 0;
    for (const p of ps) marked += (await this.markDue(systemActor(p.id, 'retention'))).marked;
    return { partnerships: ps.length, marked };
  }

  /**
   * The records due for review (marked first), every one or (`page`) a page of them, with how many are due in
   * all, and the decisions made; each record shown is access-logged, and only those.
   */
  async list(actor: Actor, page?: PageRequest): Promise<{ today: string; rule: RetentionRule; due: DueReview[]; dueTotal: number; decided: DecidedReview[] }> {
    this.admin(actor);
    await this.markDue(actor);
    const today = this.today();
    return this.db.transaction().execute(async (trx) => {
      const rule = await repo.loadRule(trx, actor.partnershipId);
      const facts = new Map((await repo.loadFacts(trx, actor.partnershipId)).map((f) => [f.childId, f]));
      const all = await repo.reviewsOf(trx, actor.partnershipId, ['due']);
      const due = page ? paged(all, page).items : all;
      const decided = await repo.reviewsOf(trx, actor.partnershipId, ['kept', 'anonymised']);
      await this.accessLog.recordMany(trx, actor, due.map((r) => ({ action: 'list', recordType: 'retention-review', recordId: r.id, subjectId: r.child_id })));
      return {
        today,
        rule,
        dueTotal: all.length,
        due: due.map((r) => {
          const f = facts.get(r.child_id);
          const decision = f ? retentionDecision(f, rule, today) : null;
          return { id: r.id, caseRef: caseReference(r.child_id), closedOn: r.closed_on, dueOn: r.due_on, ageBand: ageBand(decision?.age ?? null), version: r.version };
        }),
        decided: decided
          .sort((a, b) => (b.decided_at?.getTime() ?? 0) - (a.decided_at?.getTime() ?? 0))
          .map((r) => ({ id: r.id, caseRef: caseReference(r.child_id), status: r.status as 'kept' | 'anonymised', closedOn: r.closed_on, reason: r.reason, reviewAgainOn: r.review_again_on, decidedAt: r.decided_at })),
      };
    });
  }

  /** One review waiting for a decision (the confirmation and keep pages); access-logged. 404 unless it is the partnership's and still due. */
  async review(actor: Actor, reviewId: string): Promise<DueReview> {
    this.admin(actor);
    if (!/^[0-9a-f-]{36}$/i.test(reviewId)) throw new NotFoundError('Review not found');
    const today = this.today();
    return this.db.transaction().execute(async (trx) => {
      const r = await repo.findReview(trx, actor.partnershipId, reviewId);
      if (!r || r.status !== 'due') throw new NotFoundError('Review not found');
      const rule = await repo.loadRule(trx, actor.partnershipId);
      const [facts] = await repo.loadFacts(trx, actor.partnershipId, r.child_id);
      await this.accessLog.record(trx, actor, { action: 'view', recordType: 'retention-review', recordId: r.id, subjectId: r.child_id });
      const age = facts ? retentionDecision(facts, rule, today).age : null;
      return { id: r.id, caseRef: caseReference(r.child_id), closedOn: r.closed_on, dueOn: r.due_on, ageBand: ageBand(age), version: r.version };
    });
  }

  /** Locks the review, checks it is still waiting at the version the person saw; 404 / 409 otherwise. */
  private async lockDue(trx: Trx, actor: Actor, reviewId: string, version: number): Promise<repo.ReviewRow> {
    if (!/^[0-9a-f-]{36}$/i.test(reviewId)) throw new NotFoundError('Review not found');
    const r = await repo.findReview(trx, actor.partnershipId, reviewId, true);
    if (!r) throw new NotFoundError('Review not found');
    if (r.status !== 'due') {
      const what = r.status === 'anonymised' ? 'has already been anonymised' : r.status === 'kept' ? 'has already been kept for now' : 'is no longer due for review';
      throw new RetentionConflict(`This record ${what}: nothing was changed.`);
    }
    if (r.version !== version) throw new RetentionConflict('Someone else changed this review while you were looking at it: nothing was changed. Look at the list again.');
    return r;
  }

  /**
   * Anonymises the record in one transaction: the review is locked (a second approval at the same time
   * waits, then finds it decided), the rule is checked again on the record as it now stands (refused if it
   * has been opened again), the child's identifying text is replaced everywhere, the standards are
   * re-evaluated and the decision is access-logged. Existing access-log rows are never changed.
   */
  async anonymise(actor: Actor, reviewId: string, version: number): Promise<{ caseRef: string; counts: repo.AnonymisedCounts }> {
    this.admin(actor);
    // Run again, whole, should the database end it to break a deadlock (src/db/retry.ts)
    return retryingTransaction(() => this.db.transaction().execute(async (trx) => {
      const r = await this.lockDue(trx, actor, reviewId, version);
      // The child's lock before the access-log chain's, as every change to a child's record takes them
      await lockChild(trx, r.child_id);
      const rule = await repo.loadRule(trx, actor.partnershipId);
      const [facts] = await repo.loadFacts(trx, actor.partnershipId, r.child_id);
      if (!facts) throw new NotFoundError('Review not found');
      const decision = retentionDecision(facts, rule, this.today());
      if (!decision.due) {
        const why =
          decision.why === 'open'
            ? `it has ${facts.open.map((o) => OPEN_LABELS[o] ?? o).join(' and ')} open`
            : decision.why === 'anonymised'
              ? 'it is already anonymised'
              : decision.why === 'under-minimum-age'
                ? 'the child is under the minimum age'
                : `it is not yet due (due on ${decision.dueOn})`;
        throw new RetentionConflict(`This record cannot be anonymised: ${why}. Nothing was changed.`);
      }
      const now = this.clock.now();
      const { counts, redact } = await repo.anonymiseChild(trx, actor.partnershipId, r.child_id, now);
      await repo.decide(trx, r, { status: 'anonymised', userId: actor.kind === 'user' ? actor.userId : null, actorLabel: actorLabel(actor), now });
      // The results stored redacted first: the re-evaluation then writes those its anonymised facts change, and
      // moves the records version (taking the access-log chain) after every row of the child is written
      await repo.redactStandardResults(trx, r.child_id, redact);
      await this.afterChange?.(trx, r.child_id);
      // The access-log chain last, after the child's rows, as every change to a child's record and every import takes it
      await this.accessLog.recordMany(trx, actor, [
        { action: 'anonymise', recordType: 'child', recordId: r.child_id, subjectId: r.child_id, details: { review: r.id, closedOn: r.closed_on } },
        { action: 'update', recordType: 'retention-review', recordId: r.id, subjectId: r.child_id, details: { decision: 'anonymised', changed: counts } },
      ]);
      return { caseRef: caseReference(r.child_id), counts };
    }));
  }

  /** Keeps the record for now: a reason, and a date to review it again (a year on when none is given). */
  async keep(actor: Actor, reviewId: string, input: KeepInput): Promise<{ caseRef: string; reviewAgainOn: string }> {
    this.admin(actor);
    const today = this.today();
    if (input.reviewAgainOn !== undefined && input.reviewAgainOn <= today) throw new ValidationError({ reviewAgainOn: 'The date to review it again must be in the future' });
    if (input.reviewAgainOn !== undefined && input.reviewAgainOn > addYears(today, 10)) throw new ValidationError({ reviewAgainOn: 'The date to review it again must be within 10 years' });
    return this.db.transaction().execute(async (trx) => {
      const r = await this.lockDue(trx, actor, reviewId, input.version);
      const reviewAgainOn = input.reviewAgainOn ?? addYears(today, 1);
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'retention-review', recordId: r.id, subjectId: r.child_id, details: { decision: 'kept', reviewAgainOn } });
      await repo.decide(trx, r, { status: 'kept', reason: input.reason, reviewAgainOn, userId: actor.kind === 'user' ? actor.userId : null, actorLabel: actorLabel(actor), now: this.clock.now() });
      return { caseRef: caseReference(r.child_id), reviewAgainOn };
    });
  }
}
