import { type Kysely, sql } from 'kysely';

/**
 * Practice standards: each standard's versions per partnership (a new version from a date, never an
 * edit), exceptions recorded for a child, and the stored results of the last evaluation of each child.
 */
const statements = [
  `create table standard_definitions (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    key text not null,
    name text not null,
    checks text not null,
    kind text not null default 'timescale' check (kind in ('timescale','flag')),
    source text not null check (source in ('statutory','local')),
    citation text not null,
    parameters jsonb not null default '{}'::jsonb,
    severity text not null check (severity in ('high','medium','low')),
    effective_from date not null,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    constraint standard_definitions_version_unique unique (partnership_id, key, effective_from))`,

  `create table standard_exceptions (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    child_id uuid not null references children(id) on delete cascade,
    standard_key text not null,
    reason text not null,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    revoked_at timestamptz)`,
  `create index standard_exceptions_child_idx on standard_exceptions (child_id) where revoked_at is null`,

  `create table standard_results (
    partnership_id uuid not null references partnerships(id) on delete cascade,
    child_id uuid not null references children(id) on delete cascade,
    standard_key text not null,
    status text not null check (status in ('met','met-late','due','overdue','missed','not-applicable','excepted')),
    due_on date,
    flagged boolean not null default false,
    reason text,
    evidence jsonb not null default '[]'::jsonb,
    instances jsonb not null default '[]'::jsonb,
    evaluated_at timestamptz not null default now(),
    primary key (child_id, standard_key))`,
  `create index standard_results_partnership_idx on standard_results (partnership_id, standard_key, status)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['standard_results', 'standard_exceptions', 'standard_definitions']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
