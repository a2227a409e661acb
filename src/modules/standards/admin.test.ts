import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';

let t: TestApp;
let f: Fixture;
let child = '';
const tokens: Record<string, string> = {};

async function signedIn(who: string) {
  const a = t.agent();
  const res = await a.signIn(f.users[who]!.email, PASSWORD);
  expect(res.statusCode).toBe(303);
  return a;
}

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '932');
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  for (const who of ['qa', 'admin']) {
    const row = await t.database.db.selectFrom('users').select(['id', 'partnership_id']).where('id', '=', f.users[who]!.id).executeTakeFirstOrThrow();
    tokens[who] = (await auth.createToken(row, 'standards admin test', 30)).token;
  }
  child = (await makeChildOnPlan(t, f, { firstName: 'Delta', lastName: 'Standards' })).childId;
}, 60_000);

afterAll(() => t.close());

describe('editing the practice standards (partnership admin)', () => {
  it('lists the standards with source, severity, parameters and date in force', async () => {
    const a = await signedIn('admin');
    const res = await a.get('/admin/standards');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Core groups at least every');
    expect(res.body).toContain('interval in weeks: 6');
  });

  it('refuses a bad number and a date not after the version in force, naming the field', async () => {
    const a = await signedIn('admin');
    const res = await a.post('/admin/standards/core-group-interval', { 'effectiveFrom-day': '1', 'effectiveFrom-month': '1', 'effectiveFrom-year': '1999', param_weeks: 'six' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Error: ');
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#param_weeks"');
    expect(res.body).toContain('href="#effectiveFrom"');
  });

  it('saves a new version from a date, keeps the old one in the history and recomputes the results', async () => {
    const a = await signedIn('admin');
    const res = await a.post('/admin/standards/core-group-interval', { 'effectiveFrom-day': '9', 'effectiveFrom-month': '11', 'effectiveFrom-year': '2026', param_weeks: '4', name: 'Core groups at least every 4 weeks', checks: 'Core groups are held at least every 4 weeks.', severity: 'high' });
    expect(res.statusCode, res.body).toBe(303);
    const page = await a.get('/admin/standards/core-group-interval');
    expect(page.body).toContain('interval in weeks: 4');
    expect(page.body).toContain('interval in weeks: 6');
    const rows = await t.database.db.selectFrom('standard_definitions').select(['effective_from', 'parameters']).where('partnership_id', '=', f.partnershipId).where('key', '=', 'core-group-interval').orderBy('effective_from').execute();
    expect(rows.length).toBe(2);
    const stored = await t.database.db.selectFrom('standard_results').select('status').where('child_id', '=', child).where('standard_key', '=', 'core-group-interval').executeTakeFirst();
    expect(stored).toBeDefined();
  });

  it('is for partnership admins only', async () => {
    const a = await signedIn('qa');
    expect((await a.get('/admin/standards')).statusCode).toBe(403);
    expect((await a.post('/admin/standards/core-group-interval', { param_weeks: '3' })).statusCode).toBe(403);
  });

  it('the API lists versions and adds one (admins only; errors name the field)', async () => {
    const call = (who: string, method: 'GET' | 'POST', url: string, body?: unknown) =>
      t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
    expect((await call('qa', 'GET', '/api/v1/standards/definitions')).statusCode).toBe(403);
    expect((await call('qa', 'POST', '/api/v1/standards/definitions/icpc-timescale/versions', { effectiveFrom: '2026-12-01', parameters: { workingDays: 20 } })).statusCode).toBe(403);
    const bad = await call('admin', 'POST', '/api/v1/standards/definitions/icpc-timescale/versions', { effectiveFrom: '2026-12-01', parameters: { workingDays: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { fields: { param_workingDays: expect.any(String) } } });
    const ok = await call('admin', 'POST', '/api/v1/standards/definitions/icpc-timescale/versions', { effectiveFrom: '2026-12-01', parameters: { workingDays: 20 } });
    expect(ok.statusCode, ok.body).toBe(201);
    const list = await call('admin', 'GET', '/api/v1/standards/definitions');
    const icpc = (list.json() as { items: { current: { key: string }; versions: { parameters: Record<string, unknown> }[] }[] }).items.find((i) => i.current.key === 'icpc-timescale');
    expect(icpc?.versions.map((v) => v.parameters.workingDays)).toEqual([15, 20]);
  });
});
