/**
 * Sends the reminder digests that are due: each user whose digest is daily (once a London day, from
 * the configured hour) or weekly (Mondays, once a week) and who has something due or overdue, or whose
 * team has a 7-minute briefing to respond to, gets one e-mail of counts and links. The notification_log
 * keeps a digest from going twice; a failed send writes no log row, so the next run tries again. Errors
 * are logged, never thrown.
 */
import type { Db } from '../../db/database.js';
import type { Clock } from '../../lib/clock.js';
import { addDays, londonDate } from '../../lib/working-days.js';
import { userActor } from '../auth/service.js';
import { unansweredBriefingsByTeam } from '../learning/repository.js';
import { withNotifications } from './db.js';
import { composeDigest } from './digest.js';
import type { Mailer } from './mailer.js';
import { standardsQueue, type UserActor } from './queue.js';
import { defaultDigest } from './service.js';

export interface ReminderLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ReminderOptions {
  /** Send now: ignore the hour and the weekday (a digest still goes at most once a day or week). */
  force?: boolean;
  /** Work out who would get what, send nothing and log nothing. */
  dryRun?: boolean;
}

export interface ReminderRun {
  sent: number;
  failed: number;
  planned: { email: string; kind: 'daily' | 'weekly'; items: number }[];
}

/** Connection-level failures: every other message would fail too, so the run stops. */
const CONNECTION_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EAUTH', 'ECONNREFUSED', 'ETLS']);

function londonHour(d: Date): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(d));
}
function londonWeekday(d: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short' }).format(d);
}

export class ReminderService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly mailer: Mailer | null,
    private readonly settings: { publicUrl: string | null; reminderHour: number },
    private readonly log: ReminderLog,
  ) {}

  /** Reminders need an SMTP server and the public address for links. */
  get enabled(): boolean {
    return this.mailer !== null && this.settings.publicUrl !== null;
  }

  async sendDue(opts: ReminderOptions = {}): Promise<ReminderRun> {
    const run: ReminderRun = { sent: 0, failed: 0, planned: [] };
    const publicUrl = this.settings.publicUrl;
    if (!publicUrl || (!this.mailer && !opts.dryRun)) return run;
    const now = this.clock.now();
    if (!opts.force && londonHour(now) < this.settings.reminderHour) return run;
    const today = londonDate(now);
    const monday = londonWeekday(now) === 'Mon';
    const ndb = withNotifications(this.db);

    const users = await ndb
      .selectFrom('users')
      .leftJoin('notification_settings as s', 's.user_id', 'users.id')
      .select(['users.id', 'users.partnership_id', 'users.role', 'users.agency_id', 'users.team_id', 'users.name', 'users.email', 's.digest'])
      .select((eb) => eb.selectFrom('notification_log as l').select((e) => e.fn.max('l.sent_at').as('last')).whereRef('l.user_id', '=', 'users.id').as('last_sent_at'))
      .where('users.disabled_at', 'is', null)
      .orderBy('users.partnership_id')
      .orderBy('users.email')
      .execute();

    const briefingsOf = await unansweredBriefingsByTeam(this.db);

    for (const u of users) {
      const digest = u.digest ?? defaultDigest(u.role);
      if (digest === 'off') continue;
      const last = u.last_sent_at == null ? null : londonDate(new Date(u.last_sent_at as Date | string));
      if (digest === 'daily' && last === today) continue;
      if (digest === 'weekly') {
        if (!opts.force && !monday) continue;
        if (last !== null && last > addDays(today, -7)) continue;
      }
      const items = await standardsQueue(this.db, userActor(u) as UserActor);
      const briefings = u.team_id ? (briefingsOf.get(u.team_id) ?? 0) : 0;
      if (!items.length && !briefings) continue;
      const message = composeDigest(items, publicUrl, digest, briefings);
      run.planned.push({ email: u.email, kind: digest, items: message.items });
      if (opts.dryRun) continue;
      try {
        await this.mailer!.send({ to: u.email, subject: message.subject, text: message.text });
        await ndb.insertInto('notification_log').values({ partnership_id: u.partnership_id, user_id: u.id, sent_at: now, items: message.items, kind: digest }).execute();
        run.sent += 1;
      } catch (err) {
        run.failed += 1;
        this.log.error({ err, job: 'reminders', userId: u.id }, 'reminder e-mail could not be sent; it will be tried again on the next run');
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'string' && CONNECTION_ERRORS.has(code)) break;
      }
    }
    if (run.sent || run.failed) this.log.info({ job: 'reminders', sent: run.sent, failed: run.failed }, 'reminder digests sent');
    return run;
  }
}
