/**
 * The census import alone in a process, as `assure import cin-census` runs it: a fresh database (a
 * PostgreSQL server's when BENCH_CENSUS_DATABASE_URL is set, else the embedded one on disk), a
 * partnership whose code is the file's LEA, then the import. Prints one JSON line: the time, the
 * process's peak resident memory and the children counted.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemActor } from '../src/lib/actor.js';
import { systemClock } from '../src/lib/clock.js';
import { AccessLogService } from '../src/modules/access-log/service.js';
import { ImportsService } from '../src/modules/imports/service.js';
import { insertPartnership } from '../src/modules/partnership/repository.js';
import { CENSUS_LEA } from './census.js';

const file = process.argv[2]!;
const url = process.env.BENCH_CENSUS_DATABASE_URL;
const database = await openDatabase(url ? { kind: 'server', url } : { kind: 'embedded', dataDir: process.env.BENCH_CENSUS_DATA ?? path.join(path.dirname(file), 'data') });
await migrateToLatest(database.db);
const existing = await database.db.selectFrom('partnerships').select('id').where('code', '=', CENSUS_LEA).executeTakeFirst();
if (!existing) await insertPartnership(database.db, { code: CENSUS_LEA, name: 'Census benchmark partnership' });
const service = new ImportsService(database.db, systemClock, new AccessLogService(database.db, systemClock));
const t0 = performance.now();
const outcome = await service.importCinCensus({ filePath: file, fileName: path.basename(file), target: { fromFile: true }, actorFor: (id) => systemActor(id, 'bench'), source: 'cli' });
const ms = performance.now() - t0;
await database.close();
console.log(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, children: outcome.summary.children }));
