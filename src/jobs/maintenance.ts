/**
 * Housekeeping while the server runs: expired sessions are removed hourly; the practice standards
 * that may have moved with the date are brought up to date hourly (next to nothing after the first
 * run of a day); once a London day, from the first hourly turn after the server starts, closed records
 * due for review under each partnership's retention rule are marked and the embedded database (which
 * has no autovacuum) is vacuumed and analysed. Timers never keep the process alive and stop when the
 * app closes.
 */
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DatabaseHandle } from '../db/database.js';
import type { AuthService } from '../modules/auth/service.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { londonDate } from '../lib/working-days.js';
import { AccessLogService } from '../modules/access-log/service.js';
import { ChildRecords } from '../modules/cases/record.js';
import { NIGHTLY_RECOMPUTE, StandardsService } from '../modules/standards/service.js';
import { RetentionService } from '../modules/retention/service.js';
import type { ReminderService } from '../modules/notifications/reminders.js';
import { type RecomputeProcess, startRecomputeProcess } from './recompute-process.js';

const HOUR = 3_600_000;

export interface MaintenanceOptions {
  reminders?: ReminderService | undefined;
  clock?: Clock;
  /**
   * Brings the practice standards up to date. By default: on a PostgreSQL server the command in a process of its
   * own (stopped with the rest), on the embedded database in this process.
   */
  recompute?: () => Promise<unknown>;
}

export function startMaintenance(database: DatabaseHandle, auth: AuthService, log: FastifyBaseLogger, opts: MaintenanceOptions = {}): () => void {
  const { reminders, clock = systemClock } = opts;
  const run = async (name: string, job: () => Promise<unknown>) => {
    const started = Date.now();
    try {
      await job();
      log.info({ job: name, ms: Date.now() - started }, 'maintenance job done');
    } catch (err) {
      log.error({ err, job: name }, 'maintenance job failed');
    }
  };
  // A job still running when its next turn comes is not started again beside itself
  const running = new Set<string>();
  const once = async (name: string, job: () => Promise<unknown>) => {
    if (running.has(name)) return;
    running.add(name);
    try {
      await run(name, job);
    } finally {
      running.delete(name);
    }
  };
  // Once a London day, at the first turn of a day (a server restarted often still runs it each day, not only once
  // 24 hours have passed since its start)
  const lastDay = new Map<string, string>();
  const daily = (name: string, job: () => Promise<unknown>) => {
    const today = londonDate(clock.now());
    if (lastDay.get(name) === today) return;
    lastDay.set(name, today);
    return once(name, job);
  };
  // Practice standards move with the date (due becomes overdue), so the children whose results may have moved are
  // re-evaluated each day: on a PostgreSQL server in a process of its own, so that the pages being served do not
  // wait behind it
  const standards = new StandardsService(new ChildRecords(database.db, systemClock, new AccessLogService(database.db, systemClock)));
  let child: RecomputeProcess | null = null;
  const inItsOwnProcess = async () => {
    child = startRecomputeProcess();
    try {
      return await child.done;
    } finally {
      child = null;
    }
  };
  const recompute = opts.recompute ?? (database.kind === 'server' ? inItsOwnProcess : () => standards.recomputeAll(NIGHTLY_RECOMPUTE));
  const retention = new RetentionService(database.db, systemClock, new AccessLogService(database.db, systemClock));
  const timers = [
    setInterval(() => void run('prune-sessions', () => auth.pruneSessions()), HOUR),
    // Checked every hour, not once a day from the server's start (which a server restarted more often than daily
    // never reached): the first run after midnight evaluates the day's children whose results may have moved (a few
    // per cent of them), each later run next to nothing, as each child's results hold until a later day
    setInterval(() => void once('standards-recompute', recompute), HOUR),
    // Closed records become due for review under each partnership's retention rule
    setInterval(() => void daily('retention-mark', () => retention.markAllDue()), HOUR),
    // Reminder digests: checked hourly, sent from the configured hour, at most once a day (or week) each
    ...(reminders?.enabled ? [setInterval(() => void run('reminders', () => reminders.sendDue()), HOUR)] : []),
    ...(database.kind === 'embedded' ? [setInterval(() => void daily('vacuum-analyze', () => sql`vacuum analyze`.execute(database.db)), HOUR)] : []),
  ];
  for (const t of timers) t.unref();
  return () => {
    timers.forEach((t) => clearInterval(t));
    child?.stop();
  };
}
