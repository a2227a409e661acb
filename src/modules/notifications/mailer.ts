/**
 * Sending e-mail. A Mailer is passed in (from main.ts or the CLI), never a module singleton;
 * `smtpMailer` sends over SMTP with nodemailer.
 */
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close?(): void;
}

export function smtpMailer(opts: { smtpUrl: string; from: string }): Mailer {
  // Short timeouts: a mail server that is down fails the run quickly; the next run retries.
  const transport = nodemailer.createTransport(opts.smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as never);
  return {
    async send(m) {
      await transport.sendMail({ from: opts.from, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => transport.close(),
  };
}
