/**
 * Housekeeping while the server runs: expired sessions are removed hourly, and the embedded
 * database (which has no autovacuum) is vacuumed and analysed daily. Timers never keep the
 * process alive and stop when the app closes.
 */
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseHandle } from '../db/database.js';
import type { AuthService } from '../modules/auth/service.js';

const HOUR = 3_600_000;

export function startMaintenance(database: DatabaseHandle, auth: AuthService, log: FastifyBaseLogger): () => void {
  const run = async (name: string, job: () => Promise<unknown>) => {
    const started = Date.now();
    try {
      await job();
      log.info({ job: name, ms: Date.now() - started }, 'maintenance job done');
    } catch (err) {
      log.error({ err, job: name }, 'maintenance job failed');
    }
  };
  const timers = [
    setInterval(() => void run('prune-sessions', () => auth.pruneSessions()), HOUR),
    ...(database.kind === 'embedded' ? [setInterval(() => void run('vacuum-analyze', () => sql`vacuum analyze`.execute(database.db)), 24 * HOUR)] : []),
  ];
  for (const t of timers) t.unref();
  return () => timers.forEach((t) => clearInterval(t));
}
