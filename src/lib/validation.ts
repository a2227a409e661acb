/**
 * Shared Zod building blocks with messages that name the field in plain English, as the
 * GOV.UK error summary wants them.
 */
import { z } from 'zod';
import { type FieldErrors, ValidationError } from './errors.js';

export const text = (label: string, max = 200) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(max, `${capitalise(label)} must be ${max} characters or fewer`);

export const optionalText = (label: string, max = 2000) =>
  z.preprocess(
    emptyToUndefined,
    z.string({ error: `${capitalise(label)} must be text` }).trim().max(max, `${capitalise(label)} must be ${max} characters or fewer`).optional(),
  );

export const email = (label = 'an e-mail address') =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(254, 'E-mail address must be 254 characters or fewer')
    .pipe(z.email({ error: 'Enter an e-mail address in the correct format, like name@example.org' }))
    .transform((v) => v.toLowerCase());

export const id = (label: string) => z.uuid({ error: `Select ${label}` });

export const optionalId = (label: string) => z.preprocess(emptyToNull, z.uuid({ error: `Select ${label}` }).nullable());

/** A version number for optimistic concurrency; forms send it as text. */
export const version = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z.number({ error: 'The version of the record you edited is missing' }).int().min(1),
);

export const checkbox = z.preprocess((v) => v === true || v === 'true' || v === 'on' || v === 'yes', z.boolean());

export function emptyToUndefined(v: unknown): unknown {
  return v === '' || v === null ? undefined : v;
}
export function emptyToNull(v: unknown): unknown {
  return v === '' || v === undefined ? null : v;
}

function capitalise(s: string): string {
  const stripped = s.replace(/^(a|an|the) /, '');
  return stripped.charAt(0).toUpperCase() + stripped.slice(1);
}

/** Every issue as "path" → message, the first message per path. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '_';
    if (!(key in out)) {
      out[key] =
        issue.code === 'unrecognized_keys'
          ? `Unexpected field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`
          : issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')
            ? `${key} must be ${issue.expected}`
            : issue.message;
    }
  }
  return out;
}

/** Parse or throw a ValidationError naming every bad field. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  // PostgreSQL cannot hold a NUL character in text: refused here as a field error, not a 500 from
  // the database (found by the wapiti scan on the children search: ?q=%00).
  const nul = pathWithNul(input);
  if (nul !== null) throw new ValidationError({ [nul || 'value']: `${nul ? capitalise(nul) : 'The value'} must not contain a NUL character` });
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

/** The dotted path of the first string holding a NUL character in a query, form or JSON body, or null. */
export function pathWithNul(input: unknown, path = '', depth = 0): string | null {
  if (typeof input === 'string') return input.includes('\u0000') ? path : null;
  if (depth > 20 || input === null || typeof input !== 'object') return null;
  for (const [key, value] of Object.entries(input)) {
    const found = pathWithNul(value, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** `?page=` of a paginated list: a whole number from 1, default 1. */
export const pageNumber = z.coerce
  .number({ error: 'page must be a whole number' })
  .int('page must be a whole number')
  .min(1, 'page must be 1 or more')
  .max(100000, 'page must be 100000 or less')
  .default(1);

/** An ISO date from a GOV.UK date input (joined by the form layer) or the API. */
export const isoDate = (label: string) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), { message: `${capitalise(label)} must be a real date, like 27 3 2026` })
    .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || isRealDate(v), {
      message: `${capitalise(label)} must be a real date, like 27 3 2026`,
    })
    .refine((v) => !/^\d{4}/.test(v) || (v >= '1900-01-01' && v <= '2100-12-31'), { message: `${capitalise(label)} must be between 1900 and 2100` });

export const optionalIsoDate = (label: string) => z.preprocess(emptyToUndefined, isoDate(label).optional());

/** A choice from a list, with the GOV.UK message "Select …". */
export const choice = <T extends readonly [string, ...string[]]>(values: T, label: string) => z.enum(values, { error: `Select ${label}` });

/** Checkboxes post one value or several; the API sends an array. */
export const manyOf = <T extends readonly [string, ...string[]]>(values: T, label: string) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(values, { error: `Select ${label} from the list` })));

export const yesNo = (label: string) =>
  z.preprocess((v) => (v === 'yes' || v === true ? true : v === 'no' || v === false ? false : v), z.boolean({ error: `Select yes or no for ${label}` }));

function isRealDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}
