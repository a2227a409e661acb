/**
 * Case entries on a child's record: professionals meetings, reflective learning circle referrals,
 * school transitions, assessments, supervision notes, other multi-agency meetings and requests
 * for information. Each kind's fields and schema are in kinds.ts; every read and change goes
 * through ChildRecords (access and access log in one transaction).
 */
import type { Actor } from '../../lib/actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { parse } from '../../lib/validation.js';
import type { ChildAccess } from '../cases/access.js';
import { canContribute, canEditEntry, ensure } from '../cases/policy.js';
import { type ChildRecords, type RecordScope, updateVersioned } from '../cases/record.js';
import { partnershipClosures } from '../cases/repository.js';
import { displayRows, fromForm, type EntryData, type EntryKind, type KindContext } from './form-definition.js';
import { DEFAULT_GRADED_AREAS, ENTRY_KINDS, entryKind, RFI_ANSWER_FIELDS } from './kinds.js';
import { canAnswerRequest } from './policy.js';
import * as repo from './repository.js';

export type { EntryRow } from './repository.js';

const NOT_YOURS = 'Only the person who wrote this entry, or a case holder of their agency, can change it';

function kindOrThrow(kind: string): EntryKind {
  const k = entryKind(kind);
  if (!k) throw new ValidationError({ kind: 'Select the kind of entry' });
  return k;
}

/** A kind's handlers run on saved data that may predate the schema (imports, the demo): never let one break a page. */
function safely<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

export class CaseworkService {
  constructor(private readonly records: ChildRecords) {}

  private get db() {
    return this.records.db;
  }

  private async context(s: RecordScope, actor: Actor): Promise<KindContext> {
    return {
      today: s.today,
      closures: await partnershipClosures(s.trx, actor.partnershipId),
      actorName: actor.kind === 'user' ? actor.name : '',
      gradedAreas: DEFAULT_GRADED_AREAS,
    };
  }

