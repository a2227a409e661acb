import { describe, it, expect, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataDirLockedError, LOCK_FILE_NAME, lockDataDir } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '../../..');
const lockModule = path.join(here, 'data-dir-lock.ts');

const dirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const readLockFile = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE_NAME), 'utf8'));

/**
 * Runs another Node process that tries to lock `dir`.
 *   mode 'try':  lock, print LOCKED, exit without releasing (the exit hook must clean up)
 *   mode 'hold': lock, print LOCKED <pid>, then stay alive until killed
 * On DataDirLockedError it prints the message on stderr and exits with code 3.
 */
function child(dir: string, mode: 'try' | 'hold') {
  const script = `
    import { lockDataDir, DataDirLockedError } from ${JSON.stringify(lockModule)};
    try {
      await lockDataDir(process.env.LOCK_DIR);
      console.log('LOCKED ' + process.pid);
      if (process.env.LOCK_MODE === 'hold') setInterval(() => {}, 1000);
    } catch (err) {
      console.error(err.message);
      process.exit(err instanceof DataDirLockedError ? 3 : 1);
    }`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    env: { ...process.env, LOCK_DIR: dir, LOCK_MODE: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      proc.on('error', reject);
      proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    },
  );
  const locked = new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', () => {
      if (stdout.includes('LOCKED')) resolve();
    });
    void exited.then((r) => reject(new Error(`child exited before locking: ${r.stderr}`)));
  });
  locked.catch(() => undefined); // only 'hold' callers await it
  return { proc, exited, locked };
}

describe('lockDataDir', () => {
  it('creates the directory and a lock file holding pid, hostname and start time', async () => {
    const dir = path.join(tmpDir(), 'nested', 'data');
    const lock = await lockDataDir(dir);
    try {
      expect(lock.path).toBe(path.join(dir, LOCK_FILE_NAME));
      const info = readLockFile(dir);
      expect(info.pid).toBe(process.pid);
      expect(info.hostname).toBe(os.hostname());
      expect(Number.isNaN(Date.parse(info.startedAt))).toBe(false);
    } finally {
      await lock.release();
    }
  });

  it('refuses a second lock in the same process, naming the pid', async () => {
    const dir = tmpDir();
    const lock = await lockDataDir(dir);
    try {
      const err = await lockDataDir(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect((err as DataDirLockedError).pid).toBe(process.pid);
      expect((err as Error).message).toBe(
        `The data directory ${dir} is in use by another Assure process (pid ${process.pid}). ` +
          `Stop that process first, or set ASSURE_DATA_DIR to another directory.`,
      );
      // the refused attempt did not disturb the holder's file
      expect(readLockFile(dir).pid).toBe(process.pid);
    } finally {
      await lock.release();
    }
    // once released it can be taken again
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('release removes the file, only once, and only while it is still ours', async () => {
    const dir = tmpDir();
    const file = path.join(dir, LOCK_FILE_NAME);
    const lock = await lockDataDir(dir);
    expect(fs.existsSync(file)).toBe(true);
    await lock.release();
    expect(fs.existsSync(file)).toBe(false);
    await lock.release(); // idempotent

    const lock2 = await lockDataDir(dir);
    // someone replaced the file (e.g. took over after deciding we were dead): leave theirs alone
    fs.writeFileSync(file, JSON.stringify({ pid: 1, hostname: os.hostname(), startedAt: new Date().toISOString() }));
    await lock2.release();
    expect(fs.existsSync(file)).toBe(true);
  });

  it('refuses a second process while this one holds the lock', async () => {
    const dir = tmpDir();
    const lock = await lockDataDir(dir);
    try {
      const { exited } = child(dir, 'try');
      const result = await exited;
      expect(result.code).toBe(3);
      expect(result.stdout).not.toContain('LOCKED');
      expect(result.stderr).toContain(
        `The data directory ${dir} is in use by another Assure process (pid ${process.pid}). ` +
          `Stop that process first, or set ASSURE_DATA_DIR to another directory.`,
      );
      expect(readLockFile(dir).pid).toBe(process.pid);
    } finally {
      await lock.release();
    }
  }, 20_000);

  it('is refused while another process holds it, and takes over once that process is killed', async () => {
    const dir = tmpDir();
    const holder = child(dir, 'hold');
    try {
      await holder.locked;
      const childPid = holder.proc.pid!;
      expect(readLockFile(dir).pid).toBe(childPid);

      const err = await lockDataDir(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataDirLockedError);
      expect((err as Error).message).toContain(`(pid ${childPid})`);

      // SIGKILL: no exit hook runs, the lock file stays behind as after a crash
      holder.proc.kill('SIGKILL');
      const result = await holder.exited;
      expect(result.signal).toBe('SIGKILL');
      expect(readLockFile(dir).pid).toBe(childPid);

      const lock = await lockDataDir(dir);
      expect(readLockFile(dir).pid).toBe(process.pid);
      await lock.release();
    } finally {
      holder.proc.kill('SIGKILL');
    }
  }, 20_000);

  it('takes over a stale lock whose pid does not exist, and a garbled one', async () => {
    const dir = tmpDir();
    const file = path.join(dir, LOCK_FILE_NAME);
    fs.writeFileSync(file, JSON.stringify({ pid: 2147483646, hostname: os.hostname(), startedAt: new Date().toISOString() }));
    const lock = await lockDataDir(dir);
    expect(readLockFile(dir).pid).toBe(process.pid);
    await lock.release();

    fs.writeFileSync(file, '');
    const lock2 = await lockDataDir(dir);
    expect(readLockFile(dir).pid).toBe(process.pid);
    await lock2.release();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('takes over a lock with our own pid that this process does not hold (restarted container)', async () => {
    const dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() }),
    );
    const lock = await lockDataDir(dir);
    await lock.release();
  });

  it('takes over a lock taken before this machine booted, even if its pid is now in use', async () => {
    const dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: process.ppid, hostname: os.hostname(), startedAt: '2001-01-01T00:00:00.000Z' }),
    );
    const lock = await lockDataDir(dir);
    expect(readLockFile(dir).pid).toBe(process.pid);
    await lock.release();
  });

  it('releases on process exit even without release()', async () => {
    const dir = tmpDir();
    const result = await child(dir, 'try').exited;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('LOCKED');
    expect(fs.existsSync(path.join(dir, LOCK_FILE_NAME))).toBe(false);
  }, 20_000);

  it('refuses a lock taken on another host (the pid cannot be checked from here)', async () => {
    const dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, LOCK_FILE_NAME),
      JSON.stringify({ pid: 4242, hostname: `not-${os.hostname()}`, startedAt: new Date().toISOString() }),
    );
    const err = await lockDataDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    expect((err as Error).message).toContain('(pid 4242)');
    expect((err as Error).message).toContain(`on host not-${os.hostname()}`);
  });
});
