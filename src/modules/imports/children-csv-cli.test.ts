/**
 * `assure import children-csv` as a real process against a real database (embedded, or a fresh
 * PostgreSQL database when this run tests that backend).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assure as run, type Installation, newInstallation } from '../../../test/support/cli.js';

const assure = (args: string[], env: Record<string, string>) => run(args, { env });

describe('assure import children-csv', () => {
  let env: Record<string, string>;
  let installation: Installation;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-children-csv-cli-'));
  const good = path.join(tmp, 'children.csv');
  const bad = path.join(tmp, 'bad.csv');

  beforeAll(async () => {
    installation = await newInstallation();
    env = installation.env;
    const added = await assure(['partnership', 'add', '--code', '202', '--name', 'Children CSV Partnership'], env);
    expect(added.status, added.stderr).toBe(0);
    fs.writeFileSync(good, ['la_child_id,first_name,last_name,date_of_birth,plan_start,plan_end,category', 'K1,Kit,One,2019-01-01,2025-01-06,2025-07-01,NEG', 'K1,Kit,One,2019-01-01,2026-02-02,,EMO', 'K2,Kay,Two,2020-02-02,2026-03-03,,PHY'].join('\n'));
    fs.writeFileSync(bad, ['la_child_id,date_of_birth,plan_start,category', 'K3,2020-01-01,2026-01-01,NEG', 'K4,2020-01-01,not a date,NEG'].join('\n'));
  }, 60_000);
  afterAll(async () => {
    await installation?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('--format json prints one object of counts; a second run creates and updates nothing', async () => {
    const first = await assure(['import', 'children-csv', good, '--format', 'json'], env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['children', 'plans', 'created', 'updated', 'issues']);
    expect(out).toEqual({ children: 2, plans: 3, created: 5, updated: 0, issues: [] });
    const again = await assure(['import', 'children-csv', good, '--partnership', '202'], env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported children.csv into partnership 202:');
    expect(again.stdout).toContain('records created 0, updated 0');
  }, 60_000);

  it('refuses a file with a bad row whole (exit 1, line and column on stderr), an unknown partnership and a missing file', async () => {
    const refused = await assure(['import', 'children-csv', bad, '--format', 'json'], env);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe('Nothing was imported. The file was refused:\n  line 3, column 3 (plan_start): “not a date” is not a date: write it as YYYY-MM-DD or DD/MM/YYYY\n');
    const db = await installation.open();
    try {
      const n = await db.db.selectFrom('children').select((eb) => eb.fn.countAll<number>().as('n')).where('la_child_id', '=', 'K3').executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(0);
    } finally {
      await db.close();
    }
    const unknown = await assure(['import', 'children-csv', good, '--partnership', '999'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('999');
    const missing = await assure(['import', 'children-csv', path.join(tmp, 'nope.csv')], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('No file at');
  }, 60_000);
});
