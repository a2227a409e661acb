/**
 * Backups of the whole database, and restoring one.
 *
 * - Embedded (PGlite): the backup is PGlite's own copy of its data directory, a tar.gz. A restore
 *   unpacks it into a staging directory beside the live one, opens it there to check it is an
 *   Assure database this version can run, and only then swaps it in. The data directory is locked
 *   throughout, so a running server (or another command) makes the restore refuse.
 * - PostgreSQL server: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner
 *   --single-transaction`, so a restore that fails part-way leaves the database as it was.
 *
 * The two kinds of file are told apart by their first bytes (gzip, or pg_dump's `PGDMP`), and a
 * restore refuses a file of the other kind, or one that is not an Assure backup, before it
 * changes anything.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { EmbeddedPool, lockDataDir } from './embedded/index.js';
import { MIGRATION_NAMES, MIGRATION_TABLE } from './migrate.js';

export type BackupKind = 'embedded' | 'server';

export type DatabaseConfig = { kind: 'server'; url: string } | { kind: 'embedded'; dataDir: string };

/** A backup or restore that cannot go ahead; the message says why and what to do. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupResult {
  kind: BackupKind;
  file: string;
  bytes: number;
}

export interface RestoreResult extends BackupResult {
  /** Whether a database that was there has been replaced. */
  replaced: boolean;
  /** Migrations recorded in the restored database. */
  migrations: number;
}

/** The Postgres files live in this folder of the embedded data directory. */
export const PGDATA = 'pgdata';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const PGDUMP_MAGIC = Buffer.from('PGDMP', 'latin1');

const KIND_NAME: Record<BackupKind, string> = {
  embedded: 'the embedded database (a copy of its data directory)',
  server: 'a PostgreSQL server database (pg_dump custom format)',
};

export function describeKind(kind: BackupKind): string {
  return KIND_NAME[kind];
}

/** "4.3 MB", for the one line a command prints. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

// ---------------------------------------------------------------------------------------------
// What a file is

async function readStart(file: string, length: number): Promise<Buffer> {
  const handle = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function tarString(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? raw.length : end).toString('utf8');
}

/**
 * Whether a gzip file holds a tar of a Postgres data directory: reads tar headers from the
 * decompressed stream until it meets a PG_VERSION entry (or the end, or something not tar).
 */
function isDataDirTarball(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const input = fs.createReadStream(file);
    const gunzip = createGunzip();
    let pending: Buffer = Buffer.alloc(0);
    let skip = 0; // bytes of file content still to pass over
    let settled = false;
    const finish = (answer: boolean) => {
      if (settled) return;
      settled = true;
      input.destroy();
      gunzip.destroy();
      resolve(answer);
    };
    gunzip.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (skip > 0) {
          const n = Math.min(skip, pending.length);
          skip -= n;
          pending = pending.subarray(n);
          if (skip > 0) return;
        }
        if (pending.length < 512) return;
        const header = pending.subarray(0, 512);
        pending = pending.subarray(512);
        if (header.every((b) => b === 0)) return finish(false); // end of archive, no PG_VERSION
        if (!header.subarray(257, 262).equals(Buffer.from('ustar'))) return finish(false);
        const name = `${tarString(header, 345, 155)}/${tarString(header, 0, 100)}`;
        if (name === 'PG_VERSION' || name.endsWith('/PG_VERSION')) return finish(true);
        const size = parseInt(tarString(header, 124, 12).trim() || '0', 8);
        if (!Number.isFinite(size) || size < 0) return finish(false);
        skip = Math.ceil(size / 512) * 512;
      }
    });
    gunzip.on('end', () => finish(false));
    gunzip.on('error', () => finish(false));
    input.on('error', () => finish(false));
    input.pipe(gunzip);
  });
}

