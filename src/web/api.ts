/**
 * The JSON API under /api/v1. A route is declared once with its Zod schemas: the same
 * schemas validate requests and produce the OpenAPI 3 document at /api/v1/openapi.json.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Role } from '../db/schema.js';
import type { Actor } from '../lib/actor.js';
import { parse } from '../lib/validation.js';
import { requireActor } from './auth.js';

export interface ApiContext<B, Q, P> {
  actor: Actor;
  body: B;
  query: Q;
  params: P;
  req: FastifyRequest;
  reply: FastifyReply;
}

export interface ApiRoute<B = unknown, Q = unknown, P = unknown> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below /api/v1, with :params, e.g. "/agencies/:id" */
  url: string;
  summary: string;
  tag: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  response?: z.ZodType;
  /**
   * An example of the success response for the OpenAPI document (it must match `response`: the
   * OpenAPI test checks). Without one, an example is built from the response schema.
   */
  example?: unknown;
  /** An example request body (it must match `body`); without one, built from the body schema. */
  bodyExample?: unknown;
  /** Status on success (default 200; 201 for POST). */
  status?: number;
  /** Roles allowed; any signed-in user if omitted. */
  roles?: Role[];
  /**
   * Checked after the path parameters and before the body is read, so a caller without
   * permission gets 403 (or 404) whatever they send.
   */
  authorize?(ctx: { actor: Actor; params: P; req: FastifyRequest }): Promise<void>;
  handler(ctx: ApiContext<B, Q, P>): Promise<unknown>;
}

/** Declares a route with types inferred from its schemas. */
export function apiRoute<B = undefined, Q = undefined, P = undefined>(route: ApiRoute<B, Q, P>): ApiRoute {
  return route as unknown as ApiRoute;
}

export const API_PREFIX = '/api/v1';

/** A stable operation id: the method and the path's words, e.g. getChildrenIdPlan. */
export function operationId(r: { method: string; url: string }): string {
  const words = r.url.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return r.method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().describe('The message for each bad field, keyed by its path'),
    }),
  })
  .meta({ id: 'Error' });

export const conflictSchema = z
  .object({
    error: z.object({ code: z.literal('conflict'), message: z.string() }),
    current: z.record(z.string(), z.unknown()).nullable().describe('The record as saved now, with its version: read it, then send your change again with that version'),
  })
  .meta({ id: 'Conflict' });
const CONFLICT_EXAMPLE = { error: { code: 'conflict', message: 'Someone else changed this action while you were editing it' }, current: { id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', due_on: '2026-12-18', version: 4 } };

export const idParams = z.strictObject({ id: z.uuid({ error: 'id must be a UUID' }) });

export interface ApiOptions {
  version: string;
  /** Requests a minute for each bearer token (each address without one); 0 or absent: no limit. */
  rateLimitPerMinute?: number;
  /** Throws NotFoundError unless the actor may see the child: every /children/:id route passes it first. */
  childGate?: (actor: Actor, childId: string) => Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's routes as declared (schemas, examples): for the OpenAPI tests. */
    apiRoutes: readonly ApiRoute[];
  }
}

export function registerApi(app: FastifyInstance, routes: ApiRoute[], info: ApiOptions): void {
  app.decorate('apiRoutes', routes);
  const perMinute = info.rateLimitPerMinute ?? 0;
  // One count across the whole API for each token (its hash: the secret itself is never a key in
  // memory), or each address without one
  const limiter = perMinute > 0 ? app.rateLimit({ max: perMinute, timeWindow: '1 minute', keyGenerator: rateKey }) : null;
  for (const route of routes) {
    app.route({
      method: route.method,
      url: API_PREFIX + route.url,
      ...(limiter ? { onRequest: limiter } : {}),
      handler: async (req, reply) => {
        const actor = requireActor(req, ...(route.roles ?? []));
        const params = route.params ? parse(route.params, req.params) : undefined;
        if (info.childGate && route.url.startsWith('/children/:id')) {
          await info.childGate(actor, String((req.params as Record<string, unknown>).id ?? ''));
        }
        if (route.authorize) await route.authorize({ actor, params, req });
        const ctx = {
          actor,
          params,
          body: route.body ? parse(route.body, req.body) : undefined,
          query: route.query ? parse(route.query, req.query) : undefined,
          req,
          reply,
        } as ApiContext<unknown, unknown, unknown>;
        const result = await route.handler(ctx);
        reply.header('cache-control', 'no-store');
        if (result === undefined) return reply.status(204).send();
        return reply.status(route.status ?? (route.method === 'POST' ? 201 : 200)).send(result);
      },
    });
  }
  const document = openApiDocument(routes, info);
  app.get(`${API_PREFIX}/openapi.json`, (_req, reply) => reply.send(document));
}

type Json = Record<string, unknown>;

/**
 * The JSON schema of a Zod schema for OpenAPI 3.0. Named schemas (`.meta({ id })`) move to
 * `components.schemas` and are referred to there, so the document has one copy of each.
 */
function rateKey(req: FastifyRequest): string {
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth ? `token:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}` : `ip:${req.ip}`;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Record<string, Json>): Json {
  const js = z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' }) as Json;
  const hoist = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(hoist);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === 'definitions' || k === '$defs') {
        for (const [name, def] of Object.entries(v as Json)) components[name] ??= hoist(def) as Json;
      } else if (k === '$ref' && typeof v === 'string') out[k] = v.replace(/^#\/(definitions|\$defs)\//, '#/components/schemas/');
      else out[k] = hoist(v);
    }
    return out;
  };
  return hoist(js) as Json;
}

