/**
 * Pages and API of the child's record: children, family, strategy discussions, conferences.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CATEGORIES, CONFERENCE_KINDS } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { toCsv, toXlsx } from '../../lib/tabular.js';
import { paged, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { pageNumber, parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import type { PartnershipService } from '../partnership/service.js';
import {
  CATEGORY_LABELS,
  childUpdateSchema,
  CONFERENCE_ATTENDANCE_LABELS,
  CONFERENCE_KIND_LABELS,
  conferenceOutcomeSchema,
  conferenceScheduleSchema,
  DISABILITY_LABELS,
  ETHNICITY_LABELS,
  familyMemberSchema,
  newChildSchema,
  RELATIONSHIP_LABELS,
  SEX_LABELS,
  STRATEGY_OUTCOME_LABELS,
  S47_OUTCOME_LABELS,
  allocationSchema,
  s47OutcomeSchema,
  strategyDiscussionSchema,
} from './schemas.js';
import { type CasesService, PAGE_SIZE } from './service.js';

export const childParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }) });
const s47Params = z.strictObject({ id: z.uuid({ error: 'Child not found' }), s47Id: z.uuid({ error: 'Section 47 enquiry not found' }) });
const conferenceParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }), conferenceId: z.uuid({ error: 'Conference not found' }) });
const listQuery = z.object({
  page: pageNumber,
  q: z.string().trim().max(200, 'Search must be 200 characters or fewer').optional(),
  onPlan: z.preprocess((v) => v === 'yes' || v === 'true' || v === true, z.boolean()).optional(),
});

export const labels = {
  sex: SEX_LABELS,
  ethnicity: ETHNICITY_LABELS,
  disability: DISABILITY_LABELS,
  category: CATEGORY_LABELS,
  relationship: RELATIONSHIP_LABELS,
  strategyOutcome: STRATEGY_OUTCOME_LABELS,
  conferenceKind: CONFERENCE_KIND_LABELS,
  conferenceAttendance: CONFERENCE_ATTENDANCE_LABELS,
  s47Outcome: S47_OUTCOME_LABELS,
};

const PARTICIPANT_ROWS = 6;

/** The strategy discussion form has fixed rows of participants (works without JavaScript). */
function strategyForm(req: FastifyRequest) {
  const v = formValues(req);
  const participants = [];
  for (let i = 1; i <= PARTICIPANT_ROWS; i++) {
    const name = String(v[`participant-${i}-name`] ?? '').trim();
    const agencyId = String(v[`participant-${i}-agency`] ?? '').trim();
    if (name || agencyId) participants.push({ name, agencyId });
    delete v[`participant-${i}-name`];
    delete v[`participant-${i}-agency`];
  }
  return { ...v, participants };
}

/** Attendance radios are named attendance-<inviteeId>. */
function conferenceForm(req: FastifyRequest) {
  const v = formValues(req);
  const attendance: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const m = key.match(/^attendance-(.+)$/);
    if (m?.[1]) {
      attendance[m[1]] = v[key];
      delete v[key];
    }
  }
  return { ...v, attendance };
}

