import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate } from '../../../bench/scale/generate.js';
import { freshDatabase } from '../../../test/support/database.js';
import type { DatabaseHandle } from '../../db/database.js';
import { seedDemo } from '../../demo/seed.js';
import { FixedClock } from '../../lib/clock.js';
import { AccessLogService } from '../access-log/service.js';
import { ChildRecords } from '../cases/record.js';
import { evaluate } from './engine.js';
import * as repo from './repository.js';
import { type RecomputeTimings, StandardsService } from './service.js';

let database: DatabaseHandle;
let svc: StandardsService;
let partnershipId: string;
const clock = new FixedClock(new Date('2026-11-02T09:00:00Z'));

const stored = async () =>
  (
    await database.db
      .selectFrom('standard_results')
      .select(['child_id', 'standard_key', 'status', 'due_on', 'flagged', 'reason', 'evidence'])
      .where('partnership_id', '=', partnershipId)
      .orderBy('child_id')
      .orderBy('standard_key')
      .execute()
  ).map((r) => ({ ...r }));

beforeAll(async () => {
  database = await freshDatabase();
  const demo = await seedDemo(database.db, clock, { children: 60 });
  partnershipId = (await database.db.selectFrom('partnerships').select('id').where('code', '=', demo.partnership).executeTakeFirstOrThrow()).id;
  svc = new StandardsService(new ChildRecords(database.db, clock, new AccessLogService(database.db, clock)));
}, 120_000);

afterAll(() => database.close());

