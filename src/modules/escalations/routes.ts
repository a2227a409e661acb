/**
 * Pages and API of escalations between agencies.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../lib/actor.js';
import { ValidationError } from '../../lib/errors.js';
import { paged, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import { DEFAULT_STAGE_WORKING_DAYS, STAGE_LABELS } from './policy.js';
import { escalateSchema, EVENT_LABELS, raiseSchema, resolveSchema, responseSchema, STATUS_LABELS, withdrawSchema } from './schemas.js';
import type { EscalationRow, EscalationsService } from './service.js';

const childParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }) });
const escalationParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }), escalationId: z.uuid({ error: 'Escalation not found' }) });

const labels = { stage: STAGE_LABELS, status: STATUS_LABELS, event: EVENT_LABELS, stageDays: DEFAULT_STAGE_WORKING_DAYS };

/**
 * The escalation page has four forms; their fields have names of their own on the page
 * (so each error links to the right box) and the schema's names in the API.
 */
const ACTIONS = {
  response: { fields: { note: 'responseNote' } },
  escalate: { fields: { reason: 'escalateReason' } },
  resolve: { fields: { outcome: 'outcome', learning: 'learning' } },
  withdraw: { fields: { reason: 'withdrawReason' } },
} as const;
type ActionName = keyof typeof ACTIONS;

function actionForm(req: FastifyRequest, action: ActionName): Record<string, unknown> {
  const v = formValues(req);
  const out: Record<string, unknown> = { version: v.version };
  for (const [key, formName] of Object.entries(ACTIONS[action].fields)) out[key] = v[formName];
  return out;
}

function renameErrors(err: unknown, action: ActionName): never {
  if (err instanceof ValidationError) {
    const map = ACTIONS[action].fields as Record<string, string>;
    throw new ValidationError(Object.fromEntries(Object.entries(err.fields).map(([k, m]) => [map[k] ?? k, m])), err.message);
  }
  throw err;
}

export function escalationsRoutes(app: FastifyInstance, escalations: EscalationsService): void {
  app.get('/escalations', async (req, reply) => {
    const actor = requireActor(req);
    const rows = await escalations.openForActor(actor);
    return reply.page('escalations/views/all.njk', { title: 'Open escalations', section: 'escalations', escalations: rows, labels });
  });

  app.get('/children/:id/escalations', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const r = await escalations.listForChild(actor, id);
    return reply.page('escalations/views/escalations.njk', {
      title: `Escalations: ${r.child.first_name} ${r.child.last_name}`,
      section: 'children',
      ...r,
      labels,
      backLink: { href: `/children/${id}`, text: `${r.child.first_name}’s record` },
    });
  });

  const newPage = async (actor: Actor, id: string) => {
    const r = await escalations.listForChild(actor, id);
    return {
      title: 'Raise an escalation',
      section: 'children',
      child: r.child,
      agencyOptions: (await escalations.agencies(actor)).map((a) => [a.id, a.name]),
      labels,
      backLink: { href: `/children/${id}/escalations` },
    };
  };

  app.get('/children/:id/escalations/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    return reply.page('escalations/views/escalation-new.njk', { ...(await newPage(actor, id)), values: {} });
  });

  app.post('/children/:id/escalations/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await escalations.assertCanRaise(actor, id);
    return handleForm(req, reply, { template: 'escalations/views/escalation-new.njk', context: () => newPage(actor, id) }, async () => {
      const eid = await escalations.raise(actor, id, parse(raiseSchema, formValues(req)));
      return `/children/${id}/escalations/${eid}?done=raised`;
    });
  });

  const page = async (actor: Actor, id: string, escalationId: string) => {
    const r = await escalations.get(actor, id, escalationId);
    return { title: `Escalation about ${r.escalation.about_agency_name}`, section: 'children', ...r, labels, backLink: { href: `/children/${id}/escalations`, text: 'All escalations for this child' } };
  };

  app.get('/children/:id/escalations/:escalationId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, escalationId } = parse(escalationParams, req.params);
    const done = (req.query as Record<string, unknown>).done;
    return reply.page('escalations/views/escalation.njk', { ...(await page(actor, id, escalationId)), done: typeof done === 'string' ? done : null, values: {} });
  });

  for (const action of Object.keys(ACTIONS) as ActionName[]) {
    app.post(`/children/:id/escalations/:escalationId/${action}`, async (req, reply) => {
      const actor = requireActor(req);
      const { id, escalationId } = parse(escalationParams, req.params);
      await escalations.assertCanAct(actor, id, escalationId);
      return handleForm(req, reply, { template: 'escalations/views/escalation.njk', context: () => page(actor, id, escalationId) }, async () => {
        try {
          const input = actionForm(req, action);
          if (action === 'response') await escalations.respond(actor, id, escalationId, parse(responseSchema, input));
          else if (action === 'escalate') await escalations.escalate(actor, id, escalationId, parse(escalateSchema, input));
          else if (action === 'resolve') await escalations.resolve(actor, id, escalationId, parse(resolveSchema, input));
          else await escalations.withdraw(actor, id, escalationId, parse(withdrawSchema, input));
        } catch (err) {
          renameErrors(err, action);
        }
        return `/children/${id}/escalations/${escalationId}?done=${action}`;
      });
    });
  }
}

