/**
 * Pages and API of the practice standards: a child's standards, exceptions, and the partnership
 * dashboard with drill-down to the children behind every number.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { paged, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse, text } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import { STANDARD_KEYS } from './definitions.js';
import { STATUS_LABELS, STATUS_TAGS } from './labels.js';
import { STATUSES, type StandardResult } from './engine.js';
import { standardsAdminApiRoutes, standardsAdminRoutes } from './admin-routes.js';
import { StandardsBreakdown } from './breakdown.js';
import { standardsDashboardApiRoutes, standardsDashboardRoutes } from './dashboard-routes.js';
import type { Definition, StandardsService } from './service.js';

const EVIDENCE_PATHS: Record<string, (childId: string, id: string) => string | null> = {
  conference: (c, id) => `/children/${c}/conferences/${id}`,
  meeting: (c, id) => `/children/${c}/meetings/${id}`,
  entry: (c, id) => `/children/${c}/entries/${id}`,
  escalation: (c, id) => `/children/${c}/escalations/${id}`,
  plan: (c, id) => `/children/${c}/plans/${id}`,
  action: (c, id) => `/children/${c}/plan/actions/${id}/progress`,
  'strategy-discussion': (c) => `/children/${c}`,
  s47: (c) => `/children/${c}`,
  referral: (c) => `/children/${c}`,
};
export const evidenceHref = (childId: string, type: string, id: string): string | null => EVIDENCE_PATHS[type]?.(childId, id) ?? null;

const labels = { status: STATUS_LABELS, tag: STATUS_TAGS, source: { statutory: 'Statutory', local: 'Local' } };

const childParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }) });
export const exceptionSchema = z.strictObject({
  key: z.enum(STANDARD_KEYS, { error: 'Select the standard' }),
  reason: text('the reason', 2000),
});

function resultView(childId: string, r: StandardResult) {
  const withLinks = (evidence: StandardResult['evidence']) => evidence.map((e) => ({ ...e, href: evidenceHref(childId, e.type, e.id) }));
  return { ...r, evidence: withLinks(r.evidence), instances: r.instances.map((i) => ({ ...i, evidence: withLinks(i.evidence) })) };
}

export function standardsRoutes(app: FastifyInstance, standards: StandardsService): void {
  app.get('/children/:id/standards', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const r = await standards.forChild(actor, id);
    return reply.page('standards/views/child-standards.njk', {
      title: `${r.child.first_name}’s practice standards`,
      section: 'children',
      ...r,
      results: r.results.map((x) => ({ definition: x.definition, result: resultView(id, x.result) })),
      saved: (req.query as Record<string, unknown>).saved === '1',
      labels,
      backLink: { href: `/children/${id}`, text: `${r.child.first_name}’s record` },
    });
  });

  const exceptionForm = async (actor: ReturnType<typeof requireActor>, id: string) => {
    const r = await standards.forChild(actor, id);
    return {
      title: 'Record an exception to a standard',
      section: 'children',
      child: r.child,
      standardOptions: [['', 'Select a standard'], ...r.results.map((x): [string, string] => [x.definition.key, x.definition.name])],
      backLink: { href: `/children/${id}/standards` },
    };
  };

  app.get('/children/:id/standards/exceptions/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await standards.assertCanRecordException(actor, id);
    return reply.page('standards/views/exception-form.njk', { ...(await exceptionForm(actor, id)), values: { key: (req.query as Record<string, unknown>).key ?? '' } });
  });

  app.post('/children/:id/standards/exceptions/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await standards.assertCanRecordException(actor, id);
    return handleForm(req, reply, { template: 'standards/views/exception-form.njk', context: () => exceptionForm(actor, id) }, async () => {
      await standards.addException(actor, id, parse(exceptionSchema, formValues(req)));
      return `/children/${id}/standards?saved=1`;
    });
  });

  // The dashboards by area, team and agency, the drill-down, month by month, and the exports
  standardsDashboardRoutes(app, standards);
  // Partnership admin: the standards and their versions
  standardsAdminRoutes(app, standards);
}

// API

const evidenceOut = z.object({ type: z.string(), id: z.string(), date: z.string().nullable(), label: z.string() });
const instanceOut = z.object({ status: z.enum(STATUSES), dueOn: z.string().nullable(), label: z.string(), evidence: z.array(evidenceOut), reason: z.string().optional() });
const resultOut = z
  .object({
    key: z.enum(STANDARD_KEYS),
    name: z.string(),
    kind: z.enum(['timescale', 'flag']),
    source: z.enum(['statutory', 'local']),
    citation: z.string(),
    status: z.enum(STATUSES),
    flagged: z.boolean(),
    dueOn: z.string().nullable(),
    reason: z.string().nullable(),
    evidence: z.array(evidenceOut),
    instances: z.array(instanceOut),
  })
  .meta({ id: 'StandardResult' });
const countsOut = z.object({ ...Object.fromEntries(STATUSES.map((s) => [s, z.number().int()])), total: z.number().int(), compliance: z.number().nullable().describe('Percentage met on time of those that have come due (met, met late, missed, overdue); null for flags or when none has') });

const toResult = (d: Definition, r: StandardResult): z.infer<typeof resultOut> => ({
  key: r.key,
  name: d.name,
  kind: d.kind,
  source: d.source,
  citation: d.citation,
  status: r.status,
  flagged: Boolean(r.flagged),
  dueOn: r.dueOn,
  reason: r.reason ?? null,
  evidence: r.evidence,
  instances: r.instances,
});

export function standardsApiRoutes(standards: StandardsService): ApiRoute[] {
  const breakdown = new StandardsBreakdown(standards);
  return [
    apiRoute({
      method: 'GET',
      url: '/children/:id/standards',
      tag: 'Practice standards',
      summary: 'The child’s practice standards, evaluated now: for each, a status, the due date and the evidence that decided it; filter by status and flagged=yes; page with page and pageSize (access-logged)',
      params: childParams,
      query: z.object({
        ...pageQuery,
        status: z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(', ')}` }).optional(),
        flagged: z.enum(['yes'], { error: 'flagged must be yes' }).optional(),
      }),
      response: pageOut(resultOut).extend({ asOf: z.string() }),
      example: {
        items: [
          {
            key: 'first-core-group',
            name: 'First core group within 10 working days of the initial conference',
            kind: 'timescale',
            source: 'statutory',
            citation: 'Working Together to Safeguard Children 2023 (DfE): the child protection plan and the core group',
            status: 'met-late',
            flagged: false,
            dueOn: '2026-09-28',
            reason: null,
            evidence: [
              { type: 'conference', id: '6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c', date: '2026-09-14', label: 'Initial conference held' },
              { type: 'meeting', id: '4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b', date: '2026-10-05', label: 'First core group held' },
            ],
            instances: [],
          },
        ],
        page: 1,
        pageSize: 50,
        total: 1,
        asOf: '2026-11-02',
      },
      handler: async ({ actor, params, query }) => {
        const r = await standards.forChild(actor, params.id);
        const items = r.results.map((x) => toResult(x.definition, x.result)).filter((x) => (!query.status || x.status === query.status) && (!query.flagged || x.flagged));
        return { ...paged(items, query), asOf: r.today };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/standards/exceptions',
      tag: 'Practice standards',
      summary: 'Record that a standard does not apply to the child, with the reason (the child’s team manager or conference chair)',
      params: childParams,
      authorize: ({ actor, params }) => standards.assertCanRecordException(actor, params.id),
      body: exceptionSchema,
      response: z.object({ id: z.uuid() }),
      handler: async ({ actor, params, body }) => ({ id: await standards.addException(actor, params.id, body) }),
    }),
    apiRoute({
      method: 'GET',
      url: '/standards',
      tag: 'Practice standards',
      summary: 'Dashboard figures from the stored results: per standard, children by status and compliance, overall and by area. A team manager’s figures are their team’s children; a QA lead’s or partnership admin’s the partnership’s.',
      roles: ['team-manager', 'qa-lead', 'partnership-admin'],
      response: z.object({
        scope: z.enum(['team', 'partnership']),
        areas: z.array(z.object({ id: z.string(), name: z.string() })),
        standards: z.array(z.object({ key: z.enum(STANDARD_KEYS), name: z.string(), kind: z.enum(['timescale', 'flag']), total: countsOut, byArea: z.record(z.string(), countsOut) })),
      }),
      handler: async ({ actor }) => {
        const d = await breakdown.dashboard(actor, 'area');
        return { scope: d.scope, areas: d.groups, standards: d.standards.map((s) => ({ key: s.definition.key, name: s.definition.name, kind: s.definition.kind, total: s.total, byArea: s.byGroup })) };
      },
    }),
    ...standardsDashboardApiRoutes(standards),
    ...standardsAdminApiRoutes(standards),
  ];
}
