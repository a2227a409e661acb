/**
 * The child's voice and lived experience: what the child said, observations of babies and
 * non-verbal children, the child's own submissions and views through an advocate, each linkable
 * to the core group meeting or conference it informed. Every read and change goes through
 * ChildRecords (access and access log in one transaction).
 */
import type { Actor } from '../../lib/actor.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import type { ChildAccess } from '../cases/access.js';
import { canContribute, canEditEntry, ensure } from '../cases/policy.js';
import { type ChildRecords, type RecordScope, updateVersioned } from '../cases/record.js';
import { isUnderTwo, voiceIsStale } from './policy.js';
import * as repo from './repository.js';
import { seenAloneValue, type VoiceInput, type VoiceUpdateInput } from './schemas.js';

export type { VoiceRow } from './repository.js';

const NOT_YOURS = 'Only the person who recorded this entry, or a case holder of their agency, can change it';

/** The author's side edits an entry: voice entries carry their author, whose agency is the author's agency. */
const canEditVoice = (a: ChildAccess, e: { created_by: string | null; author_agency_id: string | null }) => canEditEntry(a, e);

export class VoiceService {
  constructor(private readonly records: ChildRecords) {}

  private get db() {
    return this.records.db;
  }

  async assertCanContribute(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canContribute));
  }

  async assertCanEdit(actor: Actor, childId: string, entryId: string): Promise<void> {
    const allowed = await this.records.permits(actor, childId, async (access) => {
      const e = await repo.getVoice(this.db, actor.partnershipId, childId, entryId);
      if (!e) throw new NotFoundError('Entry not found');
      return canEditVoice(access, e);
    });
    ensure(allowed, NOT_YOURS);
  }

  /** The child's voice, newest first, with what the page should highlight (access-logged). */
  async list(actor: Actor, childId: string, filter: { meetingId?: string | undefined; conferenceId?: string | undefined } = {}) {
    return this.records.read(actor, childId, 'voice-entry', async (s) => {
      await s.log({ action: 'list', recordType: 'voice-entry', recordId: childId, details: { ...filter } });
      const [rows, latest, targets] = await Promise.all([
        repo.listVoice(s.trx, actor.partnershipId, childId, filter),
        repo.latestVoiceDate(s.trx, actor.partnershipId, childId),
        repo.linkTargets(s.trx, actor.partnershipId, childId),
      ]);
      const child = s.access.child;
      return {
        child,
        entries: rows.map((e) => ({ ...e, can: { edit: canEditVoice(s.access, e) } })),
        latest,
        stale: voiceIsStale(latest, s.today),
        underTwo: isUnderTwo(child, s.today),
        unborn: !child.date_of_birth,
        nonVerbal: child.disabilities.includes('COMM'),
        targets,
        filter,
        can: { add: canContribute(s.access) },
      };
    });
  }

  /** What the form needs: the child, the meetings and conferences to link to, who is signed in. */
  async formContext(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'child', async (s) => {
      const targets = await repo.linkTargets(s.trx, actor.partnershipId, childId);
      return { child: s.access.child, targets, underTwo: isUnderTwo(s.access.child, s.today), actorName: actor.kind === 'user' ? actor.name : '' };
    });
  }

  /** One entry, for its edit form (access-logged). */
  async get(actor: Actor, childId: string, entryId: string) {
    return this.records.read(
      actor,
      childId,
      'voice-entry',
      async (s) => {
        const e = await repo.getVoice(s.trx, actor.partnershipId, childId, entryId);
        if (!e) throw new NotFoundError('Entry not found');
        return { child: s.access.child, entry: e, can: { edit: canEditVoice(s.access, e) } };
      },
      entryId,
    );
  }

  private async checkLinks(s: RecordScope, childId: string, input: VoiceInput) {
    const targets = await repo.linkTargets(s.trx, s.access.actor.partnershipId, childId);
    if (input.meetingId && !targets.meetings.some((m) => m.id === input.meetingId)) throw new ValidationError({ meetingId: 'Select a core group meeting of this child' });
    if (input.conferenceId && !targets.conferences.some((c) => c.id === input.conferenceId)) throw new ValidationError({ conferenceId: 'Select a conference of this child' });
    if (input.recordedOn > s.today) throw new ValidationError({ recordedOn: 'The date cannot be in the future' });
  }

  private values(input: VoiceInput, heardByUserId: string | null): repo.VoiceValues {
    return {
      kind: input.kind,
      recorded_on: input.recordedOn,
      content: input.content,
      how: input.how,
      heard_by_user_id: input.heardByName ? null : heardByUserId,
      heard_by_name: input.heardByName ?? null,
      seen_alone: seenAloneValue(input.seenAlone),
      meeting_id: input.meetingId,
      conference_id: input.conferenceId,
    };
  }

  async add(actor: Actor, childId: string, input: VoiceInput): Promise<string> {
    return this.records.change(actor, childId, async (s) => {
      ensure(canContribute(s.access));
      await this.checkLinks(s, childId, input);
      const userId = actor.kind === 'user' ? actor.userId : null;
      const id = await repo.insertVoice(s.trx, { ...this.values(input, userId), partnership_id: actor.partnershipId, child_id: childId, created_by: userId });
      await s.log({ action: 'create', recordType: 'voice-entry', recordId: id, details: { kind: input.kind } });
      return id;
    });
  }

  async update(actor: Actor, childId: string, entryId: string, input: VoiceUpdateInput): Promise<void> {
    return this.records.change(actor, childId, async (s) => {
      const e = await repo.getVoice(s.trx, actor.partnershipId, childId, entryId);
      if (!e) throw new NotFoundError('Entry not found');
      ensure(canEditVoice(s.access, e), NOT_YOURS);
      await this.checkLinks(s, childId, input);
      // Left blank, "who heard it" stays the person who heard it (or becomes the one editing, if it was a name).
      const heardBy = e.heard_by_user_id ?? (actor.kind === 'user' ? actor.userId : null);
      await updateVersioned(s.trx, 'voice_entries', { id: entryId, partnershipId: actor.partnershipId, version: input.version }, { ...this.values(input, heardBy) }, 'entry about the child’s voice');
      await s.log({ action: 'update', recordType: 'voice-entry', recordId: entryId, details: { kind: input.kind } });
    });
  }
}
