import { type Kysely, sql } from 'kysely';

/**
 * E-mail reminders: each user's digest choice (no row: the default for their role) and a log of
 * the digests sent, which keeps a digest from going out twice in one period.
 */
const statements = [
  `create table notification_settings (
    partnership_id uuid not null references partnerships(id) on delete cascade,
    user_id uuid primary key references users(id) on delete cascade,
    digest text not null check (digest in ('off','daily','weekly')),
    updated_at timestamptz not null default now())`,

  `create table notification_log (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    user_id uuid not null references users(id) on delete cascade,
    sent_at timestamptz not null default now(),
    items integer not null,
    kind text not null check (kind in ('daily','weekly')))`,
  `create index notification_log_user_idx on notification_log (user_id, sent_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['notification_log', 'notification_settings']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