export function casesRoutes(app: FastifyInstance, cases: CasesService, partnership: PartnershipService): void {
  const formChoices = async (actor: Actor) => ({ areas: await partnership.listAreas(actor), labels });

  app.get('/children', async (req, reply) => {
    const actor = requireActor(req);
    const q = parse(listQuery, req.query);
    const result = await cases.list(actor, q);
    return reply.page('cases/views/children.njk', {
      title: 'Children',
      section: 'children',
      children: result.rows,
      total: result.total,
      page: q.page,
      pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
      q: q.q,
      onPlan: q.onPlan,
      mayCreate: await cases.mayCreate(actor),
      labels,
    });
  });

  // The cohort (children on a plan the person may see) as the children CSV, or as a workbook
  app.get('/children.csv', async (req, reply) => {
    const actor = requireActor(req);
    const rows = await cases.cohortExport(actor, 'csv');
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="children-on-a-plan.csv"')
      .header('cache-control', 'no-store')
      .send(toCsv(rows));
  });

  app.get('/children.xlsx', async (req, reply) => {
    const actor = requireActor(req);
    const rows = await cases.cohortExport(actor, 'xlsx');
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', 'attachment; filename="children-on-a-plan.xlsx"')
      .header('cache-control', 'no-store')
      .send(await toXlsx('Children on a plan', rows));
  });

  app.get('/children/new', async (req, reply) => {
    const actor = requireActor(req);
    return reply.page('cases/views/child-new.njk', { title: 'Add a child', section: 'children', values: { sex: 'not-known' }, ...(await formChoices(actor)), backLink: { href: '/children' } });
  });

  app.post('/children/new', async (req, reply) => {
    const actor = requireActor(req);
    await cases.assertCanCreate(actor);
    return handleForm(req, reply, { template: 'cases/views/child-new.njk', context: async () => ({ title: 'Add a child', section: 'children', ...(await formChoices(actor)) }) }, async () => {
      const id = await cases.create(actor, parse(newChildSchema, formValues(req)));
      return `/children/${id}`;
    });
  });

  app.get('/children/:id', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const record = await cases.overview(actor, id);
    return reply.page('cases/views/child.njk', {
      title: `${record.child.first_name} ${record.child.last_name}`,
      section: 'children',
      ...record,
      labels,
      backLink: { href: '/children', text: 'Children' },
    });
  });

  app.get('/children/:id/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    const record = await cases.overview(actor, id);
    const c = record.child;
    return reply.page('cases/views/child-edit.njk', {
      title: `Change ${c.first_name} ${c.last_name}’s details`,
      section: 'children',
      child: c,
      values: toChild(c),
      ...(await formChoices(actor)),
      backLink: { href: `/children/${id}` },
    });
  });

  app.post('/children/:id/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    return handleForm(
      req,
      reply,
      { template: 'cases/views/child-edit.njk', context: async () => ({ title: 'Change the child’s details', section: 'children', child: { id }, ...(await formChoices(actor)) }) },
      async () => {
        await cases.update(actor, id, parse(childUpdateSchema, formValues(req)));
        return `/children/${id}?updated=details`;
      },
    );
  });

  app.get('/children/:id/family/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    const record = await cases.overview(actor, id);
    return reply.page('cases/views/family-new.njk', { title: 'Add a family or household member', section: 'children', child: record.child, values: {}, labels, backLink: { href: `/children/${id}` } });
  });

  app.post('/children/:id/family/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    return handleForm(req, reply, { template: 'cases/views/family-new.njk', context: () => ({ title: 'Add a family or household member', section: 'children', child: { id }, labels }) }, async () => {
      await cases.addFamilyMember(actor, id, parse(familyMemberSchema, formValues(req)));
      return `/children/${id}#family`;
    });
  });

  const strategyContext = async (actor: Actor, id: string) => ({
    title: 'Record a strategy discussion',
    section: 'children',
    child: { id },
    agencies: (await cases.conferenceChoices(actor)).agencies,
    rows: Array.from({ length: PARTICIPANT_ROWS }, (_, i) => i + 1),
    labels,
    backLink: { href: `/children/${id}` },
  });

  app.get('/children/:id/strategy-discussions/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    await cases.overview(actor, id); // 404 unless the child is the actor's to see
    return reply.page('cases/views/strategy-new.njk', { ...(await strategyContext(actor, id)), values: {} });
  });

  app.post('/children/:id/strategy-discussions/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    return handleForm(req, reply, { template: 'cases/views/strategy-new.njk', context: () => strategyContext(actor, id) }, async () => {
      await cases.addStrategyDiscussion(actor, id, parse(strategyDiscussionSchema, strategyForm(req)));
      return `/children/${id}#journey`;
    });
  });

  app.post('/children/:id/s47/:s47Id/outcome', async (req, reply) => {
    const actor = requireActor(req);
    const { id, s47Id } = parse(s47Params, req.params);
    await cases.assertCanEdit(actor, id);
    const page = async () => {
      const record = await cases.overview(actor, id);
      return { title: `${record.child.first_name} ${record.child.last_name}`, section: 'children', ...record, labels, errorS47: s47Id, backLink: { href: '/children', text: 'Children' } };
    };
    return handleForm(req, reply, { template: 'cases/views/child.njk', context: page }, async () => {
      await cases.concludeS47(actor, id, s47Id, parse(s47OutcomeSchema, formValues(req)));
      return `/children/${id}?saved=1#journey`;
    });
  });

  const allocationPage = async (actor: Actor, id: string) => {
    const record = await cases.overview(actor, id);
    const c = record.child;
    return { title: `Allocate ${c.first_name} ${c.last_name}`, section: 'children', child: c, ...(await cases.allocationChoices(actor)), backLink: { href: `/children/${id}` } };
  };

  app.get('/children/:id/allocate', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanAllocate(actor, id);
    const page = await allocationPage(actor, id);
    return reply.page('cases/views/allocate.njk', { ...page, values: { teamId: page.child.team_id, leadUserId: page.child.lead_user_id, version: page.child.version } });
  });

  app.post('/children/:id/allocate', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanAllocate(actor, id);
    return handleForm(req, reply, { template: 'cases/views/allocate.njk', context: () => allocationPage(actor, id) }, async () => {
      await cases.allocate(actor, id, parse(allocationSchema, formValues(req)));
      return `/children/${id}?saved=1`;
    });
  });

  const conferenceNewContext = async (actor: Actor, id: string) => ({
    title: 'Schedule a conference',
    section: 'children',
    child: { id },
    ...(await cases.conferenceChoices(actor)),
    labels,
    backLink: { href: `/children/${id}` },
  });

  app.get('/children/:id/conferences/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    const record = await cases.overview(actor, id);
    return reply.page('cases/views/conference-new.njk', { ...(await conferenceNewContext(actor, id)), values: { kind: record.currentPlan ? 'review' : 'initial' } });
  });

  app.post('/children/:id/conferences/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await cases.assertCanEdit(actor, id);
    return handleForm(req, reply, { template: 'cases/views/conference-new.njk', context: () => conferenceNewContext(actor, id) }, async () => {
      const cid = await cases.scheduleConference(actor, id, parse(conferenceScheduleSchema, formValues(req)));
      return `/children/${id}/conferences/${cid}`;
    });
  });

  const conferencePage = async (actor: Actor, id: string, conferenceId: string) => {
    const c = await cases.conference(actor, id, conferenceId);
    return { title: CONFERENCE_KIND_LABELS[c.conference.kind], section: 'children', ...c, categories: CATEGORIES, labels, backLink: { href: `/children/${id}#journey` } };
  };

  app.get('/children/:id/conferences/:conferenceId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, conferenceId } = parse(conferenceParams, req.params);
    const page = await conferencePage(actor, id, conferenceId);
    return reply.page('cases/views/conference.njk', { ...page, values: { version: page.conference.version, heldOn: page.conference.scheduled_on, previousPlans: '0' } });
  });

  app.post('/children/:id/conferences/:conferenceId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, conferenceId } = parse(conferenceParams, req.params);
    await cases.assertCanRecordConference(actor, id, conferenceId);
    return handleForm(req, reply, { template: 'cases/views/conference.njk', context: () => conferencePage(actor, id, conferenceId) }, async () => {
      await cases.recordConferenceOutcome(actor, id, conferenceId, parse(conferenceOutcomeSchema, conferenceForm(req)));
      return `/children/${id}/conferences/${conferenceId}?completed=1`;
    });
  });
}

