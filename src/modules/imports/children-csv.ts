/**
 * Children and their child protection plans from CSV, for a local authority without a CIN census
 * file at hand. One row is one CP plan of one child; a child with several plans has several rows
 * (the child's own columns must then agree). The header names the columns, in any order:
 *
 *   required   la_child_id, plan_start, category
 *   optional   first_name, last_name, date_of_birth, expected_date_of_birth, sex, upn, ethnicity,
 *              area, team, plan_end, initial_category, previous_plans
 *   ignored    lead_practitioner (written by the cohort export, so an export can be imported again)
 *
 * A child needs a date of birth or an expected date of birth when it is new. Dates are YYYY-MM-DD
 * or DD/MM/YYYY; sex is male, female, not-known or not-specified; categories are NEG, PHY, EMO,
 * SAB or MUL; ethnicity is a CIN census code; area and team are names of the partnership's areas
 * and teams. An empty optional cell leaves what Assure holds as it is.
 *
 * The file is checked whole before anything is written: one bad cell refuses it, naming the line
 * and column (as the historical audit CSV import does). Pure: the caller gives the areas and teams.
 */
import { parse } from 'csv-parse/sync';
import { CATEGORIES, type Category } from '../../db/schema.js';
import { ValidationError } from '../../lib/errors.js';
import { ETHNICITY_LABELS, SEXES } from '../cases/schemas.js';
import { type CsvProblem, describeProblem, MAX_CSV_PROBLEMS } from '../../lib/csv-problems.js';

export const REQUIRED_COLUMNS = ['la_child_id', 'plan_start', 'category'] as const;
export const OPTIONAL_COLUMNS = [
  'first_name',
  'last_name',
  'date_of_birth',
  'expected_date_of_birth',
  'sex',
  'upn',
  'ethnicity',
  'area',
  'team',
  'plan_end',
  'initial_category',
  'previous_plans',
] as const;
export const IGNORED_COLUMNS = ['lead_practitioner'] as const;
/** The header the cohort export writes, and the order the documentation gives. */
export const CHILDREN_CSV_HEADER = [
  'la_child_id',
  'first_name',
  'last_name',
  'date_of_birth',
  'expected_date_of_birth',
  'sex',
  'upn',
  'ethnicity',
  'area',
  'team',
  'plan_start',
  'plan_end',
  'category',
  'initial_category',
  'previous_plans',
  'lead_practitioner',
] as const;

type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
type Sex = (typeof SEXES)[number];

export interface CsvChild {
  line: number;
  laChildId: string;
  /** undefined: the column is absent or the cell empty (leave as it is). */
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  expectedDateOfBirth?: string;
  sex?: Sex;
  upn?: string;
  ethnicity?: string;
  areaId?: string;
  teamId?: string;
}

export interface CsvPlan {
  line: number;
  laChildId: string;
  startedOn: string;
  endedOn: string | null;
  latestCategory: Category;
  /** Absent: for a new plan, the category; for a plan Assure holds, as it is. */
  initialCategory?: Category;
  previousPlans?: number;
}

export interface ChildrenCsv {
  /** The header's column names (lower case), in the file's order. */
  header: string[];
  children: CsvChild[];
  plans: CsvPlan[];
  rows: number;
}

const MAX_PROBLEMS = MAX_CSV_PROBLEMS;
export const MAX_CHILDREN_ROWS = 100_000;


/** A file refused: every problem (up to 20) with its line and column; nothing was changed. */
export class ChildrenCsvError extends ValidationError {
  constructor(readonly problems: CsvProblem[]) {
    super({ file: problems.map(describeProblem).join('; ') }, `Nothing was imported: ${describeProblem(problems[0]!)}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`);
  }
}

/** A named area or team of the partnership, found by name in any case. */
export interface Lookups {
  areas: { id: string; name: string }[];
  teams: { id: string; name: string }[];
}

const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_UK = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** YYYY-MM-DD or DD/MM/YYYY as YYYY-MM-DD; null when it is not a real date. */
export function csvDate(v: string): string | null {
  let y: number, m: number, d: number;
  const iso = DATE_ISO.exec(v);
  const uk = DATE_UK.exec(v);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (uk) [y, m, d] = [Number(uk[3]), Number(uk[2]), Number(uk[1])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2100) return null;
  return date.toISOString().slice(0, 10);
}

