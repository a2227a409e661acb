/**
 * Opens the database: embedded PGlite (in a worker thread, one data directory, one process)
 * or a PostgreSQL server through pg. Both are driven by Kysely's own PostgresDialect so the
 * rest of the code never knows which it has.
 */
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { EmbeddedPool, lockDataDir } from './embedded/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'embedded' | 'server';
  /** Throws if the database does not answer. */
  ping(): Promise<void>;
  /** Embedded only: a copy of the whole data directory (tests use it as a template). */
  dump(): Promise<Uint8Array>;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'server'; url: string }
  | { kind: 'embedded'; dataDir: string }
  | { kind: 'memory'; loadDataDir?: Uint8Array };

// Dates without a time stay strings ('2026-11-21'), so no time zone can move them a day;
// bigint counts become numbers. PGlite's worker applies the same parsers.
const DATE_OID = 1082;
const INT8_OID = 20;
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (v: string) => v;
    if (oid === INT8_OID) return (v: string) => Number(v);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return pg.types.getTypeParser(oid, format as any);
  },
};

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if (target.kind === 'server') {
    // No JIT compilation: it is for long analytical queries, and Assure's take milliseconds. A query the planner
    // overestimates crossed its threshold and spent longer compiling than running (a team's children counted:
    // 18 ms, 12 of them compiling)
    const pool = new pg.Pool({ connectionString: target.url, max: 10, types: pgTypes as pg.CustomTypesConfig, options: '-c jit=off' });
    // An idle connection the server closes (a restart, a terminated backend) must not crash the
    // process: the pool drops it and opens a new one for the next query.
    pool.on('error', (err) => {
      process.stderr.write(`${JSON.stringify({ level: 40, msg: 'database connection lost; it will be replaced', err: err.message })}\n`);
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      kind: 'server',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      dump: () => Promise.reject(new Error('dump is only available on the embedded database; use pg_dump')),
      close: () => db.destroy(),
    };
  }
  const lock = target.kind === 'embedded' ? await lockDataDir(target.dataDir) : null;
  let pool: EmbeddedPool;
  try {
    pool =
      target.kind === 'embedded'
        ? await EmbeddedPool.open({ dataDir: path.join(target.dataDir, 'pgdata') })
        : await EmbeddedPool.open(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {});
  } catch (err) {
    await lock?.release();
    throw err;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as any }) });
  return {
    db,
    kind: 'embedded',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    dump: () => pool.dump(),
    close: async () => {
      await db.destroy(); // ends the pool, which closes PGlite cleanly
      await lock?.release();
    },
  };
}
