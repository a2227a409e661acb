/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider on a loopback port):
 * the admin's settings, sign-in by verified e-mail address and by linked subject, and every
 * refusal (unknown user, unconfirmed address, tampered or replayed state, provider down,
 * password sign-in switched off).
 */
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';
import { startOidcProvider, type TestProvider } from '../../../test/support/oidc-provider.js';

const PUBLIC_URL = 'http://assure.test';
const CALLBACK = `${PUBLIC_URL}/sign-in/sso/callback`;

let t: TestApp;
let f: Fixture;
let other: Fixture;
let op: TestProvider;
let admin: Agent;

const settings = (over: Record<string, string> = {}) => ({
  enabled: 'yes',
  issuerUrl: op.issuer,
  clientId: op.clientId,
  clientSecretEnv: 'OIDC_CLIENT_SECRET_901',
  matchBy: 'email',
  passwordSignIn: 'yes',
  ...over,
});

async function saveSettings(over: Record<string, string> = {}) {
  await admin.get('/admin/sso');
  const res = await admin.post('/admin/sso', settings(over));
  expect(res.statusCode, res.body).toBe(303);
}

/** Starts at Assure, signs in at the provider as `login`, and comes back: the callback's answer. */
async function signInThroughProvider(a: Agent, login: string, opts: { next?: string; tamper?: (u: URL) => void } = {}) {
  const start = await a.get(`/sign-in/sso/${f.code}${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}`);
  expect(start.statusCode, start.body).toBe(303);
  const back = await op.authorize(String(start.headers.location), login);
  expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
  opts.tamper?.(back);
  return { start, back, res: await a.get(`${back.pathname}${back.search}`) };
}

beforeAll(async () => {
  op = await startOidcProvider({ redirectUris: [CALLBACK] });
  t = await buildTestApp({
    mail: { smtpUrl: null, from: 'Assure <assure@localhost>', publicUrl: PUBLIC_URL, reminderHour: 7 },
    sso: { clientSecrets: { OIDC_CLIENT_SECRET_901: op.clientSecret!, OIDC_CLIENT_SECRET_WRONG: 'not-the-secret-the-provider-gave' }, allowHttpIssuers: true },
  });
  f = await makePartnership(t.database.db, '901');
  other = await makePartnership(t.database.db, '902');
  admin = t.agent();
  expect((await admin.signIn(f.users.admin!.email, PASSWORD)).statusCode).toBe(303);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await op?.close();
});