// API

const eventOut = z.object({ kind: z.string(), stage: z.number().int(), note: z.string(), by: z.string().nullable(), agency: z.string().nullable(), at: z.string() });
const escalationOut = z
  .object({
    id: z.uuid(),
    childId: z.uuid(),
    raisedByAgencyId: z.uuid(),
    raisedByAgency: z.string(),
    aboutAgencyId: z.uuid(),
    aboutAgency: z.string(),
    concern: z.string(),
    desiredOutcome: z.string().nullable(),
    stage: z.number().int(),
    stageStartedOn: z.string(),
    responseDueOn: z.string(),
    overdue: z.boolean(),
    status: z.enum(['open', 'resolved', 'withdrawn']),
    outcome: z.string().nullable(),
    learning: z.string().nullable(),
    resolvedOn: z.string().nullable(),
    version: z.number().int(),
    events: z.array(eventOut).optional(),
  })
  .meta({ id: 'Escalation' });

type Row = EscalationRow & { overdue: boolean };
type Ev = { kind: string; stage: number; note: string; user_name: string | null; agency_name: string | null; created_at: Date };
const toEscalation = (e: Row, events?: Ev[]): z.infer<typeof escalationOut> => ({
  id: e.id,
  childId: e.child_id,
  raisedByAgencyId: e.raised_by_agency_id,
  raisedByAgency: e.raised_by_agency_name,
  aboutAgencyId: e.about_agency_id,
  aboutAgency: e.about_agency_name,
  concern: e.concern,
  desiredOutcome: e.desired_outcome,
  stage: e.stage,
  stageStartedOn: e.stage_started_on,
  responseDueOn: e.response_due_on,
  overdue: e.overdue,
  status: e.status,
  outcome: e.outcome,
  learning: e.learning,
  resolvedOn: e.resolved_on,
  version: e.version,
  ...(events ? { events: events.map((ev) => ({ kind: ev.kind, stage: ev.stage, note: ev.note, by: ev.user_name, agency: ev.agency_name, at: new Date(ev.created_at).toISOString() })) } : {}),
});

const STATUSES = ['open', 'resolved', 'withdrawn'] as const;
const agencyFilter = (name: string) => z.uuid({ error: `${name} must be the id (a UUID) of an agency` }).optional();
const escalationListQuery = z.object({
  ...pageQuery,
  status: z.enum([...STATUSES, 'all'], { error: 'status must be one of open, resolved, withdrawn, all' }).default('open'),
  about: agencyFilter('about').describe('The agency the escalation is about'),
  raisedBy: agencyFilter('raisedBy').describe('The agency that raised it'),
  stage: z.coerce.number({ error: 'stage must be a whole number from 1 to 4' }).int('stage must be a whole number from 1 to 4').min(1, 'stage must be a whole number from 1 to 4').max(4, 'stage must be a whole number from 1 to 4').optional(),
  overdue: z.enum(['yes'], { error: 'overdue must be yes' }).optional().describe('yes: open ones past their response deadline'),
});
const childEscalationsQuery = z.object({ ...pageQuery, status: z.enum(STATUSES, { error: 'status must be one of open, resolved, withdrawn' }).optional() });
const escalationListItem = escalationOut.omit({ events: true }).extend({ child: z.object({ id: z.uuid(), firstName: z.string(), lastName: z.string(), laChildId: z.string() }) });

