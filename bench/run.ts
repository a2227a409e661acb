/**
 * npm run bench: serves Assure over real HTTP on the embedded database (or BENCH_DATABASE_URL),
 * drives it from this process, and prints each figure with the limit it is held to and the ratio.
 * Exits 1 when a figure is over its limit.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { seedDemo } from '../src/demo/seed.js';
import { FIRST_NAMES, LAST_NAMES, pick, prng } from '../src/demo/generate.js';
import { systemClock } from '../src/lib/clock.js';
import { AccessLogService } from '../src/modules/access-log/service.js';
import { AuthService } from '../src/modules/auth/service.js';
import { auditFigures } from './audits.js';
import { censusFigures } from './census.js';
import { standardsScaleFigures } from './standards-scale.js';

const EXTRA_USERS = Number(process.env.BENCH_USERS ?? 2000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const CONCURRENCY = 8;
/** The width of the figure column. */
const W = 64;

interface Figure {
  name: string;
  value: number;
  unit: string;
  limit: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timed(n: number, concurrency: number, fn: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

/** `npm run bench -- --standards-only` runs the practice-standards benchmarks alone (with `--national`, at national scale). */
const STANDARDS_ONLY = process.argv.includes('--standards-only');

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  const kind = url ? 'PostgreSQL server' : 'embedded PGlite';
  const figures: Figure[] = STANDARDS_ONLY ? [] : await coreFigures(url);
  // The practice standards at scale: a PostgreSQL server (BENCH_SCALE_DATABASE_URL) and the embedded database
  figures.push(...(await standardsScaleFigures()));
  print(figures, kind);
}

async function coreFigures(url: string | undefined): Promise<Figure[]> {
  const database = await openDatabase(url ? { kind: 'server', url } : { kind: 'memory' });
  await migrateToLatest(database.db);
  const demo = await seedDemo(database.db, systemClock);
  const partnership = await database.db.selectFrom('partnerships').selectAll().where('code', '=', demo.partnership).executeTakeFirstOrThrow();
  const agency = await database.db.selectFrom('agencies').select('id').where('partnership_id', '=', partnership.id).executeTakeFirstOrThrow();
  const rand = prng(7);
  const rows = Array.from({ length: EXTRA_USERS }, (_, i) => ({
    partnership_id: partnership.id,
    agency_id: agency.id,
    email: `bench.${i}@demo.assure.example`,
    name: `${pick(rand, FIRST_NAMES)} ${pick(rand, LAST_NAMES)}`,
    role: 'practitioner' as const,
  }));
  for (let i = 0; i < rows.length; i += 500) await database.db.insertInto('users').values(rows.slice(i, i + 500)).execute();

  const config = { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), apiRateLimitPerMinute: 0 };
  const app = await buildApp({ config, database, clock: systemClock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const admin = demo.users.find((u) => u.role === 'partnership-admin')!;
  const adminRow = await database.db.selectFrom('users').selectAll().where('email', '=', admin.email).executeTakeFirstOrThrow();
  const auth = new AuthService(database.db, systemClock, config, new AccessLogService(database.db, systemClock));
  const { token } = await auth.createToken(adminRow, 'bench', 1);

  // Sign in through the form, as a browser does
  const first = await fetch(`${base}/sign-in`);
  const csrfCookie = first.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = (await first.text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
  const signIn = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ _csrf: csrf, email: admin.email, password: admin.password }),
  });
  const session = signIn.headers.getSetCookie().find((c) => c.startsWith('assure_session='))!.split(';')[0]!;

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { headers });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    await res.arrayBuffer();
  };

  const figures: Figure[] = [];
  const page = await timed(REQUESTS, CONCURRENCY, () => get('/sign-in'));
  figures.push({ name: 'sign-in page p95 (8 concurrent)', value: percentile(page, 95), unit: 'ms', limit: 100 });
  const users = await timed(REQUESTS, CONCURRENCY, () => get('/admin/users?page=3', { cookie: session }));
  figures.push({ name: `users page, ${EXTRA_USERS + demo.users.length} users, p95`, value: percentile(users, 95), unit: 'ms', limit: 150 });
  const api = await timed(REQUESTS, CONCURRENCY, () => get('/api/v1/users?page=5', { authorization: `Bearer ${token}` }));
  figures.push({ name: 'API users list p95', value: percentile(api, 95), unit: 'ms', limit: 100 });

  // A slow query must not stall requests that do not need the database
  const slow = sql`select count(*) from generate_series(1, 8000000)`.execute(database.db);
  await new Promise((r) => setTimeout(r, 30));
  const during = await timed(50, 1, () => get('/healthz'));
  await slow;
  figures.push({ name: 'healthz worst while a 1–2 s query runs', value: during[during.length - 1]!, unit: 'ms', limit: 100 });
  const auditors = await database.db.selectFrom('users').select('id').where('partnership_id', '=', partnership.id).orderBy('id').limit(2).execute();
  figures.push(...(await auditFigures(database.db, partnership.id, [auditors[0]!.id, auditors[1]!.id])));
  figures.push({ name: 'resident memory', value: process.memoryUsage().rss / 2 ** 20, unit: 'MiB', limit: 1536 });

  await app.close();
  await database.close();
  // In a process of its own, so its memory is its own
  figures.push(...(await censusFigures(url)));
  return figures;
}

function print(figures: Figure[], kind: string): void {
  console.log(`\nAssure benchmarks on ${kind}, ${REQUESTS} requests each\n`);
  console.log(`${'figure'.padEnd(W)} ${'value'.padStart(10)} ${'limit'.padStart(10)}  ratio`);
  let over = false;
  for (const f of figures) {
    const ratio = f.value / f.limit;
    over ||= ratio > 1;
    console.log(`${f.name.padEnd(W)} ${`${f.value.toFixed(f.value < 10 ? 2 : 1)} ${f.unit}`.padStart(10)} ${`${f.limit} ${f.unit}`.padStart(10)}  ${ratio.toFixed(2)}${ratio > 1 ? '  OVER' : ''}`);
  }
  process.exit(over ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