describe('the batch recompute', () => {
  it('stores exactly what re-evaluating each child on its own stores, whatever the batch size, the batches in flight and the rest between them', async () => {
    const ids = await repo.childIds(database.db, partnershipId);
    expect(ids.length).toBeGreaterThanOrEqual(60);
    await database.db.deleteFrom('standard_results').where('partnership_id', '=', partnershipId).execute();
    for (const id of ids) await database.db.transaction().execute((trx) => svc.reevaluate(trx, id));
    const oneByOne = await stored();
    expect(oneByOne.length).toBeGreaterThan(ids.length * 10);

    for (const [batchSize, inFlight, rest] of [[1, 1, 0], [7, 2, 0], [250, 1, 0.5], [250, 3, 0]] as const) {
      await database.db.deleteFrom('standard_results').where('partnership_id', '=', partnershipId).execute();
      const timings: RecomputeTimings = { loadMs: 0, evaluateMs: 0, writeMs: 0 };
      expect(await svc.recomputePartnership(partnershipId, { batchSize, inFlight, rest, timings })).toEqual({ children: ids.length });
      expect(await stored()).toEqual(oneByOne);
      expect(timings.loadMs).toBeGreaterThan(0);
    }
  });

  it('replaces results already stored, removing a standard a child no longer has a result for', async () => {
    const [id] = await repo.childIds(database.db, partnershipId);
    const before = await stored();
    await database.db
      .insertInto('standard_results')
      .values({ partnership_id: partnershipId, child_id: id!, standard_key: 'retired-standard', status: 'met', due_on: null, flagged: false, reason: null, evidence: '[]', evaluated_at: clock.now() })
      .execute();
    await database.db.updateTable('standard_results').set({ status: 'overdue', evidence: '[]' }).where('child_id', '=', id!).where('standard_key', '=', 'icpc-timescale').execute();
    await svc.recomputePartnership(partnershipId);
    expect(await stored()).toEqual(before);
  });

  it('writes only the results that changed: an unchanged result keeps when it was stored', async () => {
    const [a, b] = await repo.childIds(database.db, partnershipId);
    await svc.recomputePartnership(partnershipId);
    const at = async (id: string, key: string) => (await database.db.selectFrom('standard_results').select('evaluated_at').where('child_id', '=', id).where('standard_key', '=', key).executeTakeFirstOrThrow()).evaluated_at.getTime();
    const before = { b: await at(b!, 'icpc-timescale') };
    const now = await database.db.selectFrom('standard_results').select('status').where('child_id', '=', a!).where('standard_key', '=', 'icpc-timescale').executeTakeFirstOrThrow();
    await database.db.updateTable('standard_results').set({ status: now.status === 'missed' ? 'met' : 'missed' }).where('child_id', '=', a!).where('standard_key', '=', 'icpc-timescale').execute();
    clock.advance(60_000);
    await svc.recomputePartnership(partnershipId);
    expect(await at(a!, 'icpc-timescale')).toBe(clock.now().getTime());
    expect(await at(b!, 'icpc-timescale')).toBe(before.b);
  });

  it('removes the stored results of a child given fewer standards than the others in its batch, and of one given none', async () => {
    const [a, b, c] = await repo.childIds(database.db, partnershipId);
    const rules = (await svc.ruleContext(partnershipId)).rules;
    const facts = await repo.loadFactsMany(database.db, [partnershipId], [a!, b!, c!]);
    const full = evaluate(facts.get(a!)!, rules, '2026-11-02');
    const fewer = evaluate(facts.get(b!)!, rules, '2026-11-02').slice(0, 3);
    await repo.replaceResultsMany(database.db, [{ partnershipId, results: new Map([[a!, full], [b!, fewer], [c!, []]]) }], clock.now());
    const keysOf = async (id: string) => (await database.db.selectFrom('standard_results').select('standard_key').where('child_id', '=', id).orderBy('standard_key').execute()).map((r) => r.standard_key);
    expect(await keysOf(a!)).toEqual(full.map((r) => r.key).sort());
    expect(await keysOf(b!)).toEqual(fewer.map((r) => r.key).sort());
    expect(await keysOf(c!)).toEqual([]);
    await svc.recomputePartnership(partnershipId);
  });

  it('gives one child the same facts alone as in a batch of many', async () => {
    const ids = await repo.childIds(database.db, partnershipId);
    const many = await repo.loadFactsMany(database.db, [partnershipId], ids);
    const rules = (await svc.ruleContext(partnershipId)).rules;
    for (const id of ids.slice(0, 20)) {
      const alone = await repo.loadFacts(database.db, partnershipId, id);
      expect(many.get(id)).toEqual(alone);
      expect(evaluate(many.get(id)!, rules, '2026-11-02')).toEqual(evaluate(alone, rules, '2026-11-02'));
    }
    // An id given in capitals finds the same facts (the rows carry it in lower case)
    const onPlan = ids.find((id) => many.get(id)!.plans.length > 0)!;
    const upper = await repo.loadFacts(database.db, partnershipId, onPlan.toUpperCase());
    expect(upper.plans.length).toBeGreaterThan(0);
    expect({ ...upper, childId: onPlan }).toEqual(many.get(onPlan));
  });
});

