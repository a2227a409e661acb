/**
 * The nightly recompute of the practice standards in a process of its own (`assure standards recompute
 * --nightly`), at a lower CPU priority than the server. In the server's own process, the recompute's work
 * on the JavaScript thread (reading rows, evaluating, writing) ran between the steps of every page being
 * served, and each of a page's queries waited behind it. Only on a PostgreSQL server: the embedded
 * database belongs to the server's process, which then runs the recompute itself.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/assure.js', import.meta.url));
/** A niceness of 10: the server's process is given the processor first. */
const LOWER_PRIORITY = 10;

export interface RecomputeProcess {
  /** Resolves with what the command printed when it has finished; rejects if it failed. */
  done: Promise<string>;
  stop(): void;
}

/** `everyChild`: every child's results, not only those that may have moved (`--nightly --all`). */
export function startRecomputeProcess(env: NodeJS.ProcessEnv = process.env, opts: { everyChild?: boolean } = {}): RecomputeProcess {
  const child = spawn(process.execPath, [CLI, 'standards', 'recompute', '--nightly', ...(opts.everyChild ? ['--all'] : [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    if (child.pid) os.setPriority(child.pid, LOWER_PRIORITY);
  } catch {
    // Not permitted here: it runs at the server's priority
  }
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  let stopped = false;
  const done = new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error(stopped ? 'the recompute was stopped' : `the recompute exited with ${code ?? signal}: ${err.trim()}`));
    });
  });
  return {
    done,
    stop: () => {
      stopped = true;
      child.kill('SIGTERM');
    },
  };
}
