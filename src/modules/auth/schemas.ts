import { z } from 'zod';
import { text } from '../../lib/validation.js';

export const signInSchema = z.object({
  email: z.string({ error: 'Enter your e-mail address' }).trim().min(1, 'Enter your e-mail address').max(254, 'E-mail address must be 254 characters or fewer'),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(256, 'Password must be 256 characters or fewer'),
  next: z.string().optional(),
});

export const codeSchema = z.object({
  code: z.string({ error: 'Enter the 6-digit code' }).trim().min(1, 'Enter the 6-digit code').max(20, 'Enter the 6-digit code'),
});

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password').max(256),
    newPassword: z.string({ error: 'Enter a new password' }).min(1, 'Enter a new password').max(256, 'Password must be 256 characters or fewer'),
    confirmPassword: z.string({ error: 'Enter the new password again' }).min(1, 'Enter the new password again').max(256),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The new passwords do not match' });

export const disableTotpSchema = z.object({ password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(256) });

export const tokenSchema = z.strictObject({
  name: text('a name for the token, like "Reporting script"', 100),
  days: z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
    z.number({ error: 'Enter how many days the token lasts, from 1 to 365' }).int('Enter a whole number of days').min(1, 'A token lasts at least 1 day').max(365, 'A token lasts at most 365 days'),
  ),
});

/** Only a path on this site may follow sign-in. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) && !next.startsWith('/sign-in') ? next : '/';
}

const yesNo = (message: string) => z.enum(['yes', 'no'], { error: message }).transform((v) => v === 'yes');

/** A partnership's single sign-on settings, as the admin form posts them. */
export const ssoSettingsSchema = z
  .strictObject({
    enabled: yesNo('Select whether people can sign in through your organisation’s provider'),
    issuerUrl: text('the issuer URL, like https://login.example.org', 500).pipe(
      z.url({ protocol: /^https?$/, error: 'Enter the issuer URL in the correct format, like https://login.example.org' }),
    ),
    clientId: text('the client ID the provider gave Assure', 200).regex(/^[\x21-\x7e]+$/, 'The client ID must not contain spaces or accented letters'),
    clientSecretEnv: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
      z
        .string({ error: 'The environment variable’s name must be text' })
        .regex(/^OIDC_CLIENT_SECRET_[A-Z0-9_]{1,60}$/, 'The environment variable’s name must start OIDC_CLIENT_SECRET_ followed by capital letters, digits or underscores, like OIDC_CLIENT_SECRET_916')
        .optional(),
    ),
    matchBy: z.enum(['email', 'subject'], { error: 'Select how the provider’s users are matched to Assure users' }),
    passwordSignIn: yesNo('Select whether people can still sign in with a password'),
  })
  .refine((v) => v.enabled || v.passwordSignIn, { path: ['passwordSignIn'], message: 'Password sign-in can only be turned off while single sign-on is on' });

export const ssoLinkSchema = z.strictObject({
  userId: z.uuid({ error: 'Select the user' }),
  subject: text('the subject (the provider’s identifier for the user)', 255).regex(/^[\x21-\x7e]+$/, 'The subject must not contain spaces or accented letters'),
});