describe('the single sign-on settings page', () => {
  it('is for partnership admins: the form names every field it refuses', async () => {
    const page = await admin.get('/admin/sso');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(CALLBACK);
    const bad = await admin.post('/admin/sso', { enabled: 'yes', issuerUrl: 'not a url', clientId: '', clientSecretEnv: 'SESSION_SECRET', passwordSignIn: 'maybe' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error: Single sign-on');
    for (const field of ['issuerUrl', 'clientId', 'clientSecretEnv', 'matchBy', 'passwordSignIn']) expect(bad.body).toContain(`href="#${field}"`);
    expect(bad.body).toContain('must start OIDC_CLIENT_SECRET_');

    const unset = await admin.post('/admin/sso', settings({ clientSecretEnv: 'OIDC_CLIENT_SECRET_NOT_SET' }));
    expect(unset.statusCode).toBe(400);
    expect(unset.body).toContain('OIDC_CLIENT_SECRET_NOT_SET is not set in the server’s environment');

    const neither = await admin.post('/admin/sso', settings({ enabled: 'no', passwordSignIn: 'no' }));
    expect(neither.statusCode).toBe(400);
    expect(neither.body).toContain('Password sign-in can only be turned off while single sign-on is on');

    const worker = t.agent();
    await worker.signIn(f.users.worker!.email, PASSWORD);
    expect((await worker.get('/admin/sso')).statusCode).toBe(403);
    expect((await t.database.db.selectFrom('sso_settings').selectAll().execute()).length).toBe(0);
  });

  it('saves the settings (never a secret) and the sign-in page then offers single sign-on', async () => {
    await saveSettings();
    const row = await t.database.db.selectFrom('sso_settings').selectAll().where('partnership_id', '=', f.partnershipId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ issuer_url: op.issuer, client_id: op.clientId, client_secret_env: 'OIDC_CLIENT_SECRET_901', match_by: 'email', password_sign_in: true, enabled: true });
    expect(JSON.stringify(row)).not.toContain(op.clientSecret!);
    const signIn = await t.agent().get('/sign-in');
    expect(signIn.body).toContain(`href="/sign-in/sso/${f.code}"`);
    expect(signIn.body).toContain(`Sign in with single sign-on for Testshire Partnership 901`);
    expect(signIn.body).not.toContain('/sign-in/sso/902');
  });
});

describe('signing in through the provider', () => {
  it('sends the browser to the provider with PKCE (S256), a state and a nonce', async () => {
    const a = t.agent();
    const start = await a.get(`/sign-in/sso/${f.code}`);
    expect(start.statusCode).toBe(303);
    const url = new URL(String(start.headers.location));
    expect(url.origin).toBe(op.issuer);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(String(start.headers['set-cookie'])).toMatch(/assure_sso=[^;]+;.*HttpOnly/);
    // Nothing the browser holds reveals the verifier: it stays on the server
    const attempt = await t.database.db.selectFrom('sso_attempts').selectAll().where('state', '=', url.searchParams.get('state')!).executeTakeFirstOrThrow();
    expect(start.headers.location).not.toContain(attempt.code_verifier);
  });

  it('matches a verified e-mail address to the Assure user, starts the normal session and logs the sign-in', async () => {
    op.accounts.set('entra-worker-1', { sub: 'entra-worker-1', email: f.users.worker!.email.toUpperCase(), emailVerified: true });
    const a = t.agent();
    const { res } = await signInThroughProvider(a, 'entra-worker-1', { next: '/account' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe('/account');
    expect(String(res.headers['set-cookie'])).toMatch(/assure_session=[^;]+;.*HttpOnly/);
    const account = await a.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('worker person 901');
    const logged = await t.database.db.selectFrom('access_log').selectAll().where('user_id', '=', f.users.worker!.id).where('action', '=', 'sign-in').execute();
    expect(logged.map((l) => l.details)).toContainEqual({ method: 'single-sign-on', issuer: op.issuer, matchedBy: 'email' });
    // The subject is remembered against the user
    const link = await t.database.db.selectFrom('sso_identities').selectAll().where('user_id', '=', f.users.worker!.id).executeTakeFirstOrThrow();
    expect(link).toMatchObject({ subject: 'entra-worker-1', issuer_url: op.issuer, partnership_id: f.partnershipId });
  });

  it('refuses someone the provider knows but Assure does not, with a clear page and no session', async () => {
    op.accounts.set('stranger', { sub: 'stranger', email: 'stranger@elsewhere.example', emailVerified: true });
    const a = t.agent();
    const { res } = await signInThroughProvider(a, 'stranger');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('There is no Assure account for you');
    expect(res.body).toContain('<title>There is no Assure account for you – Assure');
    expect(a.cookies.has('assure_session')).toBe(false);
  });

  it('refuses a user of another partnership, a disabled user and an address the provider has not confirmed', async () => {
    op.accounts.set('other-p', { sub: 'other-p', email: other.users.worker!.email, emailVerified: true });
    expect((await signInThroughProvider(t.agent(), 'other-p')).res.statusCode).toBe(403);

    op.accounts.set('unverified', { sub: 'unverified', email: f.users.qa!.email, emailVerified: false });
    const unverified = await signInThroughProvider(t.agent(), 'unverified');
    expect(unverified.res.statusCode).toBe(403);
    expect(unverified.res.body).toContain('Your e-mail address is not confirmed');

    await t.database.db.updateTable('users').set({ disabled_at: new Date() }).where('id', '=', f.users.auditor!.id).execute();
    op.accounts.set('disabled', { sub: 'disabled', email: f.users.auditor!.email, emailVerified: true });
    const disabled = await signInThroughProvider(t.agent(), 'disabled');
    expect(disabled.res.statusCode).toBe(403);
    expect(disabled.res.body).toContain('There is no Assure account for you');
    await t.database.db.updateTable('users').set({ disabled_at: null }).where('id', '=', f.users.auditor!.id).execute();
  });

  it('refuses a tampered state, and the sign-in cannot be replayed afterwards', async () => {
    op.accounts.set('entra-chair', { sub: 'entra-chair', email: f.users.chair!.email, emailVerified: true });
    const a = t.agent();
    const { back, res } = await signInThroughProvider(a, 'entra-chair', { tamper: (u) => u.searchParams.set('state', 'forged-state-value') });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('does not match the sign-in started in this browser');
    expect(a.cookies.has('assure_session')).toBe(false);
    // The real state now finds nothing: the attempt was used up by the refused answer
    back.searchParams.set('state', 'x');
    const again = await a.get(`${back.pathname}${back.search}`);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('Your sign-in has expired');
  });

  it('refuses an answer arriving in a browser that did not start the sign-in', async () => {
    op.accounts.set('entra-chair', { sub: 'entra-chair', email: f.users.chair!.email, emailVerified: true });
    const starter = t.agent();
    const start = await starter.get(`/sign-in/sso/${f.code}`);
    const back = await op.authorize(String(start.headers.location), 'entra-chair');
    const victim = t.agent();
    const res = await victim.get(`${back.pathname}${back.search}`);
    expect(res.statusCode).toBe(400);
    expect(victim.cookies.has('assure_session')).toBe(false);
    // …while the browser that started it signs in
    const ok = await starter.get(`${back.pathname}${back.search}`);
    expect(ok.statusCode).toBe(303);
  });

  it('asks for the Assure two-step code when the user turned it on', async () => {
    await t.database.db.updateTable('users').set({ totp_secret: 'JBSWY3DPEHPK3PXP', totp_enabled_at: new Date() }).where('id', '=', f.users.qa!.id).execute();
    op.accounts.set('entra-qa', { sub: 'entra-qa', email: f.users.qa!.email, emailVerified: true });
    const a = t.agent();
    const { res } = await signInThroughProvider(a, 'entra-qa');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/sign-in/code?next=%2F');
    expect((await a.get('/')).statusCode).toBe(303); // not signed in until the code
    await a.get('/sign-in/code');
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32('JBSWY3DPEHPK3PXP') }).generate({ timestamp: t.clock.now().getTime() });
    const done = await a.post('/sign-in/code', { code, next: '/' });
    expect(done.statusCode, done.body).toBe(303);
    expect((await a.get('/')).body).toContain('Welcome, qa person 901');
    // The sign-in is logged once the code is right, still saying how it began
    const logged = await t.database.db.selectFrom('access_log').select('details').where('user_id', '=', f.users.qa!.id).where('action', '=', 'sign-in').execute();
    expect(logged.map((l) => l.details)).toContainEqual({ method: 'single-sign-on' });
    await t.database.db.updateTable('users').set({ totp_secret: null, totp_enabled_at: null }).where('id', '=', f.users.qa!.id).execute();
  });

  it('matches by linked subject only, when the partnership chooses subjects', async () => {
    await saveSettings({ matchBy: 'subject' });
    await admin.get('/admin/sso');
    const badLink = await admin.post('/admin/sso/links', { userId: 'nobody', subject: '' });
    expect(badLink.statusCode).toBe(400);
    expect(badLink.body).toContain('href="#link-user"');
    expect(badLink.body).toContain('href="#link-subject"');
    expect((await admin.post('/admin/sso/links', { userId: f.users.manager!.id, subject: 'okta|00u1manager' })).statusCode).toBe(303);
    const page = await admin.get('/admin/sso');
    expect(page.body).toContain('okta|00u1manager');

    // No e-mail claim at all: the subject is enough
    op.accounts.set('okta|00u1manager', { sub: 'okta|00u1manager' });
    const a = t.agent();
    const { res } = await signInThroughProvider(a, 'okta|00u1manager');
    expect(res.statusCode, res.body).toBe(303);
    expect((await a.get('/')).body).toContain('Welcome, manager person 901');

    // A matching, verified e-mail address is not enough without a link
    op.accounts.set('okta|unlinked', { sub: 'okta|unlinked', email: f.users.chair!.email, emailVerified: true });
    expect((await signInThroughProvider(t.agent(), 'okta|unlinked')).res.statusCode).toBe(403);

    // Removing the link closes that way in
    const link = await t.database.db.selectFrom('sso_identities').select('id').where('subject', '=', 'okta|00u1manager').executeTakeFirstOrThrow();
    expect((await admin.post(`/admin/sso/links/${link.id}/remove`)).statusCode).toBe(303);
    expect((await signInThroughProvider(t.agent(), 'okta|00u1manager')).res.statusCode).toBe(403);
    await saveSettings({ matchBy: 'email' });
  });
});

describe('password sign-in switched off', () => {
  it('refuses a right password for the partnership’s users with a clear message, and single sign-on still works', async () => {
    await saveSettings({ passwordSignIn: 'no' });
    const a = t.agent();
    const refused = await a.signIn(f.users.health!.email, PASSWORD);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Your partnership signs in through your organisation’s account');
    expect(a.cookies.has('assure_session')).toBe(false);
    // A wrong password gets the usual answer: nothing said about the account
    const wrong = await t.agent().signIn(f.users.health!.email, 'not the password');
    expect(wrong.body).toContain('The e-mail address or password is not right');
    // Another partnership's users are not affected
    expect((await t.agent().signIn(other.users.worker!.email, PASSWORD)).statusCode).toBe(303);
    // Single sign-on still signs in
    op.accounts.set('entra-health', { sub: 'entra-health', email: f.users.health!.email, emailVerified: true });
    expect((await signInThroughProvider(t.agent(), 'entra-health')).res.statusCode).toBe(303);
  });

  it('comes back on when the partnership turns single sign-on off (the break-glass command has its own test)', async () => {
    await saveSettings({ passwordSignIn: 'no' });
    expect((await t.agent().signIn(f.users.health!.email, PASSWORD)).statusCode).toBe(400);
    // Passwords are never off while single sign-on is: a row saying both is read as passwords on
    await t.database.db.updateTable('sso_settings').set({ enabled: false }).where('partnership_id', '=', f.partnershipId).execute();
    expect((await t.agent().signIn(f.users.health!.email, PASSWORD)).statusCode).toBe(303);
    await saveSettings();
  });
});

describe('when the provider cannot be used', () => {
  it('shows a clear page, not a server error, when the provider is down or single sign-on is not set up', async () => {
    await saveSettings({ issuerUrl: 'http://127.0.0.1:9/unreachable' });
    const down = await t.agent().get(`/sign-in/sso/${f.code}`);
    expect(down.statusCode).toBe(502);
    expect(down.body).toContain('Your organisation’s sign-in service is not responding');
    const notSetUp = await t.agent().get(`/sign-in/sso/${other.code}`);
    expect(notSetUp.statusCode).toBe(404);
    expect(notSetUp.body).toContain('Single sign-on is not set up');
    const unknown = await t.agent().get('/sign-in/sso/nowhere');
    expect(unknown.statusCode).toBe(404);
    const noAttempt = await t.agent().get('/sign-in/sso/callback?code=abc&state=def');
    expect(noAttempt.statusCode).toBe(400);
    await saveSettings();
  });

  it('says the connection is not set up correctly when the issuer URL is not the provider’s own or the secret is wrong', async () => {
    await saveSettings({ issuerUrl: op.issuer.replace('127.0.0.1', 'localhost') });
    const mismatch = await t.agent().get(`/sign-in/sso/${f.code}`);
    expect(mismatch.statusCode).toBe(503);
    expect(mismatch.body).toContain('is not set up correctly');

    await saveSettings({ clientSecretEnv: 'OIDC_CLIENT_SECRET_WRONG' });
    op.accounts.set('entra-worker-2', { sub: 'entra-worker-2', email: f.users.worker!.email, emailVerified: true });
    const a = t.agent();
    const { res } = await signInThroughProvider(a, 'entra-worker-2');
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('is not set up correctly');
    expect(a.cookies.has('assure_session')).toBe(false);
    await saveSettings();
  });
});
