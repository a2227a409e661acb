/**
 * Reminder digests against a real SMTP server (smtp-server on 127.0.0.1, a random port): who gets
 * one, what it says (counts and absolute links, never a child's name), once a day, and a mail
 * server that is down (logged, not thrown, retried on the next run).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, buildTestApp, type TestApp } from '../../../test/support/app.js';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { type Fixture, makePartnership, PASSWORD } from '../../../test/support/factories.js';
import { AccessLogService } from '../access-log/service.js';
import { ChildRecords } from '../cases/record.js';
import { StandardsService } from '../standards/service.js';
import { withNotifications } from './db.js';
import { smtpMailer } from './mailer.js';
import { type ReminderLog, ReminderService } from './reminders.js';

const PUBLIC_URL = 'https://assure.test.example';
const CHILDREN = [
  { firstName: 'Zephyrine', lastName: 'Quillfeather', laChildId: 'LA-ZQ-4471' },
  { firstName: 'Barnaby', lastName: 'Oakhollow', laChildId: 'LA-BO-9902' },
];

interface Received {
  to: string[];
  raw: string;
  headers: string;
  body: string;
}

/** The body as text: quoted-printable or base64 undone (nodemailer picks one per message). */
function decode(raw: string): { headers: string; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, at);
  let body = raw.slice(at + 4);
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  } else if (/content-transfer-encoding:\s*base64/i.test(headers)) {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { headers, body };
}

let t: TestApp;
let f: Fixture;
let server: SMTPServer;
let port: number;
const inbox: Received[] = [];
const errors: object[] = [];
const log: ReminderLog = { info: () => undefined, error: (obj) => void errors.push(obj) };
const childIds: string[] = [];

const reminders = (smtpPort = port, reminderHour = 7) =>
  new ReminderService(t.database.db, t.clock, smtpMailer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, from: 'Assure <assure@test.example>' }), { publicUrl: PUBLIC_URL, reminderHour }, log);
const to = (email: string) => inbox.filter((m) => m.to.includes(email));
const logRows = () => withNotifications(t.database.db).selectFrom('notification_log').selectAll().execute();