  /** 404 unless the actor may see the child; 403 unless they may add entries (checked before the form is read). */
  async assertCanContribute(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canContribute));
  }

  private async entryPermits(actor: Actor, childId: string, entryId: string, rule: (a: ChildAccess, e: repo.EntryRow) => boolean): Promise<boolean> {
    return this.records.permits(actor, childId, async (access) => {
      const entry = await repo.getEntry(this.db, actor.partnershipId, childId, entryId);
      if (!entry) throw new NotFoundError('Entry not found');
      return rule(access, entry);
    });
  }

  async assertCanEdit(actor: Actor, childId: string, entryId: string): Promise<void> {
    ensure(await this.entryPermits(actor, childId, entryId, canEditEntry), NOT_YOURS);
  }

  /** Edit, or (for the agency asked) answer a request for information. */
  async assertCanEditOrAnswer(actor: Actor, childId: string, entryId: string): Promise<void> {
    ensure(await this.entryPermits(actor, childId, entryId, (a, e) => canEditEntry(a, e) || canAnswerRequest(a, e)), NOT_YOURS);
  }

  async assertCanAnswer(actor: Actor, childId: string, entryId: string): Promise<void> {
    ensure(await this.entryPermits(actor, childId, entryId, canAnswerRequest), 'Only the agency asked, or the person who asked, can record the answer');
  }

  private decorate(e: repo.EntryRow, access: ChildAccess, ctx: KindContext, agencyName: (id: string) => string) {
    const kind = entryKind(e.kind);
    return {
      ...e,
      kindLabel: kind?.label ?? e.kind,
      summary: kind ? safely(() => kind.summary(e.data), '') : '',
      overdue: kind ? safely(() => kind.overdue(e.data, e.due_on, ctx.today), false) : false,
      rows: kind ? displayRows(kind.fields, e.data, agencyName) : [],
      derived: kind ? safely(() => kind.derived(e.data, ctx), []) : [],
      can: { edit: canEditEntry(access, e), answer: canAnswerRequest(access, e) && !e.data.answer },
    };
  }

  /** The timeline of entries, optionally of one kind (access-logged as a list of case entries). */
  async list(actor: Actor, childId: string, opts: { kind?: string | undefined } = {}) {
    return this.records.read(actor, childId, 'case-entry', async (s) => {
      await s.log({ action: 'list', recordType: 'case-entry', recordId: childId, details: opts.kind ? { kind: opts.kind } : {} });
      const [rows, agencies, ctx] = await Promise.all([
        repo.listEntries(s.trx, actor.partnershipId, childId, opts.kind),
        repo.partnershipAgencies(s.trx, actor.partnershipId),
        this.context(s, actor),
      ]);
      const names = new Map(agencies.map((a) => [a.id, a.name]));
      const agencyName = (id: string) => names.get(id) ?? 'Unknown agency';
      const entries = rows.map((e) => this.decorate(e, s.access, ctx, agencyName));
      return { child: s.access.child, entries, overdue: entries.filter((e) => e.overdue), kinds: ENTRY_KINDS, can: { add: canContribute(s.access) } };
    });
  }

  /** What a new entry's form needs: the child, the partnership's agencies, the graded areas, defaults. */
  async formContext(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'child', async (s) => {
      const [agencies, ctx] = await Promise.all([repo.partnershipAgencies(s.trx, actor.partnershipId), this.context(s, actor)]);
      return { child: s.access.child, agencies, gradedAreas: ctx.gradedAreas, actorName: ctx.actorName };
    });
  }

  /** Agency fields must name an agency of the actor's partnership. */
  private async checkAgencies(s: RecordScope, kind: EntryKind, data: EntryData): Promise<void> {
    for (const f of kind.fields) {
      if (f.type !== 'agency' || typeof data[f.name] !== 'string') continue;
      const found = await s.trx.selectFrom('agencies').select('id').where('id', '=', data[f.name] as string).where('partnership_id', '=', s.access.actor.partnershipId).executeTakeFirst();
      if (!found) throw new ValidationError({ [f.name]: `Select the ${f.label.toLowerCase()} from the list` });
    }
  }

  async create(actor: Actor, childId: string, kindName: string, input: unknown): Promise<string> {
    const kind = kindOrThrow(kindName);
    return this.records.change(actor, childId, async (s) => {
      ensure(canContribute(s.access));
      const parsed = parse(kind.schema, input);
      await this.checkAgencies(s, kind, parsed);
      const data = kind.complete(parsed, await this.context(s, actor));
      const id = await repo.insertEntry(s.trx, {
        partnershipId: actor.partnershipId,
        childId,
        kind: kind.kind,
        occurredOn: kind.occurredOn(data),
        dueOn: kind.dueOn(data),
        data,
        authorAgencyId: actor.kind === 'user' ? actor.agencyId : null,
        createdBy: actor.kind === 'user' ? actor.userId : null,
      });
      await s.log({ action: 'create', recordType: 'case-entry', recordId: id, details: { kind: kind.kind } });
      return id;
    });
  }

  /** One entry with its fields, derived values and what the actor may do (access-logged). */
  async get(actor: Actor, childId: string, entryId: string) {
    return this.records.read(
      actor,
      childId,
      'case-entry',
      async (s) => {
        const e = await repo.getEntry(s.trx, actor.partnershipId, childId, entryId);
        if (!e) throw new NotFoundError('Entry not found');
        const [agencies, ctx] = await Promise.all([repo.partnershipAgencies(s.trx, actor.partnershipId), this.context(s, actor)]);
        const names = new Map(agencies.map((a) => [a.id, a.name]));
        return { child: s.access.child, entry: this.decorate(e, s.access, ctx, (id) => names.get(id) ?? 'Unknown agency'), kind: entryKind(e.kind) ?? null, agencies, gradedAreas: ctx.gradedAreas };
      },
      entryId,
    );
  }

  /**
   * Changes an entry at the version read. Its author's side may change every field; the agency
   * asked in a request for information may only fill in the answer and the date answered.
   */
  async update(actor: Actor, childId: string, entryId: string, input: ({ data: unknown } | { form: Record<string, unknown> }) & { version: number }) {
    return this.records.change(actor, childId, async (s) => {
      const entry = await repo.getEntry(s.trx, actor.partnershipId, childId, entryId);
      if (!entry) throw new NotFoundError('Entry not found');
      const kind = kindOrThrow(entry.kind);
      let candidate: unknown = 'form' in input ? fromForm(kind.fields, input.form) : input.data;
      if (!canEditEntry(s.access, entry)) {
        ensure(canAnswerRequest(s.access, entry), NOT_YOURS);
        const sent = (candidate ?? {}) as Record<string, unknown>;
        const others = Object.keys(sent).filter((k) => !(RFI_ANSWER_FIELDS as readonly string[]).includes(k));
        ensure(others.length === 0, `The agency asked can only record the answer and the date answered, not: ${others.join(', ')}`);
        candidate = { ...entry.data, ...sent };
      }
      const parsed = parse(kind.schema, candidate);
      await this.checkAgencies(s, kind, parsed);
      const data = kind.complete(parsed, await this.context(s, actor));
      await this.save(s, kind, entry, data, input.version);
      await s.log({ action: 'update', recordType: 'case-entry', recordId: entryId, details: { kind: kind.kind } });
    });
  }

  /** The answer to a request for information, from the agency asked or the person who asked. */
  async answer(actor: Actor, childId: string, entryId: string, input: { answer?: unknown; answeredOn?: unknown; version: number }) {
    return this.records.change(actor, childId, async (s) => {
      const entry = await repo.getEntry(s.trx, actor.partnershipId, childId, entryId);
      if (!entry) throw new NotFoundError('Entry not found');
      ensure(canAnswerRequest(s.access, entry), 'Only the agency asked, or the person who asked, can record the answer');
      const kind = kindOrThrow(entry.kind);
      if (typeof input.answer !== 'string' || !input.answer.trim()) throw new ValidationError({ answer: 'Enter the answer' });
      const parsed = parse(kind.schema, { ...entry.data, answer: input.answer, answeredOn: input.answeredOn });
      const data = kind.complete(parsed, await this.context(s, actor));
      await this.save(s, kind, entry, data, input.version);
      await s.log({ action: 'update', recordType: 'case-entry', recordId: entryId, details: { kind: kind.kind, answered: true } });
    });
  }

  private async save(s: RecordScope, kind: EntryKind, entry: repo.EntryRow, data: EntryData, version: number) {
    try {
      await updateVersioned(
        s.trx,
        'case_entries',
        { id: entry.id, partnershipId: s.access.actor.partnershipId, version },
        { data: JSON.stringify(data), occurred_on: kind.occurredOn(data), due_on: kind.dueOn(data) },
        kind.label.toLowerCase(),
      );
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // Show the two versions field by field, by label, rather than as two blobs of JSON.
      const current = (err.current?.data ?? {}) as EntryData;
      const byLabel = (d: EntryData) => Object.fromEntries(displayRows(kind.fields, d, (id) => id).map((r) => [r.label, r.value]));
      throw new ConflictError(err.message, { ...byLabel(current), Version: err.current?.version }, { ...byLabel(data), Version: version });
    }
  }
}
