import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { DatabaseError } from 'pg';
import type { Worker as WorkerType } from 'node:worker_threads';
import { EmbeddedPool, isEmbeddedPool } from './index.js';

// Record every worker thread the pool starts, so one test can kill it.
const workers = vi.hoisted(() => [] as WorkerType[]);
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class RecordingWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      workers.push(this);
    }
  }
  return { ...actual, Worker: RecordingWorker, default: { ...actual, Worker: RecordingWorker } };
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'assure-embedded-'));
}

describe('EmbeddedPool (shared in-memory database)', () => {
  let pool: EmbeddedPool;

  beforeAll(async () => {
    pool = await EmbeddedPool.open({});
    await pool.exec(`
      create table item (id int primary key, name text not null unique, due date, made timestamptz, big int8, price numeric(10,2));
      create table counter (id int primary key);
    `);
  }, 20_000);

  afterAll(async () => {
    await pool?.end();
  });

  it('is recognised as an embedded pool', () => {
    expect(isEmbeddedPool(pool)).toBe(true);
    expect(isEmbeddedPool({})).toBe(false);
  });

  it('runs a query with parameters and reports command and rowCount like pg', async () => {
    const ins = await pool.query('insert into item (id, name) values ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
    expect(ins.command).toBe('INSERT');
    expect(ins.rowCount).toBe(2);
    expect(ins.rows).toEqual([]);

    const sel = await pool.query<{ id: number; name: string }>('select id, name from item where id = $1 or name = $2 order by id', [
      1,
      'two',
    ]);
    expect(sel.command).toBe('SELECT');
    expect(sel.rowCount).toBe(2);
    expect(sel.rows).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
    ]);

    const upd = await pool.query('update item set name = name || $1 where id in (1, 2)', ['!']);
    expect(upd).toMatchObject({ command: 'UPDATE', rowCount: 2 });
    const del = await pool.query('delete from item where id = $1', [2]);
    expect(del).toMatchObject({ command: 'DELETE', rowCount: 1 });
    const none = await pool.query('delete from item where id = $1', [999]);
    expect(none).toMatchObject({ command: 'DELETE', rowCount: 0 });
  });

  it('maps types: date -> "YYYY-MM-DD", int8 -> number, timestamptz -> Date, numeric -> string', async () => {
    const made = new Date('2026-03-04T05:06:07.891Z');
    await pool.query('insert into item (id, name, due, made, big, price) values ($1, $2, $3, $4, $5, $6)', [
      10,
      'typed',
      '2026-01-31',
      made,
      9007199254740991,
      '12.30',
    ]);
    const { rows } = await pool.query(
      `select due, made, big, price, count(*) over () as n, array[due, due + 1] as dues
       from item where id = 10`,
    );
    const row = rows[0]!;
    expect(row.due).toBe('2026-01-31');
    expect(row.made).toBeInstanceOf(Date);
    expect((row.made as Date).toISOString()).toBe(made.toISOString());
    expect(row.big).toBe(9007199254740991);
    expect(typeof row.n).toBe('number');
    expect(row.n).toBe(1);
    expect(row.price).toBe('12.30');
    expect(row.dues).toEqual(['2026-01-31', '2026-02-01']);

    const ts = await pool.query(`select timestamp '2026-01-02 03:04:05' as t, null::date as d`);
    expect(ts.rows[0]!.t).toBeInstanceOf(Date);
    expect(ts.rows[0]!.d).toBeNull();
  });

  it('returns bytea as a Buffer and json as objects', async () => {
    const { rows } = await pool.query(`select '\\x0102ff'::bytea as b, $1::jsonb as j`, [{ a: [1, 'x'] }]);
    expect(Buffer.isBuffer(rows[0]!.b)).toBe(true);
    expect([...(rows[0]!.b as Buffer)]).toEqual([1, 2, 255]);
    expect(rows[0]!.j).toEqual({ a: [1, 'x'] });
  });

  it('keeps the SQLSTATE and details of a unique violation (as pg.DatabaseError)', async () => {
    await pool.query('insert into item (id, name) values ($1, $2)', [20, 'dup']);
    const err = await pool.query('insert into item (id, name) values ($1, $2)', [21, 'dup']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(DatabaseError);
    expect(err).toMatchObject({
      code: '23505',
      constraint: 'item_name_key',
      table: 'item',
      schema: 'public',
      severity: 'ERROR',
      detail: 'Key (name)=(dup) already exists.',
    });
    expect((err as Error).message).toContain('duplicate key value violates unique constraint');

    const syntax = await pool.query('selec 1').catch((e: unknown) => e);
    expect(syntax).toMatchObject({ code: '42601', position: '1' });

    // the connection is usable afterwards
    expect((await pool.query('select 1 as x')).rows).toEqual([{ x: 1 }]);
  });

  it('rejects several statements in query() but runs them in exec()', async () => {
    await expect(pool.query('select 1; select 2')).rejects.toMatchObject({ code: '42601' });
    const results = await pool.exec('select 1 as a; select 2 as b');
    expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
  });

  it('serialises two overlapping transactions from two clients', async () => {
    const first = await pool.connect();
    await first.query('begin');
    await first.query('insert into counter (id) values (1)');

    let secondGranted = false;
    const secondPromise = pool.connect().then((c) => {
      secondGranted = true;
      return c;
    });
    // While the first client holds the connection, a plain pool.query waits too.
    let plainDone = false;
    const plain = pool.query<{ n: number }>('select count(*) as n from counter').then((r) => {
      plainDone = true;
      return r;
    });
    await sleep(150);
    expect(secondGranted).toBe(false);
    expect(plainDone).toBe(false);
    expect(pool.waitingCount).toBe(2);

    await first.query('rollback');
    first.release();
    await expect(first.query('select 1')).rejects.toThrow(/released/);

    const second = await secondPromise;
    expect(secondGranted).toBe(true);
    expect(plainDone).toBe(false); // it queued after the second client
    expect((await second.query('select count(*) as n from counter')).rows).toEqual([{ n: 0 }]);
    await second.query('begin');
    await second.query('insert into counter (id) values (2)');
    await second.query('commit');
    second.release();

    // The plain query ran after the second transaction committed: it sees the committed row only.
    expect((await plain).rows).toEqual([{ n: 1 }]);
    expect((await pool.query('select id from counter')).rows).toEqual([{ id: 2 }]);
  });

  it('rolls back a transaction left open when its client is released', async () => {
    const client = await pool.connect();
    await client.query('begin');
    await client.query('insert into counter (id) values (3)');
    client.release(); // no commit, no rollback
    expect((await pool.query('select count(*) as n from counter where id = 3')).rows).toEqual([{ n: 0 }]);
    // and we are not inside a transaction any more: this commits on its own
    await pool.query('insert into counter (id) values (4)');
    const c2 = await pool.connect();
    await c2.query('rollback'); // would undo id 4 if it were still in a transaction
    c2.release();
    expect((await pool.query('select count(*) as n from counter where id = 4')).rows).toEqual([{ n: 1 }]);
  });

  it('drives Kysely PostgresDialect: a throwing transaction leaves no row, a committed one does', async () => {
    const db = new Kysely<{ counter: { id: number } }>({
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      dialect: new PostgresDialect({ pool: pool as any }),
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('counter').values({ id: 100 }).execute();
        const inside = await trx.selectFrom('counter').select('id').where('id', '=', 100).execute();
        expect(inside).toEqual([{ id: 100 }]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.selectFrom('counter').select('id').where('id', '=', 100).execute()).toEqual([]);

    // Two Kysely transactions started together run one after the other.
    const order: string[] = [];
    await Promise.all(
      [101, 102].map((id) =>
        db.transaction().execute(async (trx) => {
          order.push(`begin ${id}`);
          await trx.insertInto('counter').values({ id }).execute();
          await sleep(30);
          order.push(`end ${id}`);
        }),
      ),
    );
    expect(order).toEqual(['begin 101', 'end 101', 'begin 102', 'end 102']);
    const res = await db.insertInto('counter').values({ id: 103 }).executeTakeFirst();
    expect(res.numInsertedOrUpdatedRows).toBe(1n);
    const rows = await db.selectFrom('counter').select('id').where('id', '>', 100).orderBy('id').execute();
    expect(rows).toEqual([{ id: 101 }, { id: 102 }, { id: 103 }]);

    // Unique violation through Kysely keeps its code as well.
    await expect(db.insertInto('counter').values({ id: 103 }).execute()).rejects.toMatchObject({ code: '23505' });
    expect((await sql<{ d: string }>`select ${'2026-02-03'}::date as d`.execute(db)).rows).toEqual([{ d: '2026-02-03' }]);
    // (no db.destroy(): that would end the shared pool)
  });

  it('does not stall the event loop while a slow query runs in the worker', async () => {
    const N = 8_000_000; // ~1.5 s inside PGlite on the reference machine
    const start = performance.now();
    let timerAt: number | undefined;
    setTimeout(() => {
      timerAt = performance.now() - start;
    }, 50);
    let ticks = 0;
    let last = start;
    let maxGap = 0;
    const interval = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 10);
    const result = await pool.query<{ n: number }>(`select count(*) as n from generate_series(1, ${N})`);
    const queryMs = performance.now() - start;
    clearInterval(interval);

    console.info(
      `slow query: ${queryMs.toFixed(0)} ms; 50 ms timer fired at ${timerAt?.toFixed(1)} ms; ` +
        `${ticks} interval ticks, longest gap ${maxGap.toFixed(1)} ms`,
    );
    expect(result.rows[0]!.n).toBe(N);
    expect(queryMs).toBeGreaterThan(300); // otherwise this test proves nothing
    expect(timerAt).toBeDefined(); // the 50 ms timer fired before the query resolved
    expect(timerAt!).toBeLessThan(queryMs);
    expect(ticks).toBeGreaterThan(5);
    expect(maxGap).toBeLessThan(queryMs / 2);
  }, 20_000);
});

describe('EmbeddedPool lifecycle', () => {
  it('dump then load into a fresh pool keeps the rows (gzip and uncompressed)', async () => {
    const a = await EmbeddedPool.open({});
    let gz: Uint8Array;
    let raw: Uint8Array;
    try {
      await a.exec(`create table note (id int primary key, body text, day date);
                    insert into note values (1, 'first', '2026-01-01'), (2, 'second', null);`);
      gz = await a.dump();
      raw = await a.dump('none');
    } finally {
      await a.end();
    }
    expect(gz).toBeInstanceOf(Uint8Array);
    expect(gz[0]).toBe(0x1f); // gzip magic
    expect(gz[1]).toBe(0x8b);
    expect(raw.length).toBeGreaterThan(gz.length);

    for (const dump of [gz, raw]) {
      const b = await EmbeddedPool.open({ loadDataDir: dump });
      try {
        expect((await b.query('select id, body, day from note order by id')).rows).toEqual([
          { id: 1, body: 'first', day: '2026-01-01' },
          { id: 2, body: 'second', day: null },
        ]);
        // the copy is independent and writable
        await b.query('insert into note values (3, $1, null)', ['third']);
      } finally {
        await b.end();
      }
    }
  }, 30_000);

  it('persists to a data directory across end() and reopen', async () => {
    const dir = tmpDir();
    try {
      const a = await EmbeddedPool.open({ dataDir: dir });
      await a.exec('create table kept (id int primary key, v text)');
      await a.query('insert into kept values ($1, $2)', [1, 'still here']);
      await a.end();
      await a.end(); // idempotent
      await expect(a.query('select 1')).rejects.toThrow(/ended/);
      await expect(a.connect()).rejects.toThrow();
      expect(fs.existsSync(path.join(dir, 'PG_VERSION'))).toBe(true);

      const b = await EmbeddedPool.open({ dataDir: dir });
      try {
        expect((await b.query('select id, v from kept')).rows).toEqual([{ id: 1, v: 'still here' }]);
      } finally {
        await b.end();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('times out a connect() that waits too long, and rejects pending calls if the worker dies', async () => {
    const pool = await EmbeddedPool.open({ acquireTimeoutMs: 200 });
    try {
      const holder = await pool.connect();
      await expect(pool.connect()).rejects.toThrow(/Timed out after 200 ms/);
      holder.release();
    } finally {
      await pool.end();
    }

    // A pool whose waiters would wait long enough for the worker to die first, however busy the machine.
    const dying = await EmbeddedPool.open({ acquireTimeoutMs: 60_000 });
    const worker = workers.at(-1)!;
    try {
      const slow = dying.query('select count(*) from generate_series(1, 20000000)');
      const waiting = dying.connect();
      await sleep(100);
      await worker.terminate();
      await expect(slow).rejects.toThrow(/worker exited unexpectedly/);
      await expect(waiting).rejects.toThrow(/worker exited unexpectedly/);
      await expect(dying.query('select 1')).rejects.toThrow(/worker exited unexpectedly/);
      await dying.end(); // still resolves
    } finally {
      await dying.end();
    }
  }, 30_000);

  it('reports a data directory it cannot open', async () => {
    const dir = tmpDir();
    try {
      fs.writeFileSync(path.join(dir, 'PG_VERSION'), 'not a postgres version\n');
      await expect(EmbeddedPool.open({ dataDir: dir })).rejects.toThrow(/Could not start the embedded database in/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
