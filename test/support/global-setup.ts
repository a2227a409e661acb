/**
 * Once per test run: a migrated template database that every test file copies, so each file
 * gets a fresh database in a fraction of a second. PGlite: a dump file. PostgreSQL server
 * (ASSURE_TEST_BACKEND=postgres with TEST_DATABASE_URL): a template database.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testBackend: 'embedded' | 'postgres';
    pgliteTemplate: string;
    pgTemplateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const backend = process.env.ASSURE_TEST_BACKEND === 'postgres' ? 'postgres' : 'embedded';
  project.provide('testBackend', backend);
  if (backend === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('ASSURE_TEST_BACKEND=postgres needs TEST_DATABASE_URL');
    const name = `assure_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    const handle = await openDatabase({ kind: 'server', url: target.toString() });
    await migrateToLatest(handle.db);
    await handle.close();
    project.provide('pgTemplateDb', name);
    project.provide('pgliteTemplate', '');
    return async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'assure-test-'));
  const handle = await openDatabase({ kind: 'memory' });
  await migrateToLatest(handle.db);
  const file = path.join(dir, 'template.tar.gz');
  await writeFile(file, await handle.dump());
  await handle.close();
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplateDb', '');
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}
