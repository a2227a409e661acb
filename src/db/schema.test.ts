import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/database.js';
import type { DatabaseHandle } from './database.js';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.close());

describe('schema', () => {
  it('gives every table a partnership_id, but the partnerships table (whose id is the key), the migration bookkeeping and an audit’s own rows', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select t.table_name from information_schema.tables t
      where t.table_schema = 'public' and t.table_type = 'BASE TABLE'
        and not exists (select 1 from information_schema.columns c
                        where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'partnership_id')
      order by 1`.execute(database.db);
    // An audit's cases, assignments, answers and themes are reached only through their audit (which
    // carries partnership_id): every query of them joins it or takes an audit already loaded for the actor
    const auditRows = ['audit_answers', 'audit_assignments', 'audit_cases', 'audit_theme_tags', 'audit_themes'];
    expect(rows.map((r) => r.table_name)).toEqual(['assure_migrations', 'assure_migrations_lock', ...auditRows, 'partnerships']);
  });

  it('returns dates as YYYY-MM-DD strings and counts as numbers on both databases', async () => {
    const { rows } = await sql<{ d: string; n: number; t: Date }>`select date '2026-03-31' as d, count(*) as n, now() as t from partnerships`.execute(database.db);
    expect(rows[0]).toEqual({ d: '2026-03-31', n: 0, t: expect.any(Date) });
  });
});
