/**
 * `assure audit tools|list|import|report` as real processes against a real database (embedded, or a
 * fresh PostgreSQL database when this run tests that backend): the shapes scripts rely on, the seed
 * audits' published figures from imported CSVs, a bad file refused whole, and the report files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed001Cases, seed003Cases, toAuditCsv } from '../../../test/support/audit-cohorts.js';
import { assure as runAssure, type Installation, newInstallation } from '../../../test/support/cli.js';
import { CORE_GROUP_THEMATIC, CP_MULTI_AGENCY, MEETS } from './tools.js';

describe('assure audit', () => {
  let inst: Installation;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-audit-cli-'));
  const file = (name: string, text: string) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const assure = (...args: string[]) => runAssure(args, { env: inst.env });
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    inst = await newInstallation();
    const added = await assure('partnership', 'add', '--code', '202', '--name', 'Audit Test Partnership');
    expect(added.status, added.stderr).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await inst?.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('tools --format json prints both built-in tools with every question and its options', async () => {
    const r = await assure('audit', 'tools', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const tools = JSON.parse(r.stdout) as { key: string; name: string; version: number; questions: { key: string; domain: string; text: string; type: string; options: string[] }[] }[];
    expect(tools.map((t) => t.key).sort()).toEqual(['core-group-thematic', 'cp-multi-agency']);
    const cp = tools.find((t) => t.key === 'cp-multi-agency')!;
    expect(cp.version).toBe(1);
    expect(Object.keys(cp.questions[0]!)).toEqual(['key', 'domain', 'text', 'type', 'options']);
    expect(cp.questions.find((q) => q.key === 'overall')!.options).toEqual(['Outstanding', 'Good', 'Adequate', 'Inadequate']);
    expect(cp.questions.find((q) => q.key === 'distance_travelled')!.options).toEqual(['Significant improvement', 'Some improvement', 'No progress', 'Risks higher']);
    const cg = tools.find((t) => t.key === 'core-group-thematic')!;
    expect(cg.questions.filter((q) => q.type === 'meets').map((q) => q.domain)).toEqual(['quality', 'effectiveness', 'safety']);
  }, 60_000);

  it('imports 29 cases shaped like seed 001 and reports 3 good, 17 adequate, 9 inadequate; distance travelled 2 / 17 / 7 / 3', async () => {
    const r = await assure('audit', 'import', '--tool', 'cp-multi-agency', '--title', 'Child protection audit 2015/16', file('cp.csv', toAuditCsv(CP_MULTI_AGENCY, seed001Cases())));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
    ids.cp = r.stdout.trim();
    const report = await assure('audit', 'report', ids.cp);
    expect(report.status, report.stderr).toBe(0);
    const json = JSON.parse(report.stdout) as { cases: number; questions: Record<string, Record<string, number>>; byArea: Record<string, Record<string, Record<string, number>>>; comparison: unknown };
    expect(json.cases).toBe(29);
    expect(json.questions.overall).toEqual({ Outstanding: 0, Good: 3, Adequate: 17, Inadequate: 9 });
    expect(json.questions.distance_travelled).toEqual({ 'Significant improvement': 2, 'Some improvement': 17, 'No progress': 7, 'Risks higher': 3 });
    expect(json.byArea.Gloucester!.overall!.Good! + json.byArea.Cheltenham!.overall!.Good!).toBe(3);
    expect(json.comparison).toBeNull();
  }, 60_000);

  it('imports 132 cases shaped like seed 003: 52% of minutes below standard, 45% effective, West 13 of 60', async () => {
    const r = await assure('audit', 'import', '--tool', 'core-group-thematic', '--title', 'Core group thematic audit, July 2020', file('cg.csv', toAuditCsv(CORE_GROUP_THEMATIC, seed003Cases())));
    expect(r.status, r.stderr).toBe(0);
    ids.cg = r.stdout.trim();
    const json = JSON.parse((await assure('audit', 'report', ids.cg)).stdout) as { cases: number; percentages: Record<string, Record<string, number>>; byArea: Record<string, Record<string, Record<string, number>>> };
    expect(json.cases).toBe(132);
    expect(json.percentages.quality_of_minutes![MEETS[1]]).toBe(52);
    expect(json.percentages.effectiveness![MEETS[0]]).toBe(45);
    expect(json.byArea.West!.manager_first_core_group).toEqual({ Yes: 13, No: 47 });
  }, 60_000);

  it('refuses a bad file whole, naming the line and column, and creates nothing', async () => {
    const lines = toAuditCsv(CP_MULTI_AGENCY, seed001Cases()).split('\n');
    const header = lines[0]!.split(',');
    const col = header.indexOf('overall');
    const bad = lines[4]!.split(',');
    bad[col] = 'Excellent';
    lines[4] = bad.join(',');
    const r = await assure('audit', 'import', '--tool', 'cp-multi-agency', '--title', 'Bad', file('bad.csv', lines.join('\n')));
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`line 5, column ${col + 1} (overall): overall must be one of`);
    const unknownTool = await assure('audit', 'import', '--tool', 'no-such-tool', '--title', 'Bad', file('cp2.csv', toAuditCsv(CP_MULTI_AGENCY, seed001Cases())));
    expect(unknownTool.status).toBe(1);
    expect(unknownTool.stderr).toContain('There is no audit tool with the key no-such-tool');
    const list = JSON.parse((await assure('audit', 'list', '--format', 'json')).stdout) as { title: string; cases: number }[];
    expect(list.map((a) => [a.title, a.cases]).sort()).toEqual([
      ['Child protection audit 2015/16', 29],
      ['Core group thematic audit, July 2020', 132],
    ]);
  }, 60_000);

  it('compares a later audit with the last one that used the same tool', async () => {
    const later = seed001Cases().map((c, i) => ({ ...c, answers: { ...c.answers, overall: i < 10 ? 'Good' : 'Adequate' } }));
    const r = await assure('audit', 'import', '--tool', 'cp-multi-agency', '--title', 'Child protection audit 2016/17', file('cp-later.csv', toAuditCsv(CP_MULTI_AGENCY, later)));
    expect(r.status, r.stderr).toBe(0);
    const json = JSON.parse((await assure('audit', 'report', r.stdout.trim())).stdout) as { comparison: { previous: { title: string }; questions: Record<string, Record<string, { then: number; now: number; change: number }>> } };
    expect(json.comparison.previous.title).toBe('Child protection audit 2015/16');
    expect(json.comparison.questions.overall!.Inadequate).toEqual({ then: 31, now: 0, change: -31 });
    expect(json.comparison.questions.overall!.Good).toEqual({ then: 10, now: 34, change: 24 });
  }, 60_000);

  it('writes the report as a PDF with its tables and charts, and as XLSX and CSV of every response', async () => {
    const pdf = path.join(tmp, 'report.pdf');
    const r = await assure('audit', 'report', ids.cp!, '--format', 'pdf', '--out', pdf);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
    expect(text).toContain('Child protection audit 2015/16');
    expect(text).toContain('Overall grade for the case');
    expect(text).toMatch(/Adequate\s+17\s+59%/);
    expect(text).toMatch(/Risks higher\s+3\s+10%/);
    expect(text).toContain('case references only');
    // the charts are vector drawings: a page with a chart renders with many more non-white pixels
    const png = path.join(tmp, 'page');
    execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', pdf, png]);
    expect(fs.readdirSync(tmp).some((f) => f.startsWith('page') && f.endsWith('.png'))).toBe(true);

    const xlsx = path.join(tmp, 'report.xlsx');
    expect((await assure('audit', 'report', ids.cp!, '--format', 'xlsx', '--out', xlsx)).status).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['About', 'Summary', 'By area', 'By team', 'By agency', 'Responses']);
    const responses = wb.getWorksheet('Responses')!;
    expect(responses.rowCount).toBe(1 + 29 * 4); // four questions answered in each case
    const csv = path.join(tmp, 'report.csv');
    expect((await assure('audit', 'report', ids.cp!, '--format', 'csv', '--out', csv)).status).toBe(0);
    expect(fs.readFileSync(csv, 'utf8').trim().split('\r\n')).toHaveLength(1 + 29 * 4);
    const missing = await assure('audit', 'report', ids.cp!, '--format', 'pdf');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--out FILE');
  }, 90_000);

  it('publish-tool makes the partnership’s own tool and its next version, which tools --format json then lists', async () => {
    const definition = {
      key: 'neglect-thematic',
      name: 'Neglect thematic audit',
      description: 'Children on plans under neglect',
      scale: 'custom',
      scaleOptions: ['Strong', 'Secure', 'Weak'],
      domains: [{ key: 'home', name: 'Home conditions', questions: [{ key: 'home_grade', text: 'How safe is the home?', type: 'grade', headline: true }, { key: 'home_visits', text: 'Visits in the last 3 months', type: 'number' }] }],
    };
    const bad = await assure('audit', 'publish-tool', file('bad-tool.json', JSON.stringify({ ...definition, scaleOptions: ['Only'] })));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('scaleOptions: Give the scale at least two options');
    expect((await assure('audit', 'publish-tool', file('not-json.json', '{'))).stderr).toContain('not valid JSON');
    const first = await assure('audit', 'publish-tool', file('tool.json', JSON.stringify(definition)));
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toBe('neglect-thematic version 1\n');
    const second = await assure('audit', 'publish-tool', file('tool2.json', JSON.stringify({ ...definition, scale: 'inspection', scaleOptions: undefined })));
    expect(second.stdout).toBe('neglect-thematic version 2\n');
    const builtIn = await assure('audit', 'publish-tool', file('tool3.json', JSON.stringify({ ...definition, key: 'cp-multi-agency' })));
    expect(builtIn.status).toBe(1);
    expect(builtIn.stderr).toContain('cp-multi-agency is a built-in tool’s key');
    const tools = JSON.parse((await assure('audit', 'tools', '--format', 'json')).stdout) as { key: string; version: number; questions: { key: string; domain: string; text: string; type: string; options: string[] }[] }[];
    expect(tools.map((t) => `${t.key} v${t.version}`).sort()).toEqual(['core-group-thematic v1', 'cp-multi-agency v1', 'neglect-thematic v2']);
    const own = tools.find((t) => t.key === 'neglect-thematic')!;
    expect(own.questions).toEqual([
      { key: 'home_grade', domain: 'home', text: 'How safe is the home?', type: 'grade', options: ['Outstanding', 'Good', 'Requires improvement to be good', 'Inadequate'] },
      { key: 'home_visits', domain: 'home', text: 'Visits in the last 3 months', type: 'number', options: [] },
    ]);
  }, 90_000);
});
