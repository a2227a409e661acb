import { type Kysely, sql } from 'kysely';

/**
 * For each child, until when its stored practice-standards results hold: the last day on which, with the
 * same facts, the engine would give the same results (null: for ever, as for a plan long ended with
 * everything decided), and the basis they were worked out on (the engine's version, the partnership's rule
 * versions and closure days, the bank holidays). The nightly recompute evaluates only the children whose
 * day has passed or whose basis has changed; a change to a child's record re-evaluates it there and then.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table standard_evaluations (
      child_id uuid primary key references children(id) on delete cascade,
      partnership_id uuid not null references partnerships(id) on delete cascade,
      basis text not null,
      holds_until date,
      evaluated_at timestamptz not null)`.execute(db);
  await sql`create index standard_evaluations_holds_idx on standard_evaluations (partnership_id, holds_until)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists standard_evaluations`.execute(db);
}
