/**
 * `assure backup` and `assure restore`, run as the real command against a real database (an
 * embedded data directory, or a database on the PostgreSQL server when this run tests that
 * backend): a backup taken, the data changed, the backup restored, and the data exactly back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeDataDirTarball } from '../../test/support/backup-files.js';
import { type Installation, type Result, assure, expectOk, newInstallation, postgres, show } from '../../test/support/cli.js';
import { LOCK_FILE_NAME } from '../db/embedded/index.js';
import { MIGRATION_NAMES } from '../db/migrate.js';

const PASSWORD = 'correct horse battery staple';

interface Snapshot {
  /** Rows in every table of the schema. */
  counts: Record<string, number>;
  partnerships: unknown[];
  users: unknown[];
  children: unknown[];
  migrations: string[];
  lastLogHash: string | null;
}

/** What the database holds, to compare before and after. */
async function snapshot(inst: Installation): Promise<Snapshot> {
  const handle = await inst.open();
  try {
    const db = handle.db;
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
    const counts: Record<string, number> = {};
    for (const { table_name } of tables.rows) {
      const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(db);
      counts[table_name] = r.rows[0]!.n;
    }
    const migrations = await sql<{ name: string }>`select name from assure_migrations order by name`.execute(db);
    const lastLog = await db.selectFrom('access_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return {
      counts,
      partnerships: await db.selectFrom('partnerships').select(['id', 'code', 'name', 'is_demo']).orderBy('code').execute(),
      users: await db.selectFrom('users').select(['id', 'email', 'name', 'role', 'password_hash']).orderBy('email').execute(),
      children: await db.selectFrom('children').select(['id', 'la_child_id', 'first_name', 'last_name', 'date_of_birth', 'version']).orderBy('la_child_id').execute(),
      migrations: migrations.rows.map((r) => r.name),
      lastLogHash: lastLog?.hash ?? null,
    };
  } finally {
    await handle.close();
  }
}