describe('the nightly recompute of only the children whose results may have moved', () => {
  const evaluations = async () => new Map((await database.db.selectFrom('standard_evaluations').select(['child_id', 'basis', 'holds_until']).where('partnership_id', '=', partnershipId).execute()).map((r) => [r.child_id, r]));

  it('after a full recompute every child has a day its results hold until (or none), and nothing is due the same day', async () => {
    await svc.recomputePartnership(partnershipId);
    const ids = await repo.childIds(database.db, partnershipId);
    const e = await evaluations();
    expect([...e.keys()].sort()).toEqual([...ids].sort());
    expect(new Set([...e.values()].map((r) => r.basis)).size).toBe(1);
    expect([...e.values()].every((r) => r.holds_until === null || r.holds_until >= '2026-11-02')).toBe(true);
    expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: 0 });
  });

  it.each([1, 9, 45, 400])('%s days on, evaluating only those whose day has passed stores what evaluating every child would', async (days) => {
    const start = clock.now();
    try {
      clock.advance(days * 86_400_000);
      const today = svc.today();
      const due = [...(await evaluations()).values()].filter((r) => r.holds_until !== null && r.holds_until < today).length;
      const ids = await repo.childIds(database.db, partnershipId);
      expect(due).toBeGreaterThan(0);
      if (days < 400) expect(due).toBeLessThan(ids.length);
      expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: due });
      const onlyDue = await stored();
      await svc.recomputePartnership(partnershipId);
      expect(onlyDue).toEqual(await stored());
      expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: 0 });
    } finally {
      clock.set(start);
      await svc.recomputePartnership(partnershipId);
    }
  });

  it('evaluates every child again when the basis changes: a rule version, or an agency’s type', async () => {
    const ids = await repo.childIds(database.db, partnershipId);
    const agency = await database.db.selectFrom('agencies').select(['id', 'type']).where('partnership_id', '=', partnershipId).orderBy('id').executeTakeFirstOrThrow();
    await database.db.updateTable('agencies').set({ type: agency.type === 'police' ? 'health' : 'police' }).where('id', '=', agency.id).execute();
    expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: ids.length });
    await database.db.updateTable('agencies').set({ type: agency.type }).where('id', '=', agency.id).execute();
    expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: ids.length });

    const rule = await database.db.selectFrom('standard_definitions').selectAll().where('partnership_id', '=', partnershipId).where('key', '=', 'core-group-interval').executeTakeFirstOrThrow();
    await database.db
      .insertInto('standard_definitions')
      .values({ ...rule, id: undefined, effective_from: '2027-01-04', parameters: JSON.stringify({ weeks: 4 }) } as never)
      .execute();
    expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: ids.length });
    expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: 0 });
  });

  it('evaluates every child of the partnership when the recompute after an import failed', async () => {
    const ids = await repo.childIds(database.db, partnershipId);
    const failing = vi.spyOn(svc, 'recomputePartnership').mockRejectedValueOnce(new Error('the database went away'));
    await expect(svc.recomputeAfterBulkChange(partnershipId)).rejects.toThrow('the database went away');
    failing.mockRestore();
    expect(await svc.recomputePartnership(partnershipId, { onlyDue: true })).toEqual({ children: ids.length });
  });

  it('a child re-evaluated on a change gets the day its new results hold until', async () => {
    const [id] = await repo.childIds(database.db, partnershipId);
    await database.db.updateTable('standard_evaluations').set({ holds_until: '2000-01-01' }).where('child_id', '=', id!).execute();
    await database.db.transaction().execute((trx) => svc.reevaluate(trx, id!));
    const e = (await evaluations()).get(id!)!;
    expect(e.holds_until === null || e.holds_until >= '2026-11-02').toBe(true);
  });
});

describe('figures kept against the partnership’s records version', () => {
  it('are worked out once until a child’s record or results change, by a change, a recompute or a trigger', async () => {
    let computed = 0;
    const figures = () => svc.kept(partnershipId, 'test-figures', async () => ++computed);
    expect(await figures()).toBe(1);
    expect(await figures()).toBe(1);
    const [id] = await repo.childIds(database.db, partnershipId);
    await database.db.transaction().execute((trx) => svc.reevaluate(trx, id!));
    expect(await figures()).toBe(2);
    expect(await figures()).toBe(2);
    await svc.recomputePartnership(partnershipId, { batchSize: 1000 });
    expect(await figures()).toBe(3);
    // A lead practitioner moving agency changes results outside any child's record (migration 017's trigger)
    const lead = await database.db.selectFrom('children').innerJoin('users', 'users.id', 'children.lead_user_id').select(['users.id', 'users.agency_id']).where('children.partnership_id', '=', partnershipId).executeTakeFirstOrThrow();
    const other = await database.db.selectFrom('agencies').select('id').where('partnership_id', '=', partnershipId).where('id', '<>', lead.agency_id).executeTakeFirstOrThrow();
    await database.db.updateTable('users').set({ agency_id: other.id }).where('id', '=', lead.id).execute();
    expect(await figures()).toBe(4);
    await database.db.updateTable('users').set({ agency_id: lead.agency_id }).where('id', '=', lead.id).execute();
    // Moving back moves it on again; a nightly recompute with nothing to evaluate does not
    await svc.recomputePartnership(partnershipId, { onlyDue: true });
    expect(await figures()).toBe(5);
    expect(await figures()).toBe(5);
    // Records changed by an import whose recompute failed: the evaluations are forgotten and the figures too
    await svc.forgetEvaluations(partnershipId);
    expect(await figures()).toBe(6);
  });
});

