/**
 * The JSON API under /api/v1. A route is declared once with its Zod schemas: the same
 * schemas validate requests and produce the OpenAPI 3 document at /api/v1/openapi.json.
 */
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

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional().describe('The message for each bad field, keyed by its path'),
    }),
  })
  .meta({ id: 'Error' });

export const idParams = z.strictObject({ id: z.uuid({ error: 'id must be a UUID' }) });

export interface ApiOptions {
  version: string;
  /** Throws NotFoundError unless the actor may see the child: every /children/:id route passes it first. */
  childGate?: (actor: Actor, childId: string) => Promise<void>;
}

export function registerApi(app: FastifyInstance, routes: ApiRoute[], info: ApiOptions): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: API_PREFIX + route.url,
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

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  return z.toJSONSchema(schema, { io, target: 'openapi-3.0', unrepresentable: 'any' });
}

export function openApiDocument(routes: ApiRoute[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = API_PREFIX + r.url.replace(/:([A-Za-z]+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
      }
    }
    const ok = String(r.status ?? (r.method === 'POST' ? 201 : 200));
    paths[p] ??= {};
    paths[p][r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      responses: {
        [ok]: r.response ? { description: 'Success', content: { 'application/json': { schema: jsonSchema(r.response, 'output') } } } : { description: 'Success' },
        '400': { description: 'Bad input: every bad field is named', content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } } },
        '401': { description: 'No valid bearer token' },
        '403': { description: 'Not allowed for your role' },
        ...(r.params ? { '404': { description: 'Not found, or not yours to see' } } : {}),
        ...(r.method === 'PATCH' ? { '409': { description: 'Someone else changed the record since you read it (version mismatch)' } } : {}),
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
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
