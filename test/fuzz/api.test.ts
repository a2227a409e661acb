/**
 * Property-based fuzzing of every JSON API route that takes a body or a query: hostile inputs
 * never cause a 5xx, a rejection is a 4xx with the API's error body, and a rejected request
 * leaves every table unchanged (no partial writes).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessLogService } from '../../src/modules/access-log/service.js';
import { AuthService } from '../../src/modules/auth/service.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { makeChildOnPlan } from '../support/child-on-plan.js';
import { concreteUrl, hostileString, rowCounts, tablesToWatch, WRITTEN_BY_READS } from './hostile.js';
import { type Fixture, makePartnership } from '../support/factories.js';

let t: TestApp;
let f: Fixture;
let childId: string;
const tokens: Record<string, string> = {};
let tables: string[] = [];
const IGNORED = new Set([...WRITTEN_BY_READS, 'sessions', 'sign_in_throttle', 'access_log', 'api_tokens']);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), hostileString, { maxKeys: 3 }),
);
const hostileBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 12 }), hostileValue, { maxKeys: 6 }),
  fc.array(hostileValue, { maxLength: 3 }),
  hostileValue,
);

const counts = () => rowCounts(t.database.db, tables);

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '901');
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  for (const key of ['worker', 'manager', 'admin']) tokens[key] = (await auth.createToken({ id: f.users[key]!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
  ({ childId } = await makeChildOnPlan(t, f));
  tables = await tablesToWatch(t.database.db, IGNORED);
});
afterAll(() => t.close());

function apiRoutes(): { method: string; url: string }[] {
  // Every write route, every GET without path parameters (the lists), and every GET whose declared
  // route takes a query (the lists of one record, e.g. a child's conferences), below /api/v1
  const withQuery = new Set(t.app.apiRoutes.filter((r) => r.query).map((r) => `${r.method} /api/v1${r.url}`));
  return t.app.routeTable.filter(
    (r) => r.url.startsWith('/api/v1/') && r.url !== '/api/v1/openapi.json' && (r.method !== 'GET' || !r.url.includes('/:') || withQuery.has(`${r.method} ${r.url}`)),
  );
}

const concrete = (url: string) => concreteUrl(url, '/api/v1/children/', childId);

describe('the JSON API under hostile input', () => {
  it('enumerates the API routes, the lists with a query among them', () => {
    const keys = apiRoutes().map((r) => `${r.method} ${r.url}`);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys).toEqual(expect.arrayContaining(['GET /api/v1/children', 'GET /api/v1/children/:id/conferences', 'GET /api/v1/children/:id/plan/versions', 'GET /api/v1/imports/:id/issues', 'GET /api/v1/standards/:key/children']));
  });

  it('answers 400 naming the field, never 5xx, for hostile paging and filter values on every list', async () => {
    const lists = apiRoutes().filter((r) => r.method === 'GET');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...lists), fc.constantFrom('page', 'pageSize'), fc.oneof(hostileString, fc.constantFrom('0', '-1', '201', '1e3', '2.5', 'NaN', '', ' ')), async (route, name, value) => {
        const res = await t.app.inject({ method: 'GET', url: `${concrete(route.url)}?${new URLSearchParams({ [name]: value }).toString()}`, headers: { authorization: `Bearer ${tokens.admin}` } });
        if (res.statusCode >= 500) throw new Error(`${route.url}?${name}=${value} -> ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (res.statusCode === 400) expect(Object.keys((res.json() as { error: { fields?: Record<string, string> } }).error.fields ?? {}).length).toBeGreaterThan(0);
      }),
      { seed: 11, numRuns: 200 },
    );
  }, 60_000);

  it('never answers 5xx, rejects with the error body, and writes nothing when it rejects', async () => {
    const routes = apiRoutes();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('worker', 'manager', 'admin'),
        hostileBody,
        fc.dictionary(fc.string({ maxLength: 8 }), hostileString, { maxKeys: 3 }),
        async (route, who, body, query) => {
          const before = await counts();
          const qs = new URLSearchParams(query).toString();
          const res = await t.app.inject({
            method: route.method as 'GET',
            url: concrete(route.url) + (qs ? `?${qs}` : ''),
            headers: { authorization: `Bearer ${tokens[who]}`, ...(route.method !== 'GET' && route.method !== 'DELETE' ? { 'content-type': 'application/json' } : {}) },
            ...(route.method !== 'GET' && route.method !== 'DELETE' ? { payload: JSON.stringify(body) ?? 'null' } : {}),
          });
          if (res.statusCode >= 500) throw new Error(`${route.method} ${route.url} as ${who} -> ${res.statusCode}: ${res.body.slice(0, 300)} body=${JSON.stringify(body)?.slice(0, 200)}`);
          if (res.statusCode >= 400) {
            expect([400, 403, 404, 409, 413, 415]).toContain(res.statusCode);
            if (res.statusCode === 400) {
              const { error } = res.json() as { error: { code: string; message: string; fields?: Record<string, unknown> } };
              expect(error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
              // A rejected field is named, with a message for it; otherwise the body was not JSON at all
              expect(['validation_failed', 'invalid_json', 'bad_request']).toContain(error.code);
              if (error.code === 'validation_failed') {
                expect(Object.keys(error.fields ?? {}).length, `${route.method} ${route.url}: a validation error names no field`).toBeGreaterThan(0);
                for (const m of Object.values(error.fields!)) expect(typeof m === 'string' && m.length > 0).toBe(true);
              }
            }
            expect(await counts()).toEqual(before);
          }
        },
      ),
      { seed: 9, numRuns: 150 },
    );
  }, 60_000);
});
