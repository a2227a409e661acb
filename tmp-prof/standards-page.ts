import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { Agent } from '../test/support/app.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemClock } from '../src/lib/clock.js';
import { seedDemo } from '../src/demo/seed.js';
import { StandardsService } from '../src/modules/standards/service.js';

const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' }); await admin.connect();
await admin.query('drop database if exists assure_prof with (force)'); await admin.query('create database assure_prof');
const database = await openDatabase({ kind: 'server', url: 'postgres://postgres@127.0.0.1:5432/assure_prof' });
await migrateToLatest(database.db);
const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database, clock: systemClock }); await app.ready();
const t = { database, clock: systemClock, agent: () => new Agent(app), close: async () => { await app.close(); await database.close(); await admin.query('drop database assure_prof with (force)'); await admin.end(); } };
const demo = await seedDemo(t.database.db, t.clock, { children: 600 });
const pid = (await t.database.db.selectFrom('partnerships').select('id').where('code', '=', demo.partnership).executeTakeFirstOrThrow()).id;
const { ChildRecords } = await import('../src/modules/cases/record.js');
const { AccessLogService } = await import('../src/modules/access-log/service.js');
await new StandardsService(new ChildRecords(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock))).recomputePartnership(pid);
for (const role of ['qa-lead', 'team-manager']) {
  const u = demo.users.find((x) => x.role === role)!;
  const a = t.agent();
  await a.signIn(u.email, u.password);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) { const t0 = performance.now(); const r = await a.get('/standards'); if (r.statusCode !== 200) throw new Error(String(r.statusCode)); times.push(performance.now() - t0); }
  times.sort((x, y) => x - y);
  console.log(role, 'median', times[15]!.toFixed(1), 'p90', times[27]!.toFixed(1));
  for (const p of ['/', '/children']) { const ts: number[] = []; for (let i = 0; i < 20; i++) { const t0 = performance.now(); await a.get(p); ts.push(performance.now() - t0); } ts.sort((x, y) => x - y); console.log(role, p, ts[10]!.toFixed(1)); }
  if (role === 'team-manager') {
    const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
    for (let i = 0; i < 30; i++) await a.get('/standards');
    const { profile } = await s.post('Profiler.stop'); writeFileSync('/tmp/standards-page.cpuprofile', JSON.stringify(profile));
  }
}
await t.close();
