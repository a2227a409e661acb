export { EmbeddedPool, isEmbeddedPool } from './embedded-pool.js';
export type { EmbeddedPoolClient, EmbeddedPoolOptions, EmbeddedQueryResult } from './embedded-pool.js';
export { DataDirLockedError, LOCK_FILE_NAME, lockDataDir } from './data-dir-lock.js';
export type { DataDirLock, LockInfo } from './data-dir-lock.js';
