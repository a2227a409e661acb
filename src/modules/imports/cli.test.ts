/**
 * `assure import cin-census` as a real process against a real database (embedded, or a fresh
 * PostgreSQL database when this run tests that backend).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assure as run, type Installation, newInstallation } from '../../../test/support/cli.js';
import { projectRoot } from '../../web/render.js';

const DIR = path.resolve(projectRoot, '../shared/data/cin-census');
const assure = (args: string[], env: Record<string, string>) => run(args, { env });

describe.skipIf(!fs.existsSync(DIR))('assure import cin-census', () => {
  let env: Record<string, string>;
  let installation: Installation;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-import-cli-'));

  beforeAll(async () => {
    installation = await newInstallation();
    env = installation.env;
    const added = await assure(['partnership', 'add', '--code', '201', '--name', 'Census Test Partnership'], env);
    expect(added.status, added.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await installation?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('--format json prints exactly one JSON object of the issue’s shape; a second run creates nothing', async () => {
    const first = await assure(['import', 'cin-census', path.join(DIR, 'CIN_Census_2024.xml'), '--format', 'json'], env);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const out = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(first.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(out)).toEqual(['children', 'plans', 's47', 'conferences', 'reviews', 'created', 'updated', 'issues']);
    expect(out).toMatchObject({ children: 2, plans: 1, s47: 1, conferences: 2, reviews: 1, created: 9, updated: 0 });
    const issues = out.issues as { code: string; child: string; message: string }[];
    expect(issues.map((i) => i.code).sort()).toEqual(['1104', '1105', '2885', '2889', '4001', '8930', 'IMPORT']);
    expect(Object.keys(issues[0]!)).toEqual(['code', 'child', 'message']);

    const again = await assure(['import', 'cin-census', path.join(DIR, 'CIN_Census_2026.xml'), '--partnership', '201'], env);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported CIN_Census_2026.xml into partnership 201:');
    expect(again.stdout).toContain('records created 0, updated 0');
    expect(again.stdout).toContain('1104');
  }, 60_000);

  it('refuses a truncated file (exit 1, naming the line), an unknown LEA and a missing file', async () => {
    const cut = path.join(tmp, 'cut.xml');
    fs.writeFileSync(cut, fs.readFileSync(path.join(DIR, 'CIN2rows.xml'), 'utf8').slice(0, 1500));
    const broken = await assure(['import', 'cin-census', cut, '--format', 'json'], env);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/^Nothing was imported\. The file is not well-formed XML: .*\(line \d+, column \d+\)\.\n$/);
    const unknown = await assure(['import', 'cin-census', path.join(DIR, 'fake_CIN_data.xml')], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no partnership has code 975');
    const missing = await assure(['import', 'cin-census', path.join(tmp, 'nope.xml')], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('No file at');
  }, 60_000);
});
