import { type Kysely, sql } from 'kysely';

/**
 * A child's stored practice-standards results keep what the dashboards, drill-downs and audits read (the status,
 * due date, flag, reason and the evidence that decided it), not every instance a standard applied: those are
 * worked out afresh whenever the child's standards are shown, and storing them was most of the recompute's
 * writing (every visit, meeting and action of a plan, child by child, night after night).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table standard_results drop column if exists instances`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table standard_results add column if not exists instances jsonb not null default '[]'::jsonb`.execute(db);
}
