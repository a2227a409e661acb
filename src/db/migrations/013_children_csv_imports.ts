import { type Kysely, sql } from 'kysely';

/** Import runs also record imports of the children CSV (children and CP plans without a census file). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table import_runs drop constraint if exists import_runs_kind_check`.execute(db);
  await sql`alter table import_runs add constraint import_runs_kind_check check (kind in ('cin-census','children-csv'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from import_runs where kind = 'children-csv'`.execute(db);
  await sql`alter table import_runs drop constraint if exists import_runs_kind_check`.execute(db);
  await sql`alter table import_runs add constraint import_runs_kind_check check (kind in ('cin-census'))`.execute(db);
}