// API

const childOut = z
  .object({
    id: z.uuid(),
    laChildId: z.string(),
    upn: z.string().nullable(),
    firstName: z.string(),
    lastName: z.string(),
    dateOfBirth: z.string().nullable(),
    expectedDateOfBirth: z.string().nullable(),
    sex: z.string(),
    ethnicity: z.string().nullable(),
    disabilities: z.array(z.string()),
    areaId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    leadUserId: z.uuid().nullable(),
    schoolName: z.string().nullable(),
    schoolDslName: z.string().nullable(),
    schoolDslContact: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'Child' });

type ChildRow = Awaited<ReturnType<CasesService['overview']>>['child'];
export const toChild = (c: ChildRow): z.infer<typeof childOut> => ({
  id: c.id,
  laChildId: c.la_child_id,
  upn: c.upn,
  firstName: c.first_name,
  lastName: c.last_name,
  dateOfBirth: c.date_of_birth,
  expectedDateOfBirth: c.expected_date_of_birth,
  sex: c.sex,
  ethnicity: c.ethnicity,
  disabilities: c.disabilities,
  areaId: c.area_id,
  teamId: c.team_id,
  leadUserId: c.lead_user_id,
  schoolName: c.school_name,
  schoolDslName: c.school_dsl_name,
  schoolDslContact: c.school_dsl_contact,
  version: c.version,
});

