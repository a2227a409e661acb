import { type Kysely, sql } from 'kysely';

/** How the child's and family's own views (sent for a meeting) were considered in it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_group_meetings add column views_considered text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table core_group_meetings drop column views_considered`.execute(db);
}
