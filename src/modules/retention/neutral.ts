/**
 * The neutral values an anonymised record gets, and the redaction of a child's and family's names from
 * text that is kept (professionals' names, audit comments, import reports). Pure: no I/O.
 */

/** What replaces free text about the child that is not null (so "was it recorded" stays true). */
export const REMOVED = 'Removed when the record was anonymised.';
/** What replaces a name found in text that is kept. */
export const NAME_REMOVED = '[name removed]';

export const ANONYMISED_FIRST_NAME = 'Anonymised';
export const ANONYMISED_LAST_NAME = 'record';

/** Free text that is nullable: null stays null, anything else is replaced. */
export const removedOrNull = (v: string | null): string | null => (v === null ? null : REMOVED);

/** The year of a date kept as 1 July of that year (the middle, so an age worked out from it is out by six months at most). */
export const yearOnly = (iso: string | null): string | null => (iso ? `${iso.slice(0, 4)}-07-01` : null);

const DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A code chosen from a list ('yes', 'apologies-report', 'NEG'): kept. */
const CODE = /^([a-z0-9]+(-[a-z0-9]+)*|[A-Z]{1,4}\d{0,2})$/;

/** Whether a string in structured data is a date, id or code rather than text someone wrote. */
export function isStructural(s: string): boolean {
  return s.trim() === '' || DATE.test(s) || UUID.test(s) || (s.length <= 40 && CODE.test(s));
}

/**
 * Structured data (minutes by heading, a case entry's answers, a portal draft) with every string
 * someone wrote replaced; keys, numbers, booleans, dates, ids and codes kept. `keep` names keys whose
 * values are kept as they are (then redacted by the caller).
 */
export function neutralJson(value: unknown, keep: ReadonlySet<string> = new Set()): unknown {
  if (typeof value === 'string') return isStructural(value) ? value : REMOVED;
  if (Array.isArray(value)) return value.map((v) => neutralJson(v, keep));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, keep.has(k) ? v : neutralJson(v, keep)]));
  }
  return value;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A redactor for a set of names: each name, and each word of two letters or more in it, is replaced
 * wherever it stands as a whole word, ignoring case. Longer names first, so a full name goes as one.
 */
export function redactor(names: readonly (string | null | undefined)[]): (text: string) => string {
  const words = new Set<string>();
  for (const n of names) {
    const name = n?.trim();
    if (!name) continue;
    if (name.length >= 2) words.add(name.toLowerCase());
    for (const part of name.split(/[\s,'’()-]+/u)) if (part.length >= 2) words.add(part.toLowerCase());
  }
  if (words.size === 0) return (t) => t;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${[...words].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  return (text) => text.replace(pattern, NAME_REMOVED);
}

/** Every string in structured data redacted. */
export function redactJson(value: unknown, redact: (t: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactJson(v, redact)]));
  return value;
}

/** A plan version's summary ("Outcome added: “…”") keeps what happened and loses the words. */
export function neutralSummary(summary: string, redact: (t: string) => string): string {
  const colon = summary.indexOf(':');
  return colon > 0 ? `${summary.slice(0, colon)} (the words were removed when the record was anonymised)` : redact(summary);
}
