/**
 * A transaction the database rolled back to break a deadlock (40P01), or could not serialise (40001), left
 * nothing behind: it can simply run again. Two transactions can wait on each other when they take the same
 * locks in opposite orders; every writer of children's records takes their rows first and the partnership's
 * access-log chain at its end (changes, imports, anonymising), so this is the defence should some path, or
 * the database's own choice of row locks, still cross. PostgreSQL ends one of the two after
 * `deadlock_timeout`, and the other goes on. Run again, the one ended waits its turn.
 */
const RETRYABLE = new Set(['40P01', '40001']);

const isRetryable = (err: unknown): boolean => typeof err === 'object' && err !== null && RETRYABLE.has(String((err as { code?: unknown }).code));

/** Runs `transaction` (which must do nothing outside its database transaction) again while the database asks for it, up to `attempts` times in all. */
export async function retryingTransaction<T>(transaction: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
    }
  }
}
