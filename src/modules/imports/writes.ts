/**
 * The imports' writes: only the values that changed, updates counted, and multi-row inserts sized
 * to the parameter limit of a query.
 */
import { sql } from 'kysely';
import type { Trx } from '../cases/record.js';
import type { ImportCounts } from './repository.js';

export type Table = 'children' | 'referrals' | 's47_enquiries' | 'cp_plans' | 'conferences';

export interface Update {
  table: Table;
  id: string;
  values: Record<string, unknown>;
}

const sameArray = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The values that differ from what is held. */
export function changes<T extends Record<string, unknown>>(current: Record<string, unknown>, wanted: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(wanted)) {
    const c = current[k];
    const same = Array.isArray(v) && Array.isArray(c) ? sameArray(v as string[], c as string[]) : c === v;
    if (!same) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** Updates one row with the values that changed (none: nothing), counting it. */
export async function updateRow(trx: Trx, table: Table, id: string, partnershipId: string, values: Record<string, unknown>, counts: ImportCounts): Promise<void> {
  if (Object.keys(values).length === 0) return;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await (trx as any)
    .updateTable(table)
    .set({ ...values, version: sql`version + 1`, updated_at: new Date() })
    .where('id', '=', id)
    .where('partnership_id', '=', partnershipId)
    .execute();
  counts.updated++;
}

/** Runs fn over slices of items, in order: a query has at most 65,535 parameters. */
export async function inChunks<T, R>(items: T[], fn: (chunk: T[]) => Promise<R>, size = 5000): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(await fn(items.slice(i, i + size)));
  return out;
}

/**
 * Multi-row inserts. Rows that name the same columns (as an import's rows of one table do) go 1,000 at a time
 * as one JSON document, which the database turns into rows of the table's own types: a multi-row insert built
 * by Kysely holds a node for every value of every row, the larger part of what an import allocates. Rows
 * naming different columns (an absent column takes its default, not null) go as multi-row inserts, as many
 * rows per statement as the parameter limit allows.
 */
export async function insertAll<T extends Table>(trx: Trx, table: T, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const uniform = rows.every((r) => {
    const keys = Object.keys(r);
    return keys.length === columns.length && columns.every((c) => c in r && r[c] !== undefined);
  });
  if (uniform) {
    const list = sql.join(columns.map((c) => sql.ref(c)));
    await inChunks(
      rows,
      (chunk) => sql`insert into ${sql.table(table)} (${list}) select ${list} from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(chunk)}::jsonb)`.execute(trx),
      1000,
    );
    return;
  }
  const all = new Set(rows.flatMap((r) => Object.keys(r))).size;
  await inChunks(
    rows,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (chunk) => (trx as any).insertInto(table).values(chunk).execute(),
    Math.max(1, Math.floor(60_000 / all)),
  );
}