describe('a recompute of every partnership', () => {
  it('evaluates children of several partnerships in batches that reach across them, storing what evaluating each child alone stores', async () => {
    // Three more partnerships, of the benchmark's synthetic records
    await generate(database.db, [11, 4, 9], '2026-11-02', 'T');
    const everyResult = async () =>
      (await database.db.selectFrom('standard_results').select(['partnership_id', 'child_id', 'standard_key', 'status', 'due_on', 'flagged', 'reason', 'evidence', 'area_id', 'team_id', 'agency_id']).orderBy('child_id').orderBy('standard_key').execute()).map((r) => ({ ...r }));
    const children = await database.db.selectFrom('children').select('id').orderBy('id').execute();
    const partnerships = await database.db.selectFrom('partnerships').select('id').execute();
    expect(partnerships.length).toBe(4);
    await database.db.deleteFrom('standard_results').execute();
    for (const c of children) await database.db.transaction().execute((trx) => svc.reevaluate(trx, c.id));
    const oneByOne = await everyResult();
    expect(new Set(oneByOne.map((r) => r.partnership_id)).size).toBe(4);

    for (const [batchSize, inFlight] of [[5, 1], [5, 2], [250, 2]] as const) {
      await database.db.deleteFrom('standard_results').execute();
      await database.db.deleteFrom('standard_evaluations').execute();
      const versions = await database.db.selectFrom('partnership_versions').select(['partnership_id', 'records_version']).execute();
      expect(await svc.recomputeAll({ batchSize, inFlight })).toEqual({ partnerships: 4, children: children.length });
      expect(await everyResult()).toEqual(oneByOne);
      // Every partnership's evaluations are stored, and its records version moved on
      expect((await database.db.selectFrom('standard_evaluations').select('child_id').execute()).length).toBe(children.length);
      const after = new Map((await database.db.selectFrom('partnership_versions').select(['partnership_id', 'records_version']).execute()).map((v) => [v.partnership_id, Number(v.records_version)]));
      for (const p of partnerships) expect(after.get(p.id)).toBeGreaterThan(Number(versions.find((v) => v.partnership_id === p.id)?.records_version ?? 0));
    }
    // Nothing left to evaluate the same day; the next day's are only some of them
    expect(await svc.recomputeAll({ onlyDue: true, batchSize: 5, inFlight: 2 })).toEqual({ partnerships: 4, children: 0 });
    // One partnership's basis changed (an agency's type): its children alone are evaluated again, each against its own rules
    const changed = partnerships.find((p) => p.id !== partnershipId)!;
    const agency = await database.db.selectFrom('agencies').select(['id', 'type']).where('partnership_id', '=', changed.id).orderBy('id').executeTakeFirstOrThrow();
    await database.db.updateTable('agencies').set({ type: agency.type === 'police' ? 'health' : 'police' }).where('id', '=', agency.id).execute();
    const theirs = await database.db.selectFrom('children').select('id').where('partnership_id', '=', changed.id).execute();
    expect(theirs.length).toBeGreaterThan(0);
    expect(await svc.recomputeAll({ onlyDue: true, batchSize: 5, inFlight: 2 })).toEqual({ partnerships: 4, children: theirs.length });
    await database.db.updateTable('agencies').set({ type: agency.type }).where('id', '=', agency.id).execute();
  });
});
