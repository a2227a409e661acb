/**
 * Import runs (migration 005): what was imported, the counts and the validation report. The
 * table is not in the shared schema types, so queries here widen the database type locally.
 */
import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';

type Json<T> = ColumnType<T, string, string>;

export interface ImportCounts {
  children: number;
  plans: number;
  s47: number;
  conferences: number;
  reviews: number;
  created: number;
  updated: number;
}

export interface ImportIssue {
  code: string;
  child: string;
  message: string;
}

/** What was imported: the DfE CIN census XML, or the children CSV (migration 013). */
export type ImportKind = 'cin-census' | 'children-csv';

export interface ImportRunsTable {
  id: Generated<string>;
  partnership_id: string;
  kind: ImportKind;
  file_name: string;
  source: 'cli' | 'web' | 'api';
  status: 'succeeded';
  header: Json<Record<string, unknown>>;
  counts: Json<ImportCounts>;
  issues: Json<ImportIssue[]>;
  started_at: Date;
  finished_at: Date;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type ImportRun = Selectable<ImportRunsTable>;
type WithImports = Database & { import_runs: ImportRunsTable };
type Q = Db | Transaction<Database>;

const widen = (db: Q) => db.withTables<{ import_runs: ImportRunsTable }>() as unknown as Kysely<WithImports>;

export async function insertImportRun(
  db: Q,
  run: {
    partnershipId: string;
    /** Default: the CIN census. */
    kind?: ImportKind;
    fileName: string;
    source: ImportRunsTable['source'];
    header: Record<string, unknown>;
    counts: ImportCounts;
    issues: ImportIssue[];
    startedAt: Date;
    finishedAt: Date;
    createdBy: string | null;
  },
): Promise<string> {
  const row = await widen(db)
    .insertInto('import_runs')
    .values({
      partnership_id: run.partnershipId,
      kind: run.kind ?? 'cin-census',
      file_name: run.fileName,
      source: run.source,
      status: 'succeeded',
      header: JSON.stringify(run.header),
      counts: JSON.stringify(run.counts),
      issues: JSON.stringify(run.issues),
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      created_by: run.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function getImportRun(db: Q, partnershipId: string, id: string): Promise<(ImportRun & { user_name: string | null }) | undefined> {
  return widen(db)
    .selectFrom('import_runs')
    .leftJoin('users', 'users.id', 'import_runs.created_by')
    .selectAll('import_runs')
    .select('users.name as user_name')
    .where('import_runs.partnership_id', '=', partnershipId)
    .where('import_runs.id', '=', id)
    .executeTakeFirst();
}

const runsList = (db: Q, partnershipId: string, kind?: ImportKind) =>
  widen(db)
    .selectFrom('import_runs')
    .where('import_runs.partnership_id', '=', partnershipId)
    .$if(kind !== undefined, (q) => q.where('import_runs.kind', '=', kind!));

/** The latest imports, newest first (the import page's list, and the API's pages). */
export async function listImportRuns(db: Q, partnershipId: string, limit = 20, offset = 0, kind?: ImportKind) {
  return runsList(db, partnershipId, kind)
    .leftJoin('users', 'users.id', 'import_runs.created_by')
    .select(['import_runs.id', 'import_runs.kind', 'import_runs.file_name', 'import_runs.source', 'import_runs.counts', 'import_runs.started_at', 'import_runs.finished_at', 'users.name as user_name'])
    .orderBy('import_runs.started_at', 'desc')
    .orderBy('import_runs.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countImportRuns(db: Q, partnershipId: string, kind?: ImportKind): Promise<number> {
  const row = await runsList(db, partnershipId, kind).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
