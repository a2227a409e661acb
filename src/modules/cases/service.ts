/**
 * The child's record and the child protection journey: the child and family, referral, strategy
 * discussion, section 47 enquiry, conferences and the CP plan they start and end.
 */
import type { CpPlan } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { limitOffset } from '../../lib/pagination.js';
import type { Cell } from '../../lib/tabular.js';
import { CHILDREN_CSV_HEADER } from '../imports/children-csv.js';
import { DuplicateError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { addWorkingDays } from '../../lib/working-days.js';
import { isUniqueViolation } from '../partnership/repository.js';
import { canAllocate, canCreateChild, canEditRecord, canRecordConference, ensure, isCaseHolder } from './policy.js';
import { recordPlanVersion } from './plan-versions.js';
import { type ChildRecords, updateVersioned } from './record.js';
import * as repo from './repository.js';
import type {
  ChildInput,
  ConferenceOutcomeInput,
  ConferenceScheduleInput,
  FamilyMemberInput,
  NewChildInput,
  S47OutcomeInput,
  AllocationInput,
  StrategyDiscussionInput,
} from './schemas.js';

export const PAGE_SIZE = 50;
/** Working days from the initial conference to the first core group (Working Together). */
export const FIRST_CORE_GROUP_WORKING_DAYS = 10;

export interface JourneyEvent {
  date: string;
  kind: 'referral' | 'strategy' | 's47' | 'conference' | 'plan-start' | 'plan-end' | 'meeting';
  /** The record behind the event, for the template to show and link. */
  item: Record<string, unknown>;
}

/** Everything that happened on the child's journey, oldest first. Pure. */
export function journeyTimeline(parts: Awaited<ReturnType<typeof repo.childOverviewParts>>): JourneyEvent[] {
  const events: JourneyEvent[] = [
    ...parts.referrals.map((r) => ({ date: r.received_on, kind: 'referral' as const, item: r })),
    ...parts.strategy.map((s) => ({ date: s.held_on, kind: 'strategy' as const, item: s })),
    ...parts.s47s.map((s) => ({ date: s.started_on, kind: 's47' as const, item: s })),
    ...parts.conferences.map((c) => ({ date: c.held_on ?? c.scheduled_on, kind: 'conference' as const, item: c })),
    ...parts.plans.map((p) => ({ date: p.started_on, kind: 'plan-start' as const, item: p })),
    ...parts.plans.filter((p) => p.ended_on).map((p) => ({ date: p.ended_on!, kind: 'plan-end' as const, item: p })),
    ...parts.meetings.map((m) => ({ date: m.held_on, kind: 'meeting' as const, item: m })),
  ];
  const order = ['referral', 'strategy', 's47', 'conference', 'plan-start', 'meeting', 'plan-end'];
  return events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : order.indexOf(a.kind) - order.indexOf(b.kind)));
}

/** Working days from the strategy discussion to the initial conference (Working Together). */
export const ICPC_WORKING_DAYS = 15;

const childValues = (input: ChildInput) => ({
  la_child_id: input.laChildId,
  upn: input.upn ?? null,
  first_name: input.firstName,
  last_name: input.lastName,
  date_of_birth: input.dateOfBirth ?? null,
  expected_date_of_birth: input.expectedDateOfBirth ?? null,
  sex: input.sex,
  ethnicity: input.ethnicity ?? null,
  disabilities: input.disabilities,
  area_id: input.areaId,
  school_name: input.schoolName ?? null,
  school_dsl_name: input.schoolDslName ?? null,
  school_dsl_contact: input.schoolDslContact ?? null,
});

export class CasesService {
  constructor(private readonly records: ChildRecords) {}

  private get db() {
    return this.records.db;
  }

  /** 404 unless the actor may see the child (the API's gate for every /children/:id route). */
  async assertCanSee(actor: Actor, childId: string): Promise<void> {
    await this.records.assertVisible(actor, childId);
  }

