/**
 * An import and a change to one of its children at the same moment, on the PostgreSQL server (on the embedded
 * database, with one connection, transactions run one after the other anyway). An import writes its children's
 * rows first and the partnership's access-log chain at its end, as a change to one child does; so a change
 * holding a child's row while the import wants it commits first, and the import then writes the child: neither
 * is ended by the database as a deadlock, nothing is reported refused, both writes stand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeCensus } from '../../../bench/census.js';
import { freshDatabase } from '../../../test/support/database.js';
import { type Fixture, makePartnership } from '../../../test/support/factories.js';
import type { DatabaseHandle } from '../../db/database.js';
import { systemActor } from '../../lib/actor.js';
import { FixedClock } from '../../lib/clock.js';
import { verifyChain } from '../access-log/repository.js';
import { AccessLogService } from '../access-log/service.js';
import { ChildRecords } from '../cases/record.js';
import { recordsVersion } from '../standards/repository.js';
import { StandardsService } from '../standards/service.js';
import { ImportsService } from './service.js';

const server = inject('testBackend') === 'postgres';
const clock = new FixedClock(new Date('2026-11-02T09:00:00Z'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-import-concurrency-'));
let database: DatabaseHandle;
let records: ChildRecords;
let imports: ImportsService;

beforeAll(async () => {
  database = await freshDatabase();
  const accessLog = new AccessLogService(database.db, clock);
  records = new ChildRecords(database.db, clock, accessLog, (trx, id) => standards.reevaluate(trx, id));
  const standards = new StandardsService(records);
  imports = new ImportsService(database.db, clock, accessLog);
}, 60_000);

afterAll(async () => {
  await database?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** Until some transaction of this test's database waits for a lock another holds (at most 30 s). */
async function someoneWaits(): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    // A backend of this test's database waiting for a lock (the server may be running other tests' databases)
    const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database()`.execute(database.db);
    if (waiting.rows[0]!.n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('Nothing waited for a lock within 30 s');
}

/**
 * Changes the child's record (its school, on its own row), and once the row is written lets `start` begin, then
 * holds the change open until `start`'s work waits for a lock: the change then stores the child's results and
 * appends its access-log rows, as every change does. Returns how many times the change ran.
 */
async function changeWhile<T>(p: Fixture, childId: string, start: () => Promise<T>): Promise<{ attempts: number; other: T }> {
  const rowHeld = deferred();
  let attempts = 0;
  const change = records.change(systemActor(p.partnershipId, 'test'), childId, async (s) => {
    attempts++;
    await s.trx.updateTable('children').set({ school_name: 'Test: written by the change', version: sql`version + 1` }).where('id', '=', childId).execute();
    rowHeld.resolve();
    await someoneWaits();
  });
  await rowHeld.promise;
  const other = start();
  await change;
  return { attempts, other: await other };
}

const childByLaId = (p: Fixture, laChildId: string) =>
  database.db.selectFrom('children').selectAll().where('partnership_id', '=', p.partnershipId).where('la_child_id', '=', laChildId).executeTakeFirstOrThrow();

describe.skipIf(!server)('an import and a change to one of its children at once', () => {
  it('the CIN census: a child of its second batch, held by a change, is written once the change commits; nothing refused', async () => {
    const p = await makePartnership(database.db, '721');
    const file = path.join(tmp, 'census.xml');
    await writeCensus(file, 600);
    const run = () =>
      imports.importCinCensus({ filePath: file, fileName: 'census.xml', target: { partnershipId: p.partnershipId, checkLea: false }, actorFor: (id) => systemActor(id, 'test'), source: 'cli' });
    await run();
    // The census says otherwise of this child now: importing it again writes the child's row
    const before = await childByLaId(p, 'B0000550');
    await database.db.updateTable('children').set({ ethnicity: 'WIRI' }).where('id', '=', before.id).execute();

    const { attempts, other } = await changeWhile(p, before.id, run);
    expect(attempts).toBe(1);
    expect(other.summary.issues.filter((i) => i.child === 'B0000550')).toEqual([]);
    expect(other.summary).toMatchObject({ children: 600, updated: 1 });
    const after = await childByLaId(p, 'B0000550');
    expect({ ethnicity: after.ethnicity, school: after.school_name }).toEqual({ ethnicity: 'WBRI', school: 'Test: written by the change' });
    const logged = await database.db.selectFrom('access_log').select('action').where('subject_id', '=', before.id).where('action', 'in', ['import', 'update']).orderBy('id').execute();
    expect(logged.map((r) => r.action)).toEqual(['import', 'update', 'import']);
    expect((await verifyChain(database.db)).broken).toBeNull();
  }, 120_000);

  it('the children CSV moving children to another area: the one held by a change is moved once it commits, and the figures’ version moves on', async () => {
    const p = await makePartnership(database.db, '722');
    const csv = (area: string) =>
      [
        'la_child_id,first_name,last_name,date_of_birth,area,plan_start,category',
        `CSVY,Yan,Example,2018-04-01,${area},2026-01-10,NEG`,
        `CSVX,Xena,Example,2019-05-02,${area},2026-02-11,EMO`,
      ].join('\n');
    const run = (area: string) => imports.importChildrenCsv({ text: csv(area), fileName: 'children.csv', target: { partnershipId: p.partnershipId }, actorFor: (id) => systemActor(id, 'test'), source: 'cli' });
    await run('North');
    const x = await childByLaId(p, 'CSVX');
    const version = await recordsVersion(database.db, p.partnershipId);

    // The import moves the first child (its results' groups follow at once), then wants the second, held by the change
    const { attempts, other } = await changeWhile(p, x.id, () => run('South'));
    expect(attempts).toBe(1);
    expect(other.summary).toMatchObject({ children: 2, updated: 2 });
    for (const laId of ['CSVX', 'CSVY']) expect((await childByLaId(p, laId)).area_id).toBe(p.areas.South);
    expect((await childByLaId(p, 'CSVX')).school_name).toBe('Test: written by the change');
    // The results the change stored were of the old area; they moved with the child
    const groups = await database.db.selectFrom('standard_results').select('area_id').distinct().where('child_id', '=', x.id).execute();
    expect(groups).toEqual([{ area_id: p.areas.South }]);
    // Moved on by the change (its re-evaluation) and, at the import's commit, once for each child it moved (migration 021)
    expect(await recordsVersion(database.db, p.partnershipId)).toBeGreaterThanOrEqual(version + 3);
    expect((await verifyChain(database.db)).broken).toBeNull();
  }, 60_000);
});
