/**
 * What a password must be: at least 12 characters and not a common password. The deny-list
 * is the common-passwords dictionary of zxcvbn-ts (tens of thousands of leaked passwords).
 */
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

const common = new Set<string>((dictionary as Record<string, string[]>)['passwords-common'] ?? []);
const extra = ['assure', 'safeguarding', 'childprotection', 'password', 'partnership', 'welcome', 'letmein'];

export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be ${MIN_PASSWORD_LENGTH} characters or more`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  const lower = password.toLowerCase();
  // Common passwords, also with digits or symbols stuck on the end ("password1234!").
  const core = lower.replace(/[^a-z]+$/g, '').replace(/^[^a-z]+/g, '');
  if (common.has(lower) || (core.length >= 4 && (common.has(core) || extra.includes(core)))) {
    return 'Password is too common: choose one that would be hard to guess, such as three random words';
  }
  if (new Set(lower).size <= 3) return 'Password must not repeat the same few characters';
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'Password must not contain your e-mail address';
  return null;
}
