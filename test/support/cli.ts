/**
 * The real `assure` command as a child process (node bin/assure.js …) against a real database: an
 * embedded data directory, or, when this run tests the PostgreSQL backend, a fresh empty database
 * on that server.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { projectRoot } from '../../src/web/render.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runAssure(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  const base: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
  for (const key of ['DATABASE_URL', 'ASSURE_DATA_DIR', 'ASSURE_DEMO']) delete base[key];
  const proc = spawn(process.execPath, [path.join(projectRoot, 'bin', 'assure.js'), ...args], { cwd: projectRoot, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Where a CLI test's data goes; `remove` drops it. */
export interface CliInstallation {
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function cliInstallation(prefix: string): Promise<CliInstallation> {
  if (inject('testBackend') === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `assure_${prefix}_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const target = new URL(url);
    target.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: target.toString() },
      remove: async () => {
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `assure-${prefix}-`));
  return { env: { ASSURE_DATA_DIR: path.join(dir, 'data') }, remove: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}