const idOut = z.object({ id: z.uuid() });

const uuidFilter = (name: string) => z.uuid({ error: `${name} must be the id (a UUID) of one of your partnership’s ${name === 'area' ? 'areas' : 'teams'}` }).optional();
export const apiListQuery = z.object({
  ...pageQuery,
  q: z.string().trim().max(200, 'q must be 200 characters or fewer').optional().describe('Part of the child’s name or LA child id'),
  area: uuidFilter('area').describe('An area id (GET /api/v1/areas)'),
  team: uuidFilter('team').describe('A team id (GET /api/v1/teams)'),
  category: z.enum(CATEGORIES, { error: `category must be one of ${CATEGORIES.join(', ')}` }).optional().describe('The current plan’s latest category of abuse'),
  status: z
    .enum(['on-plan', 'plan-ended', 'no-plan'], { error: 'status must be one of on-plan, plan-ended, no-plan' })
    .optional()
    .describe('on-plan: on a child protection plan now; plan-ended: was on a plan, not now; no-plan: never on a plan'),
  onPlan: z.preprocess((v) => v === 'yes' || v === 'true' || v === true, z.boolean()).optional().describe('yes: the same as status=on-plan'),
});

const childListItem = z.object({
  id: z.uuid(),
  laChildId: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  dateOfBirth: z.string().nullable(),
  areaId: z.uuid().nullable(),
  teamId: z.uuid().nullable(),
  team: z.string().nullable(),
  lead: z.string().nullable(),
  onPlanSince: z.string().nullable().describe('The current plan’s start date; null when not on a plan'),
  category: z.string().nullable().describe('The current plan’s latest category'),
});

const childRecordOut = z.object({
  child: childOut,
  family: z.array(z.object({ id: z.uuid(), name: z.string(), relationship: z.string(), livesWithChild: z.boolean(), parentalResponsibility: z.boolean() })),
  referrals: z.array(z.object({ id: z.uuid(), receivedOn: z.string(), source: z.string().nullable(), summary: z.string() })),
  strategyDiscussions: z.array(z.object({ id: z.uuid(), heldOn: z.string(), outcome: z.string(), participants: z.array(z.object({ name: z.string(), agency: z.string() })) })),
  s47Enquiries: z.array(z.object({ id: z.uuid(), startedOn: z.string(), icpcTargetOn: z.string().nullable(), outcome: z.string().nullable(), concludedOn: z.string().nullable() })),
  conferences: z.array(z.object({ id: z.uuid(), kind: z.string(), scheduledOn: z.string(), heldOn: z.string().nullable(), status: z.string(), decision: z.string().nullable(), categories: z.array(z.string()) })),
  plans: z.array(z.object({ id: z.uuid(), startedOn: z.string(), endedOn: z.string().nullable(), initialCategory: z.string(), latestCategory: z.string(), previousPlans: z.number().int(), cinPlan: z.string().nullable() })),
});

