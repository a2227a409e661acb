import type { Command } from 'commander';
import { smtpMailer } from '../modules/notifications/mailer.js';
import { ReminderService } from '../modules/notifications/reminders.js';
import { withContext } from './context.js';
import { CliError } from './errors.js';
import { print } from './io.js';

export function registerReminders(program: Command): void {
  const group = program.command('reminders').description('practice standards reminder e-mails (counts and links only, never a child’s name)');

  group
    .command('send')
    .description('Sends now the reminder digests not yet sent today (weekly ones: this week) to everyone with something due or overdue. Needs SMTP_URL and PUBLIC_URL.')
    .option('--dry-run', 'show who would get a digest and how many items, send nothing')
    .action(async (opts: { dryRun?: boolean }) => {
      await withContext(async (ctx) => {
        const { smtpUrl, from, publicUrl } = ctx.config.mail;
        if (!publicUrl) throw new CliError('PUBLIC_URL is not set: reminders link to pages by their full address, so none can be sent.');
        if (!smtpUrl && !opts.dryRun) throw new CliError('SMTP_URL is not set: reminder e-mails are off. Set SMTP_URL (smtp://host:port) to send them, or use --dry-run.');
        const mailer = smtpUrl ? smtpMailer({ smtpUrl, from }) : null;
        const failures: string[] = [];
        const log = { info: () => undefined, error: (obj: object) => void failures.push(String((obj as { err?: Error }).err?.message ?? 'unknown error')) };
        try {
          const run = await new ReminderService(ctx.db, ctx.clock, mailer, ctx.config.mail, log).sendDue({ force: true, dryRun: Boolean(opts.dryRun) });
          for (const p of run.planned) print(`${opts.dryRun ? 'would send' : 'digest'}: ${p.email} (${p.kind}, ${p.items} item${p.items === 1 ? '' : 's'})`);
          if (opts.dryRun) print(`Dry run: ${run.planned.length} digest${run.planned.length === 1 ? '' : 's'} would be sent; nothing was sent.`);
          else print(`Sent ${run.sent} digest${run.sent === 1 ? '' : 's'}${run.failed ? `; ${run.failed} failed` : ''}.`);
          if (run.failed) throw new CliError(`Some reminders could not be sent (${failures[0] ?? 'see the log'}); run again to retry them.`);
        } finally {
          mailer?.close?.();
        }
      });
    });
}
