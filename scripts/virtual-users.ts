/**
 * Virtual users for the load test and the benchmark's page latency: each user is one keep-alive
 * connection (as a browser holds one) that sends a request, reads the whole answer, waits a think time
 * and sends the next, working through the workload's requests in turn from a place of its own.
 *
 * Think times are random (exponential, mean users / rate seconds), so requests arrive as people's do,
 * spread out, not all at the same instant: `rate` is the requests a second from all users together
 * (100 users at 50 a second: each one a request every 2 s). Rate 0 means no think time at all, every
 * user sending again as soon as it has its answer (the server's saturation, not people).
 *
 * Latency is from sending a request to having read its last byte. `runUsersInProcess` runs the users in a
 * process of their own, so that the load they make does not share the event loop of a server in the caller.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export interface UserRequest {
  method: 'GET' | 'POST';
  /** ':child' in a path is replaced by one of `childIds`, at random, each time it is sent. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface UsersOptions {
  origin: string;
  users: number;
  seconds: number;
  /** Requests a second from all users together; 0: no think time. */
  rate: number;
  requests: UserRequest[];
  childIds?: string[];
  timeoutMs?: number;
}

export interface UsersResult {
  users: number;
  seconds: number;
  requests: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p95: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number) => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function send(agent: http.Agent, origin: URL, req: UserRequest, path: string, timeoutMs: number): Promise<{ status: number } | { error: 'timeout' | 'error' }> {
  return new Promise((resolve) => {
    const r = http.request({ host: origin.hostname, port: origin.port, method: req.method, path, headers: { ...req.headers, ...(req.body !== undefined ? { 'content-length': Buffer.byteLength(req.body) } : {}) }, agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', () => resolve({ error: 'error' }));
    });
    r.setTimeout(timeoutMs, () => {
      r.destroy();
      resolve({ error: 'timeout' });
    });
    r.on('error', () => resolve({ error: 'error' }));
    r.end(req.body);
  });
}

export async function runUsers(opts: UsersOptions): Promise<UsersResult> {
  if (!opts.requests.length) throw new Error('no requests to send');
  const origin = new URL(opts.origin);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const meanThinkMs = opts.rate > 0 ? (opts.users / opts.rate) * 1000 : 0;
  const think = () => (meanThinkMs ? -Math.log(1 - Math.random()) * meanThinkMs : 0);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const started = performance.now();
  const endAt = started + opts.seconds * 1000;
  const ids = opts.childIds ?? [];

  const user = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let n = Math.floor(Math.random() * opts.requests.length);
    try {
      await sleep(think());
      while (performance.now() < endAt) {
        const req = opts.requests[n++ % opts.requests.length]!;
        const path = req.path.includes(':child') ? req.path.replace(':child', ids[Math.floor(Math.random() * ids.length)] ?? '') : req.path;
        const t0 = performance.now();
        const r = await send(agent, origin, req, path, timeoutMs);
        if ('status' in r) {
          latencies.push(performance.now() - t0);
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        } else if (r.error === 'timeout') timeouts++;
        else errors++;
        const wait = Math.min(think(), endAt - performance.now());
        if (wait > 0) await sleep(wait);
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(Array.from({ length: opts.users }, user));

  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce((n, [s, c]) => (Number(s) >= 200 && Number(s) < 300 ? n : n + c), 0);
  return {
    users: opts.users,
    seconds: opts.seconds,
    requests: latencies.length,
    perSecond: round(latencies.length / elapsedS),
    latencyMs: { p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? NaN) },
    errors,
    timeouts,
    non2xx,
    statuses,
  };
}

/** runUsers in a process of its own (this file, forked), so that its load is not on the caller's event loop. */
export function runUsersInProcess(opts: UsersOptions): Promise<UsersResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: UsersResult | undefined;
    child.once('message', (r) => {
      result = r as UsersResult;
    });
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`the virtual users' process exited with ${code}`))));
    child.send(opts);
  });
}

// Forked by runUsersInProcess: the options come in a message, the result goes back in one
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (opts) => {
    void runUsers(opts as UsersOptions).then((r) => process.send!(r, () => process.disconnect()));
  });
}
