/**
 * The learning loop as files: the 7-minute briefing as a PDF in its seven-part layout, ending with
 * the team response form (seed 004), and the partnership's assurance view as a PDF and an XLSX
 * workbook for the board. No child's name is in any of them: a review's subject is a pseudonym.
 */
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { barChartSvg } from '../../lib/charts.js';
import { pdfBuffer, pdfTable } from '../../lib/pdf.js';
import { type Cell, toWorkbook } from '../../lib/tabular.js';
import { TIMESCALE_LABELS } from './timescales.js';
import { DIRECTION_LABELS } from './measures.js';
import { REVIEW_KIND_LABELS } from './schemas.js';
import { type LearningService, RECOMMENDATION_STATUS_LABELS } from './service.js';

export type ReviewData = Awaited<ReturnType<LearningService['load']>>;
export type AssuranceData = Awaited<ReturnType<LearningService['assurance']>>;

/** The seven parts of a briefing, in order, with their text (lists as items). */
export function briefingParts(d: ReviewData): { number: string; title: string; text?: string; items?: string[] }[] {
  const aboutAnAudit = d.review.kind === 'thematic-audit' || d.review.kind === 'multi-agency-audit';
  return [
    { number: '01', title: 'Background', text: d.review.background },
    { number: '02', title: 'Safeguarding concerns', text: d.review.concerns },
    { number: '03', title: aboutAnAudit ? 'What happened' : 'The incident', text: d.review.incident },
    { number: '04', title: 'The review', ...(d.themes.length ? { text: 'The review identified the following key themes:', items: d.themes } : {}) },
    { number: '05', title: 'The findings', items: d.findings },
    { number: '06', title: 'Recommendations', items: d.recommendations.map((r) => (r.addressedTo.length ? `${r.text} (to ${r.addressedTo.join(', ')})` : r.text)) },
    {
      number: '07',
      title: 'Implementing change',
      text: d.review.implementing_change || 'Reflect on the findings and discuss the implications for your service and practice. Identify the steps you and your team will take to improve practice in line with the findings and recommendations.',
    },
  ];
}

export const RESPONSE_COLUMNS = ['What needs to happen?', 'Who will do it?', 'By when?', 'How will you know when it has been done?', 'How will you know if it has worked?'];

const GREEN = '#00703c';

