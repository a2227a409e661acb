import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../../test/support/database.js';
import type { DatabaseHandle } from '../../db/database.js';
import { seedDemo } from '../../demo/seed.js';
import { FixedClock } from '../../lib/clock.js';
import * as repo from './repository.js';

let database: DatabaseHandle;
let action: { id: string; child_id: string; partnership_id: string };
const clock = new FixedClock(new Date('2026-11-02T09:00:00Z'));

beforeAll(async () => {
  database = await freshDatabase();
  await seedDemo(database.db, clock, { children: 12 });
  action = await database.db.selectFrom('plan_actions').select(['id', 'child_id', 'partnership_id']).where('status', '<>', 'done').orderBy('id').executeTakeFirstOrThrow();
  await database.db.deleteFrom('action_updates').where('action_id', '=', action.id).execute();
}, 120_000);
afterAll(() => database.close());

const doneAt = async () => (await database.db.selectFrom('plan_actions').select('done_at').where('id', '=', action.id).executeTakeFirstOrThrow()).done_at;
const doneOn = async () => (await repo.loadFacts(database.db, action.partnership_id, action.child_id)).actions.find((a) => a.id === action.id)?.doneOn;
const update = (status: string, at: string) =>
  database.db.insertInto('action_updates').values({ partnership_id: action.partnership_id, action_id: action.id, status, note: `Marked ${status}`, created_at: new Date(at) }).returning('id').executeTakeFirstOrThrow();

describe('when a plan action was done (migration 020)', () => {
  it('is the earliest of its updates marked done, whatever writes them, and what the practice standards read', async () => {
    expect(await doneAt()).toBeNull();
    await update('in-progress', '2026-10-01T10:00:00Z');
    expect(await doneAt()).toBeNull();
    const second = await update('done', '2026-10-20T10:00:00Z');
    expect(await doneAt()).toEqual(new Date('2026-10-20T10:00:00Z'));
    expect(await doneOn()).toBe('2026-10-20');
    const first = await update('done', '2026-10-12T10:00:00Z');
    expect(await doneAt()).toEqual(new Date('2026-10-12T10:00:00Z'));
    // A later one changes nothing; an update's status changed, or an update removed, moves it
    await update('done', '2026-10-25T10:00:00Z');
    expect(await doneOn()).toBe('2026-10-12');
    await database.db.updateTable('action_updates').set({ status: 'in-progress' }).where('id', '=', first.id).execute();
    expect(await doneOn()).toBe('2026-10-20');
    await database.db.deleteFrom('action_updates').where('id', '=', second.id).execute();
    expect(await doneOn()).toBe('2026-10-25');
    // An update moved to another action moves with it
    const other = await database.db.selectFrom('plan_actions').select('id').where('id', '<>', action.id).where('done_at', 'is', null).orderBy('id').executeTakeFirstOrThrow();
    const moved = await update('done', '2026-10-26T10:00:00Z');
    await database.db.deleteFrom('action_updates').where('action_id', '=', action.id).where('id', '<>', moved.id).where('status', '=', 'done').execute();
    expect(await doneOn()).toBe('2026-10-26');
    await database.db.updateTable('action_updates').set({ action_id: other.id }).where('id', '=', moved.id).execute();
    expect(await doneAt()).toBeNull();
    expect(await doneOn()).toBeNull();
    expect((await database.db.selectFrom('plan_actions').select('done_at').where('id', '=', other.id).executeTakeFirstOrThrow()).done_at).toEqual(new Date('2026-10-26T10:00:00Z'));
  });

  it('is read as the day in England it was done (summer time moves a late evening in UTC to the next day)', async () => {
    await database.db.deleteFrom('action_updates').where('action_id', '=', action.id).execute();
    await update('done', '2026-06-30T23:30:00Z'); // 00:30 on 1 July, British Summer Time
    expect(await doneOn()).toBe('2026-07-01');
    await database.db.deleteFrom('action_updates').where('action_id', '=', action.id).execute();
    await update('done', '2026-12-31T23:30:00Z'); // Greenwich Mean Time: the same day
    expect(await doneOn()).toBe('2026-12-31');
  });
});
