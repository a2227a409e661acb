/**
 * "How will you know if it has worked?" as a figure Assure computes: the compliance with a practice
 * standard, or the share of audited cases giving an answer to an audit question, for the partnership
 * or one area, team or agency. A row stores the measure, its baseline when the row was made and a
 * target (a percentage to reach or pass); the current value is computed whenever the row is read.
 */
import { z } from 'zod';
import { emptyToUndefined } from '../../lib/validation.js';

export const SCOPES = ['partnership', 'area', 'team', 'agency'] as const;
export type ScopeKind = (typeof SCOPES)[number];
export type MeasureScope = { by: 'partnership' } | { by: 'area' | 'team' | 'agency'; id: string };

export type Measure =
  | { kind: 'standard'; key: string; scope: MeasureScope }
  | { kind: 'audit'; toolKey: string; questionKey: string; answer: string; scope: MeasureScope };

export interface MeasureValue {
  /** A percentage to one decimal place, or null when nothing has been counted yet. */
  value: number | null;
  /** How many children (standard) or audited cases (audit question) the figure is taken over. */
  cases: number;
}

export type Direction = 'reached' | 'towards' | 'away' | 'unchanged' | 'unknown';

/** Whether the current value reaches the target, and otherwise which way it moved from the baseline. */
export function progress(baseline: number | null, target: number, current: number | null): Direction {
  if (current === null) return 'unknown';
  if (current >= target) return 'reached';
  if (baseline === null) return 'unknown';
  if (current > baseline) return 'towards';
  if (current < baseline) return 'away';
  return 'unchanged';
}

export const DIRECTION_LABELS: Record<Direction, string> = {
  reached: 'Target reached',
  towards: 'Moving towards the target',
  away: 'Moving away from the target',
  unchanged: 'No change yet',
  unknown: 'Not measured yet',
};

/** "area:ID" and the like, as the scope select sends it. */
export function scopeValue(s: MeasureScope): string {
  return s.by === 'partnership' ? 'partnership' : `${s.by}:${s.id}`;
}

const scopeField = z.preprocess(
  emptyToUndefined,
  z
    .string({ error: 'Select where it is measured' })
    .regex(/^(partnership|(area|team|agency):[0-9a-f-]{36})$/, 'Select where it is measured')
    .transform((v): MeasureScope => {
      if (v === 'partnership') return { by: 'partnership' };
      const [by, id] = v.split(':') as ['area' | 'team' | 'agency', string];
      return { by, id };
    }),
);

const target = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v.trim().replace(/%$/, ''))) ? Number(v.trim().replace(/%$/, '')) : emptyToUndefined(v)),
  z.number({ error: 'Enter the target as a percentage, like 80' }).min(0, 'The target must be between 0 and 100').max(100, 'The target must be between 0 and 100'),
);

/**
 * The measure fields of an action row form: measureKind none | standard | audit; measureStandard (a
 * standard's key); measureQuestion ("toolKey|questionKey|answer"); measureScope; measureTarget.
 */
export const measureFields = z
  .object({
    measureKind: z.preprocess((v) => emptyToUndefined(v) ?? 'none', z.enum(['none', 'standard', 'audit'], { error: 'Select how you will know if it has worked' })),
    measureStandard: z.unknown().optional(),
    measureQuestion: z.unknown().optional(),
    measureScope: z.unknown().optional(),
    measureTarget: z.unknown().optional(),
  })
  .transform((v, ctx): { measure: Measure; target: number } | null => {
    if (v.measureKind === 'none') return null;
    const issue = (path: string, message: string) => {
      ctx.addIssue({ code: 'custom', path: [path], message });
      return z.NEVER;
    };
    const scope = scopeField.safeParse(v.measureScope);
    const t = target.safeParse(v.measureTarget);
    if (v.measureKind === 'standard') {
      const key = typeof v.measureStandard === 'string' ? v.measureStandard.trim() : '';
      if (!/^[a-z0-9-]{1,60}$/.test(key)) issue('measureStandard', 'Select the practice standard');
      if (!scope.success) issue('measureScope', 'Select where it is measured');
      if (!t.success) issue('measureTarget', t.error?.issues[0]?.message ?? 'Enter the target as a percentage, like 80');
      if (!scope.success || !t.success || !/^[a-z0-9-]{1,60}$/.test(key)) return z.NEVER;
      return { measure: { kind: 'standard', key, scope: scope.data }, target: t.data };
    }
    const q = typeof v.measureQuestion === 'string' ? v.measureQuestion.split('|') : [];
    const [toolKey, questionKey, answer] = q;
    const questionOk = q.length === 3 && !!toolKey && !!questionKey && !!answer && answer.length <= 200;
    if (!questionOk) issue('measureQuestion', 'Select the audit question and answer');
    if (!scope.success) issue('measureScope', 'Select where it is measured');
    if (!t.success) issue('measureTarget', t.error?.issues[0]?.message ?? 'Enter the target as a percentage, like 80');
    if (!questionOk || !scope.success || !t.success) return z.NEVER;
    return { measure: { kind: 'audit', toolKey: toolKey!, questionKey: questionKey!, answer: answer!, scope: scope.data }, target: t.data };
  });

/** A stored measure, read back (JSON from the database). */
export const storedMeasure: z.ZodType<Measure> = z.union([
  z.object({ kind: z.literal('standard'), key: z.string(), scope: z.any() }),
  z.object({ kind: z.literal('audit'), toolKey: z.string(), questionKey: z.string(), answer: z.string(), scope: z.any() }),
]) as unknown as z.ZodType<Measure>;
