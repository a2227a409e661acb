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
