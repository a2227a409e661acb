/**
 * Crash safety: the real server under a write load through the JSON API is killed with SIGKILL
 * (no shutdown, no checkpoint), then started again on the same database. Every write the server
 * acknowledged with a 2xx must be there in full, no record may be half-written (a child without
 * its referral or its access-log row), and the access log's hash chain must still verify.
 *
 * Both backends; the embedded PGlite data directory is the interesting one, since PGlite runs
 * with fsync off and the killed server leaves its lock file behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Installation, assure, childEnv, collect, expectOk, newInstallation, root, show } from '../support/cli.js';
import { verifyChain } from '../../src/modules/access-log/repository.js';

/** How long the load runs before the kill (bounded whatever the machine's speed). */
const MIN_LOAD_MS = 3_000;
const MAX_LOAD_MS = 25_000;
/** Acknowledged writes wanted before the kill. */
const MIN_ACKED = 60;
const CLIENTS = 4;

interface Server {
  child: ChildProcess;
  port: Promise<number>;
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function startServer(env: Record<string, string>): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: childEnv({ ...env, PORT: '0', ASSURE_DEMO: 'false', LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const done = collect(child);
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (status, signal) => resolve({ status, signal })),
  );
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 90 s:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /Assure is running at http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void done.then((r) => {
      clearTimeout(timer);
      reject(new Error(`the server exited: ${show(r)}\n${out}`));
    });
  });
  port.catch(() => undefined);
  return { child, port, exited, output: () => out };
}

interface AckedChild {
  id: string;
  laChildId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  referralSummary: string;
}

interface AckedFamilyMember {
  id: string;
  childId: string;
  name: string;
}

