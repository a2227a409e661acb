/**
 * Starts Assure: reads the configuration, opens and migrates the database, seeds the demo
 * partnership on a first development run, serves, and shuts down cleanly on SIGTERM/SIGINT.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { DataDirLockedError } from './db/embedded/index.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemo } from './demo/seed.js';
import { startMaintenance } from './jobs/maintenance.js';
import { systemClock } from './lib/clock.js';
import { AccessLogService } from './modules/access-log/service.js';
import { AuthService } from './modules/auth/service.js';
import { smtpMailer } from './modules/notifications/mailer.js';
import { ReminderService } from './modules/notifications/reminders.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  await migrateToLatest(database.db);

  const app = await buildApp({ config, database, clock: systemClock });
  // No SMTP_URL: no reminder e-mails
  const mailer = config.mail.smtpUrl ? smtpMailer({ smtpUrl: config.mail.smtpUrl, from: config.mail.from }) : null;
  const reminders = new ReminderService(database.db, systemClock, mailer, config.mail, app.log);
  const stopMaintenance = startMaintenance(database, new AuthService(database.db, systemClock, config, new AccessLogService(database.db, systemClock)), app.log, { reminders });
  app.addHook('onClose', async () => {
    stopMaintenance();
    mailer?.close?.();
    await database.close();
  });

  if (config.seedDemo) {
    const anyPartnership = await database.db.selectFrom('partnerships').select('id').limit(1).executeTakeFirst();
    if (!anyPartnership) {
      const demo = await seedDemo(database.db, systemClock);
      printDemo(demo.users);
    } else {
      process.stdout.write('Demo data is already here. To print new demo passwords, stop the server and run: npx assure seed demo\n');
    }
  }

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down: finishing requests in flight');
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error while shutting down');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const where = config.database.kind === 'embedded' ? `embedded database in ${config.database.dataDir}` : 'PostgreSQL server';
  process.stdout.write(`Assure is running at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port} (${where})\n`);
}

function printDemo(users: { email: string; role: string; password: string; name: string }[]): void {
  const width = Math.max(...users.map((u) => u.email.length));
  const lines = users.map((u) => `  ${u.email.padEnd(width)}  ${u.password}  ${u.role}`);
  process.stdout.write(
    ['', 'Created the demo partnership (synthetic data). Sign in as any of these:', ...lines, '', 'These passwords are shown only now. `npx assure seed demo` prints new ones.', ''].join('\n'),
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Assure could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  process.exit(1);
});
