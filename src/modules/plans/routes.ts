/**
 * Pages and API of the CP plan: the plan and its versions, revising it (in a core group meeting or
 * not), progress on actions, and every practitioner's "my actions".
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ACTION_STATUSES } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { paged, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { emptyToUndefined, parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import { labels as caseLabels } from '../cases/routes.js';
import {
  ACTION_STATUS_LABELS,
  ACTION_STATUS_TAGS,
  actionSchema,
  actionUpdateSchema,
  compareQuery,
  comparePageQuery,
  myActionsQuery,
  outcomeSchema,
  outcomeUpdateSchema,
  progressSchema,
  removalSchema,
} from './schemas.js';
import { MY_ACTIONS_PAGE_SIZE, type PlanActionView, type PlansService } from './service.js';

const uuid = (what: string) => z.uuid({ error: `${what} not found` });
const childParams = z.strictObject({ id: uuid('Child') });
const planParams = z.strictObject({ id: uuid('Child'), planId: uuid('Plan') });
const outcomeParams = z.strictObject({ id: uuid('Child'), outcomeId: uuid('Outcome') });
const actionParams = z.strictObject({ id: uuid('Child'), actionId: uuid('Action') });
const optionalUuid = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const planPageQuery = z.object({
  meetingId: optionalUuid,
  revised: z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined), z.number().optional()),
  unchanged: z.string().optional(),
});
const formQuery = z.object({ meetingId: optionalUuid, outcomeId: optionalUuid });

export const planLabels = {
  ...caseLabels,
  actionStatus: ACTION_STATUS_LABELS,
  actionStatusTag: ACTION_STATUS_TAGS,
  change: {
    'outcome-added': 'Outcome added',
    'outcome-removed': 'Outcome removed',
    'outcome-changed': 'Outcome changed',
    'action-added': 'Action added',
    'action-removed': 'Action removed',
    'action-changed': 'Action changed',
    'category-changed': 'Category changed',
  },
};

const planUrl = (childId: string, meetingId?: string | null, extra = '') => {
  const q = [meetingId ? `meetingId=${meetingId}` : '', extra].filter(Boolean).join('&');
  return `/children/${childId}/plan${q ? `?${q}` : ''}`;
};

export function plansRoutes(app: FastifyInstance, plans: PlansService): void {
  /** The 409 page: the saved version and the one the person sent, field by field; nothing they typed is lost. */
  const withConflictPage = async (reply: FastifyReply, actor: Actor, kind: 'outcome' | 'action' | 'progress', backTo: string, fn: () => Promise<FastifyReply>) => {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const rows = await plans.conflictRows(actor, kind, err);
      return reply.status(409).page('plans/views/conflict.njk', { title: 'Someone else changed this part of the plan', section: 'children', message: err.message, rows, backTo });
    }
  };

  const revisedTo = (id: string, meetingId: string | undefined, r: { planVersion: number | null }, anchor = '') =>
    planUrl(id, meetingId, r.planVersion === null ? 'unchanged=1' : `revised=${r.planVersion}`) + anchor;

  // The plan

  const planPage = async (reply: FastifyReply, actor: Actor, id: string, opts: { planId?: string; meetingId?: string | undefined; flash?: string | undefined }) => {
    const view = await plans.view(actor, id, opts);
    const c = view.child;
    return reply.page('plans/views/plan.njk', {
      title: view.plan && !view.current ? 'Past child protection plan' : 'Child protection plan',
      section: 'children',
      ...view,
      labels: planLabels,
      flash: opts.flash,
      backLink: { href: `/children/${c.id}`, text: `${c.first_name} ${c.last_name}` },
    });
  };

  app.get('/children/:id/plan', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const q = parse(planPageQuery, req.query);
    const flash = q.revised ? `The plan has been revised: version ${q.revised} saved.` : q.unchanged ? 'Nothing was changed.' : undefined;
    return planPage(reply, actor, id, { meetingId: q.meetingId, flash });
  });

  app.get('/children/:id/plans/:planId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, planId } = parse(planParams, req.params);
    return planPage(reply, actor, id, { planId });
  });

  // Comparing versions

  app.get('/children/:id/plan/versions', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const raw = req.query as Record<string, unknown>;
    const page = async (q: { from?: number | undefined; to?: number | undefined; planId?: string | undefined }, errors?: Record<string, string>) => {
      const r = await plans.compare(actor, id, q);
      return reply.status(errors ? 400 : 200).page('plans/views/compare.njk', {
        title: r.changes ? `Changes from version ${r.from!.number} to version ${r.to!.number}` : 'Compare versions of the plan',
        section: 'children',
        ...r,
        values: raw,
        errors,
        labels: planLabels,
        backLink: { href: r.plan.ended_on ? `/children/${id}/plans/${r.plan.id}` : `/children/${id}/plan`, text: 'The plan' },
      });
    };
    try {
      return await page(parse(comparePageQuery, raw));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const planId = typeof raw.planId === 'string' && /^[0-9a-f-]{36}$/i.test(raw.planId) ? raw.planId : undefined;
      return page({ planId }, err.fields);
    }
  });

  // Outcomes

  const outcomeContext = async (actor: Actor, id: string, opts: { outcomeId?: string; meetingId?: string | undefined }, mode: 'add' | 'edit' | 'remove') => {
    const f = await plans.revisionForm(actor, id, opts);
    const titles = { add: 'Add an outcome', edit: 'Change an outcome', remove: 'Remove an outcome' };
    return { title: titles[mode], section: 'children', mode, ...f, labels: planLabels, backLink: { href: planUrl(id, f.meeting?.id) } };
  };
  const meetingOf = (values: Record<string, unknown>) => (typeof values.meetingId === 'string' && values.meetingId ? values.meetingId : undefined);

  app.get('/children/:id/plan/outcomes/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const q = parse(formQuery, req.query);
    await plans.assertCanRevise(actor, id);
    return reply.page('plans/views/outcome-form.njk', { ...(await outcomeContext(actor, id, { meetingId: q.meetingId }, 'add')), values: { meetingId: q.meetingId } });
  });

  app.post('/children/:id/plan/outcomes/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await plans.assertCanRevise(actor, id);
    const v = formValues(req);
    return handleForm(req, reply, { template: 'plans/views/outcome-form.njk', context: () => outcomeContext(actor, id, { meetingId: meetingOf(v) }, 'add') }, async () => {
      const input = parse(outcomeSchema, v);
      const r = await plans.addOutcome(actor, id, input);
      return revisedTo(id, input.meetingId, r, `#outcome-${r.id}`);
    });
  });

  app.get('/children/:id/plan/outcomes/:outcomeId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, outcomeId } = parse(outcomeParams, req.params);
    const q = parse(formQuery, req.query);
    await plans.assertCanRevise(actor, id);
    const ctx = await outcomeContext(actor, id, { outcomeId, meetingId: q.meetingId }, 'edit');
    return reply.page('plans/views/outcome-form.njk', { ...ctx, values: { title: ctx.outcome!.title, version: ctx.outcome!.version, meetingId: q.meetingId } });
  });

  app.post('/children/:id/plan/outcomes/:outcomeId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, outcomeId } = parse(outcomeParams, req.params);
    await plans.assertCanRevise(actor, id);
    const v = formValues(req);
    return withConflictPage(reply, actor, 'outcome', planUrl(id, meetingOf(v)), () =>
      handleForm(req, reply, { template: 'plans/views/outcome-form.njk', context: () => outcomeContext(actor, id, { outcomeId, meetingId: meetingOf(v) }, 'edit') }, async () => {
        const input = parse(outcomeUpdateSchema, v);
        return revisedTo(id, input.meetingId, await plans.updateOutcome(actor, id, outcomeId, input), `#outcome-${outcomeId}`);
      }),
    );
  });

  app.get('/children/:id/plan/outcomes/:outcomeId/remove', async (req, reply) => {
    const actor = requireActor(req);
    const { id, outcomeId } = parse(outcomeParams, req.params);
    const q = parse(formQuery, req.query);
    await plans.assertCanRevise(actor, id);
    const ctx = await outcomeContext(actor, id, { outcomeId, meetingId: q.meetingId }, 'remove');
    return reply.page('plans/views/remove.njk', { ...ctx, values: { version: ctx.outcome!.version, meetingId: q.meetingId } });
  });

  app.post('/children/:id/plan/outcomes/:outcomeId/remove', async (req, reply) => {
    const actor = requireActor(req);
    const { id, outcomeId } = parse(outcomeParams, req.params);
    await plans.assertCanRevise(actor, id);
    const v = formValues(req);
    return withConflictPage(reply, actor, 'outcome', planUrl(id, meetingOf(v)), () =>
      handleForm(req, reply, { template: 'plans/views/remove.njk', context: () => outcomeContext(actor, id, { outcomeId, meetingId: meetingOf(v) }, 'remove') }, async () => {
        const input = parse(removalSchema, v);
        return revisedTo(id, input.meetingId, await plans.removeOutcome(actor, id, outcomeId, input));
      }),
    );
  });

  // Actions

  const actionContext = async (actor: Actor, id: string, opts: { actionId?: string; meetingId?: string | undefined }, mode: 'add' | 'edit' | 'remove') => {
    const f = await plans.revisionForm(actor, id, opts);
    const titles = { add: 'Add an action', edit: 'Change an action', remove: 'Remove an action' };
    return { title: titles[mode], section: 'children', mode, ...f, labels: planLabels, backLink: { href: planUrl(id, f.meeting?.id) } };
  };

  app.get('/children/:id/plan/actions/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const q = parse(formQuery, req.query);
    await plans.assertCanRevise(actor, id);
    return reply.page('plans/views/action-form.njk', { ...(await actionContext(actor, id, { meetingId: q.meetingId }, 'add')), values: { outcomeId: q.outcomeId, meetingId: q.meetingId } });
  });

  app.post('/children/:id/plan/actions/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await plans.assertCanRevise(actor, id);
    const v = formValues(req);
    return handleForm(req, reply, { template: 'plans/views/action-form.njk', context: () => actionContext(actor, id, { meetingId: meetingOf(v) }, 'add') }, async () => {
      const input = parse(actionSchema, v);
      return revisedTo(id, input.meetingId, await plans.addAction(actor, id, input), `#outcome-${input.outcomeId}`);
    });
  });

  app.get('/children/:id/plan/actions/:actionId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, actionId } = parse(actionParams, req.params);
    const q = parse(formQuery, req.query);
    await plans.assertCanRevise(actor, id);
    const ctx = await actionContext(actor, id, { actionId, meetingId: q.meetingId }, 'edit');
    const a = ctx.action!;
    return reply.page('plans/views/action-form.njk', {
      ...ctx,
      values: {
        outcomeId: a.outcome_id,
        what: a.what,
        ownerUserId: a.owner_user_id ?? '',
        ownerName: a.owner_user_id ? '' : a.owner_name,
        ownerAgencyId: a.owner_user_id ? '' : a.owner_agency_id,
        dueOn: a.due_on,
        doneMeasure: a.done_measure,
        workedMeasure: a.worked_measure,
        version: a.version,
        meetingId: q.meetingId,
      },
    });
  });

  app.post('/children/:id/plan/actions/:actionId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, actionId } = parse(actionParams, req.params);
    await plans.assertCanRevise(actor, id);
    const v = formValues(req);
    return withConflictPage(reply, actor, 'action', planUrl(id, meetingOf(v)), () =>
      handleForm(req, reply, { template: 'plans/views/action-form.njk', context: () => actionContext(actor, id, { actionId, meetingId: meetingOf(v) }, 'edit') }, async () => {
        const input = parse(actionUpdateSchema, v);
        return revisedTo(id, input.meetingId, await plans.updateAction(actor, id, actionId, input), `#action-${actionId}`);
      }),
    );
  });

  app.get('/children/:id/plan/actions/:actionId/remove', async (req, reply) => {
    const actor = requireActor(req);
    const { id, actionId } = parse(actionParams, req.params);
    const q = parse(formQuery, req.query);
    await plans.assertCanRevise(actor, id);
    const ctx = await actionContext(actor, id, { actionId, meetingId: q.meetingId }, 'remove');
    return reply.page('plans/views/remove.njk', { ...ctx, values: { version: ctx.action!.version, meetingId: q.meetingId } });
  });

  app.post('/children/:id/plan/actions/:actionId/remove', async (req, reply) => {
    const actor = requireActor(req);
    const { id, actionId } = parse(actionParams, req.params);
    await plans.assertCanRevise(actor, id);
    const v = formValues(req);
    return withConflictPage(reply, actor, 'action', planUrl(id, meetingOf(v)), () =>
      handleForm(req, reply, { template: 'plans/views/remove.njk', context: () => actionContext(actor, id, { actionId, meetingId: meetingOf(v) }, 'remove') }, async () => {
        const input = parse(removalSchema, v);
        return revisedTo(id, input.meetingId, await plans.removeAction(actor, id, actionId, input));
      }),
    );
  });

  // Progress

  const progressContext = async (actor: Actor, id: string, actionId: string) => {
    const a = await plans.action(actor, id, actionId);
    return { title: 'Progress on an action', section: 'children', ...a, statuses: ACTION_STATUSES, labels: planLabels, backLink: { href: `/children/${id}/plan#action-${actionId}`, text: 'The plan' } };
  };

  app.get('/children/:id/plan/actions/:actionId/progress', async (req, reply) => {
    const actor = requireActor(req);
    const { id, actionId } = parse(actionParams, req.params);
    const ctx = await progressContext(actor, id, actionId);
    const saved = (req.query as Record<string, unknown>).saved !== undefined;
    return reply.page('plans/views/progress.njk', { ...ctx, values: { status: ctx.action.status, version: ctx.action.version }, flash: saved ? 'Progress recorded.' : undefined });
  });

  app.post('/children/:id/plan/actions/:actionId/progress', async (req, reply) => {
    const actor = requireActor(req);
    const { id, actionId } = parse(actionParams, req.params);
    await plans.assertCanUpdateAction(actor, id, actionId);
    const url = `/children/${id}/plan/actions/${actionId}/progress`;
    return withConflictPage(reply, actor, 'progress', url, () =>
      handleForm(req, reply, { template: 'plans/views/progress.njk', context: () => progressContext(actor, id, actionId) }, async () => {
        await plans.recordProgress(actor, id, actionId, parse(progressSchema, formValues(req)));
        return `${url}?saved=1`;
      }),
    );
  });

  // My actions

  app.get('/my/actions', async (req, reply) => {
    const actor = requireActor(req);
    const q = parse(myActionsQuery, req.query);
    const r = await plans.myActions(actor, q);
    return reply.page('plans/views/my-actions.njk', {
      title: 'Your actions',
      section: 'actions',
      ...r,
      whose: q.whose,
      page: q.page,
      pages: Math.max(1, Math.ceil(r.total / MY_ACTIONS_PAGE_SIZE)),
      labels: planLabels,
    });
  });
}

