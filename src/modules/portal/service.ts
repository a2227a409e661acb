/**
 * Secure links (issue 8). The practitioner side goes through ChildRecords like every other part
 * of the record. The portal side has no account: the link's token is looked up by its SHA-256,
 * and everything it reads or writes then runs through ChildRecords as the system actor 'portal'
 * (so each access is in the access log, action 'portal-view' / 'portal-submit').
 */
import type { ColumnType, Generated } from 'kysely';
import { type Actor, systemActor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { parse } from '../../lib/validation.js';
import { randomToken, safeEqual, sha256 } from '../../lib/tokens.js';
import { addDays, londonDate } from '../../lib/working-days.js';
import { canContribute, ensure } from '../cases/policy.js';
import type { ChildRecords, RecordScope, Trx } from '../cases/record.js';
import {
  ADULT_QUESTIONS,
  adultViewsSchema,
  CHILD_QUESTIONS,
  childViewsSchema,
  FEELINGS,
  type InvitationInput,
  type InvitationKind,
  MAX_CODE_ATTEMPTS,
  SUBMITTED_BY,
  TOKEN_PATTERN,
} from './schemas.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<Record<string, unknown>, string | undefined, string>;

export interface PortalInvitationsTable {
  id: Generated<string>;
  partnership_id: string;
  child_id: string;
  kind: InvitationKind;
  family_member_id: string | null;
  meeting_id: string | null;
  conference_id: string | null;
  token_hash: string;
  code_hash: string | null;
  expires_on: string;
  status: Generated<'open' | 'submitted' | 'revoked'>;
  failed_attempts: Generated<number>;
  unlock_hash: string | null;
  draft: Json;
  voice_entry_id: string | null;
  submitted_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface PortalFamilyResponsesTable {
  id: Generated<string>;
  partnership_id: string;
  child_id: string;
  invitation_id: string;
  meeting_id: string;
  family_member_id: string | null;
  agrees: boolean;
  comment: string | null;
  created_at: Generated<Date>;
}

declare module '../../db/schema.js' {
  interface Database {
    portal_invitations: PortalInvitationsTable;
    portal_family_responses: PortalFamilyResponsesTable;
  }
}

export type InvitationStatus = 'open' | 'submitted' | 'expired' | 'revoked' | 'locked';

const codeHash = (tokenHash: string, code: string) => sha256(`${tokenHash}:${code}`);

/** What a portal request finds: nothing usable (one neutral answer), locked, needs the code, or open. */
export type Resolved = { state: 'none' } | { state: 'locked' } | { state: 'code'; attemptsLeft: number } | { state: 'open'; inv: Inv };
type Inv = { id: string; partnership_id: string; child_id: string; kind: InvitationKind; family_member_id: string | null; meeting_id: string | null; conference_id: string | null; expires_on: string; draft: Record<string, unknown>; code_hash: string | null; unlock_hash: string | null; failed_attempts: number; status: string; token_hash: string };

export function invitationStatus(i: { status: string; expires_on: string; failed_attempts: number }, today: string): InvitationStatus {
  if (i.status === 'revoked') return 'revoked';
  if (i.status === 'submitted') return 'submitted';
  if (i.expires_on < today) return 'expired';
  if (i.failed_attempts >= MAX_CODE_ATTEMPTS) return 'locked';
  return 'open';
}

/** The answers as the voice entry's text: each question with its answer, blank ones left out. */
export function submissionText(kind: Exclude<InvitationKind, 'family-copy'>, answers: Record<string, unknown>): string {
  const parts: string[] = [];
  if (kind === 'younger-child') {
    const f = FEELINGS.find(([v]) => v === answers.feeling);
    if (f) parts.push(`How I feel: ${f[1]} ${f[2]}`);
  }
  for (const [key, label] of kind === 'younger-child' ? CHILD_QUESTIONS : ADULT_QUESTIONS) {
    const v = typeof answers[key] === 'string' ? (answers[key] as string).trim() : '';
    if (v) parts.push(`${label}:\n${v}`);
  }
  return parts.join('\n\n');
}

export class PortalService {
  constructor(
    private readonly records: ChildRecords,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.records.db;
  }

  private today(): string {
    return londonDate(this.clock.now());
  }

  // Practitioner side

  async assertCanContribute(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canContribute));
  }

  private async targets(trx: Trx, partnershipId: string, childId: string, today: string) {
    const [meetings, conferences, family] = await Promise.all([
      trx.selectFrom('core_group_meetings').select(['id', 'held_on', 'status', 'family_copy', 'shared_family_on']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('held_on', 'desc').execute(),
      trx.selectFrom('conferences').select(['id', 'kind', 'scheduled_on', 'status']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('scheduled_on', 'desc').execute(),
      trx.selectFrom('family_members').select(['id', 'name', 'relationship']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('created_at').execute(),
    ]);
    return {
      upcomingMeetings: meetings.filter((m) => m.status === 'draft' && m.held_on >= today),
      upcomingConferences: conferences.filter((c) => c.status === 'scheduled' && c.scheduled_on >= today),
      sharedMeetings: meetings.filter((m) => m.status === 'finalised' && m.family_copy && m.shared_family_on),
      family,
    };
  }

  /** The child's links, newest first, with their status, the choices for a new one and the family's responses. */
  async list(actor: Actor, childId: string, filter: { meetingId?: string | undefined } = {}) {
    return this.records.read(actor, childId, 'portal-invitation', async (s) => {
      const p = actor.partnershipId;
      let q = s.trx
        .selectFrom('portal_invitations as i')
        .leftJoin('family_members as fm', 'fm.id', 'i.family_member_id')
        .leftJoin('core_group_meetings as m', 'm.id', 'i.meeting_id')
        .leftJoin('conferences as c', 'c.id', 'i.conference_id')
        .leftJoin('users as u', 'u.id', 'i.created_by')
        .select(['i.id', 'i.kind', 'i.meeting_id', 'i.conference_id', 'i.expires_on', 'i.status', 'i.failed_attempts', 'i.code_hash', 'i.created_at', 'i.submitted_at', 'i.voice_entry_id', 'fm.name as family_member_name', 'fm.relationship', 'm.held_on as meeting_held_on', 'c.kind as conference_kind', 'c.scheduled_on as conference_scheduled_on', 'u.name as created_by_name'])
        .where('i.partnership_id', '=', p)
        .where('i.child_id', '=', childId);
      if (filter.meetingId) q = q.where('i.meeting_id', '=', filter.meetingId);
      const rows = await q.orderBy('i.created_at', 'desc').execute();
      let rq = s.trx
        .selectFrom('portal_family_responses as r')
        .leftJoin('family_members as fm', 'fm.id', 'r.family_member_id')
        .innerJoin('core_group_meetings as m', 'm.id', 'r.meeting_id')
        .select(['r.id', 'r.meeting_id', 'r.agrees', 'r.comment', 'r.created_at', 'fm.name as family_member_name', 'fm.relationship', 'm.held_on as meeting_held_on'])
        .where('r.partnership_id', '=', p)
        .where('r.child_id', '=', childId);
      if (filter.meetingId) rq = rq.where('r.meeting_id', '=', filter.meetingId);
      const responses = await rq.orderBy('r.created_at', 'desc').execute();
      const targets = await this.targets(s.trx, p, childId, s.today);
      return {
        child: s.access.child,
        invitations: rows.map((r) => ({ ...r, hasCode: r.code_hash !== null, code_hash: undefined, state: invitationStatus(r, s.today) })),
        responses,
        targets,
        today: s.today,
        can: { add: canContribute(s.access) },
      };
    });
  }

  /** A new link: returns the token, shown once; only its SHA-256 (and the code's) is kept. */
  async create(actor: Actor, childId: string, input: InvitationInput): Promise<{ id: string; token: string; expiresOn: string }> {
    return this.records.change(actor, childId, async (s) => {
      ensure(canContribute(s.access));
      const t = await this.targets(s.trx, actor.partnershipId, childId, s.today);
      const [type, targetId] = input.target.split(':') as ['meeting' | 'conference', string];
      let meetingId: string | null = null;
      let conferenceId: string | null = null;
      let meetingOn: string;
      if (input.kind === 'family-copy') {
        const m = type === 'meeting' ? t.sharedMeetings.find((x) => x.id === targetId) : undefined;
        if (!m) throw new ValidationError({ target: 'Select a finalised core group meeting whose family copy has been shared' });
        meetingId = m.id;
        meetingOn = addDays(s.today, 28);
      } else if (type === 'meeting') {
        const m = t.upcomingMeetings.find((x) => x.id === targetId);
        if (!m) throw new ValidationError({ target: 'Select an upcoming core group meeting or conference of this child' });
        meetingId = m.id;
        meetingOn = m.held_on;
      } else {
        const c = t.upcomingConferences.find((x) => x.id === targetId);
        if (!c) throw new ValidationError({ target: 'Select an upcoming core group meeting or conference of this child' });
        conferenceId = c.id;
        meetingOn = c.scheduled_on;
      }
      const needsFamily = input.kind === 'parent' || input.kind === 'family-copy';
      if (needsFamily && !t.family.some((f) => f.id === input.familyMemberId)) throw new ValidationError({ familyMemberId: 'Select the family member the link is for' });
      const fallback = input.kind === 'family-copy' ? meetingOn : addDays(meetingOn, -1) < s.today ? meetingOn : addDays(meetingOn, -1);
      const expiresOn = input.expiresOn ?? fallback;
      if (expiresOn < s.today) throw new ValidationError({ expiresOn: 'The date the link stops working must be today or in the future' });
      if (input.kind === 'family-copy' && expiresOn > addDays(s.today, 90)) throw new ValidationError({ expiresOn: 'The link can work for 90 days at most' });
      if (input.kind !== 'family-copy' && expiresOn > meetingOn) throw new ValidationError({ expiresOn: 'The link must stop working by the day of the meeting' });
      const token = randomToken(32);
      const tokenHash = sha256(token);
      const row = await s.trx
        .insertInto('portal_invitations')
        .values({
          partnership_id: actor.partnershipId,
          child_id: childId,
          kind: input.kind,
          family_member_id: needsFamily ? (input.familyMemberId ?? null) : null,
          meeting_id: meetingId,
          conference_id: conferenceId,
          token_hash: tokenHash,
          code_hash: input.code ? codeHash(tokenHash, input.code) : null,
          expires_on: expiresOn,
          draft: '{}',
          voice_entry_id: null,
          unlock_hash: null,
          created_by: actor.kind === 'user' ? actor.userId : null,
          updated_at: s.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await s.log({ action: 'create', recordType: 'portal-invitation', recordId: row.id, details: { kind: input.kind, code: Boolean(input.code), expiresOn } });
      return { id: row.id, token, expiresOn };
    });
  }

  async revoke(actor: Actor, childId: string, invitationId: string): Promise<void> {
    await this.records.change(actor, childId, async (s) => {
      ensure(canContribute(s.access));
      const r = await s.trx
        .updateTable('portal_invitations')
        .set({ status: 'revoked', revoked_at: s.now, revoked_by: actor.kind === 'user' ? actor.userId : null, unlock_hash: null, draft: '{}', updated_at: s.now })
        .where('id', '=', invitationId)
        .where('partnership_id', '=', actor.partnershipId)
        .where('child_id', '=', childId)
        .where('status', '=', 'open')
        .returning('id')
        .executeTakeFirst();
      if (!r) throw new NotFoundError('Link not found, or already used or revoked');
      await s.log({ action: 'update', recordType: 'portal-invitation', recordId: invitationId, details: { revoked: true } });
    });
  }

  // Portal side (no account)

  private async find(token: string): Promise<Inv | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    return this.db
      .selectFrom('portal_invitations')
      .select(['id', 'partnership_id', 'child_id', 'kind', 'family_member_id', 'meeting_id', 'conference_id', 'expires_on', 'draft', 'code_hash', 'unlock_hash', 'failed_attempts', 'status', 'token_hash'])
      .where('token_hash', '=', sha256(token))
      .executeTakeFirst();
  }

  /** Where a link stands. Unknown, expired, revoked and used all answer 'none', alike. */
  async resolve(token: string, unlock: string | undefined, opts: { log?: boolean } = {}): Promise<Resolved> {
    const inv = await this.find(token);
    if (!inv) return { state: 'none' };
    const status = invitationStatus(inv, this.today());
    const log = (details: Record<string, unknown>) => (opts.log === false ? Promise.resolve() : this.logAccess(inv, details));
    if (status === 'locked') {
      await log({ refused: 'locked' });
      return { state: 'locked' };
    }
    if (status !== 'open') {
      await log({ refused: status });
      return { state: 'none' };
    }
    if (inv.code_hash && !(unlock && inv.unlock_hash && safeEqual(sha256(unlock), inv.unlock_hash))) {
      await log({ step: 'code' });
      return { state: 'code', attemptsLeft: MAX_CODE_ATTEMPTS - inv.failed_attempts };
    }
    return { state: 'open', inv };
  }

  /** An access through a link that shows nothing of the record (a refusal, the code page) is logged too. */
  private async logAccess(inv: Inv, details: Record<string, unknown>): Promise<void> {
    await this.records.read(this.portalActor(inv), inv.child_id, 'portal-invitation', async (s) => {
      await s.log({ action: 'portal-view', recordType: 'portal-invitation', recordId: inv.id, details });
    });
  }

  private portalActor(inv: Inv): Actor {
    return systemActor(inv.partnership_id, 'portal');
  }

  /**
   * Checks the code. Right: a new unlock secret (its hash kept on the invitation, the secret in a
   * cookie for this link only). Wrong: one more failed attempt, counted atomically; at 5 it locks.
   */
  async enterCode(token: string, code: string): Promise<{ ok: true; unlock: string } | { ok: false; attemptsLeft: number }> {
    const inv = await this.find(token);
    if (!inv?.code_hash || invitationStatus(inv, this.today()) !== 'open') throw new NotFoundError();
    const right = /^\d{6}$/.test(code.replace(/\s+/g, '')) && safeEqual(codeHash(inv.token_hash, code.replace(/\s+/g, '')), inv.code_hash);
    return this.records.change(this.portalActor(inv), inv.child_id, async (s) => {
      if (right) {
        const unlock = randomToken(32);
        await s.trx.updateTable('portal_invitations').set({ unlock_hash: sha256(unlock), failed_attempts: 0, updated_at: s.now }).where('id', '=', inv.id).where('failed_attempts', '<', MAX_CODE_ATTEMPTS).execute();
        await s.log({ action: 'portal-view', recordType: 'portal-invitation', recordId: inv.id, details: { code: 'right' } });
        return { ok: true as const, unlock };
      }
      const r = await s.trx
        .updateTable('portal_invitations')
        .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1), updated_at: s.now }))
        .where('id', '=', inv.id)
        .where('failed_attempts', '<', MAX_CODE_ATTEMPTS)
        .returning('failed_attempts')
        .executeTakeFirst();
      const used = r?.failed_attempts ?? MAX_CODE_ATTEMPTS;
      await s.log({ action: 'portal-view', recordType: 'portal-invitation', recordId: inv.id, details: { code: 'wrong', attempts: used } });
      return { ok: false as const, attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - used) };
    });
  }

  /** What the form or the family copy page shows (access-logged as 'portal-view'). */
  async view(inv: Inv) {
    return this.records.read(this.portalActor(inv), inv.child_id, 'portal-invitation', async (s) => {
      await s.log({ action: 'portal-view', recordType: 'portal-invitation', recordId: inv.id, details: { kind: inv.kind } });
      const meeting = inv.meeting_id ? await s.trx.selectFrom('core_group_meetings').select(['id', 'held_on', 'family_copy', 'plan_id', 'status', 'shared_family_on']).where('id', '=', inv.meeting_id).executeTakeFirst() : undefined;
      const conference = inv.conference_id ? await s.trx.selectFrom('conferences').select(['id', 'kind', 'scheduled_on']).where('id', '=', inv.conference_id).executeTakeFirst() : undefined;
      let plan: { outcomes: { id: string; title: string; actions: { what: string; owner_name: string; due_on: string; done_measure: string; worked_measure: string }[] }[] } | null = null;
      if (inv.kind === 'family-copy' && meeting) {
        const [outcomes, actions] = await Promise.all([
          s.trx.selectFrom('plan_outcomes').select(['id', 'title']).where('plan_id', '=', meeting.plan_id).where('child_id', '=', inv.child_id).where('removed_at', 'is', null).orderBy('position').execute(),
          s.trx.selectFrom('plan_actions').select(['outcome_id', 'what', 'owner_name', 'due_on', 'done_measure', 'worked_measure']).where('plan_id', '=', meeting.plan_id).where('child_id', '=', inv.child_id).where('removed_at', 'is', null).orderBy('due_on').execute(),
        ]);
        plan = { outcomes: outcomes.map((o) => ({ ...o, actions: actions.filter((a) => a.outcome_id === o.id) })) };
      }
      return { firstName: s.access.child.first_name, kind: inv.kind, expiresOn: inv.expires_on, draft: inv.draft, meetingOn: meeting?.held_on ?? conference?.scheduled_on ?? null, isConference: Boolean(conference), familyCopy: meeting?.family_copy ?? null, plan };
    });
  }

  /** Keeps what has been written so far against the link, to come back to before it expires. */
  async saveDraft(inv: Inv, answers: Record<string, unknown>): Promise<void> {
    const parsed = inv.kind === 'younger-child' ? parse(childViewsSchema, answers) : parse(adultViewsSchema, answers);
    await this.records.change(this.portalActor(inv), inv.child_id, async (s) => {
      await s.trx.updateTable('portal_invitations').set({ draft: JSON.stringify(parsed), updated_at: s.now }).where('id', '=', inv.id).where('status', '=', 'open').execute();
      await s.log({ action: 'portal-view', recordType: 'portal-invitation', recordId: inv.id, details: { saved: true } });
    });
  }

  /** Sends the views: a voice entry of kind 'submission' linked to the meeting; the link is used up. */
  async submit(inv: Inv, answers: Record<string, unknown>): Promise<void> {
    if (inv.kind === 'family-copy') throw new NotFoundError();
    const kind = inv.kind;
    const parsed = kind === 'younger-child' ? parse(childViewsSchema, answers) : parse(adultViewsSchema, answers);
    const content = submissionText(kind, parsed);
    if (!content) throw new ValidationError({ [kind === 'younger-child' ? 'worries' : 'goingWell']: 'Write something in at least one box before you send it' });
    await this.records.change(this.portalActor(inv), inv.child_id, async (s) => {
      const claimed = await s.trx.updateTable('portal_invitations').set({ status: 'submitted', submitted_at: s.now, draft: '{}', unlock_hash: null, updated_at: s.now }).where('id', '=', inv.id).where('status', '=', 'open').returning('id').executeTakeFirst();
      if (!claimed) throw new NotFoundError();
      const by = kind === 'parent' && inv.family_member_id ? await s.trx.selectFrom('family_members').select(['name', 'relationship']).where('id', '=', inv.family_member_id).executeTakeFirst() : undefined;
      const entry = await s.trx
        .insertInto('voice_entries')
        .values({
          partnership_id: inv.partnership_id,
          child_id: inv.child_id,
          kind: 'submission',
          recorded_on: s.today,
          content,
          how: kind === 'younger-child' ? 'Through a secure link: feelings scale and the three houses' : 'Through a secure link: their own form',
          heard_by_user_id: null,
          heard_by_name: `Submitted through a link by ${SUBMITTED_BY[kind]}${by ? ` (${by.name}, ${by.relationship})` : ''}`,
          seen_alone: null,
          meeting_id: inv.meeting_id,
          conference_id: inv.conference_id,
          created_by: null,
          updated_at: s.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await s.trx.updateTable('portal_invitations').set({ voice_entry_id: entry.id }).where('id', '=', inv.id).execute();
      await s.log({ action: 'portal-submit', recordType: 'voice-entry', recordId: entry.id, details: { invitationId: inv.id, kind } });
    });
  }

  /** The family's agreement (or not) with the family copy and the plan; the link is used up. */
  async respond(inv: Inv, input: { agrees: boolean; comment?: string | undefined }): Promise<void> {
    if (inv.kind !== 'family-copy' || !inv.meeting_id) throw new NotFoundError();
    const meetingId = inv.meeting_id;
    await this.records.change(this.portalActor(inv), inv.child_id, async (s) => {
      const claimed = await s.trx.updateTable('portal_invitations').set({ status: 'submitted', submitted_at: s.now, unlock_hash: null, updated_at: s.now }).where('id', '=', inv.id).where('status', '=', 'open').returning('id').executeTakeFirst();
      if (!claimed) throw new NotFoundError();
      const r = await s.trx
        .insertInto('portal_family_responses')
        .values({ partnership_id: inv.partnership_id, child_id: inv.child_id, invitation_id: inv.id, meeting_id: meetingId, family_member_id: inv.family_member_id, agrees: input.agrees, comment: input.comment ?? null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await s.log({ action: 'portal-submit', recordType: 'portal-family-response', recordId: r.id, details: { invitationId: inv.id, agrees: input.agrees } });
    });
  }
}

export type { RecordScope };
