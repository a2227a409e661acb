#!/usr/bin/env node
// npm test: the whole suite on the embedded database (PGlite), browser tests included; then,
// when TEST_DATABASE_URL is set, every database test again against that PostgreSQL server.
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
const vitest = (env, args) => {
  const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args, ...extra], { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
};

console.log('\n== Tests on the embedded database (PGlite) ==\n');
let failed = vitest({ ASSURE_TEST_BACKEND: 'embedded' }, []);

if (process.env.TEST_DATABASE_URL) {
  console.log(`\n== Database tests on the PostgreSQL server (TEST_DATABASE_URL) ==\n`);
  const serverFailed = vitest({ ASSURE_TEST_BACKEND: 'postgres' }, ['--exclude', 'test/e2e/**', '--exclude', 'src/db/embedded/**', '--exclude', 'node_modules/**']);
  failed = failed || serverFailed;
} else {
  console.log('\nTEST_DATABASE_URL is not set: the PostgreSQL server run was skipped.');
}
process.exit(failed);
