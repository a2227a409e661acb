/**
 * The real `assure` command as a child process (node bin/assure.js …), and an installation for it
 * to work on: an embedded data directory, or, when this run tests the PostgreSQL backend, a fresh
 * empty database on that server. Shared by the CLI's tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(root, 'bin', 'assure.js');
export const postgres = inject('testBackend') === 'postgres';

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Where the CLI's data goes: an embedded data directory, or an empty PostgreSQL database. */
export interface Installation {
  env: Record<string, string>;
  dataDir: string | null;
  open(): Promise<DatabaseHandle>;
  remove(): Promise<void>;
}

export async function newInstallation(): Promise<Installation> {
  if (postgres) {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `assure_cli_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`); // empty: `assure migrate` builds it from nothing
    await admin.end();
    const target = new URL(url);
    target.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: target.toString() },
      dataDir: null,
      open: () => openDatabase({ kind: 'server', url: target.toString() }),
      remove: async () => {
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-cli-'));
  return {
    env: { ASSURE_DATA_DIR: dataDir },
    dataDir,
    open: () => openDatabase({ kind: 'embedded', dataDir }),
    remove: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** The environment of a developer's shell, with only what the test means to set. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
  for (const key of ['DATABASE_URL', 'ASSURE_DATA_DIR', 'ASSURE_DEMO', 'SESSION_SECRET', 'PORT', 'HOST']) delete env[key];
  return { ...env, ...extra };
}

export function collect(proc: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `assure ARGS` to completion, with `input` (default: nothing) on stdin. */
export function assure(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Result> {
  const proc = spawn(process.execPath, [bin, ...args], { cwd: root, env: childEnv(opts.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
  const done = collect(proc);
  proc.stdin?.end(opts.input ?? '');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  return done.finally(() => clearTimeout(timer));
}

export const show = (r: Result) => `exit ${r.status}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

export function expectOk(r: Result): void {
  expect(r.status, show(r)).toBe(0);
}
