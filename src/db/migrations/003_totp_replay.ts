import { type Kysely, sql } from 'kysely';

/** The time step of the last accepted two-step code, so a code cannot be used twice. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column totp_last_step bigint`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users drop column totp_last_step`.execute(db);
}
