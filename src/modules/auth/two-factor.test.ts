import * as OTPAuth from 'otpauth';
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

function codeFor(secret: string, at: Date): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at.getTime() });
}

describe('two-step verification (TOTP)', () => {
  it('enrols, then asks for a code at sign-in, and only a right code completes sign-in', async () => {
    const a = t.agent();
    await a.signIn(f.users.health!.email, PASSWORD);
    const setup = await a.get('/account/two-factor');
    expect(setup.statusCode).toBe(200);
    const secret = setup.body.match(/id="totp-secret">([A-Z2-7]+)</)?.[1];
    expect(secret).toBeTruthy();
    const wrong = await a.post('/account/two-factor', { code: '000000' === codeFor(secret!, t.clock.now()) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The code is not right');
    const ok = await a.post('/account/two-factor', { code: codeFor(secret!, t.clock.now()) });
    expect(ok.statusCode).toBe(303);

    // A fresh sign-in now stops at the code page; nothing else is reachable until the code
    const b = t.agent();
    const res = await b.signIn(f.users.health!.email, PASSWORD);
    expect(res.headers.location).toMatch(/^\/sign-in\/code/);
    const pendingCookie = b.cookies.get('assure_session');
    expect((await b.get('/account')).statusCode).toBe(303);
    await b.get('/sign-in/code');
    const bad = await b.post('/sign-in/code', { code: '12345' });
    expect(bad.statusCode).toBe(400);
    t.clock.advance(30_000); // the enrolment code's step is spent: the next step's code
    const good = await b.post('/sign-in/code', { code: codeFor(secret!, t.clock.now()) });
    expect(good.statusCode).toBe(303);
    expect(b.cookies.get('assure_session')).not.toBe(pendingCookie);
    expect((await b.get('/account')).statusCode).toBe(200);

    // The same code cannot be used again, even within its 30 seconds (an overheard code)
    const usedCode = codeFor(secret!, t.clock.now());
    const c = t.agent();
    await c.signIn(f.users.health!.email, PASSWORD);
    await c.get('/sign-in/code');
    const replay = await c.post('/sign-in/code', { code: usedCode });
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain('The code is not right');
    // The next code, 30 seconds later, works
    t.clock.advance(30_000);
    const next = await c.post('/sign-in/code', { code: codeFor(secret!, t.clock.now()) });
    expect(next.statusCode).toBe(303);
  });
});
