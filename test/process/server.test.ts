/**
 * The real server process: start, serve, shut down cleanly; production mode starts empty.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { openDatabase } from '../../src/db/database.js';

const embedded = inject('testBackend') === 'embedded';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'assure-proc-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; listening: Promise<number> } {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const listening = new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/Server listening at http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  listening.catch(() => undefined); // awaited only by tests that expect it to start
  return { child, output: () => out, listening };
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

// Real processes on a fresh data directory: slow on a busy two-core machine, so generous time limits.
describe.runIf(embedded)('the server process', { timeout: 120_000 }, () => {
  it('starts on a fresh data directory, seeds the demo, serves, and on SIGTERM closes the database and exits 0', async () => {
    const dataDir = path.join(dir, 'dev');
    const s = start({ ASSURE_DATA_DIR: dataDir, NODE_ENV: 'development' });
    const port = await s.listening;
    expect(s.output()).toContain('Created the demo partnership');
    expect(s.output()).toMatch(/admin@demo\.assure\.example\s+demo-\S{16}\s+partnership-admin/);
    const res = await fetch(`http://127.0.0.1:${port}/sign-in`);
    expect(res.status).toBe(200);
    const log = s.output().split('\n').find((l) => l.startsWith('{') && l.includes('"reqId"'));
    expect(JSON.parse(log!)).toMatchObject({ reqId: expect.any(String), level: 30 });
    expect(existsSync(path.join(dataDir, 'assure.lock'))).toBe(true);

    // A second server on the same data directory is refused with a clear message
    const second = start({ ASSURE_DATA_DIR: dataDir, NODE_ENV: 'development' });
    const code2 = await exited(second.child);
    expect(code2).toBe(1);
    expect(second.output()).toMatch(/in use by another Assure process/);

    const done = exited(s.child);
    s.child.kill('SIGTERM');
    expect(await done).toBe(0);
    expect(s.output()).toContain('shutting down');
    expect(existsSync(path.join(dataDir, 'assure.lock'))).toBe(false);

    // Closed cleanly: the data reopens with the demo intact
    const db = await openDatabase({ kind: 'embedded', dataDir });
    const p = await db.db.selectFrom('partnerships').select('code').execute();
    await db.close();
    expect(p).toEqual([{ code: '999' }]);
  });

  it('refuses to start in production without a session secret', async () => {
    const s = start({ ASSURE_DATA_DIR: path.join(dir, 'prod-nosecret'), NODE_ENV: 'production' });
    expect(await exited(s.child)).toBe(1);
    expect(s.output()).toContain('SESSION_SECRET is required');
  });

  it('starts empty in production: no demo partnership, no default password', async () => {
    const dataDir = path.join(dir, 'prod');
    const s = start({ ASSURE_DATA_DIR: dataDir, NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(48) });
    const port = await s.listening;
    expect(s.output()).not.toContain('demo');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    const done = exited(s.child);
    s.child.kill('SIGTERM');
    expect(await done).toBe(0);
    const db = await openDatabase({ kind: 'embedded', dataDir });
    const counts = await Promise.all([
      db.db.selectFrom('partnerships').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      db.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    await db.close();
    expect(counts.map((c) => c.n)).toEqual([0, 0]);
  });
});
