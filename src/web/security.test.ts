import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../test/support/factories.js';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await buildTestApp({ trustProxy: true });
  f = await makePartnership(t.database.db);
});
afterAll(() => t.close());

function cookie(res: { headers: Record<string, unknown> }, name: string): string {
  const all = ([] as string[]).concat((res.headers['set-cookie'] as string | string[] | undefined) ?? []);
  const found = all.find((c) => c.startsWith(`${name}=`));
  if (!found) throw new Error(`no ${name} cookie in ${JSON.stringify(all)}`);
  return found;
}

async function signIn(headers: Record<string, string>) {
  const page = await t.app.inject({ method: 'GET', url: '/sign-in', headers });
  const csrfCookie = cookie(page, 'assure_csrf');
  const token = page.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
  const res = await t.app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.split(';')[0]! },
    payload: new URLSearchParams({ _csrf: token, email: f.users.worker!.email, password: PASSWORD }).toString(),
  });
  expect(res.statusCode).toBe(303);
  return { csrfCookie, sessionCookie: cookie(res, 'assure_session') };
}

describe('cookies', () => {
  // Found by the wapiti scan (scripts/scan.sh): the CSRF cookie was never Secure, even over HTTPS.
  it('marks the CSRF and session cookies Secure over HTTPS (here through a proxy), HttpOnly and SameSite=Lax', async () => {
    const { csrfCookie, sessionCookie } = await signIn({ 'x-forwarded-proto': 'https' });
    for (const c of [csrfCookie, sessionCookie]) {
      expect(c).toMatch(/; Secure/);
      expect(c).toMatch(/; HttpOnly/);
      expect(c).toMatch(/; SameSite=Lax/);
    }
  });

  it('leaves them without Secure over plain HTTP, where a browser would not send them back', async () => {
    const { csrfCookie, sessionCookie } = await signIn({});
    for (const c of [csrfCookie, sessionCookie]) {
      expect(c).not.toMatch(/; Secure/);
      expect(c).toMatch(/; HttpOnly/);
    }
  });
});

// The wapiti scan reports these headers over plain HTTP in development; what is sent is deliberate.
describe('headers the scanners ask about', () => {
  it('turns the old browser XSS filter off (X-XSS-Protection: 0): the CSP protects instead', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/sign-in' });
    expect(res.headers['x-xss-protection']).toBe('0');
  });

  it('sends Strict-Transport-Security in production only', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toBeUndefined();
    const prod = await buildTestApp({ env: 'production' });
    try {
      const res = await prod.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await prod.close();
    }
  });
});

describe('a NUL character in input', () => {
  // Found by the wapiti scan: /children?q=%2Fe%00 reached the database, which refused it (a 500).
  it('is a 400 naming the field on the children search, not a 500', async () => {
    const a = t.agent();
    await a.signIn(f.users.worker!.email, PASSWORD);
    const res = await a.get('/children?q=%2Fe%00&onPlan=yes');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Q must not contain a NUL character');
    expect((await a.get('/children?q=smith')).statusCode).toBe(200);
  });
});