/** Resolves a `$ref` to a component, and an `allOf` of one. */
function deref(s: Json, components: Record<string, Json>): Json {
  let cur = s;
  for (let i = 0; i < 10; i++) {
    if (typeof cur.$ref === 'string') cur = components[cur.$ref.replace('#/components/schemas/', '')] ?? {};
    else if (Array.isArray(cur.allOf) && cur.allOf.length === 1) cur = cur.allOf[0] as Json;
    else break;
  }
  return cur;
}

const EXAMPLE_STRINGS: [RegExp, string][] = [
  [/^(laChildId|caseRef)$/, 'LA-004217'],
  [/^child$/, 'Ada Example'],
  [/email/i, 'sam.jones@example.org'],
  [/^firstName$/, 'Ada'],
  [/^lastName$/, 'Example'],
  [/^upn$/, 'A123456789012'],
  [/agency/i, 'Example Children’s Social Care'],
  [/^team$/, 'North Assessment Team'],
  [/^area$/, 'North'],
  [/^(name|lead|owner|chair|author|by|createdBy|finalisedBy|heardBy|userName|heardByName)$/, 'Sam Jones'],
  [/(^date|On$|Date$|Birth$|^dueOn$|^asOf$|^today$|^from$|^to$)/, '2026-11-02'],
  [/At$/, '2026-11-02T09:30:00.000Z'],
  [/[cC]ategor/, 'NEG'],
  [/^title$/, 'The child is safe from neglect at home'],
  [/^(summary)$/, 'Outline plan agreed at the initial conference'],
  [/^(what)$/, 'Health visitor to complete a developmental check'],
  [/^(note|comment|content|concern|message|text|reason|rationale)$/, 'Seen at home with mum; the kitchen was clean and there was food in the cupboards.'],
  [/Measure$|When$/, 'The check is recorded and shared with the core group'],
  [/^role$/, 'Health visitor'],
  [/^relationship$/, 'mother'],
  [/^sex$/, 'not-known'],
  [/key$/i, 'first-core-group'],
]

/**
 * An example value for a JSON schema, for operations without a hand-written one: plausible
 * values by format and field name (dates, ids, names), the first of an enum, one item a list.
 */
