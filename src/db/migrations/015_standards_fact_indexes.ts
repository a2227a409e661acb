import { type Kysely, sql } from 'kysely';

/**
 * Indexes for loading a child's practice-standards facts: a child's plan actions and plans were found by a
 * scan of every partnership's rows (only the open plan was indexed by child), which made re-evaluating one
 * child cost in proportion to the whole database (42 ms a child with 115,000 actions; seconds at national scale).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index if not exists plan_actions_child_idx on plan_actions (child_id)`.execute(db);
  await sql`create index if not exists cp_plans_child_idx on cp_plans (child_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists plan_actions_child_idx`.execute(db);
  await sql`drop index if exists cp_plans_child_idx`.execute(db);
}
