import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';

let t: TestApp;
let f: Fixture;

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
});
afterAll(() => t.close());

describe('sign-in', () => {
  it('shows the sign-in page to someone signed out, and sends / there', async () => {
    const a = t.agent();
    const home = await a.get('/');
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/sign-in');
    const page = await a.get('/sign-in');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Sign in to Assure');
    expect(page.body).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('signs in with the right password, sets an HttpOnly SameSite=Lax session cookie and shows home', async () => {
    const a = t.agent();
    const res = await a.signIn(f.users.worker!.email, PASSWORD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/assure_session=[^;]+;.*HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await a.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Welcome, worker person 901');
  });

  it('refuses a wrong password with the error summary, naming the fields, status 400', async () => {
    const a = t.agent();
    const res = await a.signIn(f.users.worker!.email, 'not the password at all');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Error: Sign in');
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#email"');
  });

  it('issues a new session id at every sign-in', async () => {
    const a = t.agent();
    await a.signIn(f.users.qa!.email, PASSWORD);
    const first = a.cookies.get('assure_session');
    await a.signIn(f.users.qa!.email, PASSWORD);
    const second = a.cookies.get('assure_session');
    expect(first).toBeTruthy();
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const a = t.agent();
    await a.get('/sign-in');
    const res = await a.post('/sign-in', { email: f.users.worker!.email, password: PASSWORD }, { csrf: null });
    expect(res.statusCode).toBe(403);
    expect(a.cookies.has('assure_session')).toBe(false);
    const forged = await a.post('/sign-in', { email: f.users.worker!.email, password: PASSWORD }, { csrf: 'forged-token' });
    expect(forged.statusCode).toBe(403);
  });
});