describe('assure backup and restore', { timeout: 120_000 }, () => {
  let inst: Installation;
  let env: Record<string, string>;
  let files: string;
  let before: Snapshot;
  const backupFile = () => path.join(files, 'assure.backup');

  beforeAll(async () => {
    inst = await newInstallation();
    env = inst.env;
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-backups-'));
    expectOk(await assure(['migrate'], { env }));
    expectOk(await assure(['partnership', 'add', '--code', '916', '--name', 'Testshire Safeguarding Children Partnership'], { env }));
    expectOk(await assure(['agency', 'add', '--partnership', '916', '--name', 'Testshire Police', '--type', 'police'], { env }));
    expectOk(
      await assure(['user', 'add', '--partnership', '916', '--email', 'pat.police@example.org', '--name', 'Pat Police', '--role', 'partnership-admin', '--agency', 'Testshire Police'], {
        env,
        input: PASSWORD,
      }),
    );
    expectOk(await assure(['token', 'create', '--email', 'pat.police@example.org'], { env }));
    expectOk(await assure(['seed', 'demo', '--children', '2', '--format', 'json'], { env }));
  }, 180_000);
  afterAll(async () => {
    await inst?.remove();
    if (files) fs.rmSync(files, { recursive: true, force: true });
  });

  it('backup writes the file and prints one line naming it and its size', async () => {
    before = await snapshot(inst);
    expect(before.counts.children).toBe(2);
    expect(before.counts.api_tokens).toBe(1);
    expect(before.migrations).toEqual([...MIGRATION_NAMES]);

    const r = await assure(['backup', '--out', backupFile()], { env });
    expectOk(r);
    expect(r.stdout).toMatch(new RegExp(`^Backed up the (embedded|PostgreSQL) database in .+ to ${backupFile().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+(\\.\\d)? (kB|MB)\\)\\.\\n$`));
    const start = fs.readFileSync(backupFile()).subarray(0, 5);
    if (postgres) expect(start.toString('latin1')).toBe('PGDMP');
    else expect([...start.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    expect(fs.readdirSync(files)).toEqual(['assure.backup']); // no partial file left beside it
    if (inst.dataDir) expect(fs.existsSync(path.join(inst.dataDir, LOCK_FILE_NAME)), 'the data directory was released').toBe(false);
  });

  it('restore refuses to replace a database that holds data without --force, and changes nothing', async () => {
    const r = await assure(['restore', backupFile()], { env });
    expect(r.status, show(r)).toBe(1);
    expect(r.stderr).toMatch(/already holds (an Assure )?(a )?database: nothing was changed\. To replace it .* --force/);
    expect(r.stdout).toBe('');
    expect(await snapshot(inst)).toEqual(before);
  });

  it('restore --force brings back exactly what was backed up, after changes and deletions', async () => {
    expectOk(await assure(['partnership', 'add', '--code', '917', '--name', 'Otherside Safeguarding Children Partnership'], { env }));
    const handle = await inst.open();
    try {
      await handle.db.updateTable('users').set({ name: 'Renamed After Backup' }).where('email', '=', 'pat.police@example.org').execute();
      await handle.db.updateTable('children').set({ first_name: 'Changed', version: sql`version + 1` }).execute();
      await handle.db.deleteFrom('api_tokens').execute();
    } finally {
      await handle.close();
    }
    const changed = await snapshot(inst);
    expect(changed.counts.partnerships).toBe(before.counts.partnerships! + 1);
    expect(changed.counts.api_tokens).toBe(0);

    const r = await assure(['restore', '--force', backupFile()], { env });
    expectOk(r);
    expect(r.stdout).toMatch(/^Restored .+assure\.backup \(\d+(\.\d)? (kB|MB)\) into the (embedded|PostgreSQL) database in .+, replacing the database that was there: \d+ migrations recorded\.\n$/);
    expect(r.stdout).toContain(`${MIGRATION_NAMES.length} migrations recorded`);

    const after = await snapshot(inst);
    expect(after).toEqual(before);
    expect(after.migrations).toEqual([...MIGRATION_NAMES]);
    if (inst.dataDir) {
      expect(fs.readdirSync(inst.dataDir).sort(), 'no staging or replaced copy left behind').toEqual(['pgdata']);
    }

    const verify = await assure(['audit-log', 'verify'], { env });
    expectOk(verify);
    expect(verify.stdout).toMatch(/^Access log intact: [1-9]\d* rows? checked\.\n$/);
    const migrate = await assure(['migrate'], { env });
    expectOk(migrate);
    expect(migrate.stdout).toContain('up to date');
  });

  it('a file that is not a backup, or one of the other kind, fails with exit 1 and a clear message, changing nothing', async () => {
    const garbage = path.join(files, 'garbage.backup');
    fs.writeFileSync(garbage, 'this is not a backup\n'.repeat(100));
    const empty = path.join(files, 'empty.backup');
    fs.writeFileSync(empty, '');
    const notDataDir = path.join(files, 'notes.gz');
    fs.writeFileSync(notDataDir, gzipSync(Buffer.from('some notes')));
    const otherKind = path.join(files, 'other-kind.backup');
    fs.writeFileSync(otherKind, postgres ? fakeDataDirTarball() : Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(200, 1)]));

    const results = await Promise.all([
      assure(['restore', '--force', garbage], { env }),
      assure(['restore', '--force', empty], { env }),
      assure(['restore', '--force', notDataDir], { env }),
      assure(['restore', '--force', otherKind], { env }),
      assure(['restore', '--force', path.join(files, 'missing.backup')], { env }),
    ]);
    const [g, e, n, o, m] = results as [Result, Result, Result, Result, Result];
    for (const r of results) {
      expect(r.status, show(r)).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
    expect(g.stderr).toBe(`${garbage} is not an Assure backup: it is neither a copy of an embedded data directory nor a pg_dump file. Nothing was changed.\n`);
    expect(e.stderr).toContain(`${empty} is not an Assure backup: it is empty.`);
    expect(n.stderr).toContain('is a gzip file, but not a copy of a database data directory');
    if (postgres) {
      expect(o.stderr).toContain('is a backup of the embedded database (a copy of its data directory), but this installation uses a PostgreSQL server (DATABASE_URL is set). Nothing was changed.');
    } else {
      expect(o.stderr).toContain('is a backup of a PostgreSQL server database (pg_dump custom format), but this installation uses the embedded database (DATABASE_URL is not set). Nothing was changed.');
    }
    expect(m.stderr).toBe(`There is no file ${path.join(files, 'missing.backup')}.\n`);
    expect(await snapshot(inst)).toEqual(before);
  });

  it.skipIf(postgres)('on the embedded database, a file that only looks like a data directory is unpacked aside, refused, and cleared away', async () => {
    const fake = path.join(files, 'fake-data-dir.backup');
    fs.writeFileSync(fake, fakeDataDirTarball());
    const r = await assure(['restore', '--force', fake], { env });
    expect(r.status, show(r)).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${fake.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} could not be read as a copy of an embedded database \\(.+\\): nothing was changed\\.\n$`));
    expect(r.stderr).not.toContain('restoring-');
    expect(fs.readdirSync(inst.dataDir!).sort(), 'no staging copy left behind').toEqual(['pgdata']);
    expect(await snapshot(inst)).toEqual(before);
  });

  it('a backup restores into a new, empty installation without --force', async () => {
    const fresh = await newInstallation();
    try {
      const r = await assure(['restore', backupFile()], { env: fresh.env });
      expectOk(r);
      expect(r.stdout).not.toContain('replacing');
      expect(await snapshot(fresh)).toEqual(before);
    } finally {
      await fresh.remove();
    }
  });

  it('a backup from a newer version of Assure is refused, and so (server) is a restore over a database migrated past the backup', async () => {
    const future = '999_from_a_later_version';
    const addFuture = async () => {
      const handle = await inst.open();
      try {
        await sql`insert into assure_migrations (name, "timestamp") values (${future}, ${new Date().toISOString()})`.execute(handle.db);
      } finally {
        await handle.close();
      }
    };
    const removeFuture = async () => {
      const handle = await inst.open();
      try {
        await sql`delete from assure_migrations where name = ${future}`.execute(handle.db);
      } finally {
        await handle.close();
      }
    };
    const newer = path.join(files, 'newer.backup');
    await addFuture();
    try {
      expectOk(await assure(['backup', '--out', newer], { env }));
      if (postgres) {
        const over = await assure(['restore', '--force', backupFile()], { env });
        expect(over.status, show(over)).toBe(1);
        expect(over.stderr).toContain(`has migrations the backup was made before (${future})`);
        expect(over.stderr).toContain('nothing was changed');
      }
    } finally {
      await removeFuture();
    }
    const r = await assure(['restore', '--force', newer], { env });
    expect(r.status, show(r)).toBe(1);
    expect(r.stderr).toContain(`was made by a newer version of Assure (it has migration ${future}`);
    expect(await snapshot(inst)).toEqual(before);
  });

  it.runIf(postgres)('without pg_dump and pg_restore on the PATH, says what to install', async () => {
    const [b, r] = await Promise.all([
      assure(['backup', '--out', path.join(files, 'no-tools.backup')], { env: { ...env, PATH: '/nonexistent' } }),
      assure(['restore', '--force', backupFile()], { env: { ...env, PATH: '/nonexistent' } }),
    ]);
    expect(b.status, show(b)).toBe(1);
    expect(b.stderr).toContain('pg_dump was not found on the PATH');
    expect(r.status, show(r)).toBe(1);
    expect(r.stderr).toContain('pg_restore was not found on the PATH');
    expect(fs.existsSync(path.join(files, 'no-tools.backup'))).toBe(false);
  });

  it.skipIf(postgres)('on the embedded database, backup and restore refuse while a server holds the data directory', async () => {
    const lock = path.join(inst.dataDir!, LOCK_FILE_NAME);
    // This test process stands in for the server: a live pid on this host.
    fs.writeFileSync(lock, `${JSON.stringify({ pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() })}\n`);
    try {
      const [b, r] = await Promise.all([
        assure(['backup', '--out', path.join(files, 'while-running.backup')], { env }),
        assure(['restore', '--force', backupFile()], { env }),
      ]);
      for (const res of [b, r]) {
        expect(res.status, show(res)).toBe(1);
        expect(res.stderr).toContain(`is in use by another Assure process (pid ${process.pid})`);
      }
      expect(fs.existsSync(path.join(files, 'while-running.backup'))).toBe(false);
      expect(fs.readdirSync(inst.dataDir!).sort()).toEqual([LOCK_FILE_NAME, 'pgdata']);
    } finally {
      fs.rmSync(lock, { force: true });
    }
    expect(await snapshot(inst)).toEqual(before);
  });
});
