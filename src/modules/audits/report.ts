/**
 * The audit report, computed from the cases' final answers: for every question, the number and
 * percentage of cases giving each answer, overall, per domain and by area, team and agency; the
 * numbers' summaries; the QA lead's themes with anonymised quotes; and the comparison with the last
 * audit that used the same tool. Pure: the same answers always give the same report, whether they
 * were entered in Assure or imported from an audit done before it.
 */
import { optionsOf, type Question, questionsOf, type ToolDefinition } from './tools.js';

export const NOT_RECORDED = 'Not recorded';

export interface ReportCase {
  caseRef: string;
  area: string | null;
  team: string | null;
  /** Agencies involved with the child (for the breakdown by agency). */
  agencies: string[];
  /** Final answers by question key: the moderated answer, or the auditors' where they agree. */
  answers: Record<string, string | null>;
}

export interface ReportTheme {
  kind: 'strength' | 'improvement';
  name: string;
  quotes: { caseRef: string; questionKey: string; text: string }[];
}

export type Counts = Record<string, number>;

export interface QuestionReport {
  key: string;
  domain: string;
  text: string;
  type: Question['type'];
  headline: boolean;
  answered: number;
  counts: Counts;
  /** Whole percentages of the cases that answered (null when none did). */
  percentages: Record<string, number | null>;
}

export interface AuditReport {
  tool: { key: string; name: string };
  cases: number;
  /** Option questions only: {KEY: {LABEL: count}} with every option present (0 when none). */
  questions: Record<string, Counts>;
  percentages: Record<string, Record<string, number | null>>;
  unanswered: Record<string, number>;
  numbers: Record<string, { answered: number; mean: number | null; min: number | null; max: number | null }>;
  domains: { key: string; name: string; questions: QuestionReport[] }[];
  byArea: Record<string, Record<string, Counts>>;
  byTeam: Record<string, Record<string, Counts>>;
  byAgency: Record<string, Record<string, Counts>>;
  themes: { kind: 'strength' | 'improvement'; name: string; count: number; quotes: { caseRef: string; text: string }[] }[];
}

export interface Comparison {
  previous: { id: string; title: string; cases: number };
  /** For each option question both audits asked: the share of cases giving each answer, then and now. */
  questions: Record<string, Record<string, { then: number | null; now: number | null; change: number | null }>>;
}

const MAX_QUOTES = 5;

export function percentage(n: number, of: number): number | null {
  return of === 0 ? null : Math.round((n / of) * 100);
}

function emptyCounts(options: string[]): Counts {
  return Object.fromEntries(options.map((o) => [o, 0]));
}

/** Quotes shown in a report carry no names: a case reference, and text the auditor wrote with no names in it. */
function shorten(text: string, max = 280): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).trimEnd()}…`;
}

export function buildReport(tool: ToolDefinition, cases: readonly ReportCase[], themes: readonly ReportTheme[] = []): AuditReport {
  const all = questionsOf(tool);
  const optionQuestions = all.filter((q) => optionsOf(tool, q).length > 0);
  const questions: Record<string, Counts> = {};
  const unanswered: Record<string, number> = {};
  for (const q of optionQuestions) {
    questions[q.key] = emptyCounts(optionsOf(tool, q));
    unanswered[q.key] = 0;
  }
  const byArea: AuditReport['byArea'] = {};
  const byTeam: AuditReport['byTeam'] = {};
  const byAgency: AuditReport['byAgency'] = {};
  const breakdown = (into: AuditReport['byArea'], group: string): Record<string, Counts> =>
    (into[group] ??= Object.fromEntries(optionQuestions.map((q) => [q.key, emptyCounts(optionsOf(tool, q))])));

  for (const c of cases) {
    const groups = [breakdown(byArea, c.area ?? NOT_RECORDED), breakdown(byTeam, c.team ?? NOT_RECORDED), ...new Set(c.agencies)].map((g) =>
      typeof g === 'string' ? breakdown(byAgency, g) : g,
    );
    for (const q of optionQuestions) {
      const answer = c.answers[q.key];
      if (answer == null || !(answer in questions[q.key]!)) {
        unanswered[q.key]! += 1;
        continue;
      }
      questions[q.key]![answer]! += 1;
      for (const g of groups) g[q.key]![answer]! += 1;
    }
  }

  const percentages: AuditReport['percentages'] = {};
  for (const [key, counts] of Object.entries(questions)) {
    const answered = Object.values(counts).reduce((a, b) => a + b, 0);
    percentages[key] = Object.fromEntries(Object.entries(counts).map(([label, n]) => [label, percentage(n, answered)]));
  }

  const numbers: AuditReport['numbers'] = {};
  for (const q of all.filter((x) => x.type === 'number')) {
    const values = cases.map((c) => c.answers[q.key]).filter((v): v is string => v != null && v !== '').map(Number).filter(Number.isFinite);
    numbers[q.key] = {
      answered: values.length,
      mean: values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null,
      min: values.length ? Math.min(...values) : null,
      max: values.length ? Math.max(...values) : null,
    };
  }

  const domains = tool.domains.map((d) => ({
    key: d.key,
    name: d.name,
    questions: d.questions
      .filter((q) => questions[q.key])
      .map((q) => ({
        key: q.key,
        domain: d.key,
        text: q.text,
        type: q.type,
        headline: q.headline ?? false,
        answered: cases.length - unanswered[q.key]!,
        counts: questions[q.key]!,
        percentages: percentages[q.key]!,
      })),
  }));

  return {
    tool: { key: tool.key, name: tool.name },
    cases: cases.length,
    questions,
    percentages,
    unanswered,
    numbers,
    domains,
    byArea,
    byTeam,
    byAgency,
    themes: themes.map((t) => ({
      kind: t.kind,
      name: t.name,
      count: new Set(t.quotes.map((q) => q.caseRef)).size,
      // the same words from two auditors of one case are one quote
      quotes: [...new Map(t.quotes.map((q) => [`${q.caseRef}\u0000${shorten(q.text)}`, { caseRef: q.caseRef, text: shorten(q.text) }])).values()].slice(0, MAX_QUOTES),
    })),
  };
}

/** This audit beside the last one that used the same tool: the share of each answer then and now. */
export function compareReports(now: AuditReport, then: AuditReport, previous: Comparison['previous']): Comparison {
  const questions: Comparison['questions'] = {};
  for (const [key, shares] of Object.entries(now.percentages)) {
    const before = then.percentages[key];
    if (!before) continue;
    questions[key] = Object.fromEntries(
      Object.keys(shares).map((label) => {
        const a = before[label] ?? null;
        const b = shares[label] ?? null;
        return [label, { then: a, now: b, change: a === null || b === null ? null : b - a }];
      }),
    );
  }
  return { previous, questions };
}

/**
 * A case's final answer to one question: the moderated (agreed) answer when there is one;
 * otherwise the auditors' answer when every auditor who answered gave the same; otherwise none
 * (the case waits for moderation and counts as not answered).
 */
export function finalAnswer(auditorAnswers: readonly (string | null)[], agreed: string | null | undefined): string | null {
  if (agreed !== undefined && agreed !== null) return agreed;
  const given = auditorAnswers.filter((a): a is string => a !== null);
  if (given.length === 0) return null;
  return given.every((a) => a === given[0]) ? given[0]! : null;
}