export function escalationsApiRoutes(escalations: EscalationsService): ApiRoute[] {
  const detail = async (actor: Actor, id: string, escalationId: string) => {
    const r = await escalations.get(actor, id, escalationId);
    return toEscalation(r.escalation, r.events);
  };
  return [
    apiRoute({
      method: 'GET',
      url: '/escalations',
      tag: 'Escalations',
      summary:
        'Escalations about the children whose records you may see: open ones (the default) soonest deadline first, others newest first; filter by status (open, resolved, withdrawn, all), about, raisedBy, stage and overdue=yes; page with page and pageSize (each listed is access-logged)',
      query: escalationListQuery,
      response: pageOut(escalationListItem),
      handler: async ({ actor, query }) => {
        const r = await escalations.pageForActor(actor, {
          status: query.status === 'all' ? undefined : query.status,
          aboutAgencyId: query.about,
          raisedByAgencyId: query.raisedBy,
          stage: query.stage,
          dueBefore: query.overdue ? 'today' : undefined,
          page: query.page,
          pageSize: query.pageSize,
        });
        return pageOf(
          r.rows.map((e) => ({ ...toEscalation(e), child: { id: e.child_id, firstName: e.first_name, lastName: e.last_name, laChildId: e.la_child_id } })),
          r.total,
          query,
        );
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/escalations',
      tag: 'Escalations',
      summary: 'The child’s escalations, open first; filter by status; page with page and pageSize (access-logged)',
      params: childParams,
      query: childEscalationsQuery,
      response: pageOut(escalationOut.omit({ events: true })),
      handler: async ({ actor, params, query }) =>
        paged(
          (await escalations.listForChild(actor, params.id)).escalations.filter((e) => !query.status || e.status === query.status).map((e) => toEscalation(e)),
          query,
        ),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/escalations',
      tag: 'Escalations',
      summary: 'Raise an escalation about an agency’s practice, at stage 1 with a response deadline 5 working days on. Anyone who can see the record may raise one.',
      params: childParams,
      body: raiseSchema,
      response: z.object({ id: z.uuid() }),
      handler: async ({ actor, params, body }) => ({ id: await escalations.raise(actor, params.id, body) }),
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/escalations/:escalationId',
      tag: 'Escalations',
      summary: 'One escalation with its history',
      params: escalationParams,
      response: escalationOut,
      handler: async ({ actor, params }) => detail(actor, params.id, params.escalationId),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/escalations/:escalationId/response',
      tag: 'Escalations',
      summary: 'Record a response at the current stage; send the version you read (409 if changed since)',
      params: escalationParams,
      authorize: ({ actor, params }) => escalations.assertCanAct(actor, params.id, params.escalationId),
      body: responseSchema,
      status: 200,
      response: escalationOut,
      handler: async ({ actor, params, body }) => {
        await escalations.respond(actor, params.id, params.escalationId, body);
        return detail(actor, params.id, params.escalationId);
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/escalations/:escalationId/escalate',
      tag: 'Escalations',
      summary: 'Escalate to the next stage from today, with its response deadline in working days (5, 5, 10, 10)',
      params: escalationParams,
      authorize: ({ actor, params }) => escalations.assertCanAct(actor, params.id, params.escalationId),
      body: escalateSchema,
      status: 200,
      response: escalationOut,
      handler: async ({ actor, params, body }) => {
        await escalations.escalate(actor, params.id, params.escalationId, body);
        return detail(actor, params.id, params.escalationId);
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/escalations/:escalationId/resolve',
      tag: 'Escalations',
      summary: 'Resolve with the outcome and the learning (both required)',
      params: escalationParams,
      authorize: ({ actor, params }) => escalations.assertCanAct(actor, params.id, params.escalationId),
      body: resolveSchema,
      status: 200,
      response: escalationOut,
      handler: async ({ actor, params, body }) => {
        await escalations.resolve(actor, params.id, params.escalationId, body);
        return detail(actor, params.id, params.escalationId);
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/escalations/:escalationId/withdraw',
      tag: 'Escalations',
      summary: 'Withdraw with the reason',
      params: escalationParams,
      authorize: ({ actor, params }) => escalations.assertCanAct(actor, params.id, params.escalationId),
      body: withdrawSchema,
      status: 200,
      response: escalationOut,
      handler: async ({ actor, params, body }) => {
        await escalations.withdraw(actor, params.id, params.escalationId, body);
        return detail(actor, params.id, params.escalationId);
      },
    }),
  ];
}