  /** 403 unless the actor may change the record (checked before the form is read). */
  async assertCanEdit(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canEditRecord));
  }

  async assertCanRecordConference(actor: Actor, childId: string, conferenceId: string): Promise<void> {
    const allowed = await this.records.permits(actor, childId, async (access) => {
      const conference = await repo.getConference(this.db, actor.partnershipId, childId, conferenceId);
      if (!conference) throw new NotFoundError('Conference not found');
      return canRecordConference(access, conference);
    });
    ensure(allowed, 'Only the conference chair or the team manager can record the conference');
  }

  /** The children the actor may see, filtered, one page (the page's 50, or the API's pageSize). */
  async list(actor: Actor, opts: repo.ChildListFilter & { page: number; pageSize?: number | undefined }) {
    const { page, pageSize = PAGE_SIZE, ...filter } = opts;
    return repo.listVisibleChildren(this.db, actor, { ...filter, ...limitOffset({ page, pageSize }) });
  }

  /**
   * The cohort: the children on a CP plan the actor may see (the same rule as the children list),
   * as rows of the children CSV, so an export can be imported again. Every child in it is
   * access-logged as exported.
   */
  async cohortExport(actor: Actor, format: 'csv' | 'xlsx'): Promise<Cell[][]> {
    const rows = await this.records.exportList(actor, 'child', (trx) => repo.listVisibleCohort(trx, actor), { export: 'cohort', format });
    return [
      [...CHILDREN_CSV_HEADER],
      ...rows.map((r): Cell[] => [
        r.la_child_id,
        r.first_name,
        r.last_name,
        r.date_of_birth,
        r.expected_date_of_birth,
        r.sex,
        r.upn,
        r.ethnicity,
        r.area_name,
        r.team_name,
        r.plan_started_on,
        r.plan_ended_on,
        r.latest_category,
        r.initial_category,
        Number(r.previous_plans),
        r.lead_name,
      ]),
    ];
  }

  async mayCreate(actor: Actor): Promise<boolean> {
    if (actor.kind === 'system') return true;
    const agency = await this.db.selectFrom('agencies').select('type').where('id', '=', actor.agencyId).executeTakeFirst();
    return canCreateChild(actor, agency?.type ?? null);
  }

  async assertCanCreate(actor: Actor): Promise<void> {
    ensure(await this.mayCreate(actor), 'Only social workers and managers in children’s social care can start a child’s record');
  }

  async create(actor: Actor, input: NewChildInput): Promise<string> {
    await this.assertCanCreate(actor);
    return this.records.create(actor, async (trx) => {
      let areaId = input.areaId;
      const teamId = actor.kind === 'user' ? actor.teamId : null;
      if (areaId) {
        const area = await trx.selectFrom('areas').select('id').where('id', '=', areaId).where('partnership_id', '=', actor.partnershipId).executeTakeFirst();
        if (!area) throw new ValidationError({ areaId: 'Select an area of this partnership' });
      } else if (teamId) {
        areaId = (await trx.selectFrom('teams').select('area_id').where('id', '=', teamId).executeTakeFirst())?.area_id ?? null;
      }
      let childId: string;
      try {
        const child = await trx
          .insertInto('children')
          .values({
            ...childValues({ ...input, areaId }),
            partnership_id: actor.partnershipId,
            team_id: teamId,
            lead_user_id: actor.kind === 'user' && actor.role === 'practitioner' ? actor.userId : null,
            created_by: actor.kind === 'user' ? actor.userId : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        childId = child.id;
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateError('laChildId', `A child with local authority ID ${input.laChildId} already has a record`);
        throw err;
      }
      await trx
        .insertInto('referrals')
        .values({
          partnership_id: actor.partnershipId,
          child_id: childId,
          received_on: input.referralReceivedOn,
          source: input.referralSource ?? null,
          summary: input.referralSummary,
          created_by: actor.kind === 'user' ? actor.userId : null,
        })
        .execute();
      return childId;
    });
  }

  /** The whole record for its overview page (access-logged as a view of the child). */
  async overview(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'child', async ({ trx, access }) => {
      const parts = await repo.childOverviewParts(trx, actor.partnershipId, childId);
      const closures = await repo.partnershipClosures(trx, actor.partnershipId);
      const current = parts.currentPlan;
      const firstCoreGroupDue =
        current && !parts.meetings.some((m) => m.held_on >= current.started_on) ? addWorkingDays(current.started_on, FIRST_CORE_GROUP_WORKING_DAYS, closures) : null;
      return {
        child: access.child,
        ...parts,
        timeline: journeyTimeline(parts),
        firstCoreGroupDue,
        can: { edit: canEditRecord(access), caseHolder: isCaseHolder(access), allocate: canAllocate(access) },
        access,
      };
    });
  }

  async update(actor: Actor, childId: string, input: ChildInput & { version: number }) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canEditRecord(access));
      if (input.areaId) {
        const area = await trx.selectFrom('areas').select('id').where('id', '=', input.areaId).where('partnership_id', '=', actor.partnershipId).executeTakeFirst();
        if (!area) throw new ValidationError({ areaId: 'Select an area of this partnership' });
      }
      try {
        await updateVersioned(trx, 'children', { id: childId, partnershipId: actor.partnershipId, version: input.version }, childValues(input), 'child’s details');
      } catch (err) {
        if (isUniqueViolation(err)) throw new DuplicateError('laChildId', `A child with local authority ID ${input.laChildId} already has a record`);
        throw err;
      }
      await log({ action: 'update', recordType: 'child', recordId: childId });
    });
  }

  async addFamilyMember(actor: Actor, childId: string, input: FamilyMemberInput) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canEditRecord(access));
      const row = await trx
        .insertInto('family_members')
        .values({
          partnership_id: actor.partnershipId,
          child_id: childId,
          name: input.name,
          relationship: input.relationship,
          lives_with_child: input.livesWithChild,
          parental_responsibility: input.parentalResponsibility,
          contact: input.contact ?? null,
          notes: input.notes ?? null,
          created_by: actor.kind === 'user' ? actor.userId : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await log({ action: 'create', recordType: 'family-member', recordId: row.id });
      return row.id;
    });
  }

  async addStrategyDiscussion(actor: Actor, childId: string, input: StrategyDiscussionInput) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canEditRecord(access));
      const agencyIds = [...new Set(input.participants.map((p) => p.agencyId))];
      if (agencyIds.length) {
        const found = await trx.selectFrom('agencies').select('id').where('partnership_id', '=', actor.partnershipId).where('id', 'in', agencyIds).execute();
        if (found.length !== agencyIds.length) throw new ValidationError({ participants: 'Select each participant’s agency from the list' });
      }
      const referral = await trx.selectFrom('referrals').select('id').where('child_id', '=', childId).orderBy('received_on', 'desc').executeTakeFirst();
      const sd = await trx
        .insertInto('strategy_discussions')
        .values({
          partnership_id: actor.partnershipId,
          child_id: childId,
          referral_id: referral?.id ?? null,
          held_on: input.heldOn,
          outcome: input.outcome,
          notes: input.notes ?? null,
          created_by: actor.kind === 'user' ? actor.userId : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (input.participants.length) {
        await trx
          .insertInto('strategy_participants')
          .values(input.participants.map((p) => ({ partnership_id: actor.partnershipId, strategy_discussion_id: sd.id, agency_id: p.agencyId, name: p.name })))
          .execute();
      }
      if (input.outcome === 'section-47') {
        const closures = await repo.partnershipClosures(trx, actor.partnershipId);
        await trx
          .insertInto('s47_enquiries')
          .values({
            partnership_id: actor.partnershipId,
            child_id: childId,
            strategy_discussion_id: sd.id,
            started_on: input.heldOn,
            icpc_target_on: addWorkingDays(input.heldOn, ICPC_WORKING_DAYS, closures),
            created_by: actor.kind === 'user' ? actor.userId : null,
          })
          .execute();
      }
      await log({ action: 'create', recordType: 'strategy-discussion', recordId: sd.id, details: { outcome: input.outcome } });
      return sd.id;
    });
  }

  /**
   * Concludes a section 47 enquiry that does not lead to an initial conference (an enquiry that
   * does is concluded when its conference is completed).
   */
  async concludeS47(actor: Actor, childId: string, s47Id: string, input: S47OutcomeInput) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canEditRecord(access));
      const s47 = await trx.selectFrom('s47_enquiries').selectAll().where('id', '=', s47Id).where('child_id', '=', childId).where('partnership_id', '=', actor.partnershipId).executeTakeFirst();
      if (!s47) throw new NotFoundError('Section 47 enquiry not found');
      if (s47.concluded_on) throw new ValidationError({ outcome: 'This enquiry has already concluded' });
      if (input.concludedOn < s47.started_on) throw new ValidationError({ concludedOn: 'The enquiry cannot conclude before it started' });
      await updateVersioned(trx, 's47_enquiries', { id: s47Id, partnershipId: actor.partnershipId, version: input.version }, { outcome: input.outcome, concluded_on: input.concludedOn }, 'section 47 enquiry');
      await log({ action: 'update', recordType: 's47-enquiry', recordId: s47Id, details: { outcome: input.outcome } });
    });
  }

  async assertCanAllocate(actor: Actor, childId: string): Promise<void> {
    ensure(await this.records.permits(actor, childId, canAllocate), 'Only a team manager in children’s social care can allocate the child');
  }

  /** Teams of children's social care, with their practitioners, for the allocation form. */
  async allocationChoices(actor: Actor) {
    const rows = await this.db
      .selectFrom('teams')
      .innerJoin('agencies', 'agencies.id', 'teams.agency_id')
      .leftJoin('users', (j) => j.onRef('users.team_id', '=', 'teams.id').on('users.role', '=', 'practitioner').on('users.disabled_at', 'is', null))
      .select(['teams.id as team_id', 'teams.name as team_name', 'users.id as user_id', 'users.name as user_name'])
      .where('teams.partnership_id', '=', actor.partnershipId)
      .where('agencies.type', '=', 'childrens-social-care')
      .orderBy('teams.name')
      .orderBy('users.name')
      .execute();
    const teams = [...new Map(rows.map((r) => [r.team_id, { id: r.team_id, name: r.team_name }])).values()];
    const practitioners = rows.filter((r) => r.user_id).map((r) => ({ id: r.user_id!, name: r.user_name!, teamId: r.team_id, teamName: r.team_name }));
    return { teams, practitioners };
  }

  /** Allocates the child to a team of children's social care and, optionally, a lead practitioner of that team. */
  async allocate(actor: Actor, childId: string, input: AllocationInput) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canAllocate(access), 'Only a team manager in children’s social care can allocate the child');
      const team = await trx
        .selectFrom('teams')
        .innerJoin('agencies', 'agencies.id', 'teams.agency_id')
        .select(['teams.id', 'teams.area_id'])
        .where('teams.id', '=', input.teamId)
        .where('teams.partnership_id', '=', actor.partnershipId)
        .where('agencies.type', '=', 'childrens-social-care')
        .executeTakeFirst();
      if (!team) throw new ValidationError({ teamId: 'Select a team of children’s social care' });
      if (input.leadUserId) {
        const lead = await trx.selectFrom('users').select('id').where('id', '=', input.leadUserId).where('team_id', '=', team.id).where('role', '=', 'practitioner').where('disabled_at', 'is', null).executeTakeFirst();
        if (!lead) throw new ValidationError({ leadUserId: 'Select a practitioner of that team' });
      }
      await updateVersioned(
        trx,
        'children',
        { id: childId, partnershipId: actor.partnershipId, version: input.version },
        { team_id: team.id, lead_user_id: input.leadUserId, area_id: access.child.area_id ?? team.area_id },
        'child’s allocation',
      );
      await log({ action: 'update', recordType: 'child', recordId: childId, details: { allocatedTo: team.id, lead: input.leadUserId } });
    });
  }

  /** The form's choices: possible chairs and the partnership's agencies. */
  async conferenceChoices(actor: Actor) {
    const [chairs, agencies] = await Promise.all([
      repo.possibleChairs(this.db, actor.partnershipId),
      this.db.selectFrom('agencies').select(['id', 'name', 'type']).where('partnership_id', '=', actor.partnershipId).orderBy('name').execute(),
    ]);
    return { chairs, agencies };
  }

  async scheduleConference(actor: Actor, childId: string, input: ConferenceScheduleInput) {
    return this.records.change(actor, childId, async ({ trx, access, log }) => {
      ensure(canEditRecord(access));
      const chair = await trx
        .selectFrom('users')
        .select(['id', 'role'])
        .where('id', '=', input.chairUserId)
        .where('partnership_id', '=', actor.partnershipId)
        .where('role', 'in', ['conference-chair', 'team-manager'])
        .executeTakeFirst();
      if (!chair) throw new ValidationError({ chairUserId: 'Select a conference chair or team manager of this partnership' });
      const plan = await trx.selectFrom('cp_plans').selectAll().where('child_id', '=', childId).where('ended_on', 'is', null).executeTakeFirst();
      if (input.kind === 'review' && !plan) throw new ValidationError({ kind: 'A review conference needs a current child protection plan; schedule an initial conference instead' });
      if (input.kind !== 'review' && plan) throw new ValidationError({ kind: 'The child already has a current plan: schedule a review conference' });
      const s47 = await trx
        .selectFrom('s47_enquiries')
        .select('id')
        .where('child_id', '=', childId)
        .where('concluded_on', 'is', null)
        .orderBy('started_on', 'desc')
        .executeTakeFirst();
      const agencies = input.invitedAgencyIds.length
        ? await trx.selectFrom('agencies').select(['id', 'name']).where('partnership_id', '=', actor.partnershipId).where('id', 'in', input.invitedAgencyIds).execute()
        : [];
      if (agencies.length !== new Set(input.invitedAgencyIds).size) throw new ValidationError({ invitedAgencyIds: 'Select agencies of this partnership' });
      const conf = await trx
        .insertInto('conferences')
        .values({
          partnership_id: actor.partnershipId,
          child_id: childId,
          kind: input.kind,
          s47_id: input.kind === 'review' ? null : (s47?.id ?? null),
          plan_id: input.kind === 'review' ? plan!.id : null,
          scheduled_on: input.scheduledOn,
          chair_user_id: chair.id,
          created_by: actor.kind === 'user' ? actor.userId : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const parents = await trx
        .selectFrom('family_members')
        .select(['name'])
        .where('child_id', '=', childId)
        .where('relationship', 'in', ['mother', 'father', 'step-parent', 'carer'])
        .execute();
      const invitees = [
        ...agencies.map((a) => ({ partnership_id: actor.partnershipId, conference_id: conf.id, agency_id: a.id, name: a.name, is_parent: false })),
        ...parents.map((p) => ({ partnership_id: actor.partnershipId, conference_id: conf.id, agency_id: null, name: p.name, is_parent: true })),
      ];
      if (invitees.length) await trx.insertInto('conference_invitees').values(invitees).execute();
      await log({ action: 'create', recordType: 'conference', recordId: conf.id, details: { kind: input.kind } });
      return conf.id;
    });
  }

  /** The child's conferences, latest first (access-logged as a view of the child's conferences). */
  async conferences(actor: Actor, childId: string) {
    return this.records.read(actor, childId, 'conference', ({ trx }) => repo.childConferences(trx, actor.partnershipId, childId));
  }

  async conference(actor: Actor, childId: string, conferenceId: string) {
    return this.records.read(
      actor,
      childId,
      'conference',
      async ({ trx, access }) => {
        const conference = await repo.getConference(trx, actor.partnershipId, childId, conferenceId);
        if (!conference) throw new NotFoundError('Conference not found');
        const [invitees, plan] = await Promise.all([
          repo.conferenceInvitees(trx, actor.partnershipId, conferenceId),
          trx.selectFrom('cp_plans').selectAll().where('child_id', '=', childId).where('ended_on', 'is', null).executeTakeFirst(),
        ]);
        return { child: access.child, conference, invitees, plan: plan ?? null, can: { record: canRecordConference(access, conference) && conference.status === 'scheduled' } };
      },
      conferenceId,
    );
  }

  /**
   * Records the conference's attendance and decision and completes it. A plan decision starts the
   * CP plan with its outline outcomes (version 1); ending a plan, or deciding against one, cannot
   * complete without the child in need plan set out or a reason for none.
   */
  async recordConferenceOutcome(actor: Actor, childId: string, conferenceId: string, input: ConferenceOutcomeInput) {
    return this.records.change(actor, childId, async ({ trx, access, log, now }) => {
      const conference = await repo.getConference(trx, actor.partnershipId, childId, conferenceId);
      if (!conference) throw new NotFoundError('Conference not found');
      ensure(canRecordConference(access, conference), 'Only the conference chair or the team manager can record the conference');
      if (conference.status !== 'scheduled') throw new ValidationError({ decision: 'This conference has already been completed' });
      const review = conference.kind === 'review';
      if (review && (input.decision === 'plan' || input.decision === 'no-plan')) throw new ValidationError({ decision: 'At a review conference, choose to continue or end the plan' });
      if (!review && (input.decision === 'continue' || input.decision === 'end')) throw new ValidationError({ decision: 'At this conference, choose whether the child becomes subject of a plan' });
      const category = input.categories.length > 1 ? 'MUL' : input.categories[0];

      const invitees = await repo.conferenceInvitees(trx, actor.partnershipId, conferenceId);
      const missing = invitees.filter((i) => !input.attendance[i.id]);
      if (missing.length) throw new ValidationError(Object.fromEntries(missing.map((i) => [`attendance-${i.id}`, `Select attendance for ${i.name}`])));
      for (const i of invitees) {
        const attendance = input.attendance[i.id]!;
        await trx
          .updateTable('conference_invitees')
          .set({ attendance, report_received: attendance === 'apologies-report' })
          .where('id', '=', i.id)
          .where('partnership_id', '=', actor.partnershipId)
          .execute();
      }
      const userId = actor.kind === 'user' ? actor.userId : null;
      let planId: string | null = conference.plan_id;
      if (input.decision === 'plan') {
        if (input.heldOn < (access.child.date_of_birth ?? '0000') && conference.kind !== 'pre-birth') {
          throw new ValidationError({ heldOn: 'The conference cannot be before the child was born' });
        }
        const open = await trx.selectFrom('cp_plans').select('id').where('child_id', '=', childId).where('ended_on', 'is', null).executeTakeFirst();
        if (open) throw new ValidationError({ decision: 'The child already has a current plan' });
        const plan = await trx
          .insertInto('cp_plans')
          .values({
            partnership_id: actor.partnershipId,
            child_id: childId,
            started_on: input.heldOn,
            initial_category: category!,
            latest_category: category!,
            previous_plans: input.previousPlans,
            started_by_conference_id: conferenceId,
            created_by: userId,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        planId = plan.id;
        const lines = (input.outlineOutcomes ?? '')
          .split(/\r?\n/)
          .map((l) => l.replace(/^[-*•\d.)\s]+/, '').trim())
          .filter(Boolean);
        if (lines.length) {
          await trx
            .insertInto('plan_outcomes')
            .values(lines.map((title, position) => ({ partnership_id: actor.partnershipId, plan_id: plan.id, child_id: childId, title: title.slice(0, 500), position, created_by: userId })))
            .execute();
        }
        // The lead practitioner is the first member of the core group.
        if (access.child.lead_user_id) {
          const lead = await trx.selectFrom('users').select(['id', 'name', 'agency_id']).where('id', '=', access.child.lead_user_id).executeTakeFirstOrThrow();
          const already = await trx.selectFrom('core_group_members').select('id').where('child_id', '=', childId).where('user_id', '=', lead.id).where('left_on', 'is', null).executeTakeFirst();
          if (!already) {
            await trx
              .insertInto('core_group_members')
              .values({ partnership_id: actor.partnershipId, child_id: childId, user_id: lead.id, name: lead.name, agency_id: lead.agency_id, role: 'Lead social worker', joined_on: input.heldOn, created_by: userId })
              .execute();
          }
        }
        await recordPlanVersion(trx, { partnershipId: actor.partnershipId, planId: plan.id, summary: 'Outline plan agreed at the initial conference', conferenceId, userId, at: now });
      }
      if (input.decision === 'continue' && planId && category) {
        const plan = await trx.selectFrom('cp_plans').selectAll().where('id', '=', planId).executeTakeFirstOrThrow();
        if (plan.latest_category !== category) {
          await trx.updateTable('cp_plans').set({ latest_category: category, updated_at: now }).where('id', '=', planId).execute();
          await recordPlanVersion(trx, { partnershipId: actor.partnershipId, planId, summary: `Category changed to ${category} at the review conference`, conferenceId, userId, at: now });
        }
      }
      if (input.decision === 'end' && planId) {
        const plan: CpPlan = await trx.selectFrom('cp_plans').selectAll().where('id', '=', planId).executeTakeFirstOrThrow();
        if (input.heldOn <= plan.started_on) throw new ValidationError({ heldOn: 'The plan cannot end on or before the day it started' });
        await trx
          .updateTable('cp_plans')
          .set({
            ended_on: input.heldOn,
            end_reason: input.endReason ?? 'Ended at review conference',
            cin_plan: input.cinPlan ?? null,
            no_cin_plan_reason: input.noCinPlanReason ?? null,
            ended_by_conference_id: conferenceId,
            updated_at: now,
          })
          .where('id', '=', planId)
          .execute();
      }
      if (conference.s47_id) {
        await trx
          .updateTable('s47_enquiries')
          .set({ outcome: 'icpc', concluded_on: input.heldOn })
          .where('id', '=', conference.s47_id)
          .where('concluded_on', 'is', null)
          .execute();
      }
      await updateVersioned(
        trx,
        'conferences',
        { id: conferenceId, partnershipId: actor.partnershipId, version: input.version },
        {
          held_on: input.heldOn,
          decision: input.decision,
          categories: input.categories,
          rationale: input.rationale,
          dissent: input.dissent ?? null,
          cin_plan: input.cinPlan ?? null,
          no_cin_plan_reason: input.noCinPlanReason ?? null,
          status: 'completed',
          completed_at: now,
          plan_id: planId,
        },
        'conference',
      );
      await log({ action: 'update', recordType: 'conference', recordId: conferenceId, details: { decision: input.decision } });
      return { planId };
    });
  }
}
