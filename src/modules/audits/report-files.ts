/**
 * The audit report as files: a PDF a partnership board reads (pdfmake; charts drawn from the same
 * SVG as the page, each followed by its table) and an XLSX workbook of the summary, the breakdowns
 * by area, team and agency, and every response. Children appear as case references only.
 */
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { barChartSvg } from '../../lib/charts.js';
import { pdfBuffer, pdfTable as table } from '../../lib/pdf.js';
import { type Cell, toWorkbook } from '../../lib/tabular.js';
import type { AuditReport, Comparison, QuestionReport } from './report.js';

export interface ReportHeading {
  title: string;
  toolName: string;
  toolVersion: number;
  purpose: string | null;
  status: string;
  completedOn: string | null;
  source: 'assure' | 'import';
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${v}%`);

/** One row per question and answer: the report's main table. */
export function summaryRows(report: AuditReport): Cell[][] {
  const rows: Cell[][] = [['Domain', 'Question', 'Answer', 'Cases', 'Per cent of cases answering']];
  for (const d of report.domains) for (const q of d.questions) for (const [label, n] of Object.entries(q.counts)) rows.push([d.name, q.text, label, n, q.percentages[label] ?? null]);
  return rows;
}

/** The report's breakdowns: by area, team and agency (a case counts under every agency involved with the child). */
export const BREAKDOWNS = [
  { key: 'byArea', title: 'By area', label: 'Area', note: null },
  { key: 'byTeam', title: 'By team', label: 'Team', note: null },
  { key: 'byAgency', title: 'By agency', label: 'Agency', note: 'A case counts under every agency involved with the child, so the rows add up to more than the cases.' },
] as const;
export type BreakdownKey = (typeof BREAKDOWNS)[number]['key'];

/** The groups of a breakdown worth showing: more than one, or (agencies) any. */
export function breakdownGroups(report: AuditReport, key: BreakdownKey): string[] {
  const groups = Object.keys(report[key]).sort((a, b) => a.localeCompare(b));
  return key === 'byAgency' ? groups : groups.length > 1 ? groups : [];
}

/** The headline questions by area, team or agency: one row per group and answer. */
export function breakdownRows(report: AuditReport, key: BreakdownKey = 'byArea'): Cell[][] {
  const headline = report.domains.flatMap((d) => d.questions.filter((q) => q.headline));
  const label = BREAKDOWNS.find((b) => b.key === key)!.label;
  const rows: Cell[][] = [[label, 'Question', 'Answer', 'Cases']];
  for (const [group, qs] of Object.entries(report[key]).sort(([a], [b]) => a.localeCompare(b))) {
    for (const q of headline) for (const [answer, n] of Object.entries(qs[q.key] ?? {})) rows.push([group, q.text, answer, n]);
  }
  return rows;
}

export async function reportXlsx(heading: ReportHeading, report: AuditReport, responses: Cell[][]): Promise<Buffer> {
  const about: Cell[][] = [
    ['Audit', heading.title],
    ['Tool', `${heading.toolName} (version ${heading.toolVersion})`],
    ['Cases', report.cases],
    ['Status', heading.status],
    ['Completed', heading.completedOn],
    ['Children', 'Pseudonymised: case references only, no names'],
  ];
  return toWorkbook([
    { name: 'About', rows: about, widths: [16, 80] },
    { name: 'Summary', rows: summaryRows(report), widths: [32, 60, 32, 10, 14] },
    ...BREAKDOWNS.map((b) => ({ name: b.title, rows: breakdownRows(report, b.key), widths: [28, 60, 32, 10] })),
    { name: 'Responses', rows: responses, widths: [14, 16, 16, 28, 24, 48, 24, 28, 60, 16, 30] },
  ]);
}

function questionBlock(q: QuestionReport, withChart: boolean): Content[] {
  const labels = Object.keys(q.counts);
  const out: Content[] = [{ text: q.text, bold: true, margin: [0, 6, 0, 2] }];
  if (withChart && q.answered > 0) out.push({ svg: barChartSvg(labels.map((l) => ({ label: l, value: q.percentages[l] ?? null })), 720, true), width: 480 });
  out.push(
    table(
      ['Answer', 'Cases', 'Per cent'],
      labels.map((l) => [l, q.counts[l]!, pct(q.percentages[l])]),
      ['*', 50, 60],
    ),
  );
  return out;
}

export async function reportPdf(heading: ReportHeading, report: AuditReport, comparison: Comparison | null): Promise<Buffer> {
  const headline = report.domains.flatMap((d) => d.questions.filter((q) => q.headline));
  const content: Content[] = [
    { text: heading.title, style: 'title' },
    {
      text: [
        `${heading.toolName} (version ${heading.toolVersion}). ${report.cases} case${report.cases === 1 ? '' : 's'} audited`,
        heading.completedOn ? `, completed ${heading.completedOn}` : '',
        heading.source === 'import' ? '. Imported from an audit done before Assure.' : '.',
      ].join(''),
      margin: [0, 0, 0, 4],
    },
    ...(heading.purpose ? [{ text: heading.purpose, margin: [0, 0, 0, 4] } as Content] : []),
    { text: 'Children are pseudonymised: this report holds case references only, no names.', italics: true, margin: [0, 0, 0, 12] },
    { text: 'Summary', style: 'h2' },
    ...headline.flatMap((q) => questionBlock(q, true)),
  ];

  for (const d of report.domains) {
    const findings = d.questions.filter((q) => !q.headline);
    if (findings.length === 0) continue;
    content.push({ text: `${d.name}: findings`, style: 'h2' });
    content.push(
      table(
        ['Question', 'Answers: cases (per cent of those answering)', 'Answered'],
        findings.map((q) => [q.text, q.answered === 0 ? 'Not answered in this audit' : Object.keys(q.counts).map((l) => `${l}: ${q.counts[l]} (${pct(q.percentages[l])})`).join('\n'), q.answered]),
        ['*', 170, 50],
      ),
    );
  }

  let first = true;
  for (const b of BREAKDOWNS) {
    const groups = breakdownGroups(report, b.key);
    const answered = headline.filter((q) => q.answered > 0);
    if (groups.length === 0 || answered.length === 0) continue;
    content.push({ text: b.title, style: 'h2', ...(first ? { pageBreak: 'before' as const } : {}) });
    first = false;
    if (b.note) content.push({ text: b.note, italics: true, margin: [0, 0, 0, 4] });
    for (const q of answered) {
      const labels = Object.keys(q.counts);
      content.push({ text: q.text, bold: true, margin: [0, 6, 0, 2] });
      content.push(table([b.label, ...labels], groups.map((g) => [g, ...labels.map((l) => report[b.key][g]![q.key]![l]!)]), ['*', ...labels.map(() => 60)]));
    }
  }

  for (const kind of ['strength', 'improvement'] as const) {
    const themes = report.themes.filter((t) => t.kind === kind);
    if (themes.length === 0) continue;
    content.push({ text: kind === 'strength' ? 'Strengths' : 'Areas for improvement', style: 'h2' });
    for (const t of themes) {
      content.push({ text: `${t.name} (${t.count} case${t.count === 1 ? '' : 's'})`, bold: true, margin: [0, 6, 0, 2] });
      content.push({ ul: t.quotes.map((q) => ({ text: [`“${q.text}” `, { text: `(${q.caseRef})`, color: '#505a5f' }] })), margin: [0, 0, 0, 6] });
    }
  }

  if (comparison) {
    content.push({ text: `Compared with ${comparison.previous.title} (${comparison.previous.cases} cases)`, style: 'h2' });
    const rows: Cell[][] = [];
    for (const q of headline) {
      for (const [label, v] of Object.entries(comparison.questions[q.key] ?? {})) rows.push([q.text, label, pct(v.then), pct(v.now), v.change === null ? '–' : `${v.change > 0 ? '+' : ''}${v.change}`]);
    }
    content.push(table(['Question', 'Answer', 'Then', 'Now', 'Change (points)'], rows, ['*', 110, 40, 40, 50]));
  }

  const doc: TDocumentDefinitions = {
    info: { title: heading.title, creator: 'Assure', subject: 'Case audit report' },
    pageSize: 'A4',
    pageMargins: [48, 48, 48, 56],
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.2 },
    styles: { title: { fontSize: 20, bold: true, margin: [0, 0, 0, 8] }, h2: { fontSize: 14, bold: true, margin: [0, 14, 0, 4] } },
    footer: (page, pages) => ({ text: `${heading.title} · page ${page} of ${pages}`, alignment: 'center', fontSize: 8, color: '#505a5f', margin: [0, 20, 0, 0] }),
    content,
  };
  return pdfBuffer(doc);
}
