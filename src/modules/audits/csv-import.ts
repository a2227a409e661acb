/**
 * Historical audits from CSV, so a partnership can compare with audits done before Assure. The
 * header is `case_ref,area` (optionally `team`) then one column per question key of the tool; each
 * value is one of the question's option labels (any case), a number or text. The file is checked
 * whole before anything is written: one bad cell refuses it, naming the line and column.
 */
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../../lib/errors.js';
import { normaliseAnswer, questionsOf, type ToolDefinition } from './tools.js';
import { type CsvProblem, describeProblem, MAX_CSV_PROBLEMS } from '../../lib/csv-problems.js';

export interface ImportedCase {
  caseRef: string;
  area: string | null;
  team: string | null;
  answers: Record<string, string | null>;
}

const MAX_PROBLEMS = MAX_CSV_PROBLEMS;
export const MAX_IMPORT_ROWS = 50_000;

/** A file refused: every problem (up to 20) with its line and column, the first as the message. */
export class AuditCsvError extends ValidationError {
  constructor(readonly problems: CsvProblem[]) {
    super({ file: problems.map(describeProblem).join('; ') }, `The file cannot be imported: ${describeProblem(problems[0]!)}`);
  }
}


const FIXED = ['case_ref', 'area'];

export function parseAuditCsv(tool: ToolDefinition, text: string): ImportedCase[] {
  const problems: CsvProblem[] = [];
  const fail = (): never => {
    throw new AuditCsvError(problems.slice(0, MAX_PROBLEMS));
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
    problems.push({ line: 1, column: 0, field: '', message: 'the file is empty: the first line must be the header case_ref,area,…' });
    return fail();
  }
  const header = records[0]!.record.map((h) => h.trim().toLowerCase());
  const byKey = new Map(questionsOf(tool).map((q) => [q.key, q]));
  FIXED.forEach((name, i) => {
    if (header[i] !== name) problems.push({ line: 1, column: i + 1, field: header[i] ?? '', message: `the header must start with case_ref,area (column ${i + 1} must be ${name})` });
  });
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (i < FIXED.length) return;
    if (seen.has(h)) problems.push({ line: 1, column: i + 1, field: h, message: `the column ${h} appears twice` });
    seen.add(h);
    if (h !== 'team' && !byKey.has(h)) problems.push({ line: 1, column: i + 1, field: h, message: `${h} is not a question of the tool ${tool.key}` });
  });
  if (problems.length) return fail();
  if (records.length - 1 > MAX_IMPORT_ROWS) {
    problems.push({ line: records[MAX_IMPORT_ROWS + 1]!.info.lines, column: 0, field: '', message: `a file can hold at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} cases` });
    return fail();
  }

  const cases: ImportedCase[] = [];
  const refs = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== header.length) {
      problems.push({ line, column: 0, field: '', message: `has ${record.length} values; the header has ${header.length}` });
      if (problems.length >= MAX_PROBLEMS) break;
      continue;
    }
    const caseRef = record[0]!.trim();
    if (!caseRef) problems.push({ line, column: 1, field: 'case_ref', message: 'enter the case reference' });
    else if (caseRef.length > 64) problems.push({ line, column: 1, field: 'case_ref', message: 'a case reference is at most 64 characters' });
    else if (refs.has(caseRef)) problems.push({ line, column: 1, field: 'case_ref', message: `the case ${caseRef} is already on line ${refs.get(caseRef)}` });
    refs.set(caseRef, line);
    const area = record[1]!.trim();
    if (area.length > 100) problems.push({ line, column: 2, field: 'area', message: 'an area is at most 100 characters' });
    const c: ImportedCase = { caseRef, area: area || null, team: null, answers: {} };
    header.forEach((h, i) => {
      if (i < FIXED.length) return;
      const value = record[i]!;
      if (h === 'team') {
        c.team = value.trim().slice(0, 100) || null;
        return;
      }
      const answer = normaliseAnswer(tool, byKey.get(h)!, value);
      if ('error' in answer) problems.push({ line, column: i + 1, field: h, message: `${h} ${answer.error}` });
      else c.answers[h] = answer.value;
    });
    cases.push(c);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  if (problems.length) return fail();
  if (cases.length === 0) {
    problems.push({ line: 2, column: 0, field: '', message: 'the file has a header but no cases' });
    return fail();
  }
  return cases;
}
