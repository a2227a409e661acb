/**
 * The only reader of process.env. Everything else receives a validated Config.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
    .optional(),
  ASSURE_DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(24 * 7).default(12),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  TRUST_PROXY: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ASSURE_DEMO: bool.optional(),
  SMTP_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^smtps?:\/\/[^/]+/, 'SMTP_URL must look like smtp://host:port or smtps://user:pass@host:port').optional()),
  MAIL_FROM: z.string().min(3).default('Assure <assure@localhost>'),
  PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/, error: 'PUBLIC_URL must be the http(s) address people use, like https://assure.example.org' }).optional()),
  REMINDER_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  UPLOAD_DIR: z.string().min(1).optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Where uploaded files wait while they are imported (removed when the import ends). */
  uploadDir: string;
  database: { kind: 'server'; url: string } | { kind: 'embedded'; dataDir: string };
  sessionSecret: string;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  signInMaxFailures: number;
  signInLockoutMinutes: number;
  /** API requests a minute for each bearer token (or address, without one); 0: no limit. */
  apiRateLimitPerMinute: number;
  trustProxy: boolean;
  logLevel: string;
  /** Create the synthetic demo partnership on first start. Never in production. */
  seedDemo: boolean;
  /** E-mail reminders: off when there is no SMTP server. */
  mail: { smtpUrl: string | null; from: string; publicUrl: string | null; reminderHour: number };
  /**
   * Single sign-on: the client secrets, by the name of their environment variable. A partnership's
   * settings name one of these (never the secret itself). Only variables named OIDC_CLIENT_SECRET_…
   * are offered, so an admin cannot have another secret of the server (SESSION_SECRET, DATABASE_URL)
   * sent to a provider of their choosing.
   */
  sso: { clientSecrets: Record<string, string>; allowHttpIssuers: boolean };
}

/** The prefix every environment variable holding an OpenID Connect client secret must have. */
export const SSO_SECRET_PREFIX = 'OIDC_CLIENT_SECRET_';
export const SSO_SECRET_NAME = /^OIDC_CLIENT_SECRET_[A-Z0-9_]{1,60}$/;

export class ConfigError extends Error {}

/**
 * @param purpose 'cli' commands never serve pages, so production does not need a session secret for them.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, purpose: 'server' | 'cli' = 'server'): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && purpose === 'server' && !e.SESSION_SECRET) {
    throw new ConfigError(
      'SESSION_SECRET is required when NODE_ENV=production (at least 32 random characters, e.g. from `openssl rand -base64 48`).',
    );
  }
  if (production && e.ASSURE_DEMO) {
    throw new ConfigError('ASSURE_DEMO cannot be turned on when NODE_ENV=production: demo data never goes into production.');
  }
  if (e.SMTP_URL && !e.PUBLIC_URL) {
    throw new ConfigError('PUBLIC_URL is required when SMTP_URL is set: reminders link to pages by their full address (e.g. https://assure.example.org).');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    uploadDir: path.resolve(e.UPLOAD_DIR ?? os.tmpdir()),
    database: e.DATABASE_URL
      ? { kind: 'server', url: e.DATABASE_URL }
      : { kind: 'embedded', dataDir: path.resolve(e.ASSURE_DATA_DIR) },
    // Outside production a random secret per process is fine: sessions live in the database,
    // only the CSRF cookie signature depends on it.
    sessionSecret: e.SESSION_SECRET ?? randomBytes(48).toString('base64url'),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    signInMaxFailures: e.SIGN_IN_MAX_FAILURES,
    signInLockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES,
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    seedDemo: !production && (e.ASSURE_DEMO ?? e.NODE_ENV === 'development'),
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM, publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/+$/, '') : null, reminderHour: e.REMINDER_HOUR },
    sso: {
      clientSecrets: Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => SSO_SECRET_NAME.test(kv[0]) && typeof kv[1] === 'string' && kv[1] !== '')),
      // A provider over plain http (a provider on this machine, in development and tests) is refused in production.
      allowHttpIssuers: !production,
    },
  };
}