const conferenceListQuery = z.object({
  ...pageQuery,
  kind: z.enum(CONFERENCE_KINDS, { error: `kind must be one of ${CONFERENCE_KINDS.join(', ')}` }).optional(),
  status: z.enum(['scheduled', 'completed', 'cancelled'], { error: 'status must be one of scheduled, completed, cancelled' }).optional(),
});
const conferenceListItem = z.object({
  id: z.uuid(),
  kind: z.enum(CONFERENCE_KINDS),
  scheduledOn: z.string(),
  heldOn: z.string().nullable(),
  chair: z.string().nullable(),
  status: z.enum(['scheduled', 'completed', 'cancelled']),
  decision: z.string().nullable(),
  categories: z.array(z.string()),
  version: z.number().int(),
});
const conferenceOut = conferenceListItem.omit({ version: true }).extend({
  rationale: z.string().nullable(),
  dissent: z.string().nullable(),
  version: z.number().int(),
  invitees: z.array(z.object({ id: z.uuid(), name: z.string().nullable(), agency: z.string().nullable(), isParent: z.boolean(), attendance: z.string().nullable(), reportReceived: z.boolean().nullable() })),
});

export function casesApiRoutes(cases: CasesService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/children',
      tag: 'Children',
      summary:
        'Children whose records you may see (lead, core group member, team manager, conference chair), by surname; filter by q (name or LA child id), area, team, category (of the current plan) and status; page with page and pageSize',
      query: apiListQuery,
      response: pageOut(childListItem),
      example: {
        items: [
          { id: '3f8e2a51-6c4b-4d7e-9a10-2b5c7d8e9f01', laChildId: 'LA-004217', firstName: 'Ada', lastName: 'Example', dateOfBirth: '2019-04-12', areaId: '7b1c9d20-3e4f-4a5b-8c6d-7e8f9a0b1c2d', teamId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', team: 'North Assessment Team', lead: 'Sam Jones', onPlanSince: '2026-09-14', category: 'NEG' },
        ],
        page: 1,
        pageSize: 50,
        total: 1,
      },
      handler: async ({ actor, query }) => {
        const { page, pageSize, area, team, ...filter } = query;
        const r = await cases.list(actor, { ...filter, areaId: area, teamId: team, page, pageSize });
        return pageOf(
          r.rows.map((c) => ({
            id: c.id,
            laChildId: c.la_child_id,
            firstName: c.first_name,
            lastName: c.last_name,
            dateOfBirth: c.date_of_birth,
            areaId: c.area_id,
            teamId: c.team_id,
            team: c.team_name,
            lead: c.lead_name,
            onPlanSince: c.plan_started_on,
            category: c.plan_category,
          })),
          r.total,
          query,
        );
      },
    }),
    apiRoute({ method: 'POST', url: '/children', tag: 'Children', summary: 'Start a child’s record with the referral', authorize: ({ actor }) => cases.assertCanCreate(actor), body: newChildSchema, response: idOut, handler: async ({ actor, body }) => ({ id: await cases.create(actor, body) }) }),
    apiRoute({
      method: 'GET',
      url: '/children/:id',
      tag: 'Children',
      summary: 'One child’s record: details, family, journey and current plan (access-logged)',
      params: childParams,
      response: childRecordOut,
      example: {
        child: {
          id: '3f8e2a51-6c4b-4d7e-9a10-2b5c7d8e9f01',
          laChildId: 'LA-004217',
          upn: null,
          firstName: 'Ada',
          lastName: 'Example',
          dateOfBirth: '2019-04-12',
          expectedDateOfBirth: null,
          sex: 'female',
          ethnicity: 'WBRI',
          disabilities: [],
          areaId: '7b1c9d20-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
          teamId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
          leadUserId: '8c9d0e1f-2a3b-4c4d-8e5f-6a7b8c9d0e1f',
          schoolName: 'Example Primary School',
          schoolDslName: 'Chris Teacher',
          schoolDslContact: 'dsl@example-primary.example.org',
          version: 4,
        },
        family: [{ id: '9d0e1f2a-3b4c-4d5e-9f6a-7b8c9d0e1f2a', name: 'Mary Example', relationship: 'mother', livesWithChild: true, parentalResponsibility: true }],
        referrals: [{ id: 'ae1f2a3b-4c5d-4e6f-8a7b-8c9d0e1f2a3b', receivedOn: '2026-08-20', source: 'School', summary: 'Ada came to school hungry and unwashed on several days.' }],
        strategyDiscussions: [{ id: 'bf2a3b4c-5d6e-4f7a-9b8c-9d0e1f2a3b4c', heldOn: '2026-08-22', outcome: 'section-47', participants: [{ name: 'Sam Jones', agency: 'Example Children’s Social Care' }, { name: 'PC Ali', agency: 'Example Police' }] }],
        s47Enquiries: [{ id: 'c03b4c5d-6e7f-4a8b-8c9d-0e1f2a3b4c5d', startedOn: '2026-08-22', icpcTargetOn: '2026-09-12', outcome: 'icpc', concludedOn: '2026-09-10' }],
        conferences: [{ id: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c', kind: 'initial', scheduledOn: '2026-09-14', heldOn: '2026-09-14', status: 'completed', decision: 'plan', categories: ['NEG'] }],
        plans: [{ id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', startedOn: '2026-09-14', endedOn: null, initialCategory: 'NEG', latestCategory: 'NEG', previousPlans: 0, cinPlan: null }],
      },
      handler: async ({ actor, params }) => {
        const r = await cases.overview(actor, params.id);
        return {
          child: toChild(r.child),
          family: r.family.map((f) => ({ id: f.id, name: f.name, relationship: f.relationship, livesWithChild: f.lives_with_child, parentalResponsibility: f.parental_responsibility })),
          referrals: r.referrals.map((x) => ({ id: x.id, receivedOn: x.received_on, source: x.source, summary: x.summary })),
          strategyDiscussions: r.strategy.map((s) => ({ id: s.id, heldOn: s.held_on, outcome: s.outcome, participants: s.participants.map((p) => ({ name: p.name, agency: p.agency_name })) })),
          s47Enquiries: r.s47s.map((s) => ({ id: s.id, startedOn: s.started_on, icpcTargetOn: s.icpc_target_on, outcome: s.outcome, concludedOn: s.concluded_on })),
          conferences: r.conferences.map((c) => ({ id: c.id, kind: c.kind, scheduledOn: c.scheduled_on, heldOn: c.held_on, status: c.status, decision: c.decision, categories: c.categories })),
          plans: r.plans.map((p) => ({ id: p.id, startedOn: p.started_on, endedOn: p.ended_on, initialCategory: p.initial_category, latestCategory: p.latest_category, previousPlans: p.previous_plans, cinPlan: p.cin_plan })),
        };
      },
    }),
    apiRoute({
      method: 'PATCH',
      url: '/children/:id',
      tag: 'Children',
      summary: 'Change a child’s details; send the version you read (409 if someone changed it since)',
      params: childParams,
      authorize: ({ actor, params }) => cases.assertCanEdit(actor, params.id),
      body: childUpdateSchema,
      response: childOut,
      handler: async ({ actor, params, body }) => {
        await cases.update(actor, params.id, body);
        return toChild((await cases.overview(actor, params.id)).child);
      },
    }),
    apiRoute({ method: 'POST', url: '/children/:id/family', tag: 'Children', summary: 'Add a family or household member', params: childParams, authorize: ({ actor, params }) => cases.assertCanEdit(actor, params.id), body: familyMemberSchema, response: idOut, handler: async ({ actor, params, body }) => ({ id: await cases.addFamilyMember(actor, params.id, body) }) }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/strategy-discussions',
      tag: 'Children',
      summary: 'Record a strategy discussion; an outcome of section-47 starts the enquiry with an ICPC target 15 working days later',
      params: childParams,
      authorize: ({ actor, params }) => cases.assertCanEdit(actor, params.id),
      body: strategyDiscussionSchema,
      response: idOut,
      handler: async ({ actor, params, body }) => ({ id: await cases.addStrategyDiscussion(actor, params.id, body) }),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/allocation',
      tag: 'Children',
      summary: 'Allocate the child to a team of children’s social care and a lead practitioner (team managers)',
      params: childParams,
      authorize: ({ actor, params }) => cases.assertCanAllocate(actor, params.id),
      body: allocationSchema,
      status: 204,
      handler: async ({ actor, params, body }) => {
        await cases.allocate(actor, params.id, body);
        return undefined;
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/s47/:s47Id/outcome',
      tag: 'Children',
      summary: 'Conclude a section 47 enquiry that does not lead to an initial conference',
      params: s47Params,
      authorize: ({ actor, params }) => cases.assertCanEdit(actor, params.id),
      body: s47OutcomeSchema,
      status: 204,
      handler: async ({ actor, params, body }) => {
        await cases.concludeS47(actor, params.id, params.s47Id, body);
        return undefined;
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/conferences',
      tag: 'Conferences',
      summary: 'Schedule a conference with its chair and invited agencies',
      params: childParams,
      authorize: ({ actor, params }) => cases.assertCanEdit(actor, params.id),
      body: conferenceScheduleSchema,
      response: idOut,
      handler: async ({ actor, params, body }) => ({ id: await cases.scheduleConference(actor, params.id, body) }),
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/conferences',
      tag: 'Conferences',
      summary: 'The child’s conferences, latest first; filter by kind and status; page with page and pageSize (access-logged)',
      params: childParams,
      query: conferenceListQuery,
      response: pageOut(conferenceListItem),
      handler: async ({ actor, params, query }) => {
        const all = (await cases.conferences(actor, params.id)).filter((c) => (!query.kind || c.kind === query.kind) && (!query.status || c.status === query.status));
        return paged(
          all.map((c) => ({ id: c.id, kind: c.kind, scheduledOn: c.scheduled_on, heldOn: c.held_on, chair: c.chair_name, status: c.status, decision: c.decision, categories: c.categories, version: c.version })),
          query,
        );
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/conferences/:conferenceId',
      tag: 'Conferences',
      summary: 'A conference with its invitees and attendance',
      params: conferenceParams,
      response: conferenceOut,
      handler: async ({ actor, params }) => {
        const c = await cases.conference(actor, params.id, params.conferenceId);
        return {
          id: c.conference.id,
          kind: c.conference.kind,
          scheduledOn: c.conference.scheduled_on,
          heldOn: c.conference.held_on,
          chair: c.conference.chair_name,
          status: c.conference.status,
          decision: c.conference.decision,
          categories: c.conference.categories,
          rationale: c.conference.rationale,
          dissent: c.conference.dissent,
          version: c.conference.version,
          invitees: c.invitees.map((i) => ({ id: i.id, name: i.name, agency: i.agency_name, isParent: i.is_parent, attendance: i.attendance, reportReceived: i.report_received })),
        };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/conferences/:conferenceId/outcome',
      tag: 'Conferences',
      summary: 'Record attendance (by invitee id) and the decision, and complete the conference',
      params: conferenceParams,
      authorize: ({ actor, params }) => cases.assertCanRecordConference(actor, params.id, params.conferenceId),
      body: conferenceOutcomeSchema,
      status: 200,
      response: z.object({ planId: z.uuid().nullable().describe('The plan the decision started, when it started one') }),
      handler: async ({ actor, params, body }) => cases.recordConferenceOutcome(actor, params.id, params.conferenceId, body),
    }),
  ];
}

