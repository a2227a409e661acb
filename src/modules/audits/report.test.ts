import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { breakdownGroups, breakdownRows, reportPdf } from './report-files.js';
import { AuditCsvError, parseAuditCsv } from './csv-import.js';
import { buildReport, compareReports, finalAnswer } from './report.js';
import { seed001Cases, seed003Cases } from '../../../test/support/audit-cohorts.js';
import { CORE_GROUP_THEMATIC, CP_MULTI_AGENCY, MEETS } from './tools.js';

describe('the audit report', () => {
  it('reproduces seed 001: 3 good, 17 adequate, 9 inadequate overall; distance travelled 2 / 17 / 7 / 3', () => {
    const report = buildReport(CP_MULTI_AGENCY, seed001Cases());
    expect(report.cases).toBe(29);
    expect(report.questions.overall).toEqual({ Outstanding: 0, Good: 3, Adequate: 17, Inadequate: 9 });
    expect(report.questions.distance_travelled).toEqual({ 'Significant improvement': 2, 'Some improvement': 17, 'No progress': 7, 'Risks higher': 3 });
    expect(report.percentages.overall).toEqual({ Outstanding: 0, Good: 10, Adequate: 59, Inadequate: 31 });
    // a finding's count: 10 cases inadequate in developing the outline plan
    expect(report.questions.planning_outline_developed).toEqual({ Yes: 19, Partly: 0, No: 10 });
    // questions nobody answered are counted as such, not as zeros of an answer
    expect(report.unanswered.thresholds).toBe(29);
    expect(report.percentages.thresholds).toEqual({ Outstanding: null, Good: null, Adequate: null, Inadequate: null });
    // the breakdowns add up to the whole
    const areas = Object.values(report.byArea);
    expect(areas.reduce((n, a) => n + a.overall!.Adequate!, 0)).toBe(17);
    expect(Object.keys(report.byAgency).sort()).toEqual(['Children’s social care', 'Police']);
    expect(report.byAgency['Children’s social care']!.overall).toEqual(report.questions.overall);
    // per domain: the impact domain holds distance travelled and the overall grade
    expect(report.domains.find((d) => d.key === 'impact')!.questions.map((q) => q.key)).toEqual(['distance_travelled', 'overall']);
  });

  it('reproduces seed 003: 52% of minutes below standard, 45% of core groups effective, West 13 of 60 first core groups chaired by a manager', () => {
    const report = buildReport(CORE_GROUP_THEMATIC, seed003Cases());
    expect(report.cases).toBe(132);
    expect(report.percentages.quality_of_minutes![MEETS[1]]).toBe(52);
    expect(report.percentages.effectiveness![MEETS[0]]).toBe(45);
    expect(report.byArea.West!.manager_first_core_group).toEqual({ Yes: 13, No: 47 });
    expect(Object.keys(report.byArea).sort()).toEqual(['East', 'North', 'South', 'West']);
  });

  it('breaks the headline questions down by area, team and agency in the tables, the XLSX rows and the PDF', async () => {
    const teams = seed001Cases().map((c, i) => ({ ...c, team: i < 20 ? 'Safeguarding North' : 'Safeguarding South' }));
    const report = buildReport(CP_MULTI_AGENCY, teams);
    expect(report.byTeam['Safeguarding North']!.overall).toEqual({ Outstanding: 0, Good: 3, Adequate: 17, Inadequate: 0 });
    expect(report.byTeam['Safeguarding South']!.overall).toEqual({ Outstanding: 0, Good: 0, Adequate: 0, Inadequate: 9 });
    expect(report.byAgency.Police!.overall!.Good! + report.byAgency.Police!.overall!.Adequate! + report.byAgency.Police!.overall!.Inadequate!).toBe(19);
    expect(breakdownGroups(report, 'byTeam')).toEqual(['Safeguarding North', 'Safeguarding South']);
    expect(breakdownGroups(buildReport(CP_MULTI_AGENCY, seed001Cases()), 'byTeam')).toEqual([]); // one group ("Not recorded") says nothing
    expect(breakdownRows(report, 'byAgency')[0]).toEqual(['Agency', 'Question', 'Answer', 'Cases']);
    expect(breakdownRows(report, 'byAgency')).toContainEqual(['Police', 'Overall grade for the case', 'Inadequate', 6]);
    const pdf = await reportPdf({ title: 'Breakdowns', toolName: CP_MULTI_AGENCY.name, toolVersion: 1, purpose: null, status: 'Completed', completedOn: '2026-11-02', source: 'assure' }, report, null);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();
    expect(text).toContain('By area');
    expect(text).toContain('By team');
    expect(text).toMatch(/Safeguarding South\s+0\s+0\s+0\s+9/);
    expect(text).toContain('By agency');
    expect(text).toContain('A case counts under every agency involved with the child');
  });

  it('counts themes by case and keeps at most five short quotes, with case references only', () => {
    const long = 'word '.repeat(200);
    const report = buildReport(CORE_GROUP_THEMATIC, seed003Cases().slice(0, 8), [
      {
        kind: 'improvement',
        name: 'Plan not revised',
        quotes: [
          { caseRef: 'SS-0001', questionKey: 'quality_comments', text: 'Updates only.' },
          { caseRef: 'SS-0001', questionKey: 'effectiveness_comments', text: 'No analysis.' },
          ...Array.from({ length: 6 }, (_, i) => ({ caseRef: `SS-000${i + 2}`, questionKey: 'quality_comments', text: long })),
        ],
      },
    ]);
    expect(report.themes[0]!.count).toBe(7);
    expect(report.themes[0]!.quotes).toHaveLength(5);
    expect(report.themes[0]!.quotes[2]!.text.length).toBeLessThanOrEqual(280);
  });

  it('compares with the last audit using the same tool', () => {
    const then = buildReport(CORE_GROUP_THEMATIC, seed003Cases());
    const better = seed003Cases().map((c, i) => ({ ...c, answers: { ...c.answers, quality_of_minutes: i < 33 ? MEETS[1] : MEETS[0] } }));
    const now = buildReport(CORE_GROUP_THEMATIC, better);
    const cmp = compareReports(now, then, { id: 'x', title: 'July 2020', cases: 132 });
    expect(cmp.questions.quality_of_minutes![MEETS[1]]).toEqual({ then: 52, now: 25, change: -27 });
  });

  it('takes the moderated answer, else the auditors’ when they agree', () => {
    expect(finalAnswer(['Good', 'Adequate'], 'Adequate')).toBe('Adequate');
    expect(finalAnswer(['Good', 'Good'], undefined)).toBe('Good');
    expect(finalAnswer(['Good', null], undefined)).toBe('Good');
    expect(finalAnswer(['Good', 'Adequate'], undefined)).toBeNull();
    expect(finalAnswer([], undefined)).toBeNull();
  });
});