async function signedIn(email: string): Promise<Agent> {
  const a = t.agent();
  expect((await a.signIn(email, PASSWORD)).statusCode).toBe(303);
  return a;
}

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, ...decode(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;

  t = await buildTestApp();
  f = await makePartnership(t.database.db);
  for (const c of CHILDREN) childIds.push((await makeChildOnPlan(t, f, c)).childId);
  // Six weeks on (a Monday morning): the first core groups are overdue
  t.clock.set(new Date('2026-12-14T09:00:00Z'));
  await new StandardsService(new ChildRecords(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock))).recomputePartnership(f.partnershipId);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('reminder digests over SMTP', () => {
  it('logs an error and does not throw when the mail server is down; nothing is logged as sent', async () => {
    const closed = new SMTPServer({ logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const run = await reminders(deadPort).sendDue();
    expect(run.sent).toBe(0);
    expect(run.failed).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(errors[0])).toContain('reminders');
    expect(await logRows()).toEqual([]);
    expect(inbox).toEqual([]);
  });

  it('the next run (the server back) sends the digest to the lead practitioner, with counts and absolute links only', async () => {
    const manager = await signedIn(f.users.manager!.email);
    await manager.get('/account/notifications');
    expect((await manager.post('/account/notifications', { digest: 'off' })).statusCode).toBe(303);

    const run = await reminders().sendDue();
    expect(run.failed).toBe(0);
    const mail = to(f.users.worker!.email);
    expect(mail).toHaveLength(1);
    const m = mail[0]!;
    if (process.env.SHOW_MAIL) console.log(m.raw);

    const queue = await t.database.db.selectFrom('standard_results').select(['child_id', 'status']).where('status', 'in', ['due', 'overdue']).execute();
    const overdue = queue.filter((r) => r.status === 'overdue').length;
    const due = queue.filter((r) => r.status === 'due').length;
    expect(overdue).toBeGreaterThan(0);
    expect(m.body).toContain(`${overdue} ${overdue === 1 ? 'thing is' : 'things are'} overdue: ${PUBLIC_URL}/my/standards`);
    if (due) expect(m.body).toContain(`${due} ${due === 1 ? 'thing is' : 'things are'} due:`);
    expect(m.headers).toMatch(new RegExp(`Subject: Assure: ${overdue} overdue`));
    for (const id of childIds) expect(m.body).toContain(`${PUBLIC_URL}/children/${id}/standards`);
    // one link per item
    expect(m.body.match(/\/children\/[0-9a-f-]{36}\/standards/g)).toHaveLength(overdue + due);

    // Nothing that identifies a child, in headers or body, raw or decoded
    for (const c of CHILDREN) {
      for (const s of [c.firstName, c.lastName, c.laChildId]) {
        expect(m.raw.toLowerCase()).not.toContain(s.toLowerCase());
        expect(m.body.toLowerCase()).not.toContain(s.toLowerCase());
      }
    }
    expect(m.body).not.toContain('2021');
    expect(m.body).not.toMatch(/May 2021|06\/05\/2021/);

    const rows = await logRows();
    expect(rows.filter((r) => r.user_id === f.users.worker!.id)).toEqual([expect.objectContaining({ items: overdue + due, kind: 'daily' })]);
  });

  it('a user who turned the digest off gets nothing; roles without a default digest get nothing', () => {
    expect(to(f.users.manager!.email)).toEqual([]);
    expect(to(f.users.chair!.email)).toEqual([]);
    expect(to(f.users.auditor!.email)).toEqual([]);
  });

  it('a second run the same day sends nothing twice', async () => {
    const before = inbox.length;
    t.clock.set(new Date('2026-12-14T15:00:00Z'));
    const run = await reminders().sendDue();
    expect(run.sent).toBe(0);
    expect(inbox).toHaveLength(before);
    expect((await logRows()).filter((r) => r.user_id === f.users.worker!.id)).toHaveLength(1);
  });

  it('before the configured hour nothing goes; the next day after it, the daily digest goes again', async () => {
    const before = to(f.users.worker!.email).length;
    t.clock.set(new Date('2026-12-15T06:00:00Z'));
    expect((await reminders(port, 7).sendDue()).sent).toBe(0);
    t.clock.set(new Date('2026-12-15T07:30:00Z'));
    expect((await reminders(port, 7).sendDue()).sent).toBeGreaterThan(0);
    expect(to(f.users.worker!.email)).toHaveLength(before + 1);
  });

  it('a weekly digest goes on Monday only (or when sent by hand), once a week', async () => {
    const chair = await signedIn(f.users.chair!.email);
    await chair.get('/account/notifications');
    expect((await chair.post('/account/notifications', { digest: 'weekly' })).statusCode).toBe(303);
    t.clock.set(new Date('2026-12-16T09:00:00Z')); // a Wednesday
    await reminders().sendDue();
    expect(to(f.users.chair!.email)).toHaveLength(0);
    await reminders().sendDue({ force: true });
    expect(to(f.users.chair!.email)).toHaveLength(1);
    t.clock.set(new Date('2026-12-21T09:00:00Z')); // the next Monday: 5 days on
    await reminders().sendDue();
    expect(to(f.users.chair!.email)).toHaveLength(1);
    t.clock.set(new Date('2026-12-28T09:00:00Z'));
    await reminders().sendDue();
    expect(to(f.users.chair!.email)).toHaveLength(2);
  });

  it('a team sent a 7-minute briefing hears of it in its members’ digests, counted and linked, never named; once it has responded, no more', async () => {
    const db = t.database.db;
    t.clock.set(new Date('2026-12-30T09:00:00Z'));
    // A practitioner of the north team with no child of their own: nothing in their practice standards
    const newcomer = await db
      .insertInto('users')
      .values({ partnership_id: f.partnershipId, agency_id: f.agencies.csc!, team_id: f.teams.north!, email: 'newcomer.901@test.assure.example', name: 'newcomer person', role: 'practitioner' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const review = (subject: string, status: 'draft' | 'published') =>
      db
        .insertInto('learning_reviews')
        .values({ partnership_id: f.partnershipId, kind: 'rapid-review', title: `Rapid review: ${subject}`, subject, started_on: '2026-11-02', themes: JSON.stringify([]), findings: JSON.stringify(['A finding']), status, published_at: status === 'published' ? new Date('2026-12-29T10:00:00Z') : null })
        .returning('id')
        .executeTakeFirstOrThrow();
    const published = await review('Kestrel Moonvale', 'published');
    const draft = await review('Wrenna Duskfield', 'draft');
    // Sent to the north team; the south team is sent nothing
    await db.insertInto('briefing_recipients').values([published, draft].map((r) => ({ partnership_id: f.partnershipId, review_id: r.id, team_id: f.teams.north! }))).execute();

    await reminders().sendDue();
    const onlyBriefing = to('newcomer.901@test.assure.example');
    expect(onlyBriefing).toHaveLength(1);
    expect(onlyBriefing[0]!.headers).toMatch(/Subject: Assure: 1 briefing for your team to discuss/);
    expect(onlyBriefing[0]!.body).toContain(`Your team has 1 briefing to discuss and respond to: ${PUBLIC_URL}/learning#briefings`);
    expect(onlyBriefing[0]!.body).not.toMatch(/standards/);
    const worker = to(f.users.worker!.email).at(-1)!;
    // A long subject is folded over lines in the header: unfolded, it says both
    expect(worker.headers.replace(/\r\n\s+/g, ' ')).toMatch(/Subject: Assure: \d+ overdue.* in your practice standards; 1 briefing for your team to discuss/);
    expect(worker.body).toContain(`${PUBLIC_URL}/learning#briefings`);
    for (const m of [...onlyBriefing, worker]) for (const name of ['Kestrel', 'Moonvale', 'Wrenna', 'Rapid review']) expect(m.raw).not.toContain(name);
    expect((await logRows()).filter((r) => r.user_id === newcomer.id)).toEqual([expect.objectContaining({ items: 1, kind: 'daily' })]);

    // The team responds: the next day the newcomer, with nothing else to do, gets nothing; the worker's digest says nothing of it
    await db.updateTable('briefing_recipients').set({ discussion: 'Discussed at the team meeting', responded_at: new Date('2026-12-30T15:00:00Z'), responded_by: f.users.manager!.id }).where('review_id', '=', published.id).execute();
    t.clock.set(new Date('2026-12-31T09:00:00Z'));
    await reminders().sendDue();
    expect(to('newcomer.901@test.assure.example')).toHaveLength(1);
    const next = to(f.users.worker!.email).at(-1)!;
    expect(next).not.toBe(worker);
    expect(next.body).not.toContain('briefing');
  });

  it('a dry run sends and logs nothing', async () => {
    t.clock.set(new Date('2027-01-01T09:00:00Z'));
    const [mails, rows] = [inbox.length, (await logRows()).length];
    const run = await reminders().sendDue({ dryRun: true });
    expect(run.planned.map((p) => p.email)).toContain(f.users.worker!.email);
    expect(inbox).toHaveLength(mails);
    expect(await logRows()).toHaveLength(rows);
  });
});
