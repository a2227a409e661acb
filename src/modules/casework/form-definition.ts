/**
 * A small form-definition language for case entries: one list of fields and one Zod schema per
 * kind, from which the form is rendered (views/_fields.njk), the posted form is read back into the
 * entry's data, the saved data is put back into the form, and the entry is displayed. Pure: no I/O.
 */
import type { z } from 'zod';

export type Option = readonly [value: string, label: string];

interface Base {
  /** The key in the entry's data; also the form field's name and id. */
  name: string;
  label: string;
  hint?: string;
  /** Shown with "(optional)" after the label. */
  optional?: boolean;
}

export type Field =
  | (Base & { type: 'date' })
  | (Base & { type: 'text'; defaultTo?: 'actor-name' })
  | (Base & { type: 'textarea'; rows?: number })
  | (Base & { type: 'radios'; options: readonly Option[]; inline?: boolean })
  /** One of the partnership's agencies, by id. */
  | (Base & { type: 'agency' })
  /** A whole number from min to max, e.g. a 0–10 safety scale. */
  | (Base & { type: 'scale'; min: number; max: number })
  /** A grade from min to max for each of the partnership's named areas: [{ area, grade }]. */
  | (Base & { type: 'grades'; min: number; max: number });

export type EntryData = Record<string, unknown>;

/** A value worked out from the data (e.g. "told before the summer holiday"), shown with the entry. */
export interface Derived {
  label: string;
  value: string;
  /** Shown as a warning: something is late or missed. */
  warning?: boolean;
}

/** What a kind may need to fill defaults or derive values. */
export interface KindContext {
  today: string;
  closures: ReadonlySet<string>;
  actorName: string;
  /** The partnership's named areas for graded assessments. */
  gradedAreas: readonly string[];
}

export interface EntryKind {
  kind: string;
  label: string;
  description: string;
  fields: readonly Field[];
  schema: z.ZodType<EntryData, unknown>;
  /** The date the entry sits at on the timeline. */
  occurredOn(data: EntryData): string;
  /** A deadline (e.g. a response to a request), if the kind has one. */
  dueOn(data: EntryData): string | null;
  /** Fills computed defaults (e.g. a deadline 10 working days on) after validation, before saving. */
  complete(data: EntryData, ctx: KindContext): EntryData;
  /** One line for the timeline. */
  summary(data: EntryData): string;
  derived(data: EntryData, ctx: KindContext): Derived[];
  /** Whether the entry is waiting on something past its deadline. */
  overdue(data: EntryData, dueOn: string | null, today: string): boolean;
}

/**
 * Declares a kind with its own typed schema; the handlers see the schema's output type.
 */
export function defineKind<S extends z.ZodType<EntryData, unknown>>(def: {
  kind: string;
  label: string;
  description: string;
  fields: readonly Field[];
  schema: S;
  occurredOn(data: z.output<S>): string;
  dueOn?(data: z.output<S>): string | null;
  complete?(data: z.output<S>, ctx: KindContext): z.output<S>;
  summary(data: z.output<S>): string;
  derived?(data: z.output<S>, ctx: KindContext): Derived[];
  overdue?(data: z.output<S>, dueOn: string | null, today: string): boolean;
}): EntryKind {
  type D = z.output<S>;
  return {
    kind: def.kind,
    label: def.label,
    description: def.description,
    fields: def.fields,
    schema: def.schema,
    occurredOn: (d) => def.occurredOn(d as D),
    dueOn: (d) => (def.dueOn ? def.dueOn(d as D) : null),
    complete: (d, ctx) => (def.complete ? def.complete(d as D, ctx) : d),
    summary: (d) => def.summary(d as D),
    derived: (d, ctx) => (def.derived ? def.derived(d as D, ctx) : []),
    overdue: (d, due, today) => (def.overdue ? def.overdue(d as D, due, today) : false),
  };
}

const gradeKey = (name: string, part: 'area' | 'grade', i: number) => `${name}-${part}-${i}`;

