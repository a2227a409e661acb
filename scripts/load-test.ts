/**
 * The load test: a real Assure server on a PostgreSQL server with the synthetic demo partnership, driven over
 * loopback by virtual users (scripts/virtual-users.ts) with a mixed workload of signed-in pages, API reads and API writes.
 *
 *   node --import tsx scripts/load-test.ts [--users 100] [--rate 50] [--seconds 300] [--children 300] [--cpu-prof DIR]
 *
 * --cpu-prof DIR writes the server's CPU profile (a .cpuprofile file, for Chromium's DevTools) there when it stops.
 *
 * Each user is one person on one keep-alive connection, waiting a random think time between requests. --rate is
 * the requests a second from all of them together (0: no think time, as fast as the server answers, which
 * measures saturation rather than people).
 *
 * LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; the test makes a
 * database of its own there and drops it afterwards. It prints the figures and exits non-zero when any request
 * failed or p99 is over the 250 ms limit. Traffic goes to 127.0.0.1 only, and the run stops by itself.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signInOverHttp } from './sign-in.js';
import { runUsers, type UserRequest } from './virtual-users.js';

const { values: args } = parseArgs({
  options: { users: { type: 'string', default: '100' }, rate: { type: 'string', default: '50' }, seconds: { type: 'string', default: '300' }, children: { type: 'string', default: '300' }, 'cpu-prof': { type: 'string' } },
});
const users = Number(args.users);
const seconds = Number(args.seconds);
/** Requests a second from all users together: 100 users at 50 a second is each one a request every 2 s, a busy person clicking steadily. 0: as fast as possible (saturation). */
const rate = Number(args.rate);
const P99_LIMIT_MS = 250;

const baseUrl = process.env.LOAD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `assure_load_${process.pid}`;
const dbUrl = new URL(baseUrl);
dbUrl.pathname = `/${dbName}`;
// The API's rate limit is per token, and here one token plays every person: off for the load test
const env = { ...process.env, DATABASE_URL: dbUrl.toString(), NODE_ENV: 'development', ASSURE_DEMO: 'false', LOG_LEVEL: 'warn', API_RATE_LIMIT_PER_MINUTE: '0' };

function assure(argv: string[], input?: string): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...argv], { env, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`assure ${argv.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

async function startServer(): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, [...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : []), '--import', 'tsx', 'src/main.ts'], { env: { ...env, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${out}`)));
  });
  return { child, port, output: () => out };
}

async function main() {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  let server: ChildProcess | null = null;
  try {
    assure(['migrate']);
    const demo = JSON.parse(assure(['seed', 'demo', '--children', String(args.children), '--format', 'json'])) as { users: { email: string; role: string; password: string }[] };
    // The busiest kind of user: a team manager sees the whole team's children.
    const user = demo.users.find((u) => u.role === 'team-manager') ?? demo.users[0]!;
    const token = assure(['token', 'create', '--email', user.email]).trim();
    const started = await startServer();
    server = started.child;
    const origin = `http://127.0.0.1:${started.port}`;
    const cookie = await signInOverHttp(origin, user.email, user.password);
    const bearer = { authorization: `Bearer ${token}` };
    const list = (await (await fetch(`${origin}/api/v1/children`, { headers: bearer })).json()) as { items: { id: string }[] };
    const ids = list.items.map((c) => c.id);
    if (ids.length === 0) throw new Error('the signed-in user sees no children');
    // The mixed workload each user works through: 5 pages, 4 API reads, 1 API write.
    const page = (path: string): UserRequest => ({ method: 'GET', path, headers: { cookie } });
    const api = (path: string): UserRequest => ({ method: 'GET', path, headers: bearer });
    const requests: UserRequest[] = [
      page('/'),
      page('/children'),
      page('/children/:child'),
      page('/children/:child/plan'),
      page('/team'),
      api('/api/v1/children'),
      api('/api/v1/children/:child'),
      api('/api/v1/children/:child/standards'),
      api('/api/v1/children?page=2'),
      {
        method: 'POST',
        path: '/api/v1/children/:child/family',
        headers: { ...bearer, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Sam Loadtest', relationship: 'other', livesWithChild: 'no', parentalResponsibility: 'no' }),
      },
    ];

    // Each kind of request alone, one at a time, before the load: where the time goes
    const alone: Record<string, number[]> = {};
    for (const req of requests) {
      for (let i = 0; i < 20; i++) {
        const path = req.path.replace(':child', ids[i % ids.length]!);
        const t0 = performance.now();
        const res = await fetch(`${origin}${path}`, { method: req.method, headers: req.headers, ...(req.body ? { body: req.body } : {}), redirect: 'manual' });
        await res.arrayBuffer();
        (alone[`${req.method} ${req.path.replace(':child', ':id')}`] ??= []).push(performance.now() - t0);
      }
    }
    const alonePercentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
    const breakdown = Object.fromEntries(Object.entries(alone).map(([k, xs]) => [k, { medianMs: Math.round(alonePercentile(xs, 50) * 10) / 10, p95Ms: Math.round(alonePercentile(xs, 95) * 10) / 10 }]));
    process.stderr.write(`each request alone (20 of each, one at a time):\n${Object.entries(breakdown).map(([k, v]) => `  ${k.padEnd(44)} median ${v.medianMs} ms, p95 ${v.p95Ms} ms`).join('\n')}\n`);

    process.stderr.write(`load: ${users} users for ${seconds} s, ${rate ? `${rate} requests a second in all` : 'no think time'}, against ${origin} as a ${user.role} seeing ${ids.length} children\n`);
    const result = await runUsers({ origin, users, seconds, rate, requests, childIds: ids });
    const figures = {
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      users,
      ratePerSecond: rate || 'unbounded',
      seconds,
      requests: result.requests,
      perSecond: result.perSecond,
      latencyMs: result.latencyMs,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statuses: result.statuses,
      p99LimitMs: P99_LIMIT_MS,
      aloneMs: breakdown,
      p99Ratio: Number((result.latencyMs.p99 / P99_LIMIT_MS).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    // The server's own account of anything that went wrong (JSON log lines at error level and above).
    if (process.env.LOAD_SERVER_LOG) (await import('node:fs')).writeFileSync(process.env.LOAD_SERVER_LOG, started.output());
    const problems = started.output().split('\n').filter((l) => /"level":(5|6)0/.test(l));
    for (const l of problems.slice(0, 5)) process.stderr.write(`server: ${l.slice(0, 2000)}\n`);
    const failed = result.errors > 0 || result.timeouts > 0 || result.non2xx > 0 || result.latencyMs.p99 > P99_LIMIT_MS;
    process.exitCode = failed ? 1 : 0;
  } finally {
    server?.kill('SIGTERM');
    if (server) await new Promise((r) => server!.once('exit', r));
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
