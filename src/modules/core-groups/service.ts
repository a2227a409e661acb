/**
 * The core group and its meetings: membership (reviewed at every meeting), meetings with
 * attendance, parents, minutes under the partnership's headings, the review of previous actions,
 * the plan revised in the meeting, the quality check while writing, finalising, sharing and
 * agreement; the work queues and the team manager's view; the partnership's minutes settings.
 *
 * Every read or change of a child's record goes through ChildRecords (access loaded, 404 if not
 * the actor's to see, access-logged in the same transaction). Permission rules are in policy.ts.
 */
import { sql } from 'kysely';
import type { AgencyType } from '../../db/schema.js';
import { type Actor, hasRole } from '../../lib/actor.js';
import { ConflictError, DuplicateError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { daysBetween, londonDate } from '../../lib/working-days.js';
import type { AccessLogService } from '../access-log/service.js';
import { ensure } from '../cases/policy.js';
import { type ChildRecords, type RecordScope, type Trx, updateVersioned } from '../cases/record.js';
import { longDate } from './format.js';
import { headingsFromLines, headingsFromSetting, type MinutesHeading, minutesAsText, minutesSections } from './headings.js';
import { membershipWarnings } from './membership.js';
import { canChangeMembership, canRecordAgreement, canWriteMinutes } from './policy.js';
import { QUALITY_CHECK_IDS, QUALITY_CHECKS, type QualityCheckId, qualityFindings } from './quality.js';
import * as repo from './repository.js';
import { coreGroupSchedule } from './schedule.js';
import type { AgreementInput, LeaveInput, MeetingPatch, MemberInput, NewMeetingInput, ReviewInput, SettingsInput } from './schemas.js';

export const MAX_HEADINGS = 20;
const PARENT_RELATIONSHIP_LABELS: Record<string, string> = { mother: 'Mother', father: 'Father', 'step-parent': 'Step-parent' };
const OPEN_STATUSES = new Set(['not-started', 'in-progress']);

const userIdOf = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null);

function mandatoryFrom(stored: unknown): QualityCheckId[] {
  return Array.isArray(stored) ? (stored.filter((x) => typeof x === 'string' && (QUALITY_CHECK_IDS as readonly string[]).includes(x)) as QualityCheckId[]) : [];
}

export type MeetingFacts = Awaited<ReturnType<CoreGroupsService['loadMeeting']>>;

export class CoreGroupsService {
  constructor(
    private readonly records: ChildRecords,
    private readonly accessLog: AccessLogService,
  ) {}

  private get db() {
    return this.records.db;
  }

  /** Today's date in England, from the injected clock. */
  today(): string {
    return londonDate(this.records.clock.now());
  }

  // Checked before a form is read, so a person without permission gets 403 whatever they send.

  /** 404 unless the actor may see the child. */
  async assertCanSee(actor: Actor, childId: string): Promise<void> {
    await this.records.assertVisible(actor, childId);
  }

