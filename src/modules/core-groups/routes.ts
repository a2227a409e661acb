/**
 * Pages and API of the core group and its meetings, the work queues (/my/work, /team) and the
 * partnership's minutes settings (/admin/minutes). Every page works without JavaScript: the
 * meeting page is one page of sections, each a form posting to its own address.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../lib/actor.js';
import { ValidationError } from '../../lib/errors.js';
import { paged, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm, rawFormValues } from '../../web/forms.js';
import { QUALITY_CHECKS } from './quality.js';
import {
  ACTION_STATUS_LABELS,
  actionReviewsSchema,
  agreementSchema,
  attendanceSchema,
  familyCopySchema,
  finaliseSchema,
  leaveSchema,
  MEETING_ATTENDANCE_LABELS,
  meetingPatchSchema,
  memberSchema,
  minutesSchema,
  newMeetingSchema,
  parentsSchema,
  viewsSchema,
  REVIEW_STATUS_LABELS,
  settingsSchema,
  shareSchema,
} from './schemas.js';
import type { CoreGroupsService } from './service.js';

const childParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }) });
const memberParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }), memberId: z.uuid({ error: 'Member not found' }) });
const meetingParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }), meetingId: z.uuid({ error: 'Meeting not found' }) });

export const labels = { attendance: MEETING_ATTENDANCE_LABELS, review: REVIEW_STATUS_LABELS, actionStatus: ACTION_STATUS_LABELS, checks: QUALITY_CHECKS };

const CHILDREN = 'children';

type MeetingView = Awaited<ReturnType<CoreGroupsService['meeting']>>;

/** The saved values of every form on the meeting page. */
function meetingValues(v: MeetingView): Record<string, unknown> {
  const values: Record<string, unknown> = {
    version: v.meeting.version,
    membershipConfirmed: v.meeting.membership_confirmed ? 'yes' : '',
    parentsAttendance: v.meeting.parents_attendance ?? '',
    viewsConsidered: v.meeting.views_considered ?? '',
    absentParentConsideration: v.meeting.absent_parent_consideration ?? '',
    safetyScale: v.meeting.safety_scale === null ? '' : String(v.meeting.safety_scale),
    familyCopy: v.familyCopyDraft,
    agrees: v.myAgreement ? (v.myAgreement.agrees ? 'yes' : 'no') : '',
    comment: v.myAgreement?.comment ?? '',
  };
  for (const m of v.members) values[`attendance-${m.id}`] = m.attendance ?? '';
  for (const s of v.sections) values[`minutes-${s.key}-text`] = s.text;
  for (const a of v.actions) {
    values[`status-${a.id}`] = a.review?.status ?? '';
    values[`comment-${a.id}`] = a.review?.comment ?? '';
  }
  return values;
}

/** A GOV.UK task list of the meeting's sections, with how far each has got. */
function taskList(v: MeetingView) {
  const tag = (text: string, colour?: string) => ({ tag: { text, classes: colour ? `govuk-tag--${colour}` : '' } });
  const done = { text: 'Completed' };
  const recorded = v.members.filter((m) => m.attendance).length;
  const required = v.actions.filter((a) => a.required);
  const written = v.sections.filter((s) => s.text.trim()).length;
  const blocking = v.findings.filter((f) => f.severity === 'error').length;
  return [
    {
      title: { text: 'Attendance and membership' },
      href: '#attendance',
      status: recorded === v.members.length && v.meeting.membership_confirmed ? done : recorded || v.meeting.membership_confirmed ? tag('In progress', 'light-blue') : tag('Not yet started', 'blue'),
    },
    {
      title: { text: 'Parents' },
      href: '#parents',
      status: v.meeting.parents_attendance && (!v.absentParents.length || v.meeting.absent_parent_consideration) ? done : v.meeting.parents_attendance ? tag('In progress', 'light-blue') : tag('Not yet started', 'blue'),
    },
    {
      title: { text: 'Review of previous actions' },
      href: '#previous-actions',
      hint: { text: required.length ? `${required.length} due since the last meeting` : 'Nothing due since the last meeting' },
      status: v.unreviewed.length ? tag(`${v.unreviewed.length} to review`, 'red') : done,
    },
    {
      title: { text: 'Revise the plan' },
      href: '#plan',
      status: v.versions.length ? { text: `${v.versions.length} version${v.versions.length === 1 ? '' : 's'} made` } : tag('Not yet revised', 'blue'),
    },
    {
      title: { text: 'Minutes' },
      href: '#minutes',
      hint: { text: `${written} of ${v.headings.length} headings written` },
      status: written === v.headings.length && v.meeting.safety_scale !== null ? done : written ? tag('In progress', 'light-blue') : tag('Not yet started', 'blue'),
    },
    {
      title: { text: 'Finalise the minutes' },
      href: '#finalise',
      status: blocking ? tag('Cannot finalise yet', 'grey') : tag('Ready to finalise', 'green'),
    },
  ];
}