describe('importing an audit from CSV', () => {
  const header = 'case_ref,area,overall,distance_travelled,planning_comments';

  it('reads option labels in any case, numbers and text', () => {
    const cases = parseAuditCsv(CP_MULTI_AGENCY, `\uFEFF${header}\r\nA1,North,good,SOME IMPROVEMENT,"Plan, revised"\r\nA2,,Inadequate,,\r\n`);
    expect(cases).toEqual([
      { caseRef: 'A1', area: 'North', team: null, answers: { overall: 'Good', distance_travelled: 'Some improvement', planning_comments: 'Plan, revised' } },
      { caseRef: 'A2', area: null, team: null, answers: { overall: 'Inadequate', distance_travelled: null, planning_comments: null } },
    ]);
  });

  const refused = (text: string): string[] => {
    try {
      parseAuditCsv(CP_MULTI_AGENCY, text);
    } catch (err) {
      expect(err).toBeInstanceOf(AuditCsvError);
      return (err as AuditCsvError).problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    }
    throw new Error('the file was accepted');
  };

  it('refuses a bad value naming its line and column', () => {
    expect(refused(`${header}\nA1,North,Good,No progress,\nA2,North,Excellent,No progress,\n`)).toEqual([
      '3:3 overall must be one of “Outstanding”, “Good”, “Adequate”, “Inadequate”, not “Excellent”',
    ]);
  });

  it('refuses a header that is not the tool’s, a repeated case, a short row, a broken quote and an empty file', () => {
    expect(refused('ref,area,overall\nA1,N,Good\n')[0]).toMatch(/^1:1 the header must start with case_ref,area/);
    expect(refused('case_ref,area,overal\nA1,N,Good\n')).toEqual(['1:3 overal is not a question of the tool cp-multi-agency']);
    expect(refused(`${header}\nA1,N,Good,,\nA1,N,Good,,\n`)).toEqual(['3:1 the case A1 is already on line 2']);
    expect(refused(`${header}\nA1,N,Good\n`)).toEqual(['2:0 has 3 values; the header has 5']);
    expect(refused(`${header}\nA1,N,Good,,"unclosed\n`)[0]).toMatch(/^\d+:0 the file is not valid CSV/);
    expect(refused('')).toEqual(['1:0 the file is empty: the first line must be the header case_ref,area,…']);
    expect(refused(`${header}\n`)).toEqual(['2:0 the file has a header but no cases']);
  });
});