  async assertCanChangeMembership(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canChangeMembership), 'Only the case holders (the lead practitioner, the team manager, the conference chair) can change the core group');
  }

  async assertCanWriteMinutes(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canWriteMinutes), 'Only the case holders (the lead practitioner, the team manager, the conference chair) can arrange meetings and write, finalise or share the minutes');
  }

  async assertCanRecordAgreement(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canRecordAgreement), 'Only members of the core group can record agreement with the minutes');
  }

  // The core group

  private async settingsOf(trx: Trx, partnershipId: string) {
    const row = await repo.settings(trx, partnershipId);
    return { headings: headingsFromSetting(row?.minutes_headings), mandatory: mandatoryFrom(row?.mandatory_minutes_checks) };
  }

  private static warningsFor(members: repo.MemberRow[]) {
    return membershipWarnings(
      members.map((m) => ({
        name: m.name,
        agencyId: m.agency_id,
        agencyName: m.agency_name,
        agencyType: (m.agency_type ?? null) as AgencyType | null,
        isParent: m.is_parent,
        userRole: m.user_role,
        leftOn: m.left_on,
        leftReason: m.left_reason,
      })),
      longDate,
    );
  }

  /** The core group page: members now and before, warnings, meetings and when the next is due. */
  async coreGroup(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'core-group', async ({ trx, access, today }) => {
      const pid = access.child.partnership_id;
      const [members, meetings, plan, closures] = await Promise.all([
        repo.listMembers(trx, pid, childId),
        repo.listMeetings(trx, pid, childId),
        repo.currentPlan(trx, pid, childId),
        repo.partnershipClosures(trx, pid),
      ]);
      const schedule = plan
        ? coreGroupSchedule({ planStartedOn: plan.started_on, meetings: meetings.filter((m) => m.plan_id === plan.id).map((m) => ({ heldOn: m.held_on })), today, closures })
        : null;
      return {
        child: access.child,
        current: members.filter((m) => m.left_on === null),
        past: members.filter((m) => m.left_on !== null),
        warnings: CoreGroupsService.warningsFor(members),
        meetings,
        plan: plan ?? null,
        schedule,
        can: { changeMembership: canChangeMembership(access), writeMinutes: canWriteMinutes(access) },
      };
    });
  }

  /** The choices for adding a member: users of the partnership not already members, and agencies. */
  async memberChoices(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'core-group', async ({ trx, access }) => {
      const pid = access.child.partnership_id;
      const [users, agencies, members] = await Promise.all([repo.partnershipUsers(trx, pid), repo.listAgencies(trx, pid), repo.listMembers(trx, pid, childId)]);
      const current = new Set(members.filter((m) => m.left_on === null && m.user_id).map((m) => m.user_id));
      return { child: access.child, users: users.filter((u) => !current.has(u.id)), agencies };
    });
  }

  async addMember(actor: Actor, childId: string, input: MemberInput): Promise<string> {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canChangeMembership(access));
      const pid = access.child.partnership_id;
      let values: { user_id: string | null; name: string; agency_id: string | null; is_parent: boolean };
      if (input.kind === 'user') {
        const user = await repo.getUser(trx, pid, input.userId!);
        if (!user) throw new ValidationError({ userId: 'Select a person who uses Assure in this partnership' });
        const already = await trx.selectFrom('core_group_members').select('id').where('child_id', '=', childId).where('user_id', '=', user.id).where('left_on', 'is', null).executeTakeFirst();
        if (already) throw new DuplicateError('userId', `${user.name} is already a member of the core group`);
        values = { user_id: user.id, name: user.name, agency_id: user.agency_id, is_parent: false };
      } else {
        if (input.agencyId) {
          const agency = await trx.selectFrom('agencies').select('id').where('id', '=', input.agencyId).where('partnership_id', '=', pid).executeTakeFirst();
          if (!agency) throw new ValidationError({ agencyId: 'Select an agency of this partnership' });
        }
        values = { user_id: null, name: input.name!, agency_id: input.agencyId, is_parent: input.isParent };
      }
      const row = await trx
        .insertInto('core_group_members')
        .values({ ...values, partnership_id: pid, child_id: childId, role: input.role, joined_on: input.joinedOn, created_by: userIdOf(actor) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await log({ action: 'create', recordType: 'core-group', recordId: row.id, details: { isParent: values.is_parent } });
      return row.id;
    });
  }

  async member(actor: Actor, childId: string, memberId: string) {
    return this.records.read(
      actor,
      childId,
      'core-group',
      async ({ trx, access }) => {
        const members = await repo.listMembers(trx, access.child.partnership_id, childId);
        const member = members.find((m) => m.id === memberId);
        if (!member) throw new NotFoundError('Member not found');
        return { child: access.child, member };
      },
      memberId,
    );
  }

  async memberLeaves(actor: Actor, childId: string, memberId: string, input: LeaveInput) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canChangeMembership(access));
      const pid = access.child.partnership_id;
      const member = await repo.getMember(trx, pid, childId, memberId);
      if (!member) throw new NotFoundError('Member not found');
      if (member.left_on) throw new ValidationError({ leftOn: `${member.name} has already left the core group` });
      if (input.leftOn < member.joined_on) throw new ValidationError({ leftOn: `The date they left must be on or after the day they joined (${longDate(member.joined_on)})` });
      await updateVersioned(trx, 'core_group_members', { id: memberId, partnershipId: pid, version: input.version }, { left_on: input.leftOn, left_reason: input.reason }, 'core group member');
      await log({ action: 'update', recordType: 'core-group', recordId: memberId, details: { left: true } });
    });
  }

  // Meetings

  /** The new meeting form: the current plan, when the next meeting is due, and who may chair. */
  async meetingChoices(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'core-group', async ({ trx, access, today }) => {
      const pid = access.child.partnership_id;
      const [plan, members, managers, meetings, closures] = await Promise.all([
        repo.currentPlan(trx, pid, childId),
        repo.listMembers(trx, pid, childId),
        repo.teamManagers(trx, pid),
        repo.listMeetings(trx, pid, childId),
        repo.partnershipClosures(trx, pid),
      ]);
      const chairs: { id: string; text: string }[] = [];
      const seen = new Set<string>();
      for (const m of members) {
        if (m.left_on !== null || !m.user_id || seen.has(m.user_id)) continue;
        seen.add(m.user_id);
        chairs.push({ id: m.user_id, text: `${m.name} (${m.role}${m.agency_name ? `, ${m.agency_name}` : ''})${m.user_role === 'team-manager' ? ', team manager' : ''}` });
      }
      for (const u of managers) {
        if (seen.has(u.id)) continue;
        seen.add(u.id);
        chairs.push({ id: u.id, text: `${u.name} (team manager${u.team_name ? `, ${u.team_name}` : ''})` });
      }
      const schedule = plan ? coreGroupSchedule({ planStartedOn: plan.started_on, meetings: meetings.filter((m) => m.plan_id === plan.id).map((m) => ({ heldOn: m.held_on })), today, closures }) : null;
      return { child: access.child, plan: plan ?? null, chairs, schedule, can: { writeMinutes: canWriteMinutes(access) } };
    });
  }

  /** Arranges a meeting of the core group: a draft for the current plan (400 when there is none). */
  async createMeeting(actor: Actor, childId: string, input: NewMeetingInput): Promise<string> {
    return this.records.change(actor, childId, async ({ trx, access, log, today }) => {
      ensure(canWriteMinutes(access));
      const pid = access.child.partnership_id;
      const plan = await repo.currentPlan(trx, pid, childId);
      if (!plan) throw new ValidationError({ _: `${access.child.first_name} is not on a child protection plan: core group meetings are held for a child on a plan` });
      const errors: Record<string, string> = {};
      if (input.heldOn < plan.started_on) errors.heldOn = `The meeting cannot be before the plan started (${longDate(plan.started_on)})`;
      const chair = await repo.getUser(trx, pid, input.chairUserId);
      const members = await repo.listMembers(trx, pid, childId);
      const chairIsMember = members.some((m) => m.left_on === null && m.user_id === input.chairUserId);
      if (!chair || (!chairIsMember && chair.role !== 'team-manager')) errors.chairUserId = 'Select a member of the core group or a team manager to chair the meeting';
      if (Object.keys(errors).length || !chair) throw new ValidationError(errors);
      // The chair must be able to open the record: a manager of another team joins the core group.
      const seesChild = chairIsMember || access.child.lead_user_id === chair.id || (chair.role === 'team-manager' && chair.team_id !== null && chair.team_id === access.child.team_id);
      if (!seesChild) {
        await trx
          .insertInto('core_group_members')
          .values({ partnership_id: pid, child_id: childId, user_id: chair.id, name: chair.name, agency_id: chair.agency_id, role: 'Chair of core group meetings', joined_on: today < input.heldOn ? today : input.heldOn, created_by: userIdOf(actor) })
          .execute();
      }
      const row = await trx
        .insertInto('core_group_meetings')
        .values({
          partnership_id: pid,
          child_id: childId,
          plan_id: plan.id,
          held_on: input.heldOn,
          chair_user_id: chair.id,
          chair_is_manager: chair.role === 'team-manager',
          minutes: JSON.stringify({}),
          created_by: userIdOf(actor),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await log({ action: 'create', recordType: 'meeting', recordId: row.id, details: { heldOn: input.heldOn, chairIsManager: chair.role === 'team-manager' } });
      return row.id;
    });
  }

  /** Everything about one meeting that the page, the API, the quality check and finalising need. */
  private async loadMeeting(s: RecordScope, childId: string, meetingId: string) {
    const { trx, access } = s;
    const pid = access.child.partnership_id;
    if (!/^[0-9a-f-]{36}$/i.test(meetingId)) throw new NotFoundError('Meeting not found');
    const meeting = await repo.getMeeting(trx, pid, childId, meetingId);
    if (!meeting) throw new NotFoundError('Meeting not found');
    const [plan, settings, members, attendanceRows, actions, reviews, versions, voice, outcomes, parents, agreements, previous] = await Promise.all([
      repo.getPlan(trx, pid, meeting.plan_id),
      this.settingsOf(trx, pid),
      repo.listMembers(trx, pid, childId),
      repo.meetingAttendance(trx, pid, meetingId),
      repo.planActions(trx, pid, meeting.plan_id),
      repo.actionReviews(trx, pid, meetingId),
      repo.linkedPlanVersions(trx, pid, meetingId),
      repo.linkedVoiceEntries(trx, pid, childId, meetingId),
      repo.outcomeTitles(trx, pid, meeting.plan_id),
      repo.parentsNotLivingWithChild(trx, pid, childId),
      repo.agreements(trx, pid, meetingId),
      repo.previousFinalisedMeeting(trx, pid, meeting.plan_id, meeting),
    ]);
    const minutes = (meeting.minutes ?? {}) as Record<string, unknown>;
    const attendanceBy = new Map(attendanceRows.map((r) => [r.member_id, r.attendance as string]));
    const meetingMembers = members
      .filter((m) => m.left_on === null || m.left_on >= meeting.held_on || attendanceBy.has(m.id))
      .map((m) => ({ ...m, attendance: attendanceBy.get(m.id) ?? null }));

    // Actions due since the previous meeting (after it, or from the plan's start) up to this one.
    const since = previous?.held_on ?? null;
    const inWindow = (a: { due_on: string }) => (since ? a.due_on > since : a.due_on >= plan.started_on) && a.due_on <= meeting.held_on;
    const reviewBy = new Map(reviews.map((r) => [r.action_id, r]));
    const listed = actions
      .filter((a) => reviewBy.has(a.id) || (a.removed_at === null && (inWindow(a) || OPEN_STATUSES.has(a.status))))
      .map((a) => ({ ...a, required: a.removed_at === null && inWindow(a), review: reviewBy.get(a.id) ?? null }));
    const unreviewed = listed.filter((a) => a.required && !a.review);

    // Absent parents: parents who do not live with the child, and parent members not present.
    const present = new Set(meetingMembers.filter((m) => m.is_parent && m.attendance === 'present').map((m) => m.name.trim().toLowerCase()));
    const absent = new Map<string, string>();
    for (const p of parents) {
      const key = p.name.trim().toLowerCase();
      if (!present.has(key)) absent.set(key, `${p.name} (${(PARENT_RELATIONSHIP_LABELS[p.relationship] ?? p.relationship).toLowerCase()}, does not live with ${access.child.first_name})`);
    }
    for (const m of meetingMembers) {
      if (m.is_parent && m.attendance !== null && m.attendance !== 'present' && !absent.has(m.name.trim().toLowerCase())) absent.set(m.name.trim().toLowerCase(), `${m.name} (${m.role.toLowerCase()})`);
    }
    const absentParents = [...absent.values()];

    const findings = qualityFindings({
      headings: settings.headings,
      minutes,
      safetyScale: meeting.safety_scale,
      unreviewedActions: unreviewed.map((a) => ({ what: a.what })),
      planVersionsLinked: versions.length,
      voiceEntriesLinked: voice.length,
      outcomeTitles: outcomes,
      childNames: [access.child.first_name, access.child.last_name],
      members: meetingMembers.map((m) => ({ name: m.name, agencyName: m.agency_name, isParent: m.is_parent, attendance: m.attendance })),
      absentParents,
      absentParentConsideration: meeting.absent_parent_consideration,
      membershipConfirmed: meeting.membership_confirmed,
      ownViewsSent: voice.filter((v) => v.kind === 'submission').length,
      viewsConsidered: meeting.views_considered,
      mandatory: settings.mandatory,
    });
    return {
      child: access.child,
      meeting,
      minutes,
      plan,
      headings: settings.headings,
      mandatory: settings.mandatory,
      sections: minutesSections(settings.headings, minutes),
      members: meetingMembers,
      warnings: CoreGroupsService.warningsFor(members),
      previous: previous ?? null,
      actions: listed,
      unreviewed,
      versions,
      voice,
      absentParents,
      agreements,
      findings,
    };
  }

  /** One meeting for its page and the API (access-logged as a view of the meeting). */
  async meeting(actor: Actor, childId: string, meetingId: string) {
    return this.records.read(
      actor,
      childId,
      'meeting',
      async (s) => {
        const f = await this.loadMeeting(s, childId, meetingId);
        const draft = f.meeting.status === 'draft';
        const write = canWriteMinutes(s.access);
        const mine = userIdOf(s.access.actor);
        return {
          ...f,
          familyCopyDraft: f.meeting.family_copy ?? minutesAsText(f.headings, f.minutes, { heldOn: longDate(f.meeting.held_on), safetyScale: f.meeting.safety_scale }),
          myAgreement: f.agreements.find((a) => a.user_id === mine) ?? null,
          can: { edit: draft && write, share: !draft && write, agree: !draft && canRecordAgreement(s.access) },
        };
      },
      meetingId,
    );
  }

  /** Updates the draft meeting row if still at `version`; otherwise a conflict showing both versions. */
  private async saveDraft(s: RecordScope, f: MeetingFacts, version: number, values: Record<string, unknown>, submitted: Record<string, unknown>) {
    const pid = f.child.partnership_id;
    const row = await s.trx
      .updateTable('core_group_meetings')
      .set({ ...values, version: version + 1, updated_at: s.now })
      .where('id', '=', f.meeting.id)
      .where('partnership_id', '=', pid)
      .where('version', '=', version)
      .returning('version')
      .executeTakeFirst();
    if (row) return row.version;
    const current = (await repo.getMeeting(s.trx, pid, f.child.id, f.meeting.id))!;
    throw new ConflictError('Someone else changed this meeting’s minutes while you were editing them', { ...meetingForConflict(f, current), version: current.version }, { ...submitted, version });
  }

  private static assertDraft(f: MeetingFacts) {
    if (f.meeting.status !== 'draft') throw new ValidationError({ _: 'These minutes have been finalised: they can no longer be changed' });
  }

  /**
   * Changes a draft: minutes, safety scale, attendance, membership confirmed, parents. With
   * `completeAttendance`, every member's attendance must be given (the page's form).
   */
  async updateDraft(actor: Actor, childId: string, meetingId: string, patch: MeetingPatch, opts: { completeAttendance?: boolean } = {}) {
    return this.records.change(actor, childId, async (s) => {
      ensure(canWriteMinutes(s.access));
      const f = await this.loadMeeting(s, childId, meetingId);
      CoreGroupsService.assertDraft(f);
      const values: Record<string, unknown> = {};
      const submitted: Record<string, unknown> = {};
      const parts: string[] = [];
      if (patch.minutes) {
        const known = new Set([...f.headings.map((h) => h.key), ...Object.keys(f.minutes)]);
        const unknown = Object.keys(patch.minutes).filter((k) => !known.has(k));
        if (unknown.length) throw new ValidationError(Object.fromEntries(unknown.map((k) => [`minutes.${k}`, `There is no heading “${k}” in this partnership’s minutes`])));
        const merged: Record<string, string> = {};
        for (const [k, v] of Object.entries({ ...f.minutes, ...patch.minutes })) if (typeof v === 'string' && v.trim()) merged[k] = v.trim();
        values.minutes = JSON.stringify(merged);
        for (const k of Object.keys(patch.minutes)) submitted[titleFor(f.headings, k)] = patch.minutes[k]!.trim();
        parts.push('minutes');
      }
      if (patch.safetyScale !== undefined) {
        values.safety_scale = patch.safetyScale;
        submitted['Safety scale'] = patch.safetyScale ?? '';
        parts.push('safety');
      }
      if (patch.membershipConfirmed !== undefined) {
        values.membership_confirmed = patch.membershipConfirmed;
        submitted['Membership reviewed and confirmed'] = patch.membershipConfirmed ? 'Yes' : 'No';
        parts.push('membership');
      }
      if (patch.parentsAttendance !== undefined) {
        values.parents_attendance = patch.parentsAttendance?.trim() || null;
        submitted['Parents’ attendance'] = values.parents_attendance ?? '';
        parts.push('parents');
      }
      if (patch.viewsConsidered !== undefined) {
        values.views_considered = patch.viewsConsidered?.trim() || null;
        submitted['How the child’s and family’s own views were considered'] = values.views_considered ?? '';
        parts.push('views');
      }
      if (patch.absentParentConsideration !== undefined) {
        values.absent_parent_consideration = patch.absentParentConsideration?.trim() || null;
        submitted['How the absent parent’s involvement was considered'] = values.absent_parent_consideration ?? '';
        if (!parts.includes('parents')) parts.push('parents');
      }
      if (patch.attendance) {
        const ids = new Set(f.members.map((m) => m.id));
        const errors: Record<string, string> = {};
        for (const k of Object.keys(patch.attendance)) if (!ids.has(k)) errors[`attendance-${k}`] = 'That person is not a member of this core group';
        if (opts.completeAttendance) for (const m of f.members) if (!patch.attendance[m.id]) errors[`attendance-${m.id}`] = `Select ${m.name}’s attendance`;
        if (Object.keys(errors).length) throw new ValidationError(errors);
        for (const m of f.members) if (patch.attendance[m.id]) submitted[`Attendance: ${m.name}`] = patch.attendance[m.id];
        parts.push('attendance');
      }
      const version = await this.saveDraft(s, f, patch.version, values, submitted);
      if (patch.attendance) {
        for (const [memberId, attendance] of Object.entries(patch.attendance)) {
          await s.trx
            .insertInto('meeting_attendance')
            .values({ partnership_id: f.child.partnership_id, meeting_id: meetingId, member_id: memberId, attendance })
            .onConflict((oc) => oc.columns(['meeting_id', 'member_id']).doUpdateSet({ attendance }))
            .execute();
        }
      }
      await s.log({ action: 'update', recordType: 'meeting', recordId: meetingId, details: { parts } });
      return { version };
    });
  }

  /**
   * Reviews actions in the meeting: each done / in progress / not done with a comment. The
   * action's status follows, and its progress shows the review, linked to the meeting.
   */
  async reviewActions(actor: Actor, childId: string, meetingId: string, input: { reviews: ReviewInput[]; version: number }) {
    return this.records.change(actor, childId, async (s) => {
      ensure(canWriteMinutes(s.access));
      const f = await this.loadMeeting(s, childId, meetingId);
      CoreGroupsService.assertDraft(f);
      const pid = f.child.partnership_id;
      const byId = new Map(f.actions.map((a) => [a.id, a]));
      const errors: Record<string, string> = {};
      for (const r of input.reviews) if (!byId.has(r.actionId)) errors[`status-${r.actionId}`] = 'That action is not one to review in this meeting';
      if (Object.keys(errors).length) throw new ValidationError(errors);
      const submitted: Record<string, unknown> = {};
      for (const r of input.reviews) submitted[`Review: ${byId.get(r.actionId)!.what}`] = `${r.status}: ${r.comment}`;
      const version = await this.saveDraft(s, f, input.version, {}, submitted);
      let changed = 0;
      for (const r of input.reviews) {
        const action = byId.get(r.actionId)!;
        if (action.review && action.review.status === r.status && action.review.comment === r.comment) continue;
        changed++;
        await s.trx
          .insertInto('action_reviews')
          .values({ partnership_id: pid, meeting_id: meetingId, action_id: r.actionId, status: r.status, comment: r.comment })
          .onConflict((oc) => oc.columns(['meeting_id', 'action_id']).doUpdateSet({ status: r.status, comment: r.comment }))
          .execute();
        await s.trx
          .updateTable('plan_actions')
          .set({ status: r.status, version: sql`version + 1`, updated_at: s.now })
          .where('id', '=', r.actionId)
          .where('partnership_id', '=', pid)
          .execute();
        await s.trx
          .insertInto('action_updates')
          .values({ partnership_id: pid, action_id: r.actionId, status: r.status, note: r.comment, meeting_id: meetingId, created_by: userIdOf(actor) })
          .execute();
      }
      await s.log({ action: 'update', recordType: 'meeting', recordId: meetingId, details: { actionReviews: changed } });
      return { version };
    });
  }

  /**
   * Finalises the minutes. Refused while any action due since the previous meeting has no
   * review, or while a check the partnership made mandatory finds a weakness.
   */
  async finalise(actor: Actor, childId: string, meetingId: string, version: number) {
    return this.records.change(actor, childId, async (s) => {
      ensure(canWriteMinutes(s.access));
      const f = await this.loadMeeting(s, childId, meetingId);
      CoreGroupsService.assertDraft(f);
      const fields: Record<string, string> = {};
      const messages: string[] = [];
      if (f.unreviewed.length) {
        for (const a of f.unreviewed) fields[`status-${a.id}`] = `Review every action due since the last meeting before finalising: ${a.what} has not been reviewed`;
        messages.push(`Review every action due since the last meeting before finalising: ${f.unreviewed.map((a) => `${a.what} has not been reviewed`).join('; ')}`);
      }
      for (const finding of f.findings) {
        if (finding.severity !== 'error' || finding.id === 'previous-actions-not-reviewed') continue;
        const message = `Your partnership requires this before minutes are finalised: ${finding.message}`;
        fields[`quality-${finding.id}`] = message;
        messages.push(message);
      }
      if (messages.length) throw new ValidationError(fields, messages.join(' '));
      await this.saveDraft(s, f, version, { status: 'finalised', finalised_at: s.now, finalised_by: userIdOf(actor) }, { Status: 'finalised' });
      await s.log({ action: 'update', recordType: 'meeting', recordId: meetingId, details: { finalised: true, warnings: f.findings.map((x) => x.id) } });
    });
  }

  private static assertFinalised(f: MeetingFacts) {
    if (f.meeting.status !== 'finalised') throw new ValidationError({ _: 'Finalise the minutes before sharing them or recording agreement' });
  }

  /** Saves the family copy: the minutes as the family will read them, without third-party information. */
  async saveFamilyCopy(actor: Actor, childId: string, meetingId: string, input: { familyCopy: string; version: number }) {
    return this.records.change(actor, childId, async (s) => {
      ensure(canWriteMinutes(s.access));
      const f = await this.loadMeeting(s, childId, meetingId);
      CoreGroupsService.assertFinalised(f);
      if (f.meeting.shared_family_on) throw new ValidationError({ familyCopy: 'The family copy has been shared with the family: it can no longer be changed' });
      await updateVersioned(s.trx, 'core_group_meetings', { id: meetingId, partnershipId: f.child.partnership_id, version: input.version }, { family_copy: input.familyCopy }, 'meeting');
      await s.log({ action: 'update', recordType: 'meeting', recordId: meetingId, details: { familyCopy: true } });
    });
  }

  /** Records the minutes as shared with professionals, or (with the family copy) with the family, today. */
  async share(actor: Actor, childId: string, meetingId: string, input: { audience: 'professionals' | 'family'; familyCopy?: string | undefined; version: number }) {
    return this.records.change(actor, childId, async (s) => {
      ensure(canWriteMinutes(s.access));
      const f = await this.loadMeeting(s, childId, meetingId);
      CoreGroupsService.assertFinalised(f);
      const values: Record<string, unknown> = {};
      if (input.audience === 'professionals') {
        if (f.meeting.shared_professionals_on) return { sharedOn: f.meeting.shared_professionals_on };
        values.shared_professionals_on = s.today;
      } else {
        if (f.meeting.shared_family_on) return { sharedOn: f.meeting.shared_family_on };
        const copy = input.familyCopy?.trim() || f.meeting.family_copy?.trim();
        if (!copy) throw new ValidationError({ familyCopy: 'Save the family copy of the minutes, leaving out information about other people, before sharing it with the family' });
        values.family_copy = copy;
        values.shared_family_on = s.today;
      }
      await updateVersioned(s.trx, 'core_group_meetings', { id: meetingId, partnershipId: f.child.partnership_id, version: input.version }, values, 'meeting');
      await s.log({ action: 'update', recordType: 'meeting', recordId: meetingId, details: { shared: input.audience } });
      return { sharedOn: s.today };
    });
  }

  /** A member agrees with the finalised minutes, or disputes them with a comment; once each, changeable. */
  async recordAgreement(actor: Actor, childId: string, meetingId: string, input: AgreementInput) {
    return this.records.change(actor, childId, async (s) => {
      ensure(canRecordAgreement(s.access), 'Only members of the core group can record agreement with the minutes');
      const f = await this.loadMeeting(s, childId, meetingId);
      CoreGroupsService.assertFinalised(f);
      const userId = userIdOf(s.access.actor)!;
      const comment = input.comment ?? null;
      await s.trx
        .insertInto('minutes_agreements')
        .values({ partnership_id: f.child.partnership_id, meeting_id: meetingId, user_id: userId, agrees: input.agrees, comment, recorded_at: s.now })
        .onConflict((oc) => oc.columns(['meeting_id', 'user_id']).doUpdateSet({ agrees: input.agrees, comment, ...({ recorded_at: s.now } as object) }))
        .execute();
      await s.log({ action: 'update', recordType: 'meeting', recordId: meetingId, details: { agrees: input.agrees } });
    });
  }

  // Work queues

  /** Minutes to finalise, minutes to share and meetings due, for the signed-in person. */
  async myWork(actor: Actor) {
    if (actor.kind !== 'user') return { today: this.today(), toFinalise: [], toShare: [], due: [] };
    const today = this.today();
    const [drafts, finalised, children, closures] = await Promise.all([
      repo.meetingsForQueues(this.db, actor, 'draft'),
      repo.meetingsForQueues(this.db, actor, 'finalised'),
      repo.childrenOnPlanLedOrManaged(this.db, actor),
      repo.partnershipClosures(this.db, actor.partnershipId),
    ]);
    const due = children
      .map((c) => ({ ...c, schedule: coreGroupSchedule({ planStartedOn: c.plan_started_on, meetings: c.meetings.map((m) => ({ heldOn: m.held_on })), today, closures }) }))
      .filter((c) => c.schedule.dueSoon)
      .sort((a, b) => (a.schedule.nextDueOn < b.schedule.nextDueOn ? -1 : a.schedule.nextDueOn > b.schedule.nextDueOn ? 1 : 0))
      .map((c) => ({ ...c, first: c.schedule.lastHeldOn === null }));
    return {
      today,
      toFinalise: drafts.filter((m) => m.held_on <= today).map((m) => ({ ...m, daysSince: daysBetween(m.held_on, today) })),
      toShare: finalised.map((m) => ({ ...m, missing: [m.shared_professionals_on ? null : 'professionals', m.shared_family_on ? null : 'family'].filter((x): x is string => x !== null) })),
      due,
    };
  }

  /** The team manager's view: every child of the team on a plan, and how the core group is running. */
  async team(actor: Actor) {
    if (actor.kind !== 'user' || actor.role !== 'team-manager') throw new ForbiddenError('The team view is for team managers');
    const today = this.today();
    if (!actor.teamId) return { today, teamName: null, rows: [] };
    const [children, closures, team] = await Promise.all([
      repo.teamChildrenOnPlan(this.db, actor, actor.teamId),
      repo.partnershipClosures(this.db, actor.partnershipId),
      this.db.selectFrom('teams').select('name').where('id', '=', actor.teamId).where('partnership_id', '=', actor.partnershipId).executeTakeFirst(),
    ]);
    const rows = children.map((c) => {
      const schedule = coreGroupSchedule({ planStartedOn: c.plan_started_on, meetings: c.meetings.map((m) => ({ heldOn: m.held_on })), today, closures });
      const first = c.meetings[0] ?? null;
      return {
        ...c,
        daysOnPlan: daysBetween(c.plan_started_on, today),
        schedule,
        drafts: c.meetings.filter((m) => m.status === 'draft').length,
        first: first ? { heldOn: first.held_on, chairIsManager: first.chair_is_manager, inTime: first.held_on <= schedule.firstDueOn } : null,
      };
    });
    return { today, teamName: team?.name ?? null, rows };
  }

  // The partnership's minutes settings

  async minutesSettings(actor: Actor) {
    if (!hasRole(actor, 'partnership-admin')) throw new ForbiddenError('Only a partnership admin can change the minutes settings');
    const row = await repo.settings(this.db, actor.partnershipId);
    const headings = headingsFromSetting(row?.minutes_headings);
    return { headings, headingsText: headings.map((h) => h.title).join('\n'), mandatory: mandatoryFrom(row?.mandatory_minutes_checks), version: row?.version ?? 0, checks: QUALITY_CHECKS };
  }

  async saveMinutesSettings(actor: Actor, input: SettingsInput) {
    if (!hasRole(actor, 'partnership-admin')) throw new ForbiddenError('Only a partnership admin can change the minutes settings');
    const headings = headingsFromLines(input.headings);
    if (!headings.length) throw new ValidationError({ headings: 'Enter at least one heading' });
    if (headings.length > MAX_HEADINGS) throw new ValidationError({ headings: `Enter ${MAX_HEADINGS} headings or fewer` });
    const long = headings.find((h) => h.title.length > 200);
    if (long) throw new ValidationError({ headings: 'Each heading must be 200 characters or fewer' });
    await this.db.transaction().execute(async (trx) => {
      const saved = await repo.saveSettings(trx, actor.partnershipId, input.version, { headings, mandatory: [...new Set(input.mandatoryChecks)] });
      if (!saved) {
        const current = await repo.settings(trx, actor.partnershipId);
        throw new ConflictError('Someone else changed the minutes settings while you were editing them', {
          Headings: headingsFromSetting(current?.minutes_headings).map((h) => h.title).join('; '),
          'Mandatory checks': mandatoryFrom(current?.mandatory_minutes_checks).join(', '),
        }, { Headings: headings.map((h) => h.title).join('; '), 'Mandatory checks': input.mandatoryChecks.join(', ') });
      }
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'partnership-settings', recordId: actor.partnershipId, details: { headings: headings.map((h) => h.key), mandatory: input.mandatoryChecks } });
    });
    return headings;
  }
}

function titleFor(headings: MinutesHeading[], key: string): string {
  return headings.find((h) => h.key === key)?.title ?? key;
}

/** The saved meeting as a person reads it, keyed like the submitted values on the conflict page. */
function meetingForConflict(f: MeetingFacts, current: NonNullable<Awaited<ReturnType<typeof repo.getMeeting>>>): Record<string, unknown> {
  const minutes = (current.minutes ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const h of f.headings) out[h.title] = typeof minutes[h.key] === 'string' ? minutes[h.key] : '';
  out['Safety scale'] = current.safety_scale ?? '';
  out['Membership reviewed and confirmed'] = current.membership_confirmed ? 'Yes' : 'No';
  out['Parents’ attendance'] = current.parents_attendance ?? '';
  out['How the absent parent’s involvement was considered'] = current.absent_parent_consideration ?? '';
  out.Status = current.status;
  for (const m of f.members) out[`Attendance: ${m.name}`] = m.attendance ?? '';
  for (const a of f.actions) out[`Review: ${a.what}`] = a.review ? `${a.review.status}: ${a.review.comment}` : '';
  return out;
}

