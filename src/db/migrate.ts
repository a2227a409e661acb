import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m001 from './migrations/001_foundation.js';
import * as m002 from './migrations/002_child_protection.js';
import * as m003 from './migrations/003_totp_replay.js';
import * as m004 from './migrations/004_standards.js';
import * as m005 from './migrations/005_imports.js';
import * as m006 from './migrations/006_notifications.js';
import * as m007 from './migrations/007_portal.js';
import * as m008 from './migrations/008_views_considered.js';
import * as m009 from './migrations/009_audits.js';
import * as m010 from './migrations/010_single_sign_on.js';
import * as m011 from './migrations/011_retention.js';
import * as m012 from './migrations/012_learning.js';
import * as m013 from './migrations/013_children_csv_imports.js';
import * as m015 from './migrations/015_standards_fact_indexes.js';
import * as m016 from './migrations/016_standard_results_without_instances.js';
import * as m017 from './migrations/017_standard_results_groups.js';
import * as m018 from './migrations/018_standard_evaluations.js';
import * as m019 from './migrations/019_partnership_versions.js';
import * as m020 from './migrations/020_plan_action_done_at.js';
import * as m021 from './migrations/021_records_version_at_commit.js';

/** Migrations are listed here in order; one set serves PGlite and PostgreSQL. */
const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_child_protection': m002,
  '003_totp_replay': m003,
  '004_standards': m004,
  '005_imports': m005,
  '006_notifications': m006,
  '007_portal': m007,
  '008_views_considered': m008,
  '009_audits': m009,
  '010_single_sign_on': m010,
  '011_retention': m011,
  '012_learning': m012,
  '013_children_csv_imports': m013,
  '015_standards_fact_indexes': m015,
  '016_standard_results_without_instances': m016,
  '017_standard_results_groups': m017,
  '018_standard_evaluations': m018,
  '019_partnership_versions': m019,
  '020_plan_action_done_at': m020,
  '021_records_version_at_commit': m021,
};

/** The table recording which migrations have run (and its lock table). */
export const MIGRATION_TABLE = 'assure_migrations';
export const MIGRATION_LOCK_TABLE = 'assure_migrations_lock';

/** Every migration this version of Assure knows, oldest first. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

const provider: MigrationProvider = { getMigrations: async () => migrations };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: MIGRATION_TABLE, migrationLockTableName: MIGRATION_LOCK_TABLE });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `Migration ${failed.migrationName} failed: ${reason}` : `Migrations could not run: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