/**
 * The posted form (dates already joined by formValues) as the entry's data: only the kind's fields
 * are taken; grades come from `<name>-area-<i>` and `<name>-grade-<i>` pairs.
 */
export function fromForm(fields: readonly Field[], values: Record<string, unknown>): EntryData {
  const data: EntryData = {};
  for (const f of fields) {
    if (f.type === 'grades') {
      const rows: { area: unknown; grade: unknown }[] = [];
      for (let i = 0; i < 50; i++) {
        const area = values[gradeKey(f.name, 'area', i)];
        if (area === undefined) break;
        rows.push({ area, grade: values[gradeKey(f.name, 'grade', i)] ?? '' });
      }
      data[f.name] = rows;
    } else if (values[f.name] !== undefined) {
      data[f.name] = values[f.name];
    }
  }
  return data;
}

/** Saved data as the values a form shows (and posts back unchanged). */
export function toFormValues(fields: readonly Field[], data: EntryData): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const f of fields) {
    const v = data[f.name];
    if (v === undefined || v === null) continue;
    if (f.type === 'grades' && Array.isArray(v)) {
      v.forEach((row: { area?: unknown; grade?: unknown }, i) => {
        values[gradeKey(f.name, 'area', i)] = String(row.area ?? '');
        values[gradeKey(f.name, 'grade', i)] = String(row.grade ?? '');
      });
    } else {
      values[f.name] = typeof v === 'number' ? String(v) : v;
    }
  }
  return values;
}

/** The rows of grades a form shows: from what was posted or saved, else one per named area. */
export function gradeRows(field: Field & { type: 'grades' }, values: Record<string, unknown>, areas: readonly string[]) {
  const rows: { index: number; area: string; grade: string; areaKey: string; gradeKey: string }[] = [];
  for (let i = 0; i < 50; i++) {
    const area = values[gradeKey(field.name, 'area', i)];
    if (area === undefined) break;
    rows.push({ index: i, area: String(area), grade: String(values[gradeKey(field.name, 'grade', i)] ?? ''), areaKey: gradeKey(field.name, 'area', i), gradeKey: gradeKey(field.name, 'grade', i) });
  }
  if (rows.length) return rows;
  return areas.map((area, i) => ({ index: i, area, grade: '', areaKey: gradeKey(field.name, 'area', i), gradeKey: gradeKey(field.name, 'grade', i) }));
}

/** Initial values of a new form: fields that default to the signed-in person's name. */
export function initialValues(fields: readonly Field[], ctx: { actorName: string }): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const f of fields) if (f.type === 'text' && f.defaultTo === 'actor-name') values[f.name] = ctx.actorName;
  return values;
}

/** An entry's data as label/value rows for a summary list, in the order of the fields. */
export function displayRows(fields: readonly Field[], data: EntryData, agencyName: (id: string) => string) {
  const rows: { label: string; value: string }[] = [];
  for (const f of fields) {
    const v = data[f.name];
    let text: string;
    if (v === undefined || v === null || v === '') text = 'Not recorded';
    else if (f.type === 'date') text = formatIsoDate(String(v));
    else if (f.type === 'radios') text = f.options.find(([value]) => value === v)?.[1] ?? String(v);
    else if (f.type === 'agency') text = agencyName(String(v));
    else if (f.type === 'scale') text = `${String(v)} out of ${f.max}`;
    else if (f.type === 'grades' && Array.isArray(v)) text = v.map((r: { area?: unknown; grade?: unknown }) => `${String(r.area)}: grade ${String(r.grade)}`).join('\n');
    else text = String(v);
    rows.push({ label: f.label, value: text });
  }
  return rows;
}

/** Prefixes validation messages' paths (the API nests an entry's fields under "data"). */
export function prefixFields(fields: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k === '_' ? prefix : `${prefix}.${k}`, v]));
}

const longDate = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2027-07-30" as "30 July 2027"; anything else as it is. */
export function formatIsoDate(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : longDate.format(d);
}
