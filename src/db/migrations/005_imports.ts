import { type Kysely, sql } from 'kysely';

/** Import runs: what was imported, by whom, the counts and the validation report (for the report page, CSV and JSON). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table import_runs (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    kind text not null check (kind in ('cin-census')),
    file_name text not null,
    source text not null check (source in ('cli','web','api')),
    status text not null check (status in ('succeeded')),
    header jsonb not null default '{}'::jsonb,
    counts jsonb not null,
    issues jsonb not null default '[]'::jsonb,
    started_at timestamptz not null,
    finished_at timestamptz not null,
    created_by uuid references users(id),
    created_at timestamptz not null default now())`.execute(db);
  await sql`create index import_runs_partnership_idx on import_runs (partnership_id, started_at desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists import_runs`.execute(db);
}