/** Radios attendance-<memberId> to a map. */
function attendanceForm(req: FastifyRequest) {
  const v = formValues(req);
  const attendance: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const m = key.match(/^attendance-([0-9a-f-]{36})$/);
    if (m?.[1]) {
      if (v[key] !== '' && v[key] !== undefined) attendance[m[1]] = v[key];
      delete v[key];
    }
  }
  return { ...v, attendance, membershipConfirmed: v.membershipConfirmed ?? false };
}

/** Textareas minutes-<key>-text to the minutes map. */
function minutesForm(req: FastifyRequest) {
  const v = formValues(req);
  const minutes: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const m = key.match(/^minutes-([a-z0-9-]{1,80})-text$/);
    if (m?.[1]) {
      minutes[m[1]] = v[key];
      delete v[key];
    }
  }
  return { ...v, minutes };
}

/** status-<actionId> and comment-<actionId> to the reviews; an action left blank is not reviewed yet. */
function reviewsForm(req: FastifyRequest) {
  const v = formValues(req);
  const ids = new Set<string>();
  for (const key of Object.keys(v)) {
    const m = key.match(/^(?:status|comment)-([0-9a-f-]{36})$/);
    if (m?.[1]) ids.add(m[1]);
  }
  const errors: Record<string, string> = {};
  const reviews: { actionId: string; status: unknown; comment: unknown }[] = [];
  for (const id of ids) {
    const status = String(v[`status-${id}`] ?? '').trim();
    const comment = String(v[`comment-${id}`] ?? '').trim();
    if (!status && !comment) continue;
    if (!status) errors[`status-${id}`] = 'Select whether the action is done, in progress or not done';
    else if (!(status in REVIEW_STATUS_LABELS)) errors[`status-${id}`] = 'Select whether the action is done, in progress or not done';
    if (!comment) errors[`comment-${id}`] = 'Enter a comment on the action: what was done and what difference it made';
    else if (comment.length > 5000) errors[`comment-${id}`] = 'The comment must be 5000 characters or fewer';
    reviews.push({ actionId: id, status, comment });
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return parse(actionReviewsSchema, { reviews, version: v.version });
}

export function coreGroupRoutes(app: FastifyInstance, svc: CoreGroupsService): void {
  // The core group

  app.get('/children/:id/core-group', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const cg = await svc.coreGroup(actor, id);
    return reply.page('core-groups/views/core-group.njk', { title: 'Core group and meetings', section: CHILDREN, ...cg, labels, backLink: { href: `/children/${id}`, text: `${cg.child.first_name} ${cg.child.last_name}` } });
  });

  app.get('/children/:id/meetings', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await svc.assertCanSee(actor, id);
    return reply.redirect(`/children/${id}/core-group#meetings`, 303);
  });

  const memberNewContext = async (actor: Actor, id: string) => {
    const choices = await svc.memberChoices(actor, id);
    return { title: 'Add a member to the core group', section: CHILDREN, ...choices, backLink: { href: `/children/${id}/core-group` } };
  };

  app.get('/children/:id/core-group/members/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await svc.assertCanChangeMembership(actor, id);
    return reply.page('core-groups/views/member-new.njk', { ...(await memberNewContext(actor, id)), values: { kind: 'user', joinedOn: svc.today() } });
  });

  app.post('/children/:id/core-group/members/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await svc.assertCanChangeMembership(actor, id);
    return handleForm(req, reply, { template: 'core-groups/views/member-new.njk', context: () => memberNewContext(actor, id) }, async () => {
      await svc.addMember(actor, id, parse(memberSchema, formValues(req)));
      return `/children/${id}/core-group#members`;
    });
  });

  const leaveContext = async (actor: Actor, id: string, memberId: string) => {
    const m = await svc.member(actor, id, memberId);
    return { title: `${m.member.name} leaves the core group`, section: CHILDREN, ...m, backLink: { href: `/children/${id}/core-group` } };
  };

  app.get('/children/:id/core-group/members/:memberId/leave', async (req, reply) => {
    const actor = requireActor(req);
    const { id, memberId } = parse(memberParams, req.params);
    await svc.assertCanChangeMembership(actor, id);
    const ctx = await leaveContext(actor, id, memberId);
    return reply.page('core-groups/views/member-leave.njk', { ...ctx, values: { version: ctx.member.version } });
  });

  app.post('/children/:id/core-group/members/:memberId/leave', async (req, reply) => {
    const actor = requireActor(req);
    const { id, memberId } = parse(memberParams, req.params);
    await svc.assertCanChangeMembership(actor, id);
    return handleForm(req, reply, { template: 'core-groups/views/member-leave.njk', context: () => leaveContext(actor, id, memberId) }, async () => {
      await svc.memberLeaves(actor, id, memberId, parse(leaveSchema, formValues(req)));
      return `/children/${id}/core-group#past-members`;
    });
  });

  // Meetings

  const meetingNewContext = async (actor: Actor, id: string) => {
    const c = await svc.meetingChoices(actor, id);
    return { title: 'Arrange a core group meeting', section: CHILDREN, ...c, backLink: { href: `/children/${id}/core-group#meetings` } };
  };

  app.get('/children/:id/meetings/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await svc.assertCanWriteMinutes(actor, id);
    const ctx = await meetingNewContext(actor, id);
    return reply.page('core-groups/views/meeting-new.njk', { ...ctx, values: { heldOn: ctx.schedule?.nextDueOn ?? '' } });
  });

  app.post('/children/:id/meetings/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await svc.assertCanWriteMinutes(actor, id);
    return handleForm(req, reply, { template: 'core-groups/views/meeting-new.njk', context: () => meetingNewContext(actor, id) }, async () => {
      const meetingId = await svc.createMeeting(actor, id, parse(newMeetingSchema, formValues(req)));
      return `/children/${id}/meetings/${meetingId}`;
    });
  });

  const meetingPage = async (actor: Actor, id: string, meetingId: string) => {
    const v = await svc.meeting(actor, id, meetingId);
    return {
      title: `Core group meeting`,
      section: CHILDREN,
      ...v,
      tasks: taskList(v),
      labels,
      values: meetingValues(v),
      backLink: { href: `/children/${id}/core-group#meetings`, text: 'Core group and meetings' },
    };
  };

  app.get('/children/:id/meetings/:meetingId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, meetingId } = parse(meetingParams, req.params);
    const saved = typeof (req.query as Record<string, unknown>).saved === 'string' ? String((req.query as Record<string, unknown>).saved) : null;
    const flash = saved ? FLASH[saved] : undefined;
    return reply.page('core-groups/views/meeting.njk', { ...(await meetingPage(actor, id, meetingId)), ...(flash ? { flash } : {}) });
  });

  /** A section of the meeting page: on a validation error the whole page again, with what was typed in that section. */
  const section = (path: string, assert: (actor: Actor, id: string) => Promise<void>, action: (actor: Actor, id: string, meetingId: string, req: FastifyRequest) => Promise<string>) => {
    app.post(`/children/:id/meetings/:meetingId/${path}`, async (req, reply: FastifyReply) => {
      const actor = requireActor(req);
      const { id, meetingId } = parse(meetingParams, req.params);
      await assert(actor, id);
      try {
        const anchor = await action(actor, id, meetingId, req);
        return reply.redirect(`/children/${id}/meetings/${meetingId}?saved=${anchor}#${anchor}`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const page = await meetingPage(actor, id, meetingId);
        const errors = Object.fromEntries(Object.entries(err.fields).map(([k, message]) => [k.replace(/^minutes\.([a-z0-9-]+)$/, 'minutes-$1-text'), message]));
        return reply.status(400).page('core-groups/views/meeting.njk', { ...page, values: { ...page.values, ...rawFormValues(req) }, errors });
      }
    });
  };
  const write = (actor: Actor, id: string) => svc.assertCanWriteMinutes(actor, id);

  section('attendance', write, async (actor, id, meetingId, req) => {
    const input = parse(attendanceSchema, attendanceForm(req));
    await svc.updateDraft(actor, id, meetingId, input, { completeAttendance: true });
    return 'attendance';
  });
  section('views', write, async (actor, id, meetingId, req) => {
    const input = parse(viewsSchema, formValues(req));
    await svc.updateDraft(actor, id, meetingId, { version: input.version, viewsConsidered: input.viewsConsidered ?? null });
    return 'own-views';
  });

  section('parents', write, async (actor, id, meetingId, req) => {
    const input = parse(parentsSchema, formValues(req));
    await svc.updateDraft(actor, id, meetingId, { version: input.version, parentsAttendance: input.parentsAttendance ?? null, absentParentConsideration: input.absentParentConsideration ?? null });
    return 'parents';
  });
  section('minutes', write, async (actor, id, meetingId, req) => {
    const input = parse(minutesSchema, minutesForm(req));
    await svc.updateDraft(actor, id, meetingId, input);
    return 'minutes';
  });
  section('action-reviews', write, async (actor, id, meetingId, req) => {
    await svc.reviewActions(actor, id, meetingId, reviewsForm(req));
    return 'previous-actions';
  });
  section('finalise', write, async (actor, id, meetingId, req) => {
    await svc.finalise(actor, id, meetingId, parse(finaliseSchema, formValues(req)).version);
    return 'finalised';
  });
  section('share-professionals', write, async (actor, id, meetingId, req) => {
    await svc.share(actor, id, meetingId, { audience: 'professionals', version: parse(finaliseSchema, formValues(req)).version });
    return 'sharing';
  });
  section('family-copy', write, async (actor, id, meetingId, req) => {
    await svc.saveFamilyCopy(actor, id, meetingId, parse(familyCopySchema, formValues(req)));
    return 'family-copy';
  });
  section('share-family', write, async (actor, id, meetingId, req) => {
    await svc.share(actor, id, meetingId, { audience: 'family', version: parse(finaliseSchema, formValues(req)).version });
    return 'sharing';
  });
  section('agreement', (actor, id) => svc.assertCanRecordAgreement(actor, id), async (actor, id, meetingId, req) => {
    await svc.recordAgreement(actor, id, meetingId, parse(agreementSchema, formValues(req)));
    return 'agreement';
  });

  // Work queues

  app.get('/my/work', async (req, reply) => {
    const actor = requireActor(req);
    const work = await svc.myWork(actor);
    return reply.page('core-groups/views/my-work.njk', { title: 'Your work', section: 'work', ...work, isManager: actor.kind === 'user' && actor.role === 'team-manager' });
  });

  app.get('/team', async (req, reply) => {
    const actor = requireActor(req, 'team-manager');
    const team = await svc.team(actor);
    return reply.page('core-groups/views/team.njk', { title: team.teamName ? `Your team: ${team.teamName}` : 'Your team', section: 'team', ...team });
  });

  // Settings

  const settingsPage = async (actor: Actor) => ({ title: 'Core group minutes', section: 'admin', ...(await svc.minutesSettings(actor)), backLink: { href: '/admin', text: 'Partnership admin' } });

  app.get('/admin/minutes', async (req, reply) => {
    const actor = requireActor(req, 'partnership-admin');
    const page = await settingsPage(actor);
    const saved = (req.query as Record<string, unknown>).saved === '1';
    return reply.page('core-groups/views/settings.njk', { ...page, values: { headings: page.headingsText, mandatoryChecks: page.mandatory, version: page.version }, ...(saved ? { flash: 'The minutes settings have been saved' } : {}) });
  });

  app.post('/admin/minutes', async (req, reply) => {
    const actor = requireActor(req, 'partnership-admin');
    return handleForm(req, reply, { template: 'core-groups/views/settings.njk', context: () => settingsPage(actor) }, async () => {
      await svc.saveMinutesSettings(actor, parse(settingsSchema, formValues(req)));
      return '/admin/minutes?saved=1';
    });
  });
}

