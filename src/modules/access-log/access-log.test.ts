import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../../test/support/factories.js';
import { systemActor } from '../../lib/actor.js';
import { sha256 } from '../../lib/tokens.js';
import { AccessLogService } from './service.js';
import { canonicalJson, GENESIS, rowHash, verifyChain } from './repository.js';

let t: TestApp;
let f: Fixture;

beforeAll(async () => {
  t = await buildTestApp();
  f = await makePartnership(t.database.db);
});
afterAll(() => t.close());

const db = () => t.database.db;

async function tamper(statement: string) {
  await sql`alter table access_log disable trigger access_log_no_change`.execute(db());
  try {
    await sql.raw(statement).execute(db());
  } finally {
    await sql`alter table access_log enable trigger access_log_no_change`.execute(db());
  }
}

describe('access log', () => {
  it('an append of more rows than one statement takes (an import’s) links every slice to the one before, in order', async () => {
    const ids = Array.from({ length: 1203 }, (_, i) => `bulk-${String(i).padStart(4, '0')}`);
    await db().transaction().execute((trx) =>
      new AccessLogService(db(), t.clock).recordMany(
        trx,
        systemActor(f.partnershipId, 'test'),
        ids.map((id, i) => ({ action: 'import', recordType: 'child', recordId: id, subjectId: i % 2 ? id : null, details: { n: i, note: i % 3 ? 'é “quoted”' : null } })),
      ),
    );
    const rows = await db().selectFrom('access_log').select(['record_id', 'subject_id', 'details', 'prev_hash', 'hash']).where('record_id', 'like', 'bulk-%').orderBy('id').execute();
    expect(rows.map((r) => r.record_id)).toEqual(ids);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(rows[700]).toMatchObject({ subject_id: null, details: { n: 700, note: 'é “quoted”' } });
    // Before the tests below break the chain on purpose
    expect((await verifyChain(db())).broken).toBeNull();
  });

  it('logs a view of a person’s record with who, what, when and the request id, in a searchable log', async () => {
    const a = t.agent();
    await a.signIn(f.users.admin!.email, PASSWORD);
    const page = await a.get(`/admin/users/${f.users.worker!.id}`, { 'x-request-id': 'req-view-worker-0001' });
    expect(page.statusCode).toBe(200);
    const row = await db()
      .selectFrom('access_log')
      .selectAll()
      .where('record_id', '=', f.users.worker!.id)
      .where('action', '=', 'view')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.user_id).toBe(f.users.admin!.id);
    expect(row.record_type).toBe('user');
    expect(row.request_id).toBe('req-view-worker-0001');
    expect(row.partnership_id).toBe(f.partnershipId);

    const search = await a.get(`/access-log?recordType=user&recordId=${f.users.worker!.id}`);
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain('admin person 901');
    expect(search.body).toContain('req-view-worker-0001');
  });

  it('lets only QA leads and admins search it', async () => {
    const a = t.agent();
    await a.signIn(f.users.worker!.email, PASSWORD);
    expect((await a.get('/access-log')).statusCode).toBe(403);
    const q = t.agent();
    await q.signIn(f.users.qa!.email, PASSWORD);
    expect((await q.get('/access-log')).statusCode).toBe(200);
  });

  it('refuses updates and deletes from the application (append-only trigger)', async () => {
    await expect(sql`update access_log set action = 'nothing'`.execute(db())).rejects.toThrow(/append-only/);
    await expect(sql`delete from access_log`.execute(db())).rejects.toThrow(/append-only/);
  });

  it('verifies an intact chain', async () => {
    const result = await verifyChain(db());
    expect(result.broken).toBeNull();
    expect(result.checked).toBeGreaterThan(5);
  });

  it('catches an edited row, naming it', async () => {
    const target = await db().selectFrom('access_log').select('id').orderBy('id').offset(3).limit(1).executeTakeFirstOrThrow();
    const original = await db().selectFrom('access_log').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow();
    await tamper(`update access_log set actor = 'someone else' where id = ${Number(target.id)}`);
    const result = await verifyChain(db());
    expect(result.broken).toMatchObject({ id: Number(target.id), partnershipId: f.partnershipId });
    expect(result.broken!.reason).toMatch(/altered/);
    await tamper(`update access_log set actor = '${original.actor}' where id = ${Number(target.id)}`);
    expect((await verifyChain(db())).broken).toBeNull();
  });

  it('catches a deleted row at the row after it', async () => {
    const rows = await db().selectFrom('access_log').select('id').where('partnership_id', '=', f.partnershipId).orderBy('id').execute();
    const victim = rows[2]!;
    const next = rows[3]!;
    await tamper(`delete from access_log where id = ${Number(victim.id)}`);
    const result = await verifyChain(db());
    expect(result.broken).toMatchObject({ id: Number(next.id) });
    expect(result.broken!.reason).toMatch(/removed/);
  });

  it('hashes details independently of key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('a row’s hash is sha256 of the previous hash and the canonical JSON of its fields, whatever they hold', () => {
    const rows = [
      { partnership_id: 'p1', at: new Date('2026-03-29T00:59:59.123Z'), user_id: null, actor: 'system:import', action: 'import', record_type: 'child', record_id: 'c1', subject_id: 'c1', request_id: null, details: { source: 'cin-census', created: true } },
      { partnership_id: 'p2', at: '2026-10-25T01:30:00.000Z', user_id: 'u1', actor: 'Ann “Quote” O\'Neil\\', action: 'view', record_type: 'child', record_id: 'c2', subject_id: null, request_id: 'r-1', details: { z: [1, { b: 2, a: null }], a: 'é\n' } },
      { partnership_id: 'p3', at: new Date(0), user_id: 'u2', actor: 'x', action: 'list', record_type: 'escalation', record_id: 'e', subject_id: undefined, request_id: undefined, details: {} },
    ] as unknown as Parameters<typeof rowHash>[1][];
    for (const row of rows) {
      const reference = sha256(GENESIS + canonicalJson({ ...row, at: new Date(row.at).toISOString() }));
      expect(rowHash(GENESIS, row)).toBe(reference);
    }
    expect(rowHash('a'.repeat(64), rows[0]!)).not.toBe(rowHash(GENESIS, rows[0]!));
  });
});
