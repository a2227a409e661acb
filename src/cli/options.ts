/**
 * Option parsing shared by the commands. Values are checked with the same Zod schemas the
 * web forms and API use, so the CLI accepts exactly what the service would; a bad value is a
 * usage error (exit 2) that names the option.
 */
import { InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import { text } from '../lib/validation.js';

/** An argParser that runs a Zod schema and reports its first message. */
export function bySchema<T>(schema: z.ZodType<T>): (value: string) => T {
  return (value: string) => {
    const result = schema.safeParse(value);
    if (!result.success) throw new InvalidArgumentError(result.error.issues[0]?.message ?? 'Not a valid value.');
    return result.data;
  };
}

export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const trimmed = value.trim();
    if (!/^\d+$/.test(trimmed)) throw new InvalidArgumentError(`Give a whole number from ${min} to ${max}.`);
    const n = Number(trimmed);
    if (n < min || n > max) throw new InvalidArgumentError(`Give a whole number from ${min} to ${max}.`);
    return n;
  };
}

/** A mandatory option whose value goes through `parse`. */
export function required<T>(flags: string, description: string, parse: (value: string) => T): Option {
  return new Option(flags, description).makeOptionMandatory().argParser(parse);
}

/** A mandatory option that must be one of `choices`; commander lists them when it is not. */
export function oneOf(flags: string, description: string, choices: readonly string[]): Option {
  return new Option(flags, `${description}: one of ${choices.join(', ')}`).makeOptionMandatory().choices(choices);
}

/** A name of an existing thing to look up (an agency, a team, an area). */
export const lookupName = (what: string) => bySchema(text(`the name of the ${what}`));
