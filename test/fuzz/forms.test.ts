/**
 * Property-based fuzzing of every POST form route: hostile fields never cause a 5xx, a rejected
 * post is a 400 page with the GOV.UK error summary (or 403/404/409), and a rejected post leaves
 * every table unchanged (no partial writes).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../support/app.js';
import { makeChildOnPlan } from '../support/child-on-plan.js';
import { concreteUrl, hostileString, rowCounts, tablesToWatch, WRITTEN_BY_READS } from './hostile.js';
import { type Fixture, makePartnership, PASSWORD } from '../support/factories.js';

let t: TestApp;
let f: Fixture;
let childId: string;
const agents: Record<string, Agent> = {};
let tables: string[] = [];
const IGNORED = new Set([...WRITTEN_BY_READS, 'sessions', 'sign_in_throttle', 'access_log']);
/** Routes that end or change the session itself are fuzzed elsewhere (sign-in tests). */
const SKIPPED = /^\/(sign-in|sign-out|account\/password|portal)/;

const hostileFields = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('name', 'reason', 'email', 'role', 'date', 'version', 'kind', 'summary', 'text', 'category', 'items[0]')),
  fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })),
  { maxKeys: 6 },
);

const counts = () => rowCounts(t.database.db, tables);

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '901');
  ({ childId } = await makeChildOnPlan(t, f));
  for (const key of ['worker', 'manager', 'admin']) {
    const a = t.agent();
    const res = await a.signIn(f.users[key]!.email, PASSWORD);
    expect(res.statusCode).toBe(303);
    await a.get('/');
    agents[key] = a;
  }
  tables = await tablesToWatch(t.database.db, IGNORED);
});
afterAll(() => t.close());

function formRoutes(): string[] {
  return t.app.routeTable.filter((r) => r.method === 'POST' && !r.url.startsWith('/api/') && !SKIPPED.test(r.url)).map((r) => r.url);
}

const concrete = (url: string) => concreteUrl(url, '/children/', childId);

describe('the forms under hostile input', () => {
  it('enumerates the form routes', () => {
    expect(formRoutes().length).toBeGreaterThan(10);
  });

  it('never answers 5xx, rejects with an error page, and writes nothing when it rejects', async () => {
    const routes = formRoutes();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.constantFrom('worker', 'manager', 'admin'), hostileFields, async (url, who, fields) => {
        const agent = agents[who]!;
        const before = await counts();
        const res = await agent.post(concrete(url), fields);
        if (res.statusCode >= 500) throw new Error(`POST ${url} as ${who} -> ${res.statusCode}: ${res.body.slice(0, 300)} fields=${JSON.stringify(fields).slice(0, 300)}`);
        if (res.statusCode >= 400) {
          expect([400, 403, 404, 409, 413]).toContain(res.statusCode);
          if (res.statusCode === 400 && String(res.headers['content-type']).startsWith('text/html')) {
            expect(res.body).toMatch(/govuk-error-summary|<title>Error|<h1 class="govuk-heading-l">There is a problem/);
            // An error summary links each problem to the field it names
            if (res.body.includes('govuk-error-summary__list')) expect(res.body).toMatch(/govuk-error-summary__list[\s\S]*?<a href="#[^"]+"/);
          }
          expect(await counts()).toEqual(before);
        } else {
          expect([200, 302, 303]).toContain(res.statusCode);
        }
      }),
      { seed: 9, numRuns: 150 },
    );
  }, 60_000);
});
