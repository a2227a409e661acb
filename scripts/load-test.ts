/**
 * The load test: a real Assure server on a PostgreSQL server with the synthetic demo partnership, driven over
 * loopback by autocannon with a mixed workload of signed-in pages, API reads and API writes.
 *
 *   node --import tsx scripts/load-test.ts [--connections 100] [--rate 50] [--seconds 300] [--children 300]
 *
 * Each connection is one person. --rate is the requests a second from all of them together (0: as fast as
 * the server answers, which measures saturation rather than people).
 *
 * LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the server; the test makes a
 * database of its own there and drops it afterwards. It prints the figures and exits non-zero when any request
 * failed or p99 is over the 250 ms limit. Traffic goes to 127.0.0.1 only, and the run stops by itself.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { signInOverHttp } from './sign-in.js';

const { values: args } = parseArgs({
  options: { connections: { type: 'string', default: '100' }, rate: { type: 'string', default: '50' }, seconds: { type: 'string', default: '300' }, children: { type: 'string', default: '300' } },
});
const connections = Number(args.connections);
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
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...env, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;

    // One round of the mixed workload per connection: 5 pages, 4 API reads, 1 API write.
    const page = (path: () => string) => ({ method: 'GET' as const, setupRequest: (r: autocannon.Request) => ({ ...r, path: path(), headers: { cookie } }) });
    const api = (path: () => string) => ({ method: 'GET' as const, setupRequest: (r: autocannon.Request) => ({ ...r, path: path(), headers: bearer }) });
    const requests = [
      page(() => '/'),
      page(() => '/children'),
      page(() => `/children/${pick()}`),
      page(() => `/children/${pick()}/plan`),
      page(() => '/team'),
      api(() => '/api/v1/children'),
      api(() => `/api/v1/children/${pick()}`),
      api(() => `/api/v1/children/${pick()}/standards`),
      api(() => '/api/v1/children?page=2'),
      {
        method: 'POST' as const,
        setupRequest: (r: autocannon.Request) => ({
          ...r,
          path: `/api/v1/children/${pick()}/family`,
          headers: { ...bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Sam Loadtest', relationship: 'other', livesWithChild: 'no', parentalResponsibility: 'no' }),
        }),
      },
    ];

    // Each kind of request alone, one at a time, before the load: where the time goes
    const alone: Record<string, number[]> = {};
    for (const req of requests) {
      for (let i = 0; i < 20; i++) {
        const r = req.setupRequest({} as autocannon.Request) as unknown as { path: string; headers: Record<string, string>; body?: string };
        const kind = `${req.method} ${r.path.replace(/[0-9a-f-]{36}/g, ':id')}`;
        const t0 = performance.now();
        const res = await fetch(`${origin}${r.path}`, { method: req.method, headers: r.headers, ...(r.body ? { body: r.body } : {}), redirect: 'manual' });
        await res.arrayBuffer();
        (alone[kind] ??= []).push(performance.now() - t0);
      }
    }
    const alonePercentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
    const breakdown = Object.fromEntries(Object.entries(alone).map(([k, xs]) => [k, { medianMs: Math.round(alonePercentile(xs, 50) * 10) / 10, p95Ms: Math.round(alonePercentile(xs, 95) * 10) / 10 }]));
    process.stderr.write(`each request alone (20 of each, one at a time):\n${Object.entries(breakdown).map(([k, v]) => `  ${k.padEnd(44)} median ${v.medianMs} ms, p95 ${v.p95Ms} ms`).join('\n')}\n`);

    process.stderr.write(`load: ${connections} connections for ${seconds} s against ${origin} as a ${user.role} seeing ${ids.length} children\n`);
    const result = await autocannon({ url: origin, connections, duration: seconds, requests, timeout: 10, ...(rate > 0 ? { overallRate: rate } : {}) });
    const non2xx = result.non2xx;
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, (v as { count: number }).count]));
    const figures = {
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      connections,
      ratePerSecond: rate || 'unbounded',
      seconds,
      requests: result.requests.total,
      perSecond: result.requests.average,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx,
      statuses,
      p99LimitMs: P99_LIMIT_MS,
      aloneMs: breakdown,
      p99Ratio: Number((result.latency.p99 / P99_LIMIT_MS).toFixed(2)),
    };
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    // The server's own account of anything that went wrong (JSON log lines at error level and above).
    if (process.env.LOAD_SERVER_LOG) (await import('node:fs')).writeFileSync(process.env.LOAD_SERVER_LOG, started.output());
    const problems = started.output().split('\n').filter((l) => /"level":(5|6)0/.test(l));
    for (const l of problems.slice(0, 5)) process.stderr.write(`server: ${l.slice(0, 2000)}\n`);
    const failed = result.errors > 0 || result.timeouts > 0 || non2xx > 0 || result.latency.p99 > P99_LIMIT_MS;
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