const FLASH: Record<string, string> = {
  attendance: 'Attendance and membership saved',
  parents: 'Parents’ attendance saved',
  'own-views': 'Saved how the child’s and family’s own views were considered',
  minutes: 'Minutes saved',
  'previous-actions': 'Action reviews saved',
  finalised: 'The minutes are finalised',
  sharing: 'Sharing recorded',
  'family-copy': 'Family copy saved',
  agreement: 'Your response to the minutes is recorded',
};

// API

const idOut = z.object({ id: z.uuid() });
const memberOut = z.object({
  id: z.uuid(),
  userId: z.uuid().nullable(),
  name: z.string(),
  agencyId: z.uuid().nullable(),
  agency: z.string().nullable(),
  role: z.string(),
  isParent: z.boolean(),
  joinedOn: z.string(),
  leftOn: z.string().nullable(),
  leftReason: z.string().nullable(),
  version: z.number().int(),
});
type MemberRowLike = { id: string; user_id: string | null; name: string; agency_id: string | null; agency_name: string | null; role: string; is_parent: boolean; joined_on: string; left_on: string | null; left_reason: string | null; version: number };
const toMember = (m: MemberRowLike): z.infer<typeof memberOut> => ({
  id: m.id,
  userId: m.user_id,
  name: m.name,
  agencyId: m.agency_id,
  agency: m.agency_name,
  role: m.role,
  isParent: m.is_parent,
  joinedOn: m.joined_on,
  leftOn: m.left_on,
  leftReason: m.left_reason,
  version: m.version,
});

