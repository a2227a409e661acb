/**
 * Partnership admin pages and API for the practice standards: the partnership's standards with
 * their versions, and a new version of a standard from a date (never an edit in place). Saving
 * recomputes the partnership's results.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { paged, pageOut, pageQuery } from '../../lib/pagination.js';
import { choice, emptyToUndefined, isoDate, parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import { SEVERITIES, STANDARD_KEYS } from './definitions.js';
import { type Definition, parameterLabel, type StandardsService } from './service.js';

const ADMIN = 'partnership-admin' as const;
const keyParams = z.strictObject({ key: z.enum(STANDARD_KEYS, { error: 'Standard not found' }) });

const optionalLine = (label: string, max: number) => z.preprocess(emptyToUndefined, z.string().trim().min(2, { error: `Enter ${label}` }).max(max, { error: `${label} must be ${max} characters or fewer` }).optional());
export const versionSchema = z.object({
  effectiveFrom: isoDate('the date the new version takes effect'),
  name: optionalLine('the name', 200),
  checks: optionalLine('what it checks', 2000),
  severity: z.preprocess(emptyToUndefined, choice(SEVERITIES, 'the severity').optional()),
  parameters: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
});

const SEVERITY_LABELS: Record<string, string> = { high: 'High', medium: 'Medium', low: 'Low' };

/** A parameter for display: numbers and lists as typed, anything else as JSON. */
function showParameter(v: unknown): string {
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => `${k}: ${String(x)}`).join('; ');
  return String(v);
}
const parameterRows = (d: Definition) => Object.entries(d.parameters).map(([name, value]) => ({ name, label: parameterLabel(name), value: showParameter(value), numeric: typeof value === 'number' }));
const view = (d: Definition) => ({ ...d, parameterRows: parameterRows(d) });

export function standardsAdminRoutes(app: FastifyInstance, standards: StandardsService): void {
  app.get('/admin/standards', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const r = await standards.versions(actor);
    return reply.page('standards/views/admin-standards.njk', {
      title: 'Practice standards',
      section: 'admin',
      today: r.today,
      standards: r.standards.map((s) => ({ current: view(s.current), versions: s.versions.length })),
      severities: SEVERITY_LABELS,
      saved: (req.query as Record<string, unknown>).saved,
      backLink: { href: '/admin', text: 'Partnership admin' },
    });
  });

  const standardPage = async (actor: ReturnType<typeof requireActor>, key: string) => {
    const r = await standards.standard(actor, key);
    return {
      title: r.current.name,
      section: 'admin',
      today: r.today,
      current: view(r.current),
      versions: [...r.versions].reverse().map(view),
      severities: SEVERITY_LABELS,
      severityOptions: SEVERITIES.map((s): [string, string] => [s, SEVERITY_LABELS[s] ?? s]),
      backLink: { href: '/admin/standards', text: 'Practice standards' },
    };
  };

  app.get('/admin/standards/:key', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { key } = parse(keyParams, req.params);
    const page = await standardPage(actor, key);
    const values = { name: page.current.name, checks: page.current.checks, severity: page.current.severity, ...Object.fromEntries(page.current.parameterRows.filter((p) => p.numeric).map((p) => [`param_${p.name}`, p.value])) };
    return reply.page('standards/views/admin-standard.njk', { ...page, values });
  });

  app.post('/admin/standards/:key', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { key } = parse(keyParams, req.params);
    return handleForm(req, reply, { template: 'standards/views/admin-standard.njk', context: () => standardPage(actor, key) }, async () => {
      const raw = formValues(req);
      const parameters = Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('param_')).map(([k, v]) => [k.slice('param_'.length), String(v ?? '')]));
      const input = parse(versionSchema, { effectiveFrom: raw.effectiveFrom, name: raw.name, checks: raw.checks, severity: raw.severity, parameters });
      await standards.addVersion(actor, key, input);
      return `/admin/standards?saved=${key}`;
    });
  });
}

// API

const definitionOut = z
  .object({
    key: z.enum(STANDARD_KEYS),
    name: z.string(),
    checks: z.string(),
    kind: z.enum(['timescale', 'flag']),
    source: z.enum(['statutory', 'local']),
    citation: z.string(),
    severity: z.enum(SEVERITIES),
    effectiveFrom: z.string(),
    parameters: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'StandardDefinition' });

export function standardsAdminApiRoutes(standards: StandardsService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/standards/definitions',
      tag: 'Practice standards',
      summary: 'The partnership’s practice standards: the version in force today and every version, oldest first (partnership admins); page with page and pageSize',
      roles: [ADMIN],
      query: z.object(pageQuery),
      response: pageOut(z.object({ current: definitionOut, versions: z.array(definitionOut) })).extend({ asOf: z.string() }),
      handler: async ({ actor, query }) => {
        const r = await standards.versions(actor);
        return { ...paged(r.standards, query), asOf: r.today };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/standards/definitions/:key',
      tag: 'Practice standards',
      summary: 'One practice standard: the version in force today and every version, oldest first (partnership admins)',
      roles: [ADMIN],
      params: keyParams,
      response: z.object({ asOf: z.string(), current: definitionOut, versions: z.array(definitionOut) }),
      handler: async ({ actor, params }) => {
        const r = await standards.standard(actor, params.key);
        return { asOf: r.today, current: r.current, versions: r.versions };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/standards/definitions/:key/versions',
      tag: 'Practice standards',
      summary: 'A new version of a standard from a date (numeric parameters, name, what it checks, severity); the partnership’s results are recomputed (partnership admins)',
      roles: [ADMIN],
      params: keyParams,
      body: versionSchema,
      response: z.object({ recomputed: z.number().int() }),
      handler: async ({ actor, params, body }) => ({ recomputed: (await standards.addVersion(actor, params.key, body)).children }),
    }),
  ];
}
