/**
 * `assure retention review` as a real process against a real database (embedded, or a fresh PostgreSQL
 * database when this run tests that backend): closed records marked and listed by case reference, never
 * a name, in both formats, and each listing access-logged as the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assure as runAssure, type Installation, newInstallation } from '../../../test/support/cli.js';
import { caseReference } from './rule.js';

describe('assure retention review', () => {
  let inst: Installation;
  const assure = (...args: string[]) => runAssure(args, { env: inst.env });
  let childId = '';

  beforeAll(async () => {
    inst = await newInstallation();
    const added = await assure('partnership', 'add', '--code', '303', '--name', 'Retention Test Partnership');
    expect(added.status, added.stderr).toBe(0);
    const database = await inst.open();
    try {
      const db = database.db;
      const p = await db.selectFrom('partnerships').select('id').where('code', '=', '303').executeTakeFirstOrThrow();
      const closed = await db
        .insertInto('children')
        .values({ partnership_id: p.id, la_child_id: 'CLI-CLOSED-1', first_name: 'Cliona', last_name: 'Oldcase', date_of_birth: '1980-02-03', created_at: '2010-01-01T00:00:00Z' })
        .returning('id')
        .executeTakeFirstOrThrow();
      childId = closed.id;
      await db.insertInto('cp_plans').values({ partnership_id: p.id, child_id: closed.id, started_on: '2010-01-01', ended_on: '2011-01-01', initial_category: 'NEG', latest_category: 'NEG', previous_plans: 0 }).execute();
      const open = await db
        .insertInto('children')
        .values({ partnership_id: p.id, la_child_id: 'CLI-OPEN-1', first_name: 'Opaline', last_name: 'Stillopen', date_of_birth: '1980-02-03', created_at: '2010-01-01T00:00:00Z' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('cp_plans').values({ partnership_id: p.id, child_id: open.id, started_on: '2010-01-01', initial_category: 'NEG', latest_category: 'NEG', previous_plans: 0 }).execute();
    } finally {
      await database.close();
    }
  }, 60_000);
  afterAll(async () => {
    await inst?.remove();
  });

  it('--format json lists the closed record by case reference, closing date and age band; not the open one, no name', async () => {
    const r = await assure('retention', 'review', '--partnership', '303', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { asOf: string; partnerships: { partnership: string; rule: unknown; due: Record<string, unknown>[] }[] };
    expect(json.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(json.partnerships).toEqual([
      { partnership: '303', rule: { yearsAfterClosure: 6, minimumAge: 25 }, due: [{ caseRef: caseReference(childId), closedOn: '2011-01-01', dueOn: '2017-01-01', ageBand: '40 or over' }] },
    ]);
    expect(r.stdout).not.toMatch(/Cliona|Oldcase|Opaline|CLI-CLOSED|1980/);
  }, 60_000);

  it('prints a table for people, across every partnership, and the listing is in the access log as the CLI', async () => {
    const r = await assure('retention', 'review');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Partnership 303 (6 years after closing, the child 25 or older): 1 record due for review.');
    expect(r.stdout).toContain(`${caseReference(childId)}\t2011-01-01\t40 or over\t2017-01-01`);
    const database = await inst.open();
    try {
      const rows = await database.db.selectFrom('access_log').select(['actor', 'action']).where('subject_id', '=', childId).execute();
      expect(rows).toContainEqual({ actor: 'system:cli', action: 'list' });
    } finally {
      await database.close();
    }
  }, 60_000);

  it('names an unknown partnership (exit 1)', async () => {
    const r = await assure('retention', 'review', '--partnership', '404');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('No partnership with code 404');
  }, 60_000);
});