export async function briefingPdf(d: ReviewData): Promise<Buffer> {
  const parts: Content[] = briefingParts(d).map((p) => ({
    table: {
      widths: [44, '*'],
      dontBreakRows: true,
      body: [
        [
          { text: p.number, fontSize: 22, bold: true, color: '#ffffff', fillColor: GREEN, alignment: 'center', margin: [0, 6, 0, 6] },
          {
            stack: [
              { text: p.title, fontSize: 13, bold: true, margin: [0, 0, 0, 4] },
              ...(p.text ? [{ text: p.text, margin: [0, 0, 0, 4] } as Content] : []),
              ...(p.items?.length ? [{ ul: p.items } as Content] : []),
              ...(!p.text && !p.items?.length ? [{ text: 'Not recorded.', italics: true, color: '#505a5f' } as Content] : []),
            ],
            margin: [8, 6, 4, 6],
          },
        ],
      ],
    },
    layout: { hLineColor: () => '#b1b4b6', vLineColor: () => '#b1b4b6' },
    margin: [0, 0, 0, 10],
  }));
  const box = (label: string): Content => ({ table: { widths: [150, '*'], body: [[{ text: label, bold: true }, { text: ' ' }]] }, margin: [0, 0, 0, 4] });
  const doc: TDocumentDefinitions = {
    info: { title: `7-minute briefing: ${d.review.title}`, creator: 'Assure', subject: '7-minute briefing' },
    pageSize: 'A4',
    pageMargins: [48, 48, 48, 56],
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.2 },
    footer: (page, pages) => ({ text: `7-minute briefing · ${d.review.title} · page ${page} of ${pages}`, alignment: 'center', fontSize: 8, color: '#505a5f', margin: [0, 20, 0, 0] }),
    content: [
      { text: '7-minute briefing', fontSize: 12, color: GREEN, bold: true },
      { text: d.review.title, fontSize: 20, bold: true, margin: [0, 2, 0, 4] },
      { text: `${REVIEW_KIND_LABELS[d.review.kind]} · ${d.review.subject} (a pseudonym)`, color: '#505a5f', margin: [0, 0, 0, 12] },
      ...parts,
      { text: 'Team response', fontSize: 16, bold: true, pageBreak: 'before', margin: [0, 0, 0, 8] },
      box('Name of organisation'),
      box('Team manager'),
      box('Name of section and team'),
      box('Contact details'),
      { text: 'Identify the learning or recommendations that are relevant to your team and summarise your team’s discussion on those points', bold: true, margin: [0, 10, 0, 4] },
      { table: { widths: ['*'], heights: 40, body: [['1.'], ['2.'], ['3.']] }, margin: [0, 0, 0, 10] },
      { text: 'What actions have been agreed to improve practice?', bold: true, margin: [0, 6, 0, 4] },
      { table: { headerRows: 1, widths: ['*', 70, 50, '*', '*'], heights: (row: number) => (row === 0 ? 0 : 36), body: [RESPONSE_COLUMNS.map((c) => ({ text: c, bold: true, fontSize: 9 })), ...Array.from({ length: 5 }, () => RESPONSE_COLUMNS.map(() => ''))] } },
    ],
  };
  return pdfBuffer(doc);
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v}%`);

export function measureRows(a: AssuranceData): Cell[][] {
  return [
    ['Action', 'Owner', 'Measure', 'Baseline', 'Target', 'Now', 'Direction'],
    ...a.measured.map((row) => [row.what, a.agencyOf(row), row.measureView!.label, pct(row.measureView!.baseline), `${row.measureView!.target}%`, pct(row.measureView!.current.value), DIRECTION_LABELS[row.measureView!.direction]]),
  ];
}

export function recommendationRows(a: AssuranceData): Cell[][] {
  return [['Review', 'Recommendation', 'Status', 'Actions'], ...a.recommendations.map((r) => [r.review.title, r.text, RECOMMENDATION_STATUS_LABELS[r.status], r.actions])];
}

export function overdueRows(a: AssuranceData): Cell[][] {
  return [['Agency', 'Action', 'Due', 'Status'], ...a.overdue.map((r) => [a.agencyOf(r), r.what, r.due_on, r.status === 'open' ? 'Not started' : 'In progress'])];
}

export function responseRows(a: AssuranceData): Cell[][] {
  return [['Review', 'Teams sent the briefing', 'Teams responded', 'Teams yet to respond'], ...a.responses.map((r) => [r.title, r.sent, r.responded, r.sent - r.responded])];
}

export function timescaleRows(a: AssuranceData): Cell[][] {
  return [['Review', 'Kind', 'Standard', 'Due', 'Done', 'Status'], ...a.timescales.map((t) => [t.title, REVIEW_KIND_LABELS[t.kind], t.standard, t.dueOn, t.doneOn, TIMESCALE_LABELS[t.status]])];
}

export async function assuranceXlsx(a: AssuranceData): Promise<Buffer> {
  const summary: Cell[][] = [
    ['Figure', 'Value'],
    ['As at', a.today],
    ['Published reviews', a.reviews],
    ...(Object.entries(a.byStatus) as [keyof typeof RECOMMENDATION_STATUS_LABELS, number][]).map(([s, n]): Cell[] => [`Recommendations: ${RECOMMENDATION_STATUS_LABELS[s]}`, n]),
    ['Action rows', a.actions],
    ['Action rows open', a.open],
    ['Action rows overdue', a.overdue.length],
  ];
  return toWorkbook([
    { name: 'Summary', rows: summary, widths: [40, 14] },
    { name: 'Recommendations', rows: recommendationRows(a), widths: [40, 80, 20, 10] },
    { name: 'Overdue actions', rows: overdueRows(a), widths: [30, 80, 12, 14] },
    { name: 'Measures', rows: measureRows(a), widths: [60, 30, 60, 10, 10, 10, 26] },
    { name: 'Team responses', rows: responseRows(a), widths: [50, 14, 14, 14] },
    { name: 'Review timescales', rows: timescaleRows(a), widths: [50, 30, 70, 12, 12, 12] },
  ]);
}

const body = (rows: Cell[][]) => rows.slice(1);

export async function assurancePdf(a: AssuranceData, partnershipName: string): Promise<Buffer> {
  const content: Content[] = [
    { text: 'Learning and improvement: assurance', style: 'title' },
    { text: `${partnershipName}, as at ${a.today}. ${a.reviews} published review${a.reviews === 1 ? '' : 's'}; ${a.actions} action row${a.actions === 1 ? '' : 's'}, ${a.open} open, ${a.overdue.length} overdue.`, margin: [0, 0, 0, 10] },
    { text: 'Recommendations by status', style: 'h2' },
    pdfTable(['Status', 'Recommendations'], (Object.entries(a.byStatus) as [keyof typeof RECOMMENDATION_STATUS_LABELS, number][]).map(([s, n]) => [RECOMMENDATION_STATUS_LABELS[s], n]), ['*', 90]),
    ...(a.recommendations.length ? [pdfTable(['Review', 'Recommendation', 'Status', 'Actions'], body(recommendationRows(a)), [100, '*', 80, 40])] : []),
    { text: 'Overdue actions by agency', style: 'h2' },
  ];
  if (a.overdueByAgency.length) {
    content.push({ svg: barChartSvg(a.overdueByAgency.map((o) => ({ label: o.agency, value: o.count })), 720, true), width: 480 });
    content.push(pdfTable(['Agency', 'Overdue actions'], a.overdueByAgency.map((o) => [o.agency, o.count]), ['*', 90]));
    content.push(pdfTable(['Agency', 'Action', 'Due', 'Status'], body(overdueRows(a)), [100, '*', 60, 60]));
  } else content.push({ text: 'No action is overdue.', margin: [0, 0, 0, 8] });
  content.push({ text: 'Measures: is it working?', style: 'h2' });
  if (a.measured.length) content.push(pdfTable(['Action', 'Owner', 'Measure', 'Baseline', 'Target', 'Now', 'Direction'], body(measureRows(a)), ['*', 60, '*', 40, 36, 36, 60]));
  else content.push({ text: 'No action row has a measure yet.', margin: [0, 0, 0, 8] });
  if (a.timescales.length) {
    content.push({ text: 'Reviews against their timescales', style: 'h2' });
    content.push(pdfTable(['Review', 'Kind', 'Standard', 'Due', 'Done', 'Status'], body(timescaleRows(a)), ['*', 80, '*', 56, 56, 50]));
  }
  content.push({ text: 'Team responses to briefings', style: 'h2' });
  content.push(pdfTable(['Review', 'Sent', 'Responded', 'Yet to respond'], body(responseRows(a)), ['*', 50, 60, 70]));
  return pdfBuffer({
    info: { title: 'Learning and improvement: assurance', creator: 'Assure', subject: 'Assurance report' },
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [40, 40, 40, 50],
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.2 },
    styles: { title: { fontSize: 20, bold: true, margin: [0, 0, 0, 8] }, h2: { fontSize: 14, bold: true, margin: [0, 14, 0, 4] } },
    footer: (page, pages) => ({ text: `Assurance report · page ${page} of ${pages}`, alignment: 'center', fontSize: 8, color: '#505a5f', margin: [0, 16, 0, 0] }),
    content,
  });
}
