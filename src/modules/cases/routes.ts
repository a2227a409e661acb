/**
 * Pages and API of the child's record: children, family, strategy discussions, conferences.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CATEGORIES } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { toCsv, toXlsx } from '../../lib/tabular.js';
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

export function casesApiRoutes(cases: CasesService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/children',
      tag: 'Children',
      summary: 'Children whose records you may see (lead, core group member, team manager, conference chair), 50 a page',
      query: listQuery,
      handler: async ({ actor, query }) => {
        const r = await cases.list(actor, query);
        return {
          items: r.rows.map((c) => ({ id: c.id, laChildId: c.la_child_id, firstName: c.first_name, lastName: c.last_name, dateOfBirth: c.date_of_birth, onPlanSince: c.plan_started_on, category: c.plan_category })),
          total: r.total,
          page: query.page,
          pageSize: PAGE_SIZE,
        };
      },
    }),
    apiRoute({ method: 'POST', url: '/children', tag: 'Children', summary: 'Start a child’s record with the referral', authorize: ({ actor }) => cases.assertCanCreate(actor), body: newChildSchema, response: idOut, handler: async ({ actor, body }) => ({ id: await cases.create(actor, body) }) }),
    apiRoute({
      method: 'GET',
      url: '/children/:id',
      tag: 'Children',
      summary: 'One child’s record: details, family, journey and current plan (access-logged)',
      params: childParams,
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
      url: '/children/:id/conferences/:conferenceId',
      tag: 'Conferences',
      summary: 'A conference with its invitees and attendance',
      params: conferenceParams,
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
      handler: async ({ actor, params, body }) => cases.recordConferenceOutcome(actor, params.id, params.conferenceId, body),
    }),
  ];
}

