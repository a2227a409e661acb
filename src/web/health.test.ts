import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('health and readiness', () => {
  it('answers /healthz and /readyz, with a request id header', async () => {
    const h = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toEqual({ status: 'ok' });
    expect(h.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const r = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(r.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('keeps a well-formed incoming request id and replaces a bad one', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-12345678' } })).headers['x-request-id']).toBe('abc-12345678');
    expect((await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': '<script>' } })).headers['x-request-id']).not.toBe('<script>');
  });

  it.runIf(inject('testBackend') === 'embedded')('answers a request while a slow query runs in the embedded database', async () => {
    const events: string[] = [];
    const slow = sql`select count(*) from generate_series(1, 8000000)`.execute(t.database.db).then(() => events.push('slow query done'));
    await new Promise((r) => setTimeout(r, 50)); // the query is now running in the worker
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    events.push(`healthz ${res.statusCode}`);
    await slow;
    expect(events).toEqual(['healthz 200', 'slow query done']);
  });

  it('sends the security headers: a CSP with a script nonce, no framing, no sniffing', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sign-in' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self' 'nonce-[0-9a-f]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const nonce = csp.match(/'nonce-([0-9a-f]+)'/)![1];
    expect(res.body).toContain(`nonce="${nonce}"`);
  });

  it('shows the not-found page for an unknown page and JSON for an unknown API route', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/no/such/page' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page not found');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('not_found');
  });
});
