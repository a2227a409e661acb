/**
 * A `pg.Pool` look-alike over PGlite running in a worker thread, for Kysely's PostgresDialect.
 *
 * PGlite has exactly one connection, so this "pool" hands out one client at a time: `connect()`
 * waits until the previous client is released. That keeps a Kysely transaction
 * (BEGIN ... COMMIT on one client) from ever interleaving with anyone else's statements.
 * A consequence to remember: code that, inside `db.transaction().execute(trx => ...)`, uses
 * `db` instead of `trx` waits for itself. `acquireTimeoutMs` turns that deadlock into an error.
 *
 * PGlite runs in a worker because a running query blocks the thread it runs on.
 */
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { DatabaseError } from 'pg';

export interface EmbeddedPoolOptions {
  /** Directory holding the Postgres files. Absent: an in-memory database. */
  dataDir?: string;
  /** A dump from `dump()` to start from (in memory, or into an empty `dataDir`). */
  loadDataDir?: Uint8Array;
  /**
   * How long `connect()` may wait for the single connection before failing, in ms.
   * 0 waits forever. Default 60 000.
   */
  acquireTimeoutMs?: number;
}

export interface EmbeddedQueryResult<R = Record<string, unknown>> {
  rows: R[];
  rowCount: number;
  /** The SQL verb, upper case: SELECT, INSERT, UPDATE, DELETE, MERGE, CREATE, ... */
  command: string;
  fields: { name: string; dataTypeID: number }[];
}

/** What Kysely's PostgresDriver needs of a checked-out pg client. */
export interface EmbeddedPoolClient {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<EmbeddedQueryResult<R>>;
  release(): void;
}

type DumpCompression = 'gzip' | 'none';

interface WireError {
  message: string;
  database?: boolean;
  stack?: string;
  [field: string]: unknown;
}

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: WireError;
  inTransaction?: boolean;
}

interface Lease {
  readonly client: EmbeddedPoolClient;
}

interface Waiter {
  grant(lease: Lease): void;
  fail(err: Error): void;
}

