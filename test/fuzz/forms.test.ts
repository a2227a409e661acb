/**
 * Property-based fuzzing of every POST form route: hostile fields never cause a 5xx, a rejected
 * post is a 400 page with the GOV.UK error summary (or 403/404/409), and a rejected post leaves
 * every table unchanged (no partial writes).
 */
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../support/app.js';
import { makeChildOnPlan } from '../support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../support/factories.js';

let t: TestApp;
let f: Fixture;
let childId: string;
const agents: Record<string, Agent> = {};
let tables: string[] = [];
const IGNORED = new Set(['sessions', 'sign_in_throttle', 'access_log']);
/** Routes that end or change the session itself are fuzzed elsewhere (sign-in tests). */
const SKIPPED = /^\/(sign-in|sign-out|account\/password|portal)/;

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer().map(String),
  fc.constantFrom(
    'x'.repeat(100_000),
    '𝕏😀\u{1F600}'.repeat(50),
    '\u202Eevil\u202C',
    'a\u0000b',
    "'; DROP TABLE children; --",
    "' OR '1'='1",
    '<script>alert(1)</script>',
    '',
    '2026-02-30',
    '-1',
    '1e309',
    '00000000-0000-0000-0000-000000000000',
  ),
);
const hostileFields = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('name', 'reason', 'email', 'role', 'date', 'version', 'kind', 'summary', 'text', 'category', 'items[0]')),
  fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })),
  { maxKeys: 6 },
);

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of tables) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(t.database.db);
    out[name] = Number(r.rows[0]?.n ?? 0);
  }
  return out;
}

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
  tables = (await t.database.db.introspection.getTables()).map((x) => x.name).filter((n) => !IGNORED.has(n) && !n.startsWith('kysely_'));
});
afterAll(() => t.close());

function formRoutes(): string[] {
  return t.app.routeTable.filter((r) => r.method === 'POST' && !r.url.startsWith('/api/') && !SKIPPED.test(r.url)).map((r) => r.url);
}

function concrete(url: string): string {
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'id' && url.startsWith('/children/') ? childId : '7d0c8a54-7f1c-4c8e-9a44-1b2f3c4d5e6f'));
}

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
          if (res.statusCode === 400 && String(res.headers['content-type']).startsWith('text/html')) expect(res.body).toMatch(/govuk-error-summary|<title>Error|<h1 class="govuk-heading-l">There is a problem/);
          expect(await counts()).toEqual(before);
        } else {
          expect([200, 302, 303]).toContain(res.statusCode);
        }
      }),
      { seed: 9, numRuns: 150 },
    );
  }, 60_000);
});
