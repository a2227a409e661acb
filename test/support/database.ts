import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';

/** A fresh, migrated database for one test file, on the backend this run is testing. */
export async function freshDatabase(): Promise<DatabaseHandle> {
  if (inject('testBackend') === 'postgres') {
    const url = process.env.TEST_DATABASE_URL!;
    const name = `assure_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create database ${name} template ${inject('pgTemplateDb')}`);
    } finally {
      await admin.end();
    }
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openDatabase({ kind: 'server', url: target.toString() });
    return {
      ...handle,
      close: async () => {
        await handle.close();
        const a = new pg.Client({ connectionString: url });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  }
  const template = new Uint8Array(await readFile(inject('pgliteTemplate')));
  return openDatabase({ kind: 'memory', loadDataDir: template });
}
