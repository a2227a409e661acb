import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.js';
import { makeChildOnPlan } from '../../test/support/child-on-plan.js';
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
      // The standards' recompute is the next test's (on a PostgreSQL server it would start the command in a process of its own)
      const stop = startMaintenance(t.database, auth, t.app.log, { recompute: async () => undefined });
      t.clock.advance(2 * 3_600_000); // idle past the timeout
      await vi.advanceTimersByTimeAsync(3_600_000);
      // The first hour's turn runs the daily jobs too (a vacuum of the embedded database among them)
      await vi.waitFor(async () => expect(await count()).toBe(0), { timeout: 30_000, interval: 100 });
      stop();
    } finally {
      vi.useRealTimers();
    }
  });

  // On a PostgreSQL server the job runs the command in a process of its own (recompute-process.test.ts)
  it.skipIf(inject('testBackend') === 'postgres')('brings the practice standards up to date within the hour of starting and every hour after; marks records due for review and vacuums once a day', async () => {
    const { childId } = await makeChildOnPlan(t, f, { firstName: 'Hourly', lastName: 'Testchild' });
    const evaluated = async () => Boolean(await t.database.db.selectFrom('standard_evaluations').select('child_id').where('child_id', '=', childId).executeTakeFirst());
    const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
    // The jobs that have finished, from the job's log
    const done: string[] = [];
    const log = { info: (o: { job?: string }) => void (o.job && done.push(o.job)), error: (o: { job?: string }) => void (o.job && done.push(`${o.job} failed`)) } as unknown as Parameters<typeof startMaintenance>[2];
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const stop = startMaintenance(t.database, auth, log, { clock: t.clock });
      for (const hour of [1, 2]) {
        // As though never evaluated (a child whose results held until a day now past comes due the same way)
        await t.database.db.deleteFrom('standard_evaluations').where('child_id', '=', childId).execute();
        expect(await evaluated()).toBe(false);
        await vi.advanceTimersByTimeAsync(3_600_000);
        await vi.waitFor(() => expect(done.filter((j) => j === 'standards-recompute')).toHaveLength(hour), { timeout: 30_000, interval: 100 });
        expect(await evaluated(), `hour ${hour}`).toBe(true);
      }
      expect(done.filter((j) => j.endsWith('failed'))).toEqual([]);
      // The daily jobs ran at the first hour, not at the second (the same day), and again the next day
      expect(done.filter((j) => j === 'retention-mark')).toHaveLength(1);
      expect(done.filter((j) => j === 'vacuum-analyze')).toHaveLength(1);
      t.clock.advance(24 * 3_600_000);
      await vi.advanceTimersByTimeAsync(3_600_000);
      await vi.waitFor(() => expect(done.filter((j) => j === 'retention-mark')).toHaveLength(2), { timeout: 30_000, interval: 100 });
      await vi.waitFor(() => expect(done.filter((j) => j === 'vacuum-analyze')).toHaveLength(2), { timeout: 30_000, interval: 100 });
      stop();
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);
});
