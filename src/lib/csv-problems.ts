/** What is wrong with an imported CSV file, cell by cell: the line and column a person can find. */
export interface CsvProblem {
  line: number;
  /** 1-based; 0 when the problem is the whole line. */
  column: number;
  field: string;
  message: string;
}

/** At most this many problems are reported for a refused file. */
export const MAX_CSV_PROBLEMS = 20;

export function describeProblem(p: CsvProblem): string {
  return p.column > 0 ? `line ${p.line}, column ${p.column} (${p.field}): ${p.message}` : `line ${p.line}: ${p.message}`;
}
