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

describe('lockout after repeated failures', () => {
  it('locks an account after 5 failures for 15 minutes, with the same message as for an unknown address', async () => {
    const a = t.agent();
    const email = f.users.chair!.email;
    for (let i = 0; i < 4; i++) {
      const res = await a.signIn(email, `wrong password ${i}`);
      expect(res.body).toContain('The e-mail address or password is not right');
    }
    const fifth = await a.signIn(email, 'wrong password 5');
    expect(fifth.statusCode).toBe(400);
    expect(fifth.body).toContain('signing in with this e-mail address is paused for 15 minutes');
    // Now even the right password is refused
    const right = await a.signIn(email, PASSWORD);
    expect(right.statusCode).toBe(400);
    expect(right.body).toContain('is paused for 15 minutes');
    expect(a.cookies.has('assure_session')).toBe(false);

    // An address with no account locks the same way, so lockout does not reveal who has one
    const b = t.agent();
    let last;
    for (let i = 0; i < 5; i++) last = await b.signIn('nobody.here@test.assure.example', `guess ${i}`);
    expect(last!.body).toContain('is paused for 15 minutes');

    // After the lockout period the right password works again
    t.clock.advance(16 * 60_000);
    const later = await a.signIn(email, PASSWORD);
    expect(later.statusCode).toBe(303);
    expect(later.headers.location).toBe('/');
  });
});

describe('sessions', () => {
  it('ends a session idle for longer than the idle timeout', async () => {
    const a = t.agent();
    await a.signIn(f.users.manager!.email, PASSWORD);
    expect((await a.get('/')).statusCode).toBe(200);
    t.clock.advance(29 * 60_000);
    expect((await a.get('/')).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    const res = await a.get('/');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in');
  });

  it('ends a session at the absolute limit even when active', async () => {
    const a = t.agent();
    await a.signIn(f.users.manager!.email, PASSWORD);
    for (let h = 0; h < 12 * 3; h++) {
      t.clock.advance(20 * 60_000);
      const res = await a.get('/');
      if (res.statusCode !== 200) {
        expect(h).toBeGreaterThanOrEqual(12 * 3 - 2);
        return;
      }
    }
    expect.unreachable('the session outlived its absolute limit');
  });

  it('signs out: the old session cookie no longer works', async () => {
    const a = t.agent();
    await a.signIn(f.users.manager!.email, PASSWORD);
    const token = a.cookies.get('assure_session')!;
    await a.get('/');
    const out = await a.post('/sign-out');
    expect(out.statusCode).toBe(303);
    const b = t.agent();
    b.cookies.set('assure_session', token);
    expect((await b.get('/')).headers.location).toBe('/sign-in');
  });

  it('sends only a safe local path after sign-in', async () => {
    const a = t.agent();
    await a.get('/sign-in');
    const res = await a.post('/sign-in', { email: f.users.admin!.email, password: PASSWORD, next: '//evil.example/x' });
    expect(res.headers.location).toBe('/');
    await a.get('/sign-in?next=/admin');
    const ok = await a.post('/sign-in', { email: f.users.admin!.email, password: PASSWORD, next: '/admin' });
    expect(ok.headers.location).toBe('/admin');
  });
});
