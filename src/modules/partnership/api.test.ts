import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, type Fixture } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { AuthService } from '../auth/service.js';

let t: TestApp;
let f: Fixture;
let other: Fixture;
let auth: AuthService;
let adminToken: string;
let workerToken: string;

const api = (method: string, url: string, token: string | null, payload?: unknown, raw?: string) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(raw !== undefined ? { payload: raw } : payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '901');
  other = await makePartnership(t.database.db, '902');
  auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  adminToken = (await auth.createToken({ id: f.users.admin!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
  workerToken = (await auth.createToken({ id: f.users.worker!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
});
afterAll(() => t.close());

describe('API token authentication', () => {
  it('refuses a request without a token or with an unknown one, in the JSON error shape', async () => {
    for (const token of [null, 'assure_pat_unknown', 'garbage']) {
      const res = await api('GET', '/me', token);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
  });

  it('accepts a valid token and answers as its user', async () => {
    const res = await api('GET', '/me', workerToken);
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(f.users.worker!.email);
    expect(res.json().partnership.code).toBe('901');
  });

  it('stores only a hash of the token', async () => {
    const rows = await t.database.db.selectFrom('api_tokens').select(['token_hash', 'prefix']).execute();
    for (const r of rows) {
      expect(r.token_hash).not.toContain('assure_pat_');
      expect(r.token_hash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('refuses an expired token', async () => {
    const short = await auth.createToken({ id: f.users.qa!.id, partnership_id: f.partnershipId }, 'short', 1);
    expect((await api('GET', '/me', short.token)).statusCode).toBe(200);
    t.clock.advance(24 * 3600_000 + 1000);
    expect((await api('GET', '/me', short.token)).statusCode).toBe(401);
  });

  it('refuses a revoked token, revoked through the API by its owner', async () => {
    const tok = await auth.createToken({ id: f.users.chair!.id, partnership_id: f.partnershipId }, 'to revoke', 30);
    const list = await api('GET', '/tokens', tok.token);
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(tok.id);
    expect(JSON.stringify(list.json())).not.toContain(tok.token);
    const del = await api('DELETE', `/tokens/${tok.id}`, tok.token);
    expect(del.statusCode).toBe(204);
    expect((await api('GET', '/me', tok.token)).statusCode).toBe(401);
  });

  it('forbids a practitioner the admin routes (403) and hides other partnerships (404)', async () => {
    expect((await api('GET', '/users', workerToken)).statusCode).toBe(403);
    expect((await api('POST', '/agencies', workerToken, { name: 'X', type: 'police' })).statusCode).toBe(403);
    const otherAgency = other.agencies.police!;
    expect((await api('GET', `/agencies/${otherAgency}`, adminToken)).statusCode).toBe(404);
    const otherUser = other.users.worker!.id;
    expect((await api('GET', `/users/${otherUser}`, adminToken)).statusCode).toBe(404);
    const list = await api('GET', '/users', adminToken);
    const emails = list.json().items.map((u: { email: string }) => u.email);
    expect(emails).toContain(f.users.worker!.email);
    expect(emails).not.toContain(other.users.worker!.email);
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await api('POST', '/agencies', adminToken, undefined, '{"name": "Broken",');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('names every bad field: wrong types, missing, unknown and over-long', async () => {
    const res = await api('POST', '/users', adminToken, { name: 42, email: 'not-an-email', role: 'superuser', agencyId: 'x'.repeat(10), teamId: 7, extra: true });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(Object.keys(body.error.fields).sort()).toEqual(['_', 'agencyId', 'email', 'name', 'role', 'teamId'].sort());
    expect(body.error.fields._).toMatch(/extra/);
    expect(body.error.fields.role).toBe('Select a role');

    const long = await api('POST', '/agencies', adminToken, { name: 'a'.repeat(201), type: 'police' });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.fields).toEqual({ name: 'Name of the agency must be 200 characters or fewer' });

    const missing = await api('POST', '/agencies', adminToken, {});
    expect(missing.json().error.fields).toEqual({ name: 'Enter the name of the agency', type: 'Select the type of agency' });

    const badId = await api('GET', '/agencies/not-a-uuid', adminToken);
    expect(badId.statusCode).toBe(400);
    expect(badId.json().error.fields).toEqual({ id: 'id must be a UUID' });
  });

  it('makes no partial write: a user with a team of another agency is refused and nothing is stored', async () => {
    const before = await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const logBefore = await t.database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const res = await api('POST', '/users', adminToken, {
      name: 'New Person',
      email: 'new.person@test.assure.example',
      role: 'practitioner',
      agencyId: f.agencies.health,
      teamId: f.teams.north,
      password: 'a sufficiently long passphrase',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual({ teamId: 'Select a team of the person’s agency' });
    const after = await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const logAfter = await t.database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(logAfter.n).toBe(logBefore.n);
  });

  it('refuses a weak password and a duplicate e-mail address with field messages', async () => {
    const weak = await api('POST', '/users', adminToken, { name: 'P', email: 'p@test.assure.example', role: 'auditor', agencyId: f.agencies.health, password: 'password1234' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.fields.password).toMatch(/too common/);
    const dup = await api('POST', '/users', adminToken, { name: 'P', email: f.users.worker!.email.toUpperCase(), role: 'auditor', agencyId: f.agencies.health });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.fields).toEqual({ email: 'A user with that e-mail address already exists' });
  });
});

describe('concurrent edits', () => {
  it('gives the second of two edits from the same version a 409 with the current record, never a lost update', async () => {
    const got = await api('GET', `/agencies/${f.agencies.school}`, adminToken);
    const { version } = got.json();
    const first = await api('PATCH', `/agencies/${f.agencies.school}`, adminToken, { name: 'Schools (renamed by first)', type: 'education', version });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(version + 1);
    const second = await api('PATCH', `/agencies/${f.agencies.school}`, adminToken, { name: 'Schools (renamed by second)', type: 'education', version });
    expect(second.statusCode).toBe(409);
    expect(second.json().error.code).toBe('conflict');
    expect(second.json().current.name).toBe('Schools (renamed by first)');
    const now = await api('GET', `/agencies/${f.agencies.school}`, adminToken);
    expect(now.json().name).toBe('Schools (renamed by first)');
  });
});

describe('OpenAPI', () => {
  it('describes every API route, generated from the same schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/agencies', '/api/v1/agencies/{id}', '/api/v1/users', '/api/v1/access-log', '/api/v1/me']));
    const post = doc.paths['/api/v1/agencies'].post;
    expect(post.requestBody.content['application/json'].schema.properties.type.enum).toContain('childrens-social-care');
    expect(post.requestBody.content['application/json'].schema.properties.name.maxLength).toBe(200);
  });
});
