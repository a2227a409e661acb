/**
 * The single sign-on break-glass, as the real `assure` command against a real database: a
 * partnership whose password sign-in is off gets it back, access-logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installation, assure, expectOk, newInstallation, show } from '../../test/support/cli.js';

describe('assure sso allow-passwords', () => {
  let inst: Installation;

  beforeAll(async () => {
    inst = await newInstallation();
    expectOk(await assure(['migrate'], { env: inst.env }));
    expectOk(await assure(['partnership', 'add', '--code', '916', '--name', 'Testshire Safeguarding Children Partnership'], { env: inst.env }));
    expectOk(await assure(['partnership', 'add', '--code', '917', '--name', 'Otherton Safeguarding Children Partnership'], { env: inst.env }));
    const database = await inst.open();
    try {
      const p = await database.db.selectFrom('partnerships').select('id').where('code', '=', '916').executeTakeFirstOrThrow();
      await database.db
        .insertInto('sso_settings')
        .values({ partnership_id: p.id, enabled: true, issuer_url: 'https://login.example.org', client_id: 'assure', client_secret_env: null, match_by: 'email', password_sign_in: false, updated_by: null })
        .execute();
    } finally {
      await database.close();
    }
  }, 120_000);
  afterAll(async () => {
    await inst?.remove();
  });

  it('turns password sign-in back on, keeps the provider settings, and logs it', async () => {
    const r = await assure(['sso', 'allow-passwords', '--partnership', '916'], { env: inst.env });
    expectOk(r);
    expect(r.stdout).toBe('Password sign-in is on again for 916: Testshire Safeguarding Children Partnership\n');
    const database = await inst.open();
    try {
      const row = await database.db.selectFrom('sso_settings').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ password_sign_in: true, enabled: true, issuer_url: 'https://login.example.org', version: 2 });
      const logged = await database.db.selectFrom('access_log').selectAll().where('record_type', '=', 'single-sign-on').executeTakeFirstOrThrow();
      expect(logged.details).toEqual({ passwordSignIn: true, breakGlass: true });
      expect(logged.actor).toContain('cli');
    } finally {
      await database.close();
    }
  });

  it('says so, exit 1, for a partnership without single sign-on or an unknown code', async () => {
    const none = await assure(['sso', 'allow-passwords', '--partnership', '917'], { env: inst.env });
    expect(none.status, show(none)).toBe(1);
    expect(none.stderr).toContain('has no single sign-on settings');
    const unknown = await assure(['sso', 'allow-passwords', '--partnership', '999'], { env: inst.env });
    expect(unknown.status, show(unknown)).toBe(1);
    expect(unknown.stderr).toContain('No partnership with code 999');
  });
});
