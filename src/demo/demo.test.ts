import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { DatabaseHandle } from '../db/database.js';
import { FixedClock } from '../lib/clock.js';
import { verifyChain } from '../modules/access-log/repository.js';
import { DEMO_CODE } from './generate.js';
import { seedDemo } from './seed.js';

let database: DatabaseHandle;
const clock = new FixedClock(new Date('2026-11-21T10:00:00Z'));

beforeAll(async () => {
  database = await freshDatabase();
  await seedDemo(database.db, clock, { children: 60 });
}, 120_000);
afterAll(() => database.close());

describe('the demo partnership', () => {
  it('has dozens of children at every stage, with long plans, absent parents, poor and good practice and escalations', async () => {
    const db = database.db;
    const p = await db.selectFrom('partnerships').select('id').where('code', '=', DEMO_CODE).executeTakeFirstOrThrow();
    const count = async (q: Promise<{ n: number } | undefined>) => Number((await q)?.n ?? 0);
    const n = (table: 'children' | 'escalations' | 'core_group_meetings' | 'voice_entries') =>
      count(db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', p.id).executeTakeFirst());
    expect(await n('children')).toBe(60);
    const openPlans = await db.selectFrom('cp_plans').select(['started_on', 'ended_on', 'cin_plan']).where('partnership_id', '=', p.id).execute();
    const open = openPlans.filter((x) => !x.ended_on);
    const ended = openPlans.filter((x) => x.ended_on);
    expect(open.length).toBeGreaterThan(25);
    expect(ended.length).toBeGreaterThan(3);
    expect(ended.every((x) => x.cin_plan)).toBe(true); // step-down always sets out the CIN plan
    expect(open.some((x) => x.started_on < '2025-11-21')).toBe(true); // some plans over 12 months
    const noPlan = await db
      .selectFrom('children')
      .leftJoin('cp_plans', 'cp_plans.child_id', 'children.id')
      .select('children.id')
      .where('children.partnership_id', '=', p.id)
      .where('cp_plans.id', 'is', null)
      .execute();
    expect(noPlan.length).toBeGreaterThan(2); // enquiries and conferences still to come
    const absentFathers = await count(
      db.selectFrom('family_members').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', p.id).where('relationship', '=', 'father').where('lives_with_child', '=', false).executeTakeFirst(),
    );
    expect(absentFathers).toBeGreaterThan(5);
    expect(await n('escalations')).toBeGreaterThan(0);
    expect(await n('core_group_meetings')).toBeGreaterThan(100);
    expect(await n('voice_entries')).toBeGreaterThan(20);
    const managerChaired = await db
      .selectFrom('core_group_meetings')
      .select(['chair_is_manager'])
      .where('partnership_id', '=', p.id)
      .where('safety_scale', 'is', null)
      .execute();
    expect(managerChaired.length).toBeGreaterThan(0); // poor minutes without a safety judgement exist
  });

  it('visits every child on a plan; the visits standard shows good and poor practice', async () => {
    const db = database.db;
    const p = await db.selectFrom('partnerships').select('id').where('code', '=', DEMO_CODE).executeTakeFirstOrThrow();
    const open = await db.selectFrom('cp_plans').select('child_id').where('partnership_id', '=', p.id).where('ended_on', 'is', null).execute();
    const visited = await db.selectFrom('case_entries').select('child_id').distinct().where('partnership_id', '=', p.id).where('kind', '=', 'child-visit').execute();
    expect(new Set(visited.map((v) => v.child_id))).toEqual(new Set(open.map((o) => o.child_id)));
    const results = await db.selectFrom('standard_results').select('status').where('partnership_id', '=', p.id).where('standard_key', '=', 'child-visits').execute();
    const statuses = new Set(results.map((r) => r.status));
    expect(statuses.has('missed')).toBe(true); // children not seen alone
    expect(statuses.has('due')).toBe(true); // visited in time, the next visit to come
    expect(statuses.has('overdue')).toBe(true); // visited less often than every 10 working days
  });

  it('keeps the access log chain intact, one create row per child', async () => {
    const result = await verifyChain(database.db);
    expect(result.broken).toBeNull();
    const creates = await database.db.selectFrom('access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('record_type', '=', 'child').where('action', '=', 'create').executeTakeFirstOrThrow();
    expect(creates.n).toBe(60);
  });

  it('is deterministic for a seed', async () => {
    const rows = await database.db.selectFrom('children').select(['la_child_id', 'first_name', 'last_name']).orderBy('la_child_id').limit(3).execute();
    expect(rows.map((r) => r.la_child_id)).toEqual(['DEMO00001', 'DEMO00002', 'DEMO00003']);
  });
});
