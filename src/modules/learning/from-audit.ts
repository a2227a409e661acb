/**
 * A completed audit as the first draft of a learning review: the audit's tagged areas for improvement
 * (then strengths) become the themes; the questions where most cases fell short become the findings,
 * each with its figure; each area for improvement (or, without themes, each of the weakest findings)
 * a draft recommendation to the partnership. The QA lead edits all of it before publishing. Pure.
 */
import type { AuditReport, QuestionReport } from '../audits/report.js';

export interface ReviewDraft {
  kind: 'multi-agency-audit' | 'thematic-audit';
  title: string;
  background: string;
  themes: string[];
  findings: string[];
  recommendations: string[];
}

const MAX_FINDINGS = 8;
const MAX_RECOMMENDATIONS = 5;

/** The answers of a question that fall short of the standard (best-first scales: their weaker end). */
export function shortfallAnswers(q: Pick<QuestionReport, 'type' | 'counts'>): string[] {
  const labels = Object.keys(q.counts);
  switch (q.type) {
    case 'meets':
      return labels.filter((l) => l.startsWith('Does not meet'));
    case 'yes-partly-no':
      return labels.filter((l) => l !== 'Yes');
    case 'grade':
      return labels.filter((l) => l === 'Inadequate' || l.startsWith('Requires improvement'));
    default:
      return [];
  }
}

interface Shortfall {
  q: QuestionReport;
  labels: string[];
  n: number;
  pct: number;
}

function shortfalls(report: AuditReport): Shortfall[] {
  const out: Shortfall[] = [];
  for (const d of report.domains) {
    for (const q of d.questions) {
      const labels = shortfallAnswers(q).filter((l) => (q.counts[l] ?? 0) > 0);
      if (!q.answered || labels.length === 0) continue;
      const n = labels.reduce((sum, l) => sum + (q.counts[l] ?? 0), 0);
      out.push({ q, labels, n, pct: Math.round((100 * n) / q.answered) });
    }
  }
  return out.sort((a, b) => b.pct - a.pct || b.n - a.n);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function draftFromAudit(audit: { title: string; purpose: string | null; completedOn: string | null; toolKey: string; toolName: string }, report: AuditReport): ReviewDraft {
  const weakest = shortfalls(report).slice(0, MAX_FINDINGS);
  const improvement = report.themes.filter((t) => t.kind === 'improvement');
  const strengths = report.themes.filter((t) => t.kind === 'strength');
  const themes = [...improvement, ...strengths].map((t) => t.name);
  const findings = weakest.map((s) => `${/[?:.]$/.test(s.q.text) ? s.q.text : `${s.q.text}:`} ${upperFirst(s.labels.map(lowerFirst).join(' or '))}: ${s.n} of ${s.q.answered} cases (${s.pct}%).`);
  for (const t of improvement) findings.push(`Area for improvement: ${lowerFirst(t.name)} (${t.count} case${t.count === 1 ? '' : 's'}).`);
  for (const t of strengths) findings.push(`Strength: ${lowerFirst(t.name)} (${t.count} case${t.count === 1 ? '' : 's'}).`);
  const recommendations = (
    improvement.length
      ? improvement.map((t) => `The partnership should seek assurance from partner agencies that practice improves on ${lowerFirst(t.name)}.`)
      : weakest.map((s) => `The partnership should seek assurance that practice improves on “${s.q.text}”, where ${s.pct}% of cases fell short.`)
  ).slice(0, MAX_RECOMMENDATIONS);
  const when = audit.completedOn ? `, completed on ${audit.completedOn}` : '';
  return {
    kind: audit.toolKey === 'core-group-thematic' ? 'thematic-audit' : 'multi-agency-audit',
    title: `Learning from ${audit.title}`,
    background: [`The audit “${audit.title}” (${audit.toolName}) looked at ${report.cases} case${report.cases === 1 ? '' : 's'}${when}.`, audit.purpose ?? ''].filter(Boolean).join(' '),
    themes,
    findings,
    recommendations,
  };
}
