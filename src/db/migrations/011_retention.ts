import { type Kysely, sql } from 'kysely';

/**
 * Retention of closed child records: each partnership's rule (how many years after a record closed,
 * and from what age of the child, it is reviewed), the reviews (due, then anonymised, kept with a
 * reason and a date to review again, or withdrawn when the record is no longer due), and the mark an
 * anonymised child carries.
 */
const statements = [
  `create table retention_rules (
    partnership_id uuid primary key references partnerships(id) on delete cascade,
    years_after_closure integer not null default 6 check (years_after_closure between 1 and 100),
    minimum_age integer default 25 check (minimum_age is null or minimum_age between 0 and 120),
    updated_by uuid references users(id),
    updated_at timestamptz not null default now(),
    version integer not null default 1)`,

  `create table retention_reviews (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    child_id uuid not null references children(id) on delete cascade,
    status text not null default 'due' check (status in ('due','anonymised','kept','withdrawn')),
    closed_on date not null,
    due_on date not null,
    marked_at timestamptz not null default now(),
    reason text,
    review_again_on date,
    decided_by uuid references users(id),
    decided_by_actor text,
    decided_at timestamptz,
    version integer not null default 1,
    check (status <> 'kept' or (reason is not null and review_again_on is not null)),
    check (status = 'due' or decided_at is not null))`,
  // One open review per child: marking twice at once cannot mark it twice
  `create unique index retention_reviews_one_due on retention_reviews (child_id) where status = 'due'`,
  `create index retention_reviews_partnership_idx on retention_reviews (partnership_id, status, due_on)`,

  `alter table children add column anonymised_at timestamptz`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table children drop column if exists anonymised_at`.execute(db);
  for (const t of ['retention_reviews', 'retention_rules']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