const scheduleOut = z
  .object({
    firstDueOn: z.string(),
    lastHeldOn: z.string().nullable(),
    nextDueOn: z.string(),
    arrangedOn: z.string().nullable(),
    daysUntilDue: z.number().int().describe('Negative when overdue'),
    overdue: z.boolean(),
    dueSoon: z.boolean(),
  })
  .meta({ id: 'CoreGroupSchedule' });
const warningOut = z.object({ id: z.string(), message: z.string() });
const coreGroupOut = z.object({ current: z.array(memberOut), past: z.array(memberOut), warnings: z.array(warningOut), nextMeetingDue: z.string().nullable() });
const meetingListItem = z.object({
  id: z.uuid(),
  planId: z.uuid(),
  heldOn: z.string(),
  status: z.enum(['draft', 'finalised']),
  chair: z.string().nullable(),
  chairIsManager: z.boolean(),
  sharedWithProfessionalsOn: z.string().nullable(),
  sharedWithFamilyOn: z.string().nullable(),
});
const meetingListQuery = z.object({ ...pageQuery, status: z.enum(['draft', 'finalised'], { error: 'status must be draft or finalised' }).optional() });
const stamp = z.iso.datetime();
const iso = (d: Date | string) => new Date(d).toISOString();
const meetingOut = z
  .object({
    id: z.uuid(),
    childId: z.uuid(),
    planId: z.uuid(),
    heldOn: z.string(),
    chair: z.object({ userId: z.uuid().nullable(), name: z.string().nullable(), isManager: z.boolean() }),
    status: z.enum(['draft', 'finalised']),
    version: z.number().int(),
    headings: z.array(z.object({ key: z.string(), title: z.string() })).describe('The partnership’s minutes headings, in order'),
    minutes: z.record(z.string(), z.string()).describe('The minutes by heading key'),
    safetyScale: z.number().int().nullable(),
    membershipConfirmed: z.boolean(),
    parentsAttendance: z.string().nullable(),
    absentParents: z.array(z.string()),
    absentParentConsideration: z.string().nullable(),
    attendance: z.array(z.object({ memberId: z.uuid(), name: z.string(), agency: z.string().nullable(), isParent: z.boolean(), attendance: z.string().nullable() })),
    membershipWarnings: z.array(warningOut),
    previousMeeting: z.object({ id: z.uuid(), heldOn: z.string() }).nullable(),
    actions: z.array(
      z.object({
        id: z.uuid(),
        what: z.string(),
        owner: z.string(),
        agency: z.string().nullable(),
        dueOn: z.string(),
        status: z.string(),
        dueSinceLastMeeting: z.boolean(),
        review: z.object({ status: z.string(), comment: z.string().nullable() }).nullable(),
      }),
    ),
    planVersions: z.array(z.object({ number: z.number().int(), summary: z.string(), createdAt: stamp })),
    voiceEntries: z.array(z.object({ id: z.uuid(), kind: z.string(), recordedOn: z.string() })),
    qualityFindings: z.array(z.object({ id: z.string(), message: z.string(), severity: z.enum(['error', 'warning']) })),
    finalisedAt: stamp.nullable(),
    finalisedBy: z.string().nullable(),
    sharedWithProfessionalsOn: z.string().nullable(),
    familyCopy: z.string().nullable(),
    sharedWithFamilyOn: z.string().nullable(),
    agreements: z.array(z.object({ userId: z.uuid(), name: z.string().nullable(), agency: z.string().nullable(), agrees: z.boolean(), comment: z.string().nullable(), recordedAt: stamp })),
  })
  .meta({ id: 'Meeting' });