export function exampleFor(schema: Json, components: Record<string, Json>, name = '', depth = 0): unknown {
  const s = deref(schema, components);
  if (depth > 8) return null;
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ('default' in s && s.default !== undefined) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum.find((v) => v !== null) ?? s.enum[0];
  for (const k of ['anyOf', 'oneOf'] as const) {
    const alts = s[k];
    if (Array.isArray(alts) && alts.length) {
      const pick = (alts as Json[]).find((a) => deref(a, components).type !== 'null' && !deref(a, components).nullable) ?? (alts[0] as Json);
      return exampleFor(pick, components, name, depth + 1);
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length) {
    return Object.assign({}, ...(s.allOf as Json[]).map((a) => exampleFor(a, components, name, depth + 1) as object));
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).find((x) => x !== 'null') : (s.type as string | undefined);
  switch (type) {
    case 'object': {
      const out: Json = {};
      for (const [k, v] of Object.entries((s.properties as Json | undefined) ?? {})) out[k] = exampleFor(v as Json, components, k, depth + 1);
      if (!s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') out.key = exampleFor(s.additionalProperties as Json, components, 'key', depth + 1);
      return out;
    }
    case 'array':
      return s.items ? [exampleFor(s.items as Json, components, name.replace(/s$/, ''), depth + 1)] : [];
    case 'integer':
      return /^(page)$/.test(name) ? 1 : /pageSize/.test(name) ? 50 : /total/.test(name) ? 1 : /version/.test(name) ? 3 : typeof s.minimum === 'number' && s.minimum > 0 ? s.minimum : 1;
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return false;
    case 'string': {
      if (s.format === 'uuid') return '3f8e2a51-6c4b-4d7e-9a10-2b5c7d8e9f01';
      if (s.format === 'date-time') return '2026-11-02T09:30:00.000Z';
      if (s.format === 'date') return '2026-11-02';
      if (s.format === 'email') return 'sam.jones@example.org';
      for (const [re, v] of EXAMPLE_STRINGS) if (re.test(name)) return v;
      if (/(^id$|Id$)/.test(name)) return '3f8e2a51-6c4b-4d7e-9a10-2b5c7d8e9f01';
      return typeof s.minLength === 'number' && s.minLength > 4 ? 'x'.repeat(s.minLength) : 'text';
    }
    default:
      return null;
  }
}

export function openApiDocument(routes: ApiRoute[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, Json> = {};
  for (const r of routes) {
    const p = API_PREFIX + r.url.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = deref(jsonSchema(schema, 'input', components), components) as { properties?: Record<string, Json>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        const { description, ...rest } = s;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          ...(typeof description === 'string' ? { description } : {}),
          schema: rest,
          example: where === 'path' ? exampleFor(rest, components, name) : undefined,
        });
      }
    }
    const ok = String(r.status ?? (r.method === 'POST' ? 201 : 200));
    const body = r.body ? jsonSchema(r.body, 'input', components) : null;
    const response = r.response ? jsonSchema(r.response, 'output', components) : null;
    paths[p] ??= {};
    paths[p][r.method.toLowerCase()] = {
      operationId: operationId(r),
      summary: r.summary,
      tags: [r.tag],
      ...(parameters.length ? { parameters: parameters.map((x) => JSON.parse(JSON.stringify(x)) as unknown) } : {}),
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body, example: r.bodyExample ?? exampleFor(body, components) } } } } : {}),
      responses: {
        [ok]: response
          ? { description: 'Success', content: { 'application/json': { schema: response, example: r.example ?? exampleFor(response, components) } } }
          : { description: ok === '204' ? 'Done: no content' : 'Success' },
        '400': { description: 'Bad input: every bad field is named', content: { 'application/json': { schema: jsonSchema(errorSchema, 'output', components), example: { error: { code: 'validation_failed', message: 'There is a problem with the information you gave', fields: { pageSize: 'pageSize must be from 1 to 200' } } } } } },
        '401': { description: 'No valid bearer token' },
        '403': { description: 'Not allowed for your role' },
        ...(r.params ? { '404': { description: 'Not found, or not yours to see' } } : {}),
        ...(r.method === 'PATCH' || r.method === 'PUT' || r.method === 'DELETE' || (r.body && 'version' in ((body?.properties as Json | undefined) ?? {}))
          ? { '409': { description: 'Someone else changed the record since you read it (the version sent is not the saved one): current is the record as saved now', content: { 'application/json': { schema: jsonSchema(conflictSchema, 'output', components), example: CONFLICT_EXAMPLE } } } }
          : {}),
        '429': { description: 'Too many requests: wait a minute' },
      },
      security: [{ bearerAuth: [] }],
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Assure API',
      version: info.version,
      description:
        'The JSON API of Assure. Authenticate with a personal access token: `Authorization: Bearer assure_pat_…` (create one under Your account, or with `npx assure token create`). Errors are `{"error": {"code", "message", "fields"}}`.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } }, schemas: components },
    paths,
  };
}
