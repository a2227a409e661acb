/**
 * What every command that touches data runs inside: the configuration (from loadConfig, the
 * only reader of the environment), the database opened and migrated, the services built on
 * it, and the database closed again however the command ends.
 */
import { type Config, loadConfig } from '../config.js';
import { type DatabaseHandle, type Db, openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { type Actor, systemActor } from '../lib/actor.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { AccessLogService } from '../modules/access-log/service.js';
import { AuthService } from '../modules/auth/service.js';
import { PartnershipService } from '../modules/partnership/service.js';
import { CliError } from './errors.js';

/** The access log shows changes made here as `system:cli`. */
export const CLI_ACTOR_LABEL = 'cli';

export interface CliContext {
  config: Config;
  database: DatabaseHandle;
  db: Db;
  clock: Clock;
  /** Migrations this run applied (usually none). */
  migrated: string[];
  accessLog: AccessLogService;
  auth: AuthService;
  partnerships: PartnershipService;
  /** The system actor the CLI acts as within one partnership. */
  actor(partnershipId: string): Actor;
}

export interface ContextOptions {
  /** Runs after the configuration is read and before the database is opened; throw to refuse. */
  beforeOpen?: (config: Config) => void;
}

/**
 * The configuration only, for commands that must not open the database themselves (a restore
 * replaces the embedded data directory, which cannot be open while it is swapped).
 */
export function readConfig(opts: ContextOptions = {}): Config {
  const config = loadConfig(process.env, 'cli');
  opts.beforeOpen?.(config);
  return config;
}

export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>, opts: ContextOptions = {}): Promise<T> {
  const config = loadConfig(process.env, 'cli');
  opts.beforeOpen?.(config);
  const database = await openDatabase(config.database);
  let result: T;
  try {
    await database.ping().catch((err: unknown) => {
      throw new CliError(`Cannot reach the database (${describeDatabase(config)}): ${err instanceof Error ? err.message : String(err)}`);
    });
    const migrated = await migrateToLatest(database.db);
    const clock = systemClock;
    const accessLog = new AccessLogService(database.db, clock);
    const auth = new AuthService(database.db, clock, config, accessLog);
    const ctx: CliContext = {
      config,
      database,
      db: database.db,
      clock,
      migrated,
      accessLog,
      auth,
      partnerships: new PartnershipService(database.db, clock, accessLog, auth),
      actor: (partnershipId) => systemActor(partnershipId, CLI_ACTOR_LABEL),
    };
    result = await fn(ctx);
  } catch (err) {
    await database.close().catch(() => undefined); // the command's own error is the one to report
    throw err;
  }
  await database.close();
  return result;
}

/** Where the data lives, for messages. */
export function describeDatabase(config: Config): string {
  return config.database.kind === 'embedded' ? `embedded database in ${config.database.dataDir}` : 'the PostgreSQL server in DATABASE_URL';
}
