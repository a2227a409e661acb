// PGlite (Postgres compiled to WebAssembly) running in a worker thread.
//
// Plain JavaScript on purpose: it is loaded by `new Worker(...)` with no TypeScript loader,
// both in production and under vitest. The main thread talks to it through
// embedded-pool.ts; this file knows nothing about pools, clients or Kysely.
//
// Protocol (all messages are structured-cloned):
//   main -> worker  { id, op: 'init', dataDir?, loadDataDir? }        (first message, once)
//                   { id, op: 'query', sql, params }                  (one statement)
//                   { id, op: 'exec', sql }                           (a script, many statements)
//                   { id, op: 'dump', compression? }                  ('gzip' by default)
//                   { id, op: 'close' }
//   worker -> main  { id, ok: true, result, inTransaction }
//                   { id, ok: false, error: { message, code, detail, ... }, inTransaction }
//
// A query result is { rows, rowCount, command, fields }. Rows hold what the parsers below
// produce: strings, numbers, booleans, null, Date, Uint8Array (bytea), plain objects/arrays
// (json, arrays); all of them survive structured clone.

import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

if (!parentPort) {
  throw new Error('pglite-worker.mjs must be started as a worker thread');
}
const port = parentPort;

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Type parsers, by type oid. PGlite builds the array parsers (date[], int8[], numeric[])
 * from these too. TIMESTAMP and TIMESTAMPTZ keep PGlite's default: a Date.
 */
const parsers = {
  // A calendar date stays the string 'YYYY-MM-DD' so that no time zone can shift it a day.
  [DATE_OID]: (value) => value,
  // int8 (count(*), bigserial) becomes a JS number, like the server-side pg type parser.
  [INT8_OID]: (value) => Number(value),
  // numeric keeps its exact decimal text.
  [NUMERIC_OID]: (value) => value,
};

const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
];

/** @type {import('@electric-sql/pglite').PGlite | undefined} */
let db;
let fatal = false;

function verbOf(sql) {
  const m = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*([A-Za-z]+)/.exec(sql);
  return m ? m[1].toUpperCase() : '';
}

function toResult(res, sql) {
  const command = (res.command || verbOf(sql) || '').toUpperCase();
  const rows = res.rows ?? [];
  const rowCount = DML.has(command) ? (res.affectedRows ?? res.rowCount ?? 0) : rows.length;
  const fields = (res.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
  return { rows, rowCount, command, fields };
}

function serializeError(err) {
  const out = {
    message: err instanceof Error ? err.message : String(err),
    // true when the error came from Postgres (a DatabaseError with a SQLSTATE), false when it
    // is a failure of the worker or of PGlite itself.
    database: false,
  };
  if (err && typeof err === 'object') {
    for (const key of ERROR_FIELDS) {
      const v = err[key];
      if (v !== undefined && v !== null) out[key] = String(v);
    }
    if (typeof err.code === 'string' && err.severity !== undefined) out.database = true;
    if (err instanceof Error && !out.database && err.stack) out.stack = err.stack;
  }
  return out;
}

function inTransaction() {
  try {
    return db ? db.isInTransaction() : false;
  } catch {
    return false;
  }
}

async function handle(msg) {
  switch (msg.op) {
    case 'init': {
      if (db) throw new Error('already initialised');
      /** @type {import('@electric-sql/pglite').PGliteOptions} */
      const options = { parsers };
      if (msg.dataDir) options.dataDir = msg.dataDir;
      if (msg.loadDataDir) options.loadDataDir = new Blob([msg.loadDataDir]);
      db = await PGlite.create(options);
      return { ready: true };
    }
    case 'query': {
      if (!db) throw new Error('not initialised');
      const res = await db.query(msg.sql, msg.params ?? []);
      return toResult(res, msg.sql);
    }
    case 'exec': {
      if (!db) throw new Error('not initialised');
      const results = await db.exec(msg.sql);
      return results.map((r) => toResult(r, ''));
    }
    case 'dump': {
      if (!db) throw new Error('not initialised');
      const blob = await db.dumpDataDir(msg.compression === 'none' ? 'none' : 'gzip');
      return new Uint8Array(await blob.arrayBuffer());
    }
    case 'close': {
      if (db && !db.closed) await db.close();
      return { closed: true };
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(msg.op)}`);
  }
}

port.on('message', async (msg) => {
  const id = msg?.id;
  if (fatal) {
    port.postMessage({ id, ok: false, error: { message: 'The embedded database has crashed', database: false } });
    return;
  }
  try {
    const result = await handle(msg);
    const transfer = result instanceof Uint8Array ? [result.buffer] : [];
    port.postMessage({ id, ok: true, result, inTransaction: inTransaction() }, transfer);
  } catch (err) {
    // A WebAssembly trap (out of memory, unreachable) leaves Postgres in an unknown state:
    // report it, then stop answering so the pool fails loudly instead of limping on.
    if (err instanceof WebAssembly.RuntimeError) fatal = true;
    let error;
    try {
      error = serializeError(err);
    } catch {
      error = { message: String(err), database: false };
    }
    port.postMessage({ id, ok: false, error, inTransaction: inTransaction() });
    if (fatal) setImmediate(() => process.exit(70));
  }
});