/** Which kind of backup `file` is, or why it is not one. Throws BackupError if it cannot be read. */
export async function identifyBackup(file: string): Promise<{ kind: BackupKind } | { kind: null; reason: string }> {
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BackupError(code === 'ENOENT' ? `There is no file ${file}.` : `Cannot read ${file}: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw new BackupError(`${file} is not a file.`);
  const start = await readStart(file, 8);
  if (start.subarray(0, PGDUMP_MAGIC.length).equals(PGDUMP_MAGIC)) return { kind: 'server' };
  if (start.subarray(0, GZIP_MAGIC.length).equals(GZIP_MAGIC)) {
    if (await isDataDirTarball(file)) return { kind: 'embedded' };
    return { kind: null, reason: 'it is a gzip file, but not a copy of a database data directory' };
  }
  return { kind: null, reason: stat.size === 0 ? 'it is empty' : 'it is neither a copy of an embedded data directory nor a pg_dump file' };
}

// ---------------------------------------------------------------------------------------------
// Files

function partialName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.partial-${randomBytes(4).toString('hex')}`);
}

async function fsyncPath(p: string): Promise<void> {
  const handle = await fsp.open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves a finished backup into place: the name never points at half a file. */
async function publish(partial: string, file: string): Promise<number> {
  await fsyncPath(partial);
  await fsp.rename(partial, file);
  await fsyncPath(path.dirname(file)).catch(() => undefined); // not every file system syncs a directory
  return (await fsp.stat(file)).size;
}

async function checkWritable(file: string): Promise<void> {
  const dir = path.dirname(file);
  const stat = await fsp.stat(dir).catch(() => null);
  if (!stat?.isDirectory()) throw new BackupError(`Cannot write ${file}: there is no folder ${dir}.`);
  const existing = await fsp.stat(file).catch(() => null);
  if (existing?.isDirectory()) throw new BackupError(`Cannot write ${file}: it is a folder. Give a file name.`);
}

// ---------------------------------------------------------------------------------------------
// Embedded database

async function holdsDatabase(dir: string): Promise<boolean> {
  const entries = await fsp.readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  return entries.length > 0;
}

async function backupEmbedded(dataDir: string, file: string): Promise<BackupResult> {
  const live = path.join(dataDir, PGDATA);
  if (!(await holdsDatabase(live))) throw new BackupError(`There is no database to back up in ${dataDir}.`);
  await checkWritable(file);
  const lock = await lockDataDir(dataDir); // refuses while the server (or another command) has it open
  let pool: EmbeddedPool | null = null;
  const partial = partialName(file);
  try {
    pool = await EmbeddedPool.open({ dataDir: live });
    const bytes = await pool.dump('gzip');
    await pool.end();
    pool = null;
    await fsp.writeFile(partial, bytes);
    return { kind: 'embedded', file, bytes: await publish(partial, file) };
  } catch (err) {
    await fsp.rm(partial, { force: true });
    throw err;
  } finally {
    await pool?.end().catch(() => undefined);
    await lock.release();
  }
}

/** Refuses a backup holding a migration this version does not know (it was made by a newer version). */
function refuseNewer(file: string, names: string[]): void {
  const unknown = names.filter((name) => !MIGRATION_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new BackupError(
      `${file} was made by a newer version of Assure (it has migration ${unknown.join(', ')}, which this version does not know). ` +
        'Restore it with that version or later: nothing was changed.',
    );
  }
}

/** Opens the unpacked copy and checks it is an Assure database this version can run. */
async function checkRestored(pool: EmbeddedPool, file: string): Promise<number> {
  const table = await pool.query<{ present: boolean }>(`select to_regclass('public.${MIGRATION_TABLE}') is not null as present`);
  if (!table.rows[0]?.present) throw new BackupError(`${file} holds a PostgreSQL data directory, but not an Assure database: nothing was changed.`);
  const rows = await pool.query<{ name: string }>(`select name from ${MIGRATION_TABLE} order by name`);
  refuseNewer(file, rows.rows.map((r) => r.name));
  return rows.rows.length;
}

async function restoreEmbedded(dataDir: string, file: string, force: boolean): Promise<RestoreResult> {
  const bytes = (await fsp.stat(file)).size;
  const lock = await lockDataDir(dataDir); // refuses while the server (or another command) holds it
  const live = path.join(dataDir, PGDATA);
  const suffix = randomBytes(4).toString('hex');
  const staging = path.join(dataDir, `${PGDATA}.restoring-${suffix}`);
  const replacedDir = path.join(dataDir, `${PGDATA}.replaced-${suffix}`);
  try {
    const replaced = await holdsDatabase(live);
    if (replaced && !force) {
      throw new BackupError(
        `${dataDir} already holds a database: nothing was changed. To replace it with the backup, run the restore again with --force ` +
          '(take a backup of the current database first if you may need it).',
      );
    }
    // Left by a restore that was interrupted: never a live database.
    for (const name of await fsp.readdir(dataDir)) {
      if (name.startsWith(`${PGDATA}.restoring-`)) await fsp.rm(path.join(dataDir, name), { recursive: true, force: true });
    }

    let migrations: number;
    let pool: EmbeddedPool | null = null;
    try {
      await fsp.mkdir(staging);
      try {
        pool = await EmbeddedPool.open({ dataDir: staging, loadDataDir: new Uint8Array(await fsp.readFile(file)) });
      } catch (err) {
        const reason = (err as Error).message.replace(/^Could not start the embedded database in \S+: /, '').replace(/^Embedded database: /, '');
        throw new BackupError(`${file} could not be read as a copy of an embedded database (${reason}): nothing was changed.`);
      }
      migrations = await checkRestored(pool, file);
      await pool.end(); // a clean shutdown: the staged copy is complete on disk
      pool = null;
    } catch (err) {
      await pool?.end().catch(() => undefined);
      await fsp.rm(staging, { recursive: true, force: true });
      throw err;
    }

    // The swap: two renames in the same folder. The old database is removed only once the new one is in place.
    if (replaced) await fsp.rename(live, replacedDir);
    else await fsp.rm(live, { recursive: true, force: true }); // an empty folder, if any
    try {
      await fsp.rename(staging, live);
    } catch (err) {
      if (replaced) await fsp.rename(replacedDir, live);
      await fsp.rm(staging, { recursive: true, force: true });
      throw err;
    }
    await fsyncPath(dataDir).catch(() => undefined);
    if (replaced) await fsp.rm(replacedDir, { recursive: true, force: true });
    return { kind: 'embedded', file, bytes, replaced, migrations };
  } finally {
    await lock.release();
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL server

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The connection for pg_dump / pg_restore: the password goes in the environment, not on the command line. */
function connection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  return { dbname: u.toString(), env };
}

function runTool(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new BackupError(
            `${tool} was not found on the PATH. Backups of a PostgreSQL server need the PostgreSQL client tools ` +
              '(pg_dump and pg_restore, the same major version as the server or newer), e.g. the postgresql-client package.',
          ),
        );
      } else reject(new BackupError(`Could not run ${tool}: ${err.message}`));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function toolFailed(tool: string, run: Run, tail: string): BackupError {
  const detail = run.stderr.trim().split('\n').slice(-5).join('\n');
  return new BackupError(`${tool} failed (exit ${run.code})${detail ? `:\n${detail}` : ''}\n${tail}`);
}

async function backupServer(url: string, file: string): Promise<BackupResult> {
  await checkWritable(file);
  const { dbname, env } = connection(url);
  const partial = partialName(file);
  try {
    const run = await runTool('pg_dump', ['--format=custom', `--file=${partial}`, `--dbname=${dbname}`], env);
    if (run.code !== 0) throw toolFailed('pg_dump', run, 'No backup was written.');
    return { kind: 'server', file, bytes: await publish(partial, file) };
  } catch (err) {
    await fsp.rm(partial, { force: true });
    throw err;
  }
}

/** The migrations recorded in the database now, or null when it holds no Assure database. */
async function serverMigrations(url: string): Promise<string[] | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (err) {
    throw new BackupError(`Cannot reach the PostgreSQL server in DATABASE_URL: ${(err as Error).message}`);
  }
  try {
    const r = await client.query<{ present: boolean }>(`select to_regclass('public.${MIGRATION_TABLE}') is not null as present`);
    if (r.rows[0]?.present !== true) return null;
    const names = await client.query<{ name: string }>(`select name from ${MIGRATION_TABLE} order by name`);
    return names.rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/** The migrations recorded in a pg_dump file: the rows of its migrations table, read without restoring it. */
async function archiveMigrations(file: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const run = await runTool('pg_restore', ['--data-only', `--table=${MIGRATION_TABLE}`, '--file=-', file], env);
  if (run.code !== 0) throw toolFailed('pg_restore', run, `${file} could not be read as a pg_dump file: nothing was changed.`);
  const names: string[] = [];
  let inCopy = false;
  for (const line of run.stdout.split('\n')) {
    if (inCopy) {
      if (line === '\\.') break;
      const name = line.split('\t')[0];
      if (name) names.push(name);
    } else if (new RegExp(`^COPY (public\\.)?${MIGRATION_TABLE} `).test(line)) inCopy = true;
  }
  return names;
}

async function migrationCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(`select count(*) as n from ${MIGRATION_TABLE}`);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function restoreServer(url: string, file: string, force: boolean): Promise<RestoreResult> {
  const bytes = (await fsp.stat(file)).size;
  const { dbname, env } = connection(url);
  // The archive's table of contents: it must be a backup of an Assure database.
  const list = await runTool('pg_restore', ['--list', file], env);
  if (list.code !== 0) throw toolFailed('pg_restore', list, `${file} could not be read as a pg_dump file: nothing was changed.`);
  if (!new RegExp(`\\bTABLE (public )?${MIGRATION_TABLE}\\b`).test(list.stdout)) {
    throw new BackupError(`${file} is a pg_dump file, but not of an Assure database: nothing was changed.`);
  }
  const inBackup = await archiveMigrations(file, env);
  refuseNewer(file, inBackup);
  const current = await serverMigrations(url);
  const replaced = current !== null;
  if (replaced && !force) {
    throw new BackupError(
      'The database in DATABASE_URL already holds an Assure database: nothing was changed. To replace it with the backup, run the restore ' +
        'again with --force (take a backup of the current database first if you may need it).',
    );
  }
  // pg_restore --clean replaces what the backup holds; tables added by a later migration would be left behind.
  const later = (current ?? []).filter((name) => !inBackup.includes(name));
  if (later.length > 0) {
    throw new BackupError(
      `The database in DATABASE_URL has migrations the backup was made before (${later.join(', ')}), so restoring over it would ` +
        'leave their tables behind: nothing was changed. Restore into a new, empty database (createdb) and point DATABASE_URL at it.',
    );
  }
  const run = await runTool(
    'pg_restore',
    ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${dbname}`, file],
    env,
  );
  if (run.code !== 0) throw toolFailed('pg_restore', run, 'The restore ran in one transaction and was rolled back: nothing was changed.');
  return { kind: 'server', file, bytes, replaced, migrations: await migrationCount(url) };
}

// ---------------------------------------------------------------------------------------------
// The two operations

/** Writes a backup of the configured database to `file` (replacing a file of that name once the backup is complete). */
export async function backupDatabase(database: DatabaseConfig, file: string): Promise<BackupResult> {
  const target = path.resolve(file);
  return database.kind === 'embedded' ? backupEmbedded(database.dataDir, target) : backupServer(database.url, target);
}

/**
 * Restores `file` into the configured database. Refuses a file that is not a backup of this kind of
 * database, and a database that already holds data unless `force`.
 */
export async function restoreDatabase(database: DatabaseConfig, file: string, opts: { force?: boolean } = {}): Promise<RestoreResult> {
  const source = path.resolve(file);
  const found = await identifyBackup(source);
  if (found.kind === null) throw new BackupError(`${file} is not an Assure backup: ${found.reason}. Nothing was changed.`);
  if (found.kind !== database.kind) {
    throw new BackupError(
      `${file} is a backup of ${describeKind(found.kind)}, but this installation uses ` +
        `${database.kind === 'server' ? 'a PostgreSQL server (DATABASE_URL is set)' : 'the embedded database (DATABASE_URL is not set)'}. Nothing was changed.`,
    );
  }
  const force = opts.force === true;
  return database.kind === 'embedded' ? restoreEmbedded(database.dataDir, source, force) : restoreServer(database.url, source, force);
}
