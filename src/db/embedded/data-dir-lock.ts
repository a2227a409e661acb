/**
 * One Assure process per data directory. PGlite does not lock its files, and a second
 * process opening the same directory silently loses writes, so we do it: a lock file
 * `assure.lock` created with O_EXCL ('wx'), holding the owner's pid and host.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE_NAME = 'assure.lock';

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
}

export interface DataDirLock {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file if it is still ours. Safe to call more than once. */
  release(): Promise<void>;
}

export class DataDirLockedError extends Error {
  readonly dir: string;
  readonly pid: number;
  readonly hostname: string;

  constructor(dir: string, owner: LockInfo) {
    const otherHost = owner.hostname !== '' && owner.hostname !== os.hostname();
    super(
      `The data directory ${dir} is in use by another Assure process (pid ${owner.pid}). ` +
        `Stop that process first, or set ASSURE_DATA_DIR to another directory.` +
        (otherHost
          ? ` (The lock was taken on host ${owner.hostname}; if no Assure process runs there any more, ` +
            `delete ${path.join(dir, LOCK_FILE_NAME)}.)`
          : ''),
    );
    this.name = 'DataDirLockedError';
    this.dir = dir;
    this.pid = owner.pid;
    this.hostname = owner.hostname;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else. Only ESRCH means "no such process".
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function readLock(file: string): LockInfo | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockInfo>;
    if (typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return {
        pid: parsed.pid,
        hostname: typeof parsed.hostname === 'string' ? parsed.hostname : '',
        startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : '',
      };
    }
  } catch {
    // fall through: unreadable content
  }
  // Empty or garbled: a crash between create and write. Treat it as stale.
  return { pid: 0, hostname: os.hostname(), startedAt: '' };
}

/** Directories this process holds locks on. */
const heldByUs = new Set<string>();

/** Whether the lock's owner may still be running (then we must not take it). */
function ownerMayBeRunning(owner: LockInfo, dir: string): boolean {
  if (owner.pid === 0) return false;
  // On another host (a shared/network disk) we cannot check the pid: assume it is running.
  if (owner.hostname && owner.hostname !== os.hostname()) return true;
  // Taken before this machine booted: whatever has that pid now is not its owner.
  const startedAt = Date.parse(owner.startedAt);
  const bootedAt = Date.now() - os.uptime() * 1000;
  if (Number.isFinite(startedAt) && startedAt < bootedAt - 60_000) return false;
  // Our own pid (a restarted container is pid 1 again): held only if this process took it.
  if (owner.pid === process.pid) return heldByUs.has(dir);
  return isAlive(owner.pid);
}

function tryCreate(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(info)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Takes the exclusive lock on `dir` (created if missing). Throws DataDirLockedError if another
 * live process holds it; takes over a lock left by a process that no longer exists.
 */
export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const absDir = path.resolve(dir);
  await fsp.mkdir(absDir, { recursive: true });
  const file = path.join(absDir, LOCK_FILE_NAME);
  const info: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() };

  let acquired = tryCreate(file, info);
  if (!acquired) {
    const owner = readLock(file);
    if (owner && ownerMayBeRunning(owner, absDir)) throw new DataDirLockedError(absDir, owner);
    // Stale (its process is gone): remove it and try once more. If another process wins the
    // race for the fresh lock, the second `wx` fails and we report that process instead.
    try {
      fs.unlinkSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    acquired = tryCreate(file, info);
    if (!acquired) {
      const winner = readLock(file) ?? { pid: 0, hostname: os.hostname(), startedAt: '' };
      throw new DataDirLockedError(absDir, winner);
    }
  }

  heldByUs.add(absDir);
  let released = false;
  const releaseSync = (): void => {
    if (released) return;
    released = true;
    heldByUs.delete(absDir);
    process.removeListener('exit', releaseSync);
    try {
      const current = readLock(file);
      if (current && current.pid === info.pid && current.startedAt === info.startedAt) fs.unlinkSync(file);
    } catch {
      // already gone, or unreadable: nothing of ours to remove
    }
  };
  process.on('exit', releaseSync);

  return {
    path: file,
    release: async () => releaseSync(),
  };
}