const CHILD_FIELDS = ['firstName', 'lastName', 'dateOfBirth', 'expectedDateOfBirth', 'sex', 'upn', 'ethnicity', 'areaId', 'teamId'] as const;
const FIELD_COLUMN: Record<(typeof CHILD_FIELDS)[number], Column> = {
  firstName: 'first_name',
  lastName: 'last_name',
  dateOfBirth: 'date_of_birth',
  expectedDateOfBirth: 'expected_date_of_birth',
  sex: 'sex',
  upn: 'upn',
  ethnicity: 'ethnicity',
  areaId: 'area',
  teamId: 'team',
};

export function parseChildrenCsv(text: string, lookups: Lookups, opts: { today?: string } = {}): ChildrenCsv {
  const problems: CsvProblem[] = [];
  const fail = (): never => {
    throw new ChildrenCsvError(problems.sort((a, b) => a.line - b.line || a.column - b.column).slice(0, MAX_PROBLEMS));
  };
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { info: true, relax_column_count: true, skip_empty_lines: true, trim: false }) as unknown as typeof records;
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    problems.push({ line: e.lines ?? 1, column: 0, field: '', message: `the file is not valid CSV (${(e.message ?? String(err)).replace(/^Invalid [^:]*: /, '')})` });
    return fail();
  }
  if (records.length === 0) {
    problems.push({ line: 1, column: 0, field: '', message: `the file is empty: the first line must be the header (at least ${REQUIRED_COLUMNS.join(',')})` });
    return fail();
  }
  const header = records[0]!.record.map((h) => h.trim().toLowerCase());
  const known = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS, ...IGNORED_COLUMNS]);
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (seen.has(h)) problems.push({ line: 1, column: i + 1, field: h, message: `the column ${h} appears twice` });
    seen.add(h);
    if (!known.has(h)) problems.push({ line: 1, column: i + 1, field: h, message: `${h || '(empty)'} is not a column of the children CSV (the columns are ${[...CHILDREN_CSV_HEADER].join(', ')})` });
  });
  for (const req of REQUIRED_COLUMNS) {
    if (!header.includes(req)) problems.push({ line: 1, column: 0, field: req, message: `the header has no ${req} column, and it is required` });
  }
  if (problems.length) return fail();
  const rowCount = records.length - 1;
  if (rowCount === 0) {
    problems.push({ line: 2, column: 0, field: '', message: 'the file has a header but no rows' });
    return fail();
  }
  if (rowCount > MAX_CHILDREN_ROWS) {
    problems.push({ line: records[MAX_CHILDREN_ROWS + 1]!.info.lines, column: 0, field: '', message: `a file can hold at most ${MAX_CHILDREN_ROWS.toLocaleString('en-GB')} rows` });
    return fail();
  }
  const col = new Map(header.map((h, i) => [h, i]));
  const areas = new Map(lookups.areas.map((a) => [a.name.trim().toLowerCase(), a.id]));
  const teams = new Map(lookups.teams.map((t) => [t.name.trim().toLowerCase(), t.id]));
  const today = opts.today;

  const children = new Map<string, CsvChild>();
  const plans: CsvPlan[] = [];
  const planKeys = new Map<string, number>();
  const openPlan = new Map<string, number>();

  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const before = problems.length;
    if (record.length !== header.length) {
      problems.push({ line, column: 0, field: '', message: `has ${record.length} values; the header has ${header.length}` });
      if (problems.length >= MAX_PROBLEMS) break;
      continue;
    }
    const cell = (c: Column): string => {
      const i = col.get(c);
      return i === undefined ? '' : record[i]!.trim();
    };
    const bad = (c: Column, message: string) => problems.push({ line, column: col.get(c)! + 1, field: c, message });
    const date = (c: Column): string | undefined => {
      const v = cell(c);
      if (!v) return undefined;
      const d = csvDate(v);
      if (!d) bad(c, `“${v}” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY`);
      else if (today && d > today && c !== 'expected_date_of_birth') bad(c, `${v} is in the future`);
      return d ?? undefined;
    };
    const category = (c: Column): Category | undefined => {
      const v = cell(c).toUpperCase();
      if (!v) return undefined;
      if (!(CATEGORIES as readonly string[]).includes(v)) {
        bad(c, `“${cell(c)}” is not a category of abuse: use ${CATEGORIES.join(', ')}`);
        return undefined;
      }
      return v as Category;
    };
    const optionalText = (c: Column, max: number): string | undefined => {
      const v = cell(c);
      if (!v) return undefined;
      if (v.length > max) bad(c, `${c} is at most ${max} characters`);
      return v;
    };

    const laChildId = cell('la_child_id');
    if (!laChildId) bad('la_child_id', 'enter the local authority child ID');
    else if (laChildId.length > 64) bad('la_child_id', 'a local authority child ID is at most 64 characters');

    const child: CsvChild = { line, laChildId };
    const set = <K extends keyof CsvChild>(k: K, v: CsvChild[K] | undefined) => {
      if (v !== undefined) child[k] = v;
    };
    set('firstName', optionalText('first_name', 100));
    set('lastName', optionalText('last_name', 100));
    set('dateOfBirth', date('date_of_birth'));
    set('expectedDateOfBirth', date('expected_date_of_birth'));
    const sex = cell('sex').toLowerCase().replace(/\s+/g, '-');
    if (sex) {
      if ((SEXES as readonly string[]).includes(sex)) child.sex = sex as Sex;
      else bad('sex', `“${cell('sex')}” is not one of ${SEXES.join(', ')}`);
    }
    const upn = optionalText('upn', 13);
    if (upn !== undefined) child.upn = upn;
    const ethnicity = cell('ethnicity').toUpperCase();
    if (ethnicity) {
      if (ETHNICITY_LABELS[ethnicity]) child.ethnicity = ethnicity;
      else bad('ethnicity', `“${cell('ethnicity')}” is not a CIN census ethnicity code (such as WBRI, MOTH, NOBT)`);
    }
    const area = cell('area');
    if (area) {
      const id = areas.get(area.toLowerCase());
      if (id) child.areaId = id;
      else bad('area', `there is no area called “${area}” in this partnership`);
    }
    const team = cell('team');
    if (team) {
      const id = teams.get(team.toLowerCase());
      if (id) child.teamId = id;
      else bad('team', `there is no team called “${team}” in this partnership`);
    }

    const startedOn = date('plan_start');
    if (!cell('plan_start')) bad('plan_start', 'enter the date the child protection plan started');
    const endedOn = date('plan_end') ?? null;
    if (startedOn && endedOn && endedOn <= startedOn) bad('plan_end', `the plan must end (${endedOn}) after the day it started (${startedOn})`);
    const latest = category('category');
    if (!cell('category')) bad('category', `enter the plan’s category of abuse (${CATEGORIES.join(', ')})`);
    const initial = category('initial_category');
    let previousPlans: number | undefined;
    const prev = cell('previous_plans');
    if (prev) {
      if (!/^\d{1,2}$/.test(prev)) bad('previous_plans', `“${prev}” is not a whole number of previous plans (0 to 99)`);
      else previousPlans = Number(prev);
    }

    // A child on several rows: the child's own cells must agree
    if (laChildId && problems.length === before) {
      const earlier = children.get(laChildId);
      if (earlier) {
        for (const k of CHILD_FIELDS) {
          const a = earlier[k];
          const b = child[k];
          if (a !== undefined && b !== undefined && a !== b) {
            bad(FIELD_COLUMN[k], `the child ${laChildId} has a different ${FIELD_COLUMN[k]} on line ${earlier.line}`);
          } else if (a === undefined && b !== undefined) (earlier as unknown as Record<string, unknown>)[k] = b;
        }
      } else children.set(laChildId, child);
    }
    if (laChildId && startedOn && latest && problems.length === before) {
      const key = `${laChildId}\u0000${startedOn}`;
      if (planKeys.has(key)) bad('plan_start', `the child ${laChildId} already has a plan starting ${startedOn} on line ${planKeys.get(key)}`);
      planKeys.set(key, line);
      if (!endedOn) {
        if (openPlan.has(laChildId)) bad('plan_end', `the child ${laChildId} already has an open plan (no plan_end) on line ${openPlan.get(laChildId)}: a child has one open plan at most`);
        openPlan.set(laChildId, line);
      }
      plans.push({ line, laChildId, startedOn, endedOn, latestCategory: latest, ...(initial ? { initialCategory: initial } : {}), ...(previousPlans !== undefined ? { previousPlans } : {}) });
    }
    if (problems.length >= MAX_PROBLEMS) break;
  }
  if (problems.length) return fail();
  return { header, children: [...children.values()], plans, rows: rowCount };
}