describe('a server killed mid-write', { timeout: 180_000 }, () => {
  let inst: Installation;
  let token = '';
  const servers: Server[] = [];

  beforeAll(async () => {
    inst = await newInstallation();
    const seeded = await assure(['seed', 'demo', '--children', '0', '--format', 'json'], { env: inst.env });
    expectOk(seeded);
    const { users } = JSON.parse(seeded.stdout) as { users: { email: string; role: string; agency: string }[] };
    const socialWorker = users.find((u) => u.role === 'practitioner' && /children/i.test(u.agency));
    expect(socialWorker, 'the demo has a social worker').toBeDefined();
    const t = await assure(['token', 'create', '--email', socialWorker!.email], { env: inst.env });
    expectOk(t);
    token = t.stdout.trim();
  }, 120_000);

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await Promise.all(servers.map((s) => s.exited));
    await inst?.remove();
  });

  it('keeps every acknowledged write whole, and the access log verifies', async () => {
    const first = startServer(inst.env);
    servers.push(first);
    const port = await first.port;
    const api = (p: string) => `http://127.0.0.1:${port}/api/v1${p}`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const children: AckedChild[] = [];
    const family: AckedFamilyMember[] = [];
    let failedBeforeKill = 0;
    let killed = false;
    let n = 0;
    let inFlight = 0;

    const client = async (c: number) => {
      while (!killed) {
        const i = n++;
        inFlight++;
        try {
          // Every third write adds to a child already acknowledged; the rest start a new record.
          const parent = i % 3 === 2 ? children[(i * 7) % Math.max(children.length, 1)] : undefined;
          if (parent) {
            const body = { name: `Relative ${i}`, relationship: 'mother', livesWithChild: 'yes', parentalResponsibility: 'no' };
            const res = await fetch(api(`/children/${parent.id}/family`), { method: 'POST', headers, body: JSON.stringify(body) });
            if (res.status >= 200 && res.status < 300) family.push({ id: ((await res.json()) as { id: string }).id, childId: parent.id, name: body.name });
            else if (!killed) failedBeforeKill++;
          } else {
            const child = {
              laChildId: `CRASH-${c}-${i}`,
              firstName: `First${i}`,
              lastName: `Last${i}`,
              dateOfBirth: `2019-0${(i % 9) + 1}-1${i % 10}`,
              referralSummary: `Synthetic referral number ${i} for the crash test.`,
            };
            const res = await fetch(api('/children'), {
              method: 'POST',
              headers,
              body: JSON.stringify({ ...child, sex: 'not-known', referralReceivedOn: '2026-11-02' }),
            });
            if (res.status >= 200 && res.status < 300) children.push({ id: ((await res.json()) as { id: string }).id, ...child });
            else if (!killed) failedBeforeKill++;
          }
        } catch {
          // the connection died with the server: not acknowledged, so nothing is owed
          if (!killed) failedBeforeKill++;
        } finally {
          inFlight--;
        }
      }
    };

    const started = Date.now();
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    while (Date.now() - started < MAX_LOAD_MS && !(Date.now() - started >= MIN_LOAD_MS && children.length + family.length >= MIN_ACKED)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const inFlightAtKill = inFlight;
    first.child.kill('SIGKILL'); // requests in flight: some committed, some not, none answered
    killed = true;
    const { signal } = await first.exited;
    await load;
    expect(signal).toBe('SIGKILL');
    expect(failedBeforeKill, first.output()).toBe(0);
    expect(children.length + family.length).toBeGreaterThanOrEqual(Math.min(MIN_ACKED, 10));
    expect(family.length).toBeGreaterThan(0);
    expect(inFlightAtKill, 'writes were in flight when the server was killed').toBeGreaterThan(0);

    // Started again on the same database (the embedded one recovers, and takes over the dead server's lock)
    const second = startServer(inst.env);
    servers.push(second);
    const port2 = await second.port;
    expect((await fetch(`http://127.0.0.1:${port2}/readyz`)).status).toBe(200);
    // Served again: a few acknowledged records read back through the API
    for (const c of children.slice(0, 5)) {
      const res = await fetch(`http://127.0.0.1:${port2}/api/v1/children/${c.id}`, { headers });
      expect(res.status).toBe(200);
    }
    const stopped = second.exited;
    second.child.kill('SIGTERM');
    expect((await stopped).status).toBe(0);

    const handle = await inst.open();
    try {
      const db = handle.db;
      const rows = await db
        .selectFrom('children')
        .select(['id', 'la_child_id', 'first_name', 'last_name', 'date_of_birth', 'sex'])
        .where('la_child_id', 'like', 'CRASH-%')
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const c of children) {
        expect(byId.get(c.id), `acknowledged child ${c.laChildId}`).toEqual({
          id: c.id,
          la_child_id: c.laChildId,
          first_name: c.firstName,
          last_name: c.lastName,
          date_of_birth: c.dateOfBirth,
          sex: 'not-known',
        });
      }
      // No half-written record, acknowledged or not: every child has its referral and its access-log row
      const referrals = await db.selectFrom('referrals').select(['child_id', 'summary']).execute();
      const referralOf = new Map(referrals.map((r) => [r.child_id, r.summary]));
      const created = await db.selectFrom('access_log').select('record_id').where('action', '=', 'create').where('record_type', '=', 'child').execute();
      const logged = new Set(created.map((r) => r.record_id));
      for (const r of rows) {
        expect(referralOf.has(r.id), `child ${r.la_child_id} has its referral`).toBe(true);
        expect(logged.has(r.id), `child ${r.la_child_id} has its access-log row`).toBe(true);
      }
      for (const c of children) expect(referralOf.get(c.id)).toBe(c.referralSummary);

      const members = await db.selectFrom('family_members').select(['id', 'child_id', 'name']).execute();
      const memberById = new Map(members.map((m) => [m.id, m]));
      for (const f of family) expect(memberById.get(f.id), `acknowledged family member ${f.name}`).toEqual({ id: f.id, child_id: f.childId, name: f.name });
      const memberLog = await db.selectFrom('access_log').select('record_id').where('action', '=', 'create').where('record_type', '=', 'family-member').execute();
      const memberLogged = new Set(memberLog.map((r) => r.record_id));
      for (const m of members) expect(memberLogged.has(m.id), `family member ${m.name} has its access-log row`).toBe(true);

      const chain = await verifyChain(db);
      expect(chain.broken).toBeNull();
      expect(chain.checked).toBeGreaterThanOrEqual(children.length + family.length);
    } finally {
      await handle.close();
    }

    const verify = await assure(['audit-log', 'verify'], { env: inst.env });
    expectOk(verify);
  });
});