// API

const removalQuery = z.object({
  version: z.coerce.number({ error: 'Send the version you read' }).int().min(1),
  meetingId: z.uuid({ error: 'The meeting this change was made in is not recognised' }).optional(),
  reason: z.string().trim().max(1000).optional(),
});

const actionOut = z
  .object({
    id: z.uuid(),
    outcomeId: z.uuid(),
    what: z.string(),
    owner: z.object({ userId: z.uuid().nullable(), name: z.string(), agencyId: z.uuid(), agency: z.string() }),
    dueOn: z.string(),
    doneMeasure: z.string(),
    workedMeasure: z.string(),
    status: z.enum(ACTION_STATUSES),
    overdue: z.boolean(),
    version: z.number().int(),
    latestProgress: z.object({ status: z.string(), note: z.string(), at: z.string(), by: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'PlanAction' });

const versionOut = z
  .object({
    number: z.number().int(),
    summary: z.string(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    meetingId: z.uuid().nullable(),
    meetingHeldOn: z.string().nullable(),
    conferenceId: z.uuid().nullable(),
    conferenceKind: z.string().nullable(),
    conferenceOn: z.string().nullable(),
  })
  .meta({ id: 'PlanVersion' });

const planOut = z
  .object({
    id: z.uuid(),
    childId: z.uuid(),
    startedOn: z.string(),
    endedOn: z.string().nullable(),
    initialCategory: z.string(),
    latestCategory: z.string(),
    previousPlans: z.number().int(),
    currentVersion: z.number().int().nullable(),
    outcomes: z.array(z.object({ id: z.uuid(), title: z.string(), position: z.number().int(), version: z.number().int(), actions: z.array(actionOut) })),
    versions: z.array(versionOut),
  })
  .meta({ id: 'Plan' });

const revisionOut = z.object({ id: z.uuid(), version: z.number().int().optional(), planVersion: z.number().int().nullable() }).meta({ id: 'PlanRevision' });

const compareOut = z.object({
  planId: z.uuid(),
  from: versionOut,
  to: versionOut,
  changes: z.array(
    z.object({
      kind: z.enum(['outcome-added', 'outcome-removed', 'outcome-changed', 'action-added', 'action-removed', 'action-changed', 'category-changed']),
      outcome: z.string(),
      action: z.string().optional(),
      field: z.string().optional(),
      before: z.string().optional(),
      after: z.string().optional(),
    }),
  ),
  between: z.array(versionOut).describe('The versions after from up to to, each with where it was made'),
});

const versionsQuery = z.object({ ...pageQuery, planId: z.preprocess(emptyToUndefined, z.uuid({ error: 'planId must be the id (a UUID) of one of the child’s plans' }).optional()).describe('A past plan (default: the current one)') });

const myActionOut = z.object({
  id: z.uuid(),
  childId: z.uuid(),
  child: z.string(),
  laChildId: z.string(),
  outcome: z.string(),
  what: z.string(),
  owner: z.object({ userId: z.uuid().nullable(), name: z.string(), agency: z.string() }),
  dueOn: z.string(),
  status: z.enum(ACTION_STATUSES),
  overdue: z.boolean(),
});

const progressOut = z.object({ id: z.uuid(), status: z.string(), note: z.string(), meetingId: z.uuid().nullable(), at: z.iso.datetime(), by: z.string().nullable(), byAgency: z.string().nullable() });
const actionDetailOut = actionOut.omit({ latestProgress: true }).extend({
  planId: z.uuid(),
  outcome: z.string(),
  open: z.boolean().describe('False when the plan has ended or the action was removed'),
  progress: z.array(progressOut).describe('Every progress note, newest first'),
});

const CHILD = '3f8e2a51-6c4b-4d7e-9a10-2b5c7d8e9f01';
const PLAN_EXAMPLE = {
  id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  childId: CHILD,
  startedOn: '2026-09-14',
  endedOn: null,
  initialCategory: 'NEG',
  latestCategory: 'NEG',
  previousPlans: 0,
  currentVersion: 2,
  outcomes: [
    {
      id: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
      title: 'Ada is safe from neglect at home',
      position: 1,
      version: 1,
      actions: [
        {
          id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
          outcomeId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
          what: 'Health visitor to complete a developmental check',
          owner: { userId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', name: 'Priya Shah', agencyId: '3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a', agency: 'Example Community Health' },
          dueOn: '2026-11-20',
          doneMeasure: 'The check is recorded and shared with the core group',
          workedMeasure: 'Ada meets her developmental milestones at the next check',
          status: 'in-progress',
          overdue: false,
          version: 3,
          latestProgress: { status: 'in-progress', note: 'Check booked for 14 November; mum has agreed to attend.', at: '2026-11-02T09:30:00.000Z', by: 'Priya Shah' },
        },
      ],
    },
  ],
  versions: [
    { number: 2, summary: 'Action added: “Health visitor to complete a developmental check”', createdAt: '2026-10-05T14:00:00.000Z', createdBy: 'Sam Jones', meetingId: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b', meetingHeldOn: '2026-10-05', conferenceId: null, conferenceKind: null, conferenceOn: null },
    { number: 1, summary: 'Outline plan agreed at the initial conference', createdAt: '2026-09-14T12:00:00.000Z', createdBy: 'Jo Chair', meetingId: null, meetingHeldOn: null, conferenceId: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c', conferenceKind: 'initial', conferenceOn: '2026-09-14' },
  ],
};

/** An action as the API shows it, in the plan and on its own. */
const actionFields = (a: PlanActionView) => ({
  id: a.id,
  outcomeId: a.outcome_id,
  what: a.what,
  owner: { userId: a.owner_user_id, name: a.owner_name, agencyId: a.owner_agency_id, agency: a.agency_name },
  dueOn: a.due_on,
  doneMeasure: a.done_measure,
  workedMeasure: a.worked_measure,
  status: a.status,
  overdue: a.overdue,
  version: a.version,
});
const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

type View = Awaited<ReturnType<PlansService['view']>>;
type VersionRow = View['versions'][number];
const toVersion = (v: VersionRow): z.infer<typeof versionOut> => ({
  number: v.number,
  summary: v.summary,
  createdAt: iso(v.created_at),
  createdBy: v.created_by_name,
  meetingId: v.meeting_id,
  meetingHeldOn: v.meeting_held_on,
  conferenceId: v.conference_id,
  conferenceKind: v.conference_kind,
  conferenceOn: v.conference_on,
});

const toPlan = (v: View): z.infer<typeof planOut> => {
  const p = v.plan!;
  return {
    id: p.id,
    childId: p.child_id,
    startedOn: p.started_on,
    endedOn: p.ended_on,
    initialCategory: p.initial_category,
    latestCategory: p.latest_category,
    previousPlans: p.previous_plans,
    currentVersion: v.versions[0]?.number ?? null,
    outcomes: v.outcomes.map((o) => ({
      id: o.id,
      title: o.title,
      position: o.position,
      version: o.version,
      actions: o.actions.map((a) => ({
        ...actionFields(a),
        latestProgress: a.latest ? { status: a.latest.status, note: a.latest.note, at: iso(a.latest.created_at), by: a.latest.author_name } : null,
      })),
    })),
    versions: v.versions.map(toVersion),
  };
};

export function plansApiRoutes(plans: PlansService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/children/:id/plan',
      tag: 'Plans',
      summary: 'The child’s current child protection plan: outcomes, actions in five columns with status and latest progress, and versions (access-logged)',
      params: childParams,
      response: planOut,
      example: PLAN_EXAMPLE,
      handler: async ({ actor, params }) => {
        const v = await plans.view(actor, params.id);
        if (!v.plan) throw new NotFoundError('The child has no current child protection plan');
        return toPlan(v);
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/plans/:planId',
      tag: 'Plans',
      summary: 'One of the child’s plans, current or past (ids in GET /children/:id), as it stands: outcomes, actions and versions (access-logged)',
      params: planParams,
      response: planOut,
      handler: async ({ actor, params }) => toPlan(await plans.view(actor, params.id, { planId: params.planId })),
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/plan/versions',
      tag: 'Plans',
      summary: 'The versions of the child’s current plan (or planId’s), newest first, each with what changed and where (meeting or conference); page with page and pageSize (access-logged)',
      params: childParams,
      query: versionsQuery,
      response: pageOut(versionOut),
      handler: async ({ actor, params, query }) => paged((await plans.compare(actor, params.id, { planId: query.planId })).versions.map(toVersion), query),
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/plan/actions/:actionId',
      tag: 'Plans',
      summary: 'One action of the child’s plan with every progress note, newest first (access-logged)',
      params: actionParams,
      response: actionDetailOut,
      handler: async ({ actor, params }) => {
        const r = await plans.action(actor, params.id, params.actionId);
        const a = r.action;
        return {
          ...actionFields(a),
          planId: r.plan.id,
          outcome: r.outcome.title,
          open: r.open,
          progress: r.updates.map((u) => ({ id: u.id, status: u.status, note: u.note, meetingId: u.meeting_id, at: iso(u.created_at), by: u.author_name, byAgency: u.author_agency })),
        };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/plan/outcomes',
      tag: 'Plans',
      summary: 'Add an outcome (what must change for the child); a new version of the plan, linked to the draft meeting given as meetingId',
      params: childParams,
      authorize: ({ actor, params }) => plans.assertCanRevise(actor, params.id),
      body: outcomeSchema,
      response: revisionOut,
      handler: async ({ actor, params, body }) => plans.addOutcome(actor, params.id, body),
    }),
    apiRoute({
      method: 'PATCH',
      url: '/children/:id/plan/outcomes/:outcomeId',
      tag: 'Plans',
      summary: 'Rename an outcome; send the version you read (409 if someone changed it since)',
      params: outcomeParams,
      authorize: ({ actor, params }) => plans.assertCanRevise(actor, params.id),
      body: outcomeUpdateSchema,
      response: revisionOut,
      handler: async ({ actor, params, body }) => plans.updateOutcome(actor, params.id, params.outcomeId, body),
    }),
    apiRoute({
      method: 'DELETE',
      url: '/children/:id/plan/outcomes/:outcomeId',
      tag: 'Plans',
      summary: 'Remove an outcome and its actions; ?version=N (the version you read), optional meetingId and reason',
      params: outcomeParams,
      authorize: ({ actor, params }) => plans.assertCanRevise(actor, params.id),
      query: removalQuery,
      response: revisionOut,
      handler: async ({ actor, params, query }) => plans.removeOutcome(actor, params.id, params.outcomeId, { version: query.version, meetingId: query.meetingId, reason: query.reason || undefined }),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/plan/actions',
      tag: 'Plans',
      summary: 'Add an action in the five columns; the owner is a user (their agency follows) or a name and an agency',
      params: childParams,
      authorize: ({ actor, params }) => plans.assertCanRevise(actor, params.id),
      body: actionSchema,
      response: revisionOut,
      handler: async ({ actor, params, body }) => plans.addAction(actor, params.id, body),
    }),
    apiRoute({
      method: 'PATCH',
      url: '/children/:id/plan/actions/:actionId',
      tag: 'Plans',
      summary: 'Change an action: send all five columns and the version you read (409 if someone changed it since)',
      params: actionParams,
      authorize: ({ actor, params }) => plans.assertCanRevise(actor, params.id),
      body: actionUpdateSchema,
      response: revisionOut,
      handler: async ({ actor, params, body }) => plans.updateAction(actor, params.id, params.actionId, body),
    }),
    apiRoute({
      method: 'DELETE',
      url: '/children/:id/plan/actions/:actionId',
      tag: 'Plans',
      summary: 'Remove an action from the plan; ?version=N (the version you read), optional meetingId and reason',
      params: actionParams,
      authorize: ({ actor, params }) => plans.assertCanRevise(actor, params.id),
      query: removalQuery,
      response: revisionOut,
      handler: async ({ actor, params, query }) => plans.removeAction(actor, params.id, params.actionId, { version: query.version, meetingId: query.meetingId, reason: query.reason || undefined }),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/plan/actions/:actionId/progress',
      tag: 'Plans',
      summary: 'Set an action’s status and add a progress note: the owning agency or a case holder; not a revision of the plan',
      params: actionParams,
      authorize: ({ actor, params }) => plans.assertCanUpdateAction(actor, params.id, params.actionId),
      body: progressSchema,
      bodyExample: { status: 'in-progress', note: 'Developmental check booked for 14 November; mum has agreed to attend.', version: 2 },
      response: z.object({ id: z.uuid(), actionId: z.uuid(), status: z.enum(ACTION_STATUSES), version: z.number().int() }),
      example: { id: '9b2d4f60-1a3c-4e5f-8a7b-6c5d4e3f2a10', actionId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', status: 'in-progress', version: 3 },
      handler: async ({ actor, params, body }) => plans.recordProgress(actor, params.id, params.actionId, body),
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/plan/versions/compare',
      tag: 'Plans',
      summary: 'What changed between two versions of the plan (from, to; planId for a past plan) and where each was made',
      params: childParams,
      query: compareQuery,
      response: compareOut,
      handler: async ({ actor, params, query }) => {
        const r = await plans.compare(actor, params.id, query);
        return { planId: r.plan.id, from: toVersion(r.from!), to: toVersion(r.to!), changes: r.changes, between: r.between.map(toVersion) };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/my/actions',
      tag: 'Plans',
      summary: 'Open actions owned by you or your agency on children you may see, soonest due first; filter by whose (all, mine, agency); page with page and pageSize',
      query: myActionsQuery.extend(pageQuery),
      response: pageOut(myActionOut),
      handler: async ({ actor, query }) => {
        const r = await plans.myActions(actor, query);
        return pageOf(
          r.rows.map((a) => ({
            id: a.id,
            childId: a.child_id,
            child: `${a.first_name} ${a.last_name}`,
            laChildId: a.la_child_id,
            outcome: a.outcome_title,
            what: a.what,
            owner: { userId: a.owner_user_id, name: a.owner_name, agency: a.agency_name },
            dueOn: a.due_on,
            status: a.status,
            overdue: a.overdue,
          })),
          r.total,
          query,
        );
      },
    }),
  ];
}
