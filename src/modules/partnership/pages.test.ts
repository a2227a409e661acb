import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';

let t: TestApp;
let f: Fixture;
let other: Fixture;

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db, '901');
  other = await makePartnership(t.database.db, '902');
});
afterAll(() => t.close());

async function admin() {
  const a = t.agent();
  await a.signIn(f.users.admin!.email, PASSWORD);
  return a;
}

describe('partnership admin pages', () => {
  it('are forbidden to every role but partnership admin', async () => {
    for (const key of ['worker', 'manager', 'chair', 'qa', 'auditor', 'health']) {
      const a = t.agent();
      await a.signIn(f.users[key]!.email, PASSWORD);
      for (const url of ['/admin', '/admin/users', `/admin/users/${f.users.worker!.id}`, '/admin/users/new']) {
        expect((await a.get(url)).statusCode, `${key} ${url}`).toBe(403);
      }
      expect((await a.post('/admin/agencies', { name: 'Sneaky', type: 'police' })).statusCode).toBe(403);
    }
    const signedOut = await t.agent().get('/admin');
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe('/sign-in?next=%2Fadmin');
  });

  it('add an agency: errors re-render with status 400, the summary, an Error: title and the values entered', async () => {
    const a = await admin();
    await a.get('/admin');
    const bad = await a.post('/admin/agencies', { name: 'Northbridge Youth Justice', type: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<title>Error: Partnership admin');
    expect(bad.body).toContain('href="#agency-type"');
    expect(bad.body).toContain('Select the type of agency');
    expect(bad.body).toContain('value="Northbridge Youth Justice"');
    const good = await a.post('/admin/agencies', { name: 'Northbridge Youth Justice', type: 'other' });
    expect(good.statusCode).toBe(303);
    expect((await a.get('/admin')).body).toContain('Northbridge Youth Justice');
  });

  it('add a user, then see and edit them; the user list shows only this partnership', async () => {
    const a = await admin();
    await a.get('/admin/users/new');
    const res = await a.post('/admin/users/new', {
      name: 'Rowan Test',
      email: 'rowan.test@test.assure.example',
      role: 'auditor',
      agencyId: f.agencies.police!,
      teamId: '',
      password: 'rowan test passphrase',
    });
    expect(res.statusCode).toBe(303);
    const page = await a.get(res.headers.location as string);
    expect(page.body).toContain('Rowan Test');
    const list = await a.get('/admin/users?q=test.assure');
    expect(list.body).toContain(f.users.worker!.email);
    expect(list.body).not.toContain(other.users.worker!.email);
    expect((await a.get(`/admin/users/${other.users.worker!.id}`)).statusCode).toBe(404);
  });

  it('shows a conflict page when two admins edit the same user from the same version', async () => {
    const a = await admin();
    const edit = await a.get(`/admin/users/${f.users.auditor!.id}/edit`);
    const version = edit.body.match(/name="version" value="(\d+)"/)![1]!;
    const base = { email: f.users.auditor!.email, role: 'auditor', agencyId: f.agencies.health!, teamId: '', version };
    const first = await a.post(`/admin/users/${f.users.auditor!.id}/edit`, { ...base, name: 'Auditor Renamed First' });
    expect(first.statusCode).toBe(303);
    const second = await a.post(`/admin/users/${f.users.auditor!.id}/edit`, { ...base, name: 'Auditor Renamed Second' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('Someone else changed this record');
    expect(second.body).toContain('Auditor Renamed First');
    expect(second.body).toContain('Auditor Renamed Second');
    const now = await a.get(`/admin/users/${f.users.auditor!.id}`);
    expect(now.body).toContain('Auditor Renamed First');
  });

  it('disabling a user signs them out at once', async () => {
    const victim = t.agent();
    await victim.signIn(f.users.health!.email, PASSWORD);
    expect((await victim.get('/')).statusCode).toBe(200);
    const a = await admin();
    const edit = await a.get(`/admin/users/${f.users.health!.id}/edit`);
    const version = edit.body.match(/name="version" value="(\d+)"/)![1]!;
    const res = await a.post(`/admin/users/${f.users.health!.id}/edit`, {
      name: 'health person 901',
      email: f.users.health!.email,
      role: 'practitioner',
      agencyId: f.agencies.health!,
      teamId: '',
      disabled: 'on',
      version,
    });
    expect(res.statusCode).toBe(303);
    expect((await victim.get('/')).statusCode).toBe(303);
    expect((await t.agent().signIn(f.users.health!.email, PASSWORD)).statusCode).toBe(400);
  });
});
