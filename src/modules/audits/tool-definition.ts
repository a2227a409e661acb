/**
 * A partnership's own audit tool as a QA lead writes it: its name, description and grading scale in
 * form fields, and its questions as CSV (one row per question, which a spreadsheet can make), so a
 * new version starts as a copy of the last one. The CSV columns are
 * `domain_key,domain_name,key,type,text,options,guidance,headline,prefill`; options are separated
 * by `|`. Every problem is reported with its line and column, under the form field it belongs to.
 */
import { parse } from 'csv-parse/sync';
import { type CsvProblem, describeProblem, MAX_CSV_PROBLEMS } from '../../lib/csv-problems.js';
import { ValidationError } from '../../lib/errors.js';
import { type Domain, PREFILLS, type Question, QUESTION_TYPES, type QuestionType, type ToolDefinition, type ToolScale, validateTool } from './tools.js';

export const QUESTION_COLUMNS = ['domain_key', 'domain_name', 'key', 'type', 'text', 'options', 'guidance', 'headline', 'prefill'] as const;
type Column = (typeof QUESTION_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['domain_key', 'domain_name', 'key', 'type', 'text'];
const MAX_QUESTIONS_TEXT = 200_000;

/** What the tool form posts. */
export interface ToolForm {
  key: string;
  name: string;
  description: string;
  scale: string;
  /** A custom scale's labels, one a line, best first. */
  scaleOptions: string;
  questions: string;
}

const cell = (v: string): string => (/[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The questions of a tool as the CSV the form edits (a copy to start a new version from). */
export function questionsCsv(tool: Pick<ToolDefinition, 'domains'>): string {
  const rows: string[][] = [[...QUESTION_COLUMNS]];
  for (const d of tool.domains) {
    for (const q of d.questions) {
      rows.push([d.key, d.name, q.key, q.type, q.text, (q.options ?? []).join('|'), q.guidance ?? '', q.headline ? 'yes' : '', q.prefill ?? '']);
    }
  }
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** The form's values for a tool (to copy or to publish a new version of). */
export function formOf(tool: ToolDefinition): ToolForm {
  return {
    key: tool.key,
    name: tool.name,
    description: tool.description,
    scale: tool.scale,
    scaleOptions: (tool.scaleOptions ?? []).join('\n'),
    questions: questionsCsv(tool),
  };
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['', 'no', 'n', 'false', '0']);

/**
 * The tool the form describes, checked whole. Throws a ValidationError naming the form's fields:
 * key, name, description, scale, scaleOptions and questions (each problem in the questions with
 * its line and column).
 */
export function toolFromForm(form: ToolForm): ToolDefinition {
  const fields: Record<string, string> = {};
  const problems: CsvProblem[] = [];
  const scaleOptions = form.scaleOptions
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const scale = form.scale as ToolScale;
  const where: { line: number; columns: Map<Column, number> }[][] = [];
  const domains: Domain[] = [];

  const text = form.questions.replace(/^\uFEFF/, '');
  if (!text.trim()) fields.questions = 'Enter the questions: a first line of column names, then one line for each question';
  else if (text.length > MAX_QUESTIONS_TEXT) fields.questions = 'The questions must be 200,000 characters or fewer';
  else {
    let records: { record: string[]; info: { lines: number } }[] = [];
    try {
      records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: false }) as unknown as typeof records;
    } catch (err) {
      const e = err as { lines?: number; message?: string };
      problems.push({ line: e.lines ?? 1, column: 0, field: '', message: `this is not valid CSV (${(e.message ?? String(err)).replace(/^Invalid [^:]*: /, '')})` });
    }
    const header = (records[0]?.record ?? []).map((h) => h.trim().toLowerCase());
    const columns = new Map<Column, number>();
    header.forEach((h, i) => {
      if (!(QUESTION_COLUMNS as readonly string[]).includes(h)) problems.push({ line: 1, column: i + 1, field: h, message: `${h || 'an empty name'} is not a column of the questions (the columns are ${QUESTION_COLUMNS.join(', ')})` });
      else if (columns.has(h as Column)) problems.push({ line: 1, column: i + 1, field: h, message: `the column ${h} appears twice` });
      else columns.set(h as Column, i);
    });
    if (records.length && !problems.length) {
      for (const c of REQUIRED) if (!columns.has(c)) problems.push({ line: 1, column: 0, field: c, message: `the first line must name the column ${c}` });
    }
    if (!problems.length && records.length < 2) problems.push({ line: 2, column: 0, field: '', message: 'there are column names but no questions' });
    if (!problems.length) {
      const byKey = new Map<string, number>();
      for (const { record, info } of records.slice(1)) {
        const line = info.lines;
        if (record.length !== header.length) {
          problems.push({ line, column: 0, field: '', message: `has ${record.length} values; the first line has ${header.length}` });
          continue;
        }
        const get = (c: Column): string => {
          const i = columns.get(c);
          return i === undefined ? '' : record[i]!.trim();
        };
        const col = (c: Column): number => (columns.get(c) ?? -1) + 1;
        const domainKey = get('domain_key');
        const domainName = get('domain_name');
        let di = byKey.get(domainKey);
        if (di === undefined) {
          di = domains.length;
          byKey.set(domainKey, di);
          domains.push({ key: domainKey, name: domainName, questions: [] });
          where.push([]);
        } else if (domainName && domainName !== domains[di]!.name) {
          problems.push({ line, column: col('domain_name'), field: 'domain_name', message: `the domain ${domainKey} is called “${domains[di]!.name}” on an earlier line` });
        }
        const type = get('type').toLowerCase();
        const options = get('options')
          .split('|')
          .map((o) => o.trim())
          .filter(Boolean);
        const headline = get('headline').toLowerCase();
        if (!YES.has(headline) && !NO.has(headline)) problems.push({ line, column: col('headline'), field: 'headline', message: 'headline is yes or empty' });
        const prefill = get('prefill');
        if (prefill && !(PREFILLS as readonly string[]).includes(prefill)) problems.push({ line, column: col('prefill'), field: 'prefill', message: `prefill is empty or one of ${PREFILLS.join(', ')}` });
        const q: Question = { key: get('key'), text: get('text'), type: type as QuestionType };
        if (options.length) q.options = options;
        if (get('guidance')) q.guidance = get('guidance');
        if (YES.has(headline)) q.headline = true;
        if (prefill && (PREFILLS as readonly string[]).includes(prefill)) q.prefill = prefill as Question['prefill'];
        if (!(QUESTION_TYPES as readonly string[]).includes(type)) {
          problems.push({ line, column: col('type'), field: 'type', message: `type must be one of ${QUESTION_TYPES.join(', ')}, not “${get('type').slice(0, 40)}”` });
          q.type = 'text'; // checked no further
        }
        domains[di]!.questions.push(q);
        where[di]!.push({ line, columns });
        if (problems.length >= MAX_CSV_PROBLEMS) break;
      }
    }
  }

  const tool: ToolDefinition = {
    key: form.key.trim(),
    name: form.name.trim(),
    description: form.description.trim(),
    scale,
    ...(scale === 'custom' ? { scaleOptions } : {}),
    domains,
  };
  try {
    validateTool(tool);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const [path, message] of Object.entries(err.fields)) {
      const m = path.match(/^domains\.(\d+)\.(?:questions\.(\d+)\.)?(\w+)$/);
      if (!m) {
        if (path === 'domains') fields.questions ??= message;
        else fields[path] ??= message;
        continue;
      }
      const di = Number(m[1]);
      const at = m[2] === undefined ? where[di]?.[0] : where[di]?.[Number(m[2])];
      if (!at) continue;
      const name = (m[2] === undefined ? (m[3] === 'name' ? 'domain_name' : 'domain_key') : m[3]) as Column;
      if (m[2] === undefined && m[3] === 'questions') continue;
      problems.push({ line: at.line, column: (at.columns.get(name) ?? -1) + 1, field: name, message: message.replace(/^Enter /, 'enter ').replace(/^(The|A|Give|Select|Only|Guidance|Headline) /, (w) => w.toLowerCase()) });
    }
  }
  if (problems.length) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    fields.questions = `The questions: ${problems.slice(0, MAX_CSV_PROBLEMS).map(describeProblem).join('; ')}`;
  }
  if (Object.keys(fields).length) throw new ValidationError(fields);
  return tool;
}
