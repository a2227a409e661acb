/**
 * The OpenAPI document at /api/v1/openapi.json: every API route the app registers is in it, with
 * its parameters, schemas and an example that matches the schema, so a route added without its
 * documentation fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.js';
import { API_PREFIX, type ApiRoute, operationId } from './api.js';

type Json = Record<string, unknown>;
interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: { name: string; in: string; schema?: Json; example?: unknown }[];
  requestBody?: { content: { 'application/json': { schema: Json; example?: unknown } } };
  responses: Record<string, { description: string; content?: { 'application/json': { schema: Json; example?: unknown } } }>;
}

let t: TestApp;
let doc: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Json> } };

beforeAll(async () => {
  t = await buildTestApp();
  const res = await t.app.inject({ method: 'GET', url: `${API_PREFIX}/openapi.json` });
  expect(res.statusCode).toBe(200);
  doc = res.json();
});
afterAll(() => t.close());

const docPath = (url: string) => url.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}');
const successOf = (r: ApiRoute) => String(r.status ?? (r.method === 'POST' ? 201 : 200));
const apiTableRoutes = () => t.app.routeTable.filter((r) => r.url.startsWith(`${API_PREFIX}/`) && r.url !== `${API_PREFIX}/openapi.json`);

describe('the OpenAPI document', () => {
  it('is OpenAPI 3 with a path entry for every /api/v1 route the app registers, and none for a route that is gone', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const missing = apiTableRoutes()
      .filter((r) => !doc.paths[docPath(r.url)]?.[r.method.toLowerCase()])
      .map((r) => `${r.method} ${r.url}`);
    expect(missing, 'API routes without an OpenAPI entry').toEqual([]);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const registered = new Set(apiTableRoutes().map((r) => `${r.method} ${docPath(r.url)}`));
    expect(documented.filter((k) => !registered.has(k)), 'OpenAPI entries without a route').toEqual([]);
  });

  it('gives every operation a summary, a unique operation id, its path parameters and a success response', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops)) {
        const key = `${m.toUpperCase()} ${p}`;
        if (!op.summary) problems.push(`${key}: no summary`);
        if (!op.operationId || ids.has(op.operationId)) problems.push(`${key}: operation id missing or repeated`);
        ids.add(op.operationId ?? '');
        for (const name of [...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1])) {
          if (!op.parameters?.some((x) => x.in === 'path' && x.name === name)) problems.push(`${key}: path parameter ${name} undocumented`);
        }
        if (!Object.keys(op.responses).some((s) => s.startsWith('2'))) problems.push(`${key}: no success response`);
        if (!op.responses['400']?.content) problems.push(`${key}: no error body`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('has a response schema and an example for every operation that answers with a body, and an example of every request body', () => {
    const problems: string[] = [];
    for (const route of t.app.apiRoutes) {
      const key = `${route.method} ${route.url}`;
      const op = doc.paths[API_PREFIX + docPath(route.url)]?.[route.method.toLowerCase()];
      if (!op) continue; // reported above
      const ok = successOf(route);
      const content = op.responses[ok]?.content?.['application/json'];
      if (ok !== '204') {
        if (!route.response) problems.push(`${key}: no response schema`);
        else if (content?.example === undefined) problems.push(`${key}: no response example`);
      }
      if (route.body && op.requestBody?.content['application/json'].example === undefined) problems.push(`${key}: no request body example`);
      if (route.params && op.parameters?.some((x) => x.in === 'path' && x.example === undefined)) problems.push(`${key}: a path parameter without an example`);
    }
    expect(problems).toEqual([]);
  });

  it('has examples that match the schemas they illustrate (hand-written or built from the schema)', () => {
    const problems: string[] = [];
    for (const route of t.app.apiRoutes) {
      const key = `${route.method} ${route.url}`;
      const op = doc.paths[API_PREFIX + docPath(route.url)]?.[route.method.toLowerCase()];
      const example = op?.responses[successOf(route)]?.content?.['application/json'].example;
      if (route.response && example !== undefined) {
        const r = route.response.safeParse(example);
        if (!r.success) problems.push(`${key} response example: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      }
      if (route.body && route.bodyExample !== undefined) {
        const r = route.body.safeParse(route.bodyExample);
        if (!r.success) problems.push(`${key} body example: ${r.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents the same pagination on every list: page and pageSize in, items, page, pageSize and total out', () => {
    const problems: string[] = [];
    for (const route of t.app.apiRoutes) {
      if (route.method !== 'GET' || !route.response) continue;
      const op = doc.paths[API_PREFIX + docPath(route.url)]!.get!;
      const schema = op.responses['200']!.content!['application/json'].schema;
      const props = (schema.properties ?? {}) as Json;
      if (!('items' in props)) continue;
      const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const key = `GET ${route.url}`;
      for (const n of ['page', 'pageSize']) if (!names.includes(n)) problems.push(`${key}: no ${n} parameter`);
      for (const n of ['page', 'pageSize', 'total']) if (!(n in props)) problems.push(`${key}: no ${n} in the response`);
    }
    expect(problems).toEqual([]);
  });

  it('refers only to schemas it defines', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    const broken = refs.filter((r) => !r.startsWith('#/components/schemas/') || !(r.slice('#/components/schemas/'.length) in doc.components.schemas));
    expect([...new Set(broken)]).toEqual([]);
  });

  it('has every API path the integration guide mentions', async () => {
    const { readFile } = await import('node:fs/promises');
    const guide = await readFile(new URL('../../docs/integration.md', import.meta.url), 'utf8');
    const full = [...guide.matchAll(/\/api\/v1\/[^\s`"'?)]*/g)].map((m) => m[0].replace(/[.,:;]+$/, ''));
    // The coverage table names paths below /api/v1
    const table = guide.slice(guide.indexOf('## 9. What the API covers'), guide.indexOf('## 10.'));
    const short = [...table.matchAll(/`(\/[A-Za-z0-9_/-]+)`/g)].map((m) => API_PREFIX + m[1]!);
    expect(short.length).toBeGreaterThan(40);
    const mentioned = [...new Set([...full, ...short])].filter((p) => p !== `${API_PREFIX}/openapi.json`);
    expect(mentioned.length).toBeGreaterThan(15);
    const templates = Object.keys(doc.paths).map((p) => p.split('/'));
    const known = (p: string) => templates.some((tpl) => {
      const segs = p.split('/');
      return segs.length === tpl.length && segs.every((s, i) => s === tpl[i] || /^\{.+\}$/.test(tpl[i]!));
    });
    expect(mentioned.filter((p) => !known(p))).toEqual([]);
  });

  it('names operations from the method and the path', () => {
    expect(operationId({ method: 'GET', url: '/children/:id/plan/versions' })).toBe('getChildrenIdPlanVersions');
    expect(doc.paths[`${API_PREFIX}/children/{id}/s47/{s47Id}/outcome`]?.post).toBeDefined();
  });
});