interface Pending {
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 60_000;
const END_WAIT_MS = 10_000;
const BYTEA_OID = 17;

const PG_ERROR_FIELDS = [
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
] as const;

/** Rebuilds the error the worker sent as pg's own DatabaseError (same class, same fields). */
function toError(wire: WireError): Error {
  if (wire.database) {
    const err = new DatabaseError(wire.message, 0, 'error');
    for (const key of PG_ERROR_FIELDS) {
      const v = wire[key];
      if (typeof v === 'string') err[key] = v;
    }
    return err;
  }
  const err = new Error(`Embedded database: ${wire.message}`);
  if (wire.stack) err.stack = `${err.stack}\n    --- in the PGlite worker ---\n${wire.stack}`;
  return err;
}

/** Bytea arrives as Uint8Array; pg gives Buffer. Convert the bytea columns only. */
function fixBytea<R>(result: EmbeddedQueryResult<R>): EmbeddedQueryResult<R> {
  const byteaColumns = result.fields.filter((f) => f.dataTypeID === BYTEA_OID).map((f) => f.name);
  if (byteaColumns.length === 0) return result;
  for (const row of result.rows as Record<string, unknown>[]) {
    for (const name of byteaColumns) {
      const v = row[name];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[name] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return result;
}

export class EmbeddedPool {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #acquireTimeoutMs: number;
  #nextId = 1;
  /** Set once the worker is gone (ended, crashed); every call then fails with it. */
  #dead: Error | null = null;
  #ending: Promise<void> | null = null;

  // The single connection: who holds it, who waits.
  #holder: Lease | null = null;
  readonly #waiters: Waiter[] = [];
  /** Whether PGlite reported an open transaction after the last statement. */
  #inTransaction = false;

  private constructor(worker: Worker, acquireTimeoutMs: number) {
    this.#worker = worker;
    this.#acquireTimeoutMs = acquireTimeoutMs;
    worker.on('message', (reply: Reply) => this.#onReply(reply));
    worker.on('error', (err) => this.#die(new Error(`Embedded database worker failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => {
      this.#die(new Error(`Embedded database worker exited unexpectedly (exit code ${code})`));
    });
    // Idle, the worker must not keep the process alive; busy, it must (see #call).
    worker.unref();
  }

  /** Starts PGlite in a worker thread and resolves once it accepts queries. */
  static async open(opts: EmbeddedPoolOptions = {}): Promise<EmbeddedPool> {
    const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url));
    const pool = new EmbeddedPool(worker, opts.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS);
    const init: Record<string, unknown> = {};
    if (opts.dataDir !== undefined) init.dataDir = path.resolve(opts.dataDir);
    if (opts.loadDataDir !== undefined) init.loadDataDir = opts.loadDataDir;
    try {
      await pool.#call('init', init);
    } catch (err) {
      pool.#dead ??= new Error('Embedded database failed to start');
      await worker.terminate().catch(() => undefined);
      const where = opts.dataDir ? ` in ${path.resolve(opts.dataDir)}` : '';
      throw new Error(`Could not start the embedded database${where}: ${(err as Error).message}`, { cause: err });
    }
    return pool;
  }

  /** Waits for the single connection. Release the client when done, or nobody else can query. */
  connect(): Promise<EmbeddedPoolClient> {
    if (this.#dead) return Promise.reject(this.#dead);
    if (this.#ending) return Promise.reject(new Error('The embedded database pool is closing'));
    return this.#acquire().then((lease) => lease.client);
  }

  /** One statement on a connection of its own (acquire, run, release). */
  async query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<EmbeddedQueryResult<R>> {
    const client = await this.connect();
    try {
      return await client.query<R>(sql, params);
    } finally {
      client.release();
    }
  }

  /** A script of several statements (no parameters), e.g. a migration. */
  async exec(sql: string): Promise<EmbeddedQueryResult[]> {
    const client = await this.connect();
    try {
      const reply = await this.#call('exec', { sql });
      return reply.result as EmbeddedQueryResult[];
    } finally {
      client.release();
    }
  }

  /**
   * A copy of the whole data directory, which `open({ loadDataDir })` accepts back.
   * gzip (default) is ~10x smaller; 'none' is ~5x faster to make.
   */
  async dump(compression: DumpCompression = 'gzip'): Promise<Uint8Array> {
    const client = await this.connect();
    try {
      const reply = await this.#call('dump', { compression });
      return reply.result as Uint8Array;
    } finally {
      client.release();
    }
  }

  /**
   * Closes PGlite cleanly and stops the worker. Waits (up to 10 s) for the client in use to be
   * released first; new `connect()` calls fail from now on. Safe to call more than once.
   */
  end(): Promise<void> {
    this.#ending ??= this.#end();
    return this.#ending;
  }

  /** Number of callers waiting for the connection (for diagnostics). */
  get waitingCount(): number {
    return this.#waiters.length;
  }

  get ended(): boolean {
    return this.#dead !== null;
  }

  async #end(): Promise<void> {
    if (this.#dead) return;
    let lease: Lease | null = null;
    try {
      lease = await this.#acquire(END_WAIT_MS);
    } catch {
      // Someone kept the connection: close anyway, their transaction is lost (not committed).
    }
    try {
      if (!this.#dead) await this.#call('close', {});
    } finally {
      this.#die(new Error('The embedded database pool has been ended'));
      await this.#worker.terminate();
      lease?.client.release();
    }
  }

  #acquire(timeoutMs = this.#acquireTimeoutMs): Promise<Lease> {
    if (this.#dead) return Promise.reject(this.#dead);
    if (!this.#holder) {
      this.#holder = this.#newLease();
      return Promise.resolve(this.#holder);
    }
    return new Promise<Lease>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        grant: (lease: Lease) => {
          if (timer) clearTimeout(timer);
          resolve(lease);
        },
        fail: (err: Error) => {
          if (timer) clearTimeout(timer);
          reject(err);
        },
      };
      this.#waiters.push(waiter);
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(
            new Error(
              `Timed out after ${timeoutMs} ms waiting for the embedded database connection, which is held ` +
                `by another caller. Inside a transaction, run queries on the transaction (trx), not on db.`,
            ),
          );
        }, timeoutMs);
        // A pending connect must not be the only thing keeping the process alive.
        timer.unref();
      }
    });
  }

  /** A checkout of the single connection. Its client stops working once released. */
  #newLease(): Lease {
    let released = false;
    const lease: Lease = {
      client: {
        query: <R>(sql: string, params?: readonly unknown[]): Promise<EmbeddedQueryResult<R>> => {
          if (released) {
            return Promise.reject(
              new Error('This embedded database client has been released; call pool.connect() again'),
            );
          }
          if (typeof sql !== 'string') {
            return Promise.reject(
              new Error('The embedded database supports query(sql, params) only (no cursors or query objects)'),
            );
          }
          return this.#call('query', { sql, params: params ? [...params] : [] }).then((reply) =>
            fixBytea(reply.result as EmbeddedQueryResult<R>),
          );
        },
        release: (): void => {
          if (released) return;
          released = true;
          void this.#released(lease);
        },
      },
    };
    return lease;
  }

  async #released(lease: Lease): Promise<void> {
    if (this.#holder !== lease) return;
    if (this.#inTransaction && !this.#dead) {
      // Released mid-transaction (BEGIN without COMMIT/ROLLBACK). pg would hand the open
      // transaction to the next user; with one connection that would swallow every later
      // write into a transaction nobody commits. Roll it back instead.
      try {
        await this.#call('query', { sql: 'ROLLBACK', params: [] });
      } catch {
        // the worker is gone; #die has dealt with the waiters
      }
    }
    const next = this.#waiters.shift();
    if (next && !this.#dead) {
      this.#holder = this.#newLease();
      next.grant(this.#holder);
    } else {
      this.#holder = null;
    }
  }

  #call(op: string, payload: Record<string, unknown>): Promise<Reply> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      try {
        this.#worker.postMessage({ id, op, ...payload });
      } catch (err) {
        // e.g. DataCloneError: a parameter that cannot be copied to the worker (a function...)
        this.#settle(id);
        reject(new Error(`Cannot send the query to the embedded database: ${(err as Error).message}`, { cause: err }));
      }
    }).then((reply) => {
      if (typeof reply.inTransaction === 'boolean') this.#inTransaction = reply.inTransaction;
      if (!reply.ok) throw toError(reply.error ?? { message: 'unknown error' });
      return reply;
    });
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
    return pending;
  }

  #onReply(reply: Reply): void {
    this.#settle(reply.id)?.resolve(reply);
  }

  #die(err: Error): void {
    if (this.#dead) return;
    this.#dead = err;
    for (const [id, pending] of [...this.#pending]) {
      this.#settle(id);
      pending.reject(err);
    }
    for (const waiter of this.#waiters.splice(0)) waiter.fail(err);
  }
}

export function isEmbeddedPool(value: unknown): value is EmbeddedPool {
  return value instanceof EmbeddedPool;
}
