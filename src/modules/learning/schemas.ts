/**
 * What a learning review, a team's response and an action plan row accept, for the pages and the
 * API alike. A form's lists (themes and findings, one a line; recommendations as numbered fields)
 * are turned into the API's shape first by fromReviewForm.
 */
import { z } from 'zod';
import { REVIEW_KINDS } from '../../db/schema.js';
import { ValidationError } from '../../lib/errors.js';
import { choice, fieldErrors, isoDate, optionalId, optionalIsoDate, optionalText, text, version } from '../../lib/validation.js';
import { type Measure, measureFields } from './measures.js';

export const REVIEW_KIND_LABELS: Record<(typeof REVIEW_KINDS)[number], string> = {
  'rapid-review': 'Rapid review',
  lcspr: 'Local child safeguarding practice review',
  'thematic-audit': 'Thematic audit',
  'single-agency-review': 'Single-agency review',
  'multi-agency-audit': 'Multi-agency audit',
};

export const MAX_RECOMMENDATIONS = 20;
const MAX_ITEMS = 30;

const items = (label: string) =>
  z
    .array(z.string({ error: `Each ${label} must be text` }).trim().max(1000, `Each ${label} must be 1000 characters or fewer`), { error: `Enter the ${label}s as a list` })
    .max(MAX_ITEMS, `Enter at most ${MAX_ITEMS} ${label}s`)
    .transform((list) => list.filter((s) => s.length > 0))
    .default([]);

const uuidList = z.array(z.uuid({ error: 'Select agencies from the list' })).max(50).default([]);

const reviewFields = z.strictObject({
    kind: choice(REVIEW_KINDS, 'the kind of review'),
    title: text('the title'),
    subject: text('the pseudonym of the child or family', 100),
    notifiedOn: optionalIsoDate('the date the partnership was notified'),
    startedOn: isoDate('the date the review started'),
    background: optionalText('the background', 5000),
    concerns: optionalText('the safeguarding concerns', 5000),
    incident: optionalText('what happened', 5000),
    themes: items('theme'),
    findings: items('finding'),
    recommendations: z
      .array(z.strictObject({ text: z.string({ error: 'Enter the recommendation' }).trim().min(1, 'Enter the recommendation').max(1000, 'Each recommendation must be 1000 characters or fewer'), agencyIds: uuidList }), { error: 'Enter the recommendations as a list' })
      .max(MAX_RECOMMENDATIONS, `Enter at most ${MAX_RECOMMENDATIONS} recommendations`)
      .default([]),
    implementingChange: optionalText('implementing change', 5000),
    sourceAuditId: optionalId('the audit the review comes from').optional(),
  });

const reviewDates = (v: { kind: string; notifiedOn?: string | undefined; startedOn: string }, ctx: z.RefinementCtx) => {
  if (v.kind === 'rapid-review' && !v.notifiedOn) ctx.addIssue({ code: 'custom', path: ['notifiedOn'], message: 'Enter the date the partnership was notified: a rapid review is due 15 working days after it' });
  if (v.notifiedOn && v.notifiedOn > v.startedOn) ctx.addIssue({ code: 'custom', path: ['notifiedOn'], message: 'The date of the notification must be on or before the start of the review' });
};

export const reviewSchema = reviewFields.superRefine(reviewDates);
export type ReviewInput = z.output<typeof reviewSchema>;
export const reviewUpdateSchema = reviewFields.extend({ version }).superRefine(reviewDates);

const lines = (v: unknown): unknown =>
  typeof v === 'string'
    ? v
        .split(/\r?\n/)
        .map((l) => l.replace(/^\s*(?:[-•*]|\d+[.)])\s+/, '').trim())
        .filter(Boolean)
    : v;

/** The review form's fields in the API's shape: lists split by line, recommendation N with its agencies. */
export function fromReviewForm(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const recommendations: { text: string; agencyIds: unknown }[] = [];
  for (const [k, v] of Object.entries(values)) {
    const rec = k.match(/^recommendation(\d{1,2})$/);
    const to = k.match(/^addressedTo(\d{1,2})$/);
    if (rec || to) continue;
    out[k] = k === 'themes' || k === 'findings' ? lines(v) : v;
  }
  for (let i = 1; i <= MAX_RECOMMENDATIONS + 5; i++) {
    const t = values[`recommendation${i}`];
    if (typeof t !== 'string' || t.trim() === '') continue;
    const a = values[`addressedTo${i}`];
    recommendations.push({ text: t, agencyIds: a === undefined || a === '' ? [] : Array.isArray(a) ? a : [a] });
  }
  out.recommendations = recommendations;
  if (out.sourceAuditId === '') delete out.sourceAuditId;
  return out;
}

export const publishSchema = z.object({ version });

export const sendSchema = z.object({
  teamIds: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.uuid({ error: 'Select teams from the list' })).min(1, 'Select at least one team to send the briefing to').max(200)),
});

export const responseSchema = z.object({ discussion: text('your team’s discussion of the learning', 10000), version });

/** The five columns of an action plan row, with its owner, date, the recommendation it answers and, optionally, a measure. */
export const actionSchema = z.object({
    what: text('what needs to happen', 2000),
    who: text('who will do it', 200),
    dueOn: isoDate('the date it will be done by'),
    doneWhen: text('how you will know when it has been done', 2000),
    workedWhen: text('how you will know if it has worked', 2000),
  recommendationId: optionalId('the recommendation it answers').optional(),
});

/** A partnership or agency row made by the QA lead (a team's rows come with its response). */
export const planRowSchema = actionSchema
  .extend({
    level: choice(['partnership', 'agency'] as const, 'whose action it is'),
    agencyId: optionalId('the agency').optional(),
    reviewId: optionalId('the review').optional(),
    ownerId: optionalId('the owner').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.level === 'agency' && !v.agencyId) ctx.addIssue({ code: 'custom', path: ['agencyId'], message: 'Select the agency' });
  });

export const updateSchema = z.object({
  text: text('the progress made', 5000),
  evidence: optionalText('the evidence', 5000),
  markInProgress: z.preprocess((v) => v === 'yes' || v === true || v === 'on', z.boolean()).default(false),
});

export const closeSchema = z.object({ doneEvidence: text('the evidence that it has been done', 5000), version });

export type Measured = { measure: Measure; target: number } | null;

/** A row's fields and its measure, checked together so every bad field is named at once. */
export function parseWithMeasure<T extends z.ZodType>(schema: T, input: unknown): z.output<T> & { measured: Measured } {
  const row = schema.safeParse(input ?? {});
  const m = measureFields.safeParse(input ?? {});
  if (!row.success || !m.success) throw new ValidationError({ ...(row.success ? {} : fieldErrors(row.error)), ...(m.success ? {} : fieldErrors(m.error)) });
  return { ...(row.data as object), measured: m.data } as z.output<T> & { measured: Measured };
}
