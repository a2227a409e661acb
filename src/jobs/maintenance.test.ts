import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../test/support/factories.js';
import { AccessLogService } from '../modules/access-log/service.js';
import { AuthService } from '../modules/auth/service.js';
import { startMaintenance } from './maintenance.js';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
});
afterAll(() => t.close());

describe('maintenance', () => {
  it('removes expired sessions every hour', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const a = t.agent();
      await a.signIn(f.users.worker!.email, PASSWORD);
      const count = async () => Number((await t.database.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      expect(await count()).toBe(1);
      const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
      const stop = startMaintenance(t.database, auth, t.app.log);
      t.clock.advance(2 * 3_600_000); // idle past the timeout
      await vi.advanceTimersByTimeAsync(3_600_000);
      await vi.waitFor(async () => expect(await count()).toBe(0));
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