const workItem = { childId: z.uuid(), child: z.string() };
const myWorkOut = z.object({
  today: z.string(),
  minutesToFinalise: z.array(z.object({ meetingId: z.uuid(), ...workItem, heldOn: z.string(), chair: z.string().nullable() })),
  minutesToShare: z.array(z.object({ meetingId: z.uuid(), ...workItem, heldOn: z.string(), notSharedWith: z.array(z.string()) })),
  meetingsDue: z.array(z.object({ ...workItem, planStartedOn: z.string(), first: z.boolean(), dueOn: z.string(), overdue: z.boolean(), arrangedOn: z.string().nullable() })),
});
const teamQuery = z.object({ ...pageQuery, overdue: z.enum(['yes', 'no'], { error: 'overdue must be yes or no' }).optional().describe('yes: only children whose next core group is overdue') });
const teamChildOut = z.object({
  childId: z.uuid(),
  child: z.string(),
  laChildId: z.string(),
  lead: z.string().nullable(),
  planId: z.uuid(),
  planStartedOn: z.string(),
  category: z.string(),
  daysOnPlan: z.number().int(),
  schedule: scheduleOut,
  draftMinutes: z.number().int().describe('Meetings whose minutes are not finalised'),
  firstCoreGroup: z.object({ heldOn: z.string(), chairIsManager: z.boolean(), inTime: z.boolean() }).nullable(),
});

function toMeeting(v: MeetingView) {
  const m = v.meeting;
  return {
    id: m.id,
    childId: m.child_id,
    planId: m.plan_id,
    heldOn: m.held_on,
    chair: { userId: m.chair_user_id, name: m.chair_name, isManager: m.chair_is_manager },
    status: m.status,
    version: m.version,
    headings: v.headings,
    minutes: v.minutes,
    safetyScale: m.safety_scale,
    membershipConfirmed: m.membership_confirmed,
    parentsAttendance: m.parents_attendance,
    absentParents: v.absentParents,
    absentParentConsideration: m.absent_parent_consideration,
    attendance: v.members.map((x) => ({ memberId: x.id, name: x.name, agency: x.agency_name, isParent: x.is_parent, attendance: x.attendance })),
    membershipWarnings: v.warnings,
    previousMeeting: v.previous ? { id: v.previous.id, heldOn: v.previous.held_on } : null,
    actions: v.actions.map((a) => ({
      id: a.id,
      what: a.what,
      owner: a.owner_name,
      agency: a.agency_name,
      dueOn: a.due_on,
      status: a.status,
      dueSinceLastMeeting: a.required,
      review: a.review ? { status: a.review.status, comment: a.review.comment } : null,
    })),
    planVersions: v.versions.map((p) => ({ number: p.number, summary: p.summary, createdAt: iso(p.created_at) })),
    voiceEntries: v.voice.map((e) => ({ id: e.id, kind: e.kind, recordedOn: e.recorded_on })),
    qualityFindings: v.findings,
    finalisedAt: m.finalised_at === null ? null : iso(m.finalised_at),
    finalisedBy: m.finalised_by_name,
    sharedWithProfessionalsOn: m.shared_professionals_on,
    familyCopy: m.family_copy,
    sharedWithFamilyOn: m.shared_family_on,
    agreements: v.agreements.map((a) => ({ userId: a.user_id, name: a.user_name, agency: a.agency_name, agrees: a.agrees, comment: a.comment, recordedAt: iso(a.recorded_at) })),
  };
}

export function coreGroupApiRoutes(svc: CoreGroupsService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/children/:id/core-group/members',
      tag: 'Core group',
      summary: 'The core group: current and past members, with warnings about duplication and agencies that left without replacement (access-logged)',
      params: childParams,
      response: coreGroupOut,
      handler: async ({ actor, params }) => {
        const cg = await svc.coreGroup(actor, params.id);
        return { current: cg.current.map(toMember), past: cg.past.map(toMember), warnings: cg.warnings, nextMeetingDue: cg.schedule?.nextDueOn ?? null };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/core-group/members',
      tag: 'Core group',
      summary: 'Add a member: a user of the partnership (kind "user", userId) or a named person (kind "person", name, agencyId, isParent)',
      params: childParams,
      body: memberSchema,
      response: idOut,
      authorize: ({ actor, params }) => svc.assertCanChangeMembership(actor, params.id),
      handler: async ({ actor, params, body }) => ({ id: await svc.addMember(actor, params.id, body) }),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/core-group/members/:memberId/leave',
      tag: 'Core group',
      summary: 'A member leaves the core group (date and reason; send the member’s version)',
      params: memberParams,
      body: leaveSchema,
      response: memberOut,
      status: 200,
      authorize: ({ actor, params }) => svc.assertCanChangeMembership(actor, params.id),
      handler: async ({ actor, params, body }) => {
        await svc.memberLeaves(actor, params.id, params.memberId, body);
        const m = await svc.member(actor, params.id, params.memberId);
        return toMember(m.member);
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/meetings',
      tag: 'Core group meetings',
      summary: 'The child’s core group meetings, latest first, and when the next is due; filter by status; page with page and pageSize (access-logged)',
      params: childParams,
      query: meetingListQuery,
      response: pageOut(meetingListItem).extend({ schedule: scheduleOut.nullable().describe('The current plan’s core group timetable; null without a current plan') }),
      handler: async ({ actor, params, query }) => {
        const cg = await svc.coreGroup(actor, params.id);
        const page = paged(
          cg.meetings
            .filter((m) => !query.status || m.status === query.status)
            .map((m) => ({
              id: m.id,
              planId: m.plan_id,
              heldOn: m.held_on,
              status: m.status,
              chair: m.chair_name,
              chairIsManager: m.chair_is_manager,
              sharedWithProfessionalsOn: m.shared_professionals_on,
              sharedWithFamilyOn: m.shared_family_on,
            })),
          query,
        );
        return { ...page, schedule: cg.schedule };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/meetings',
      tag: 'Core group meetings',
      summary: 'Arrange a core group meeting for the current plan (a draft); 400 when the child has no current plan',
      params: childParams,
      body: newMeetingSchema,
      response: idOut,
      authorize: ({ actor, params }) => svc.assertCanWriteMinutes(actor, params.id),
      handler: async ({ actor, params, body }) => ({ id: await svc.createMeeting(actor, params.id, body) }),
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/meetings/:meetingId',
      tag: 'Core group meetings',
      summary: 'One meeting: attendance, minutes, actions to review, plan versions made in it, and the minutes quality check',
      params: meetingParams,
      response: meetingOut,
      handler: async ({ actor, params }) => toMeeting(await svc.meeting(actor, params.id, params.meetingId)),
    }),
    apiRoute({
      method: 'PATCH',
      url: '/children/:id/meetings/:meetingId',
      tag: 'Core group meetings',
      summary: 'Change a draft: minutes (by heading key), safetyScale, attendance (by member id), membershipConfirmed, parents; send the version you read (409 if someone changed it since)',
      params: meetingParams,
      body: meetingPatchSchema,
      response: meetingOut,
      authorize: ({ actor, params }) => svc.assertCanWriteMinutes(actor, params.id),
      handler: async ({ actor, params, body }) => {
        await svc.updateDraft(actor, params.id, params.meetingId, body);
        return toMeeting(await svc.meeting(actor, params.id, params.meetingId));
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/meetings/:meetingId/action-reviews',
      tag: 'Core group meetings',
      summary: 'Review actions in the meeting: each done, in-progress or not-done with a comment (updates the action and its progress)',
      params: meetingParams,
      body: actionReviewsSchema,
      response: z.object({ version: z.number().int().describe('The meeting’s new version') }),
      status: 200,
      authorize: ({ actor, params }) => svc.assertCanWriteMinutes(actor, params.id),
      handler: ({ actor, params, body }) => svc.reviewActions(actor, params.id, params.meetingId, body),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/meetings/:meetingId/finalise',
      tag: 'Core group meetings',
      summary: 'Finalise the minutes; 400 naming each action due since the last meeting that has not been reviewed, and each mandatory check that fails',
      params: meetingParams,
      body: finaliseSchema,
      response: meetingOut,
      status: 200,
      authorize: ({ actor, params }) => svc.assertCanWriteMinutes(actor, params.id),
      handler: async ({ actor, params, body }) => {
        await svc.finalise(actor, params.id, params.meetingId, body.version);
        return toMeeting(await svc.meeting(actor, params.id, params.meetingId));
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/meetings/:meetingId/share',
      tag: 'Core group meetings',
      summary: 'Record finalised minutes as shared today with professionals, or with the family (needs the family copy: send familyCopy or save it first)',
      params: meetingParams,
      body: shareSchema,
      response: z.object({ sharedOn: z.string() }),
      status: 200,
      authorize: ({ actor, params }) => svc.assertCanWriteMinutes(actor, params.id),
      handler: ({ actor, params, body }) => svc.share(actor, params.id, params.meetingId, body),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/meetings/:meetingId/agreement',
      tag: 'Core group meetings',
      summary: 'As a member of the core group, agree with the finalised minutes or dispute them with a comment (changeable)',
      params: meetingParams,
      body: agreementSchema,
      response: z.object({ agrees: z.boolean(), comment: z.string().nullable() }),
      status: 200,
      authorize: ({ actor, params }) => svc.assertCanRecordAgreement(actor, params.id),
      handler: async ({ actor, params, body }) => {
        await svc.recordAgreement(actor, params.id, params.meetingId, body);
        return { agrees: body.agrees, comment: body.comment ?? null };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/my/work',
      tag: 'Work queues',
      summary: 'Minutes to finalise, minutes to share and core group meetings due, for the children you lead, chair or manage',
      response: myWorkOut,
      handler: async ({ actor }) => {
        const w = await svc.myWork(actor);
        return {
          today: w.today,
          minutesToFinalise: w.toFinalise.map((m) => ({ meetingId: m.id, childId: m.child_id, child: `${m.first_name} ${m.last_name}`, heldOn: m.held_on, chair: m.chair_name })),
          minutesToShare: w.toShare.map((m) => ({ meetingId: m.id, childId: m.child_id, child: `${m.first_name} ${m.last_name}`, heldOn: m.held_on, notSharedWith: m.missing })),
          meetingsDue: w.due.map((c) => ({ childId: c.id, child: `${c.first_name} ${c.last_name}`, planStartedOn: c.plan_started_on, first: c.first, dueOn: c.schedule.nextDueOn, overdue: c.schedule.overdue, arrangedOn: c.schedule.arrangedOn })),
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/minutes-settings',
      tag: 'Core group meetings',
      summary: 'The partnership’s core group minutes settings (partnership admins): the headings, in order, and which quality checks must pass before minutes can be finalised',
      roles: ['partnership-admin'],
      response: z.object({ headings: z.array(z.object({ key: z.string(), title: z.string() })), mandatoryChecks: z.array(z.string()), version: z.number().int() }),
      handler: async ({ actor }) => {
        const m = await svc.minutesSettings(actor);
        return { headings: m.headings, mandatoryChecks: [...m.mandatory], version: m.version };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/team',
      tag: 'Work queues',
      summary: 'For a team manager: every child of their team on a plan and how its core group is running (timetable, drafts, the first core group); filter by overdue; page with page and pageSize',
      roles: ['team-manager'],
      query: teamQuery,
      response: pageOut(teamChildOut).extend({ team: z.string().nullable(), today: z.string() }),
      handler: async ({ actor, query }) => {
        const t = await svc.team(actor);
        const rows = t.rows.filter((c) => !query.overdue || c.schedule.overdue === (query.overdue === 'yes'));
        const page = paged(
          rows.map((c) => ({
            childId: c.id,
            child: `${c.first_name} ${c.last_name}`,
            laChildId: c.la_child_id,
            lead: c.lead_name,
            planId: c.plan_id,
            planStartedOn: c.plan_started_on,
            category: c.latest_category,
            daysOnPlan: c.daysOnPlan,
            schedule: c.schedule,
            draftMinutes: c.drafts,
            firstCoreGroup: c.first,
          })),
          query,
        );
        return { ...page, team: t.teamName, today: t.today };
      },
    }),
  ];
}
