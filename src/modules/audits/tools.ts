/**
 * Audit tools: the questions a case audit asks, grouped in domains, with their answer scales.
 * A tool is data (kept as JSON, versioned): an audit keeps the version it was run with, so a
 * later change to the tool never rewrites a past report. Two tools ship built in, made from the
 * partnership audits the product comes from: a multi-agency child protection audit graded on a
 * scale, with distance travelled (`cp-multi-agency`), and a thematic audit of core groups judged
 * against the required standard (`core-group-thematic`).
 */
import { ValidationError } from '../../lib/errors.js';

export const QUESTION_TYPES = ['grade', 'yes-partly-no', 'meets', 'number', 'choice', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Answer scales. A tool names the grading scale its grade questions use. */
export const SCALES = {
  default: ['Outstanding', 'Good', 'Adequate', 'Inadequate'],
  inspection: ['Outstanding', 'Good', 'Requires improvement to be good', 'Inadequate'],
} as const;
export type ScaleKey = keyof typeof SCALES;
/** A tool's grading scale: one of the two above, or its own labels (best first). */
export type ToolScale = ScaleKey | 'custom';
export const SCALE_CHOICES: readonly ToolScale[] = ['default', 'inspection', 'custom'];

export const YES_PARTLY_NO = ['Yes', 'Partly', 'No'] as const;
export const MEETS = ['Meets the required standard', 'Does not meet the required standard'] as const;

/** Facts the record can answer: the auditor confirms or overrides them with a reason. */
export const PREFILLS = [
  'first-core-group-chaired-by-manager',
  'absent-agencies-sent-reports',
  'minutes-shared-in-time',
  'childs-voice-recorded',
  'actions-reviewed',
  'plan-revised-after-core-group',
] as const;
export type Prefill = (typeof PREFILLS)[number];

export interface Question {
  key: string;
  text: string;
  type: QuestionType;
  /** For 'choice' (required) and for 'yes-partly-no' tools that use only Yes / No. */
  options?: string[];
  guidance?: string;
  prefill?: Prefill;
  /** A headline question (graded in the report's summary) rather than a finding under it. */
  headline?: boolean;
}

export interface Domain {
  key: string;
  name: string;
  questions: Question[];
}

export interface ToolDefinition {
  key: string;
  name: string;
  description: string;
  scale: ToolScale;
  /** The labels of a custom scale, best first (only when scale is 'custom'). */
  scaleOptions?: string[];
  domains: Domain[];
}

export interface StoredTool extends ToolDefinition {
  id: string;
  version: number;
}

/** The answers a question accepts, in order (empty: a number or free text). */
export function optionsOf(tool: Pick<ToolDefinition, 'scale' | 'scaleOptions'>, q: Question): string[] {
  switch (q.type) {
    case 'grade':
      return tool.scale === 'custom' ? [...(tool.scaleOptions ?? [])] : [...SCALES[tool.scale]];
    case 'yes-partly-no':
      return q.options ?? [...YES_PARTLY_NO];
    case 'meets':
      return [...MEETS];
    case 'choice':
      return q.options ?? [];
    default:
      return [];
  }
}

export function questionsOf(tool: ToolDefinition): (Question & { domain: string; domainName: string })[] {
  return tool.domains.flatMap((d) => d.questions.map((q) => ({ ...q, domain: d.key, domainName: d.name })));
}

/**
 * An answer as given (a CSV cell, a form field) in its canonical form: an option label matched
 * without regard to case or surrounding spaces, a number, or text. Returns an error message
 * when the answer is not one the question accepts; an empty answer is null (not answered).
 */
export function normaliseAnswer(tool: ToolDefinition, q: Question, raw: string): { value: string | null } | { error: string } {
  const given = raw.trim();
  if (given === '') return { value: null };
  if (q.type === 'text') return given.length > 5000 ? { error: 'is longer than 5,000 characters' } : { value: given };
  if (q.type === 'number') {
    return /^-?\d+(\.\d+)?$/.test(given) && Number.isFinite(Number(given)) ? { value: String(Number(given)) } : { error: `must be a number, not “${given.slice(0, 40)}”` };
  }
  const options = optionsOf(tool, q);
  const match = options.find((o) => o.toLowerCase() === given.toLowerCase());
  return match ? { value: match } : { error: `must be one of ${options.map((o) => `“${o}”`).join(', ')}, not “${given.slice(0, 40)}”` };
}

const KEY = /^[a-z][a-z0-9_]{0,62}$/;
export const TOOL_KEY = /^[a-z][a-z0-9-]{1,62}$/;
const DOMAIN_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
/** Column names an imported audit's CSV uses for itself: no question may take them. */
const RESERVED_KEYS = new Set(['case_ref', 'area', 'team']);
export const MAX_QUESTIONS = 200;
const MAX_OPTIONS = 20;

function checkLabels(labels: unknown, what: string): string | null {
  if (!Array.isArray(labels) || labels.length < 2) return `Give ${what} at least two options`;
  if (labels.length > MAX_OPTIONS) return `Give ${what} at most ${MAX_OPTIONS} options`;
  const seen = new Set<string>();
  for (const l of labels) {
    if (typeof l !== 'string' || !l.trim()) return `Every option of ${what} needs a label`;
    if (l.length > 80) return `An option of ${what} is at most 80 characters: “${l.slice(0, 40)}…”`;
    if (l.includes('|')) return `An option of ${what} cannot contain |`;
    if (seen.has(l.trim().toLowerCase())) return `The option “${l.trim()}” of ${what} is given twice`;
    seen.add(l.trim().toLowerCase());
  }
  return null;
}

/**
 * Checks a tool definition (a partnership's own, or a new version): keys unique and well formed,
 * options present and distinct, a custom scale with its labels. Throws a ValidationError whose
 * fields name where the problem is (`domains.0.questions.2.type`).
 */
export function validateTool(tool: ToolDefinition): void {
  if (!tool || typeof tool !== 'object') throw new ValidationError({ tool: 'A tool is an object with a key, a name, a scale and domains' });
  const fields: Record<string, string> = {};
  if (typeof tool.key !== 'string' || !TOOL_KEY.test(tool.key)) fields.key = 'Enter a key of 2 to 63 lower-case letters, digits and hyphens, starting with a letter';
  if (typeof tool.name !== 'string' || !tool.name.trim()) fields.name = 'Enter the tool’s name';
  else if (tool.name.length > 200) fields.name = 'The name must be 200 characters or fewer';
  if (tool.description !== undefined && (typeof tool.description !== 'string' || tool.description.length > 2000)) fields.description = 'The description must be 2,000 characters or fewer';
  if (!SCALE_CHOICES.includes(tool.scale)) fields.scale = 'Select a scale: the default, the inspection scale or the tool’s own';
  else if (tool.scale === 'custom') {
    const problem = checkLabels(tool.scaleOptions, 'the scale');
    if (problem) fields.scaleOptions = problem;
  } else if (tool.scaleOptions !== undefined && tool.scaleOptions.length > 0) fields.scaleOptions = 'Only a tool’s own scale has options: choose “its own scale” or leave them out';
  const seen = new Set<string>();
  const domainKeys = new Set<string>();
  let count = 0;
  (Array.isArray(tool.domains) ? tool.domains : []).forEach((d, di) => {
    if (!d || typeof d !== 'object') {
      fields[`domains.${di}`] = 'A domain is an object with a key, a name and questions';
      return;
    }
    if (typeof d.key !== 'string' || !DOMAIN_KEY.test(d.key)) fields[`domains.${di}.key`] = 'Enter a domain key of lower-case letters, digits, hyphens and underscores';
    else if (domainKeys.has(d.key)) fields[`domains.${di}.key`] = `The domain key ${d.key} is used twice`;
    domainKeys.add(d.key);
    if (typeof d.name !== 'string' || !d.name.trim()) fields[`domains.${di}.name`] = 'Enter the domain’s name';
    else if (d.name.length > 200) fields[`domains.${di}.name`] = 'A domain’s name must be 200 characters or fewer';
    if (!Array.isArray(d.questions) || d.questions.length === 0) fields[`domains.${di}.questions`] = 'Give the domain at least one question';
    (Array.isArray(d.questions) ? d.questions : []).forEach((q, qi) => {
      count += 1;
      const at = `domains.${di}.questions.${qi}`;
      if (!q || typeof q !== 'object') {
        fields[at] = 'A question is an object with a key, a text and a type';
        return;
      }
      if (typeof q.key !== 'string' || !KEY.test(q.key)) fields[`${at}.key`] = 'Enter a question key of lower-case letters, digits and underscores, starting with a letter';
      else if (RESERVED_KEYS.has(q.key)) fields[`${at}.key`] = `The key ${q.key} is kept for the case’s own details: choose another`;
      else if (seen.has(q.key)) fields[`${at}.key`] = `The key ${q.key} is used twice`;
      if (typeof q.key === 'string') seen.add(q.key);
      if (!QUESTION_TYPES.includes(q.type)) fields[`${at}.type`] = `Select a type: ${QUESTION_TYPES.join(', ')}`;
      if (typeof q.text !== 'string' || !q.text.trim()) fields[`${at}.text`] = 'Enter the question';
      else if (q.text.length > 1000) fields[`${at}.text`] = 'A question must be 1,000 characters or fewer';
      if (q.guidance !== undefined && (typeof q.guidance !== 'string' || q.guidance.length > 2000)) fields[`${at}.guidance`] = 'Guidance must be 2,000 characters or fewer';
      if (q.type === 'choice') {
        const problem = checkLabels(q.options, 'a choice question');
        if (problem) fields[`${at}.options`] = problem;
      } else if (q.type === 'yes-partly-no' && q.options !== undefined) {
        if (!Array.isArray(q.options) || q.options.length < 2 || q.options.some((o) => !(YES_PARTLY_NO as readonly string[]).includes(o)) || new Set(q.options).size !== q.options.length) {
          fields[`${at}.options`] = 'A yes / partly / no question’s options are two or three of Yes, Partly and No';
        }
      } else if (q.options !== undefined && (!Array.isArray(q.options) || q.options.length > 0) && QUESTION_TYPES.includes(q.type)) fields[`${at}.options`] = `A ${q.type} question takes no options`;
      if (q.prefill !== undefined && !PREFILLS.includes(q.prefill)) fields[`${at}.prefill`] = `Select what the record answers: ${PREFILLS.join(', ')}`;
      else if (q.prefill !== undefined && q.type !== 'yes-partly-no') fields[`${at}.prefill`] = 'Only a yes / partly / no question can be answered from the record';
      if (q.headline !== undefined && typeof q.headline !== 'boolean') fields[`${at}.headline`] = 'Headline is yes or no';
    });
  });
  if (count === 0 && !Object.keys(fields).some((k) => k.startsWith('domains.'))) fields.domains = 'Give the tool at least one question';
  if (count > MAX_QUESTIONS) fields.domains = `A tool has at most ${MAX_QUESTIONS} questions`;
  if (Object.keys(fields).length) throw new ValidationError(fields);
}

/** The shape `assure audit tools --format json` prints, which scripts rely on. */
export function toolSummary(tool: StoredTool): { key: string; name: string; version: number; questions: { key: string; domain: string; text: string; type: QuestionType; options: string[] }[] } {
  return {
    key: tool.key,
    name: tool.name,
    version: tool.version,
    questions: questionsOf(tool).map((q) => ({ key: q.key, domain: q.domain, text: q.text, type: q.type, options: optionsOf(tool, q) })),
  };
}

const grade = (key: string, text: string, guidance: string): Question => ({ key, text, type: 'grade', guidance, headline: true });
const ypn = (key: string, text: string, extra: Partial<Question> = {}): Question => ({ key, text, type: 'yes-partly-no', ...extra });
const comments = (key: string, text = 'Strengths and areas for improvement'): Question => ({
  key,
  text,
  type: 'text',
  guidance: 'What you saw, with where in the record. No names: refer to the child, parent, or the agency.',
});

export const DISTANCE_TRAVELLED = ['Significant improvement', 'Some improvement', 'No progress', 'Risks higher'];

/** Seed 001: a multi-agency audit of children on child protection plans, graded per domain, with distance travelled. */
export const CP_MULTI_AGENCY: ToolDefinition = {
  key: 'cp-multi-agency',
  name: 'Multi-agency child protection case audit',
  description:
    'The quality of work and its impact for children on child protection plans, read across every agency’s records: how risk was identified, the threshold for intervention, planning, risk management and review, the quality of practice, and the impact (distance travelled since the initial conference).',
  scale: 'default',
  domains: [
    {
      key: 'risk',
      name: 'Identification of risk',
      questions: [
        grade('risk_identification', 'How well were the risks and strengths identified?', 'Multi-agency presence and information sharing; strengths and risks set out in the S47 enquiry and reports; multi-agency analysis of risk.'),
        ypn('risk_agencies_engaged', 'Were all the appropriate agencies involved and sharing information, in person or by report?', { prefill: 'absent-agencies-sent-reports' }),
        ypn('risk_child_experience', 'Were the child’s experience, wishes and feelings taken into account?', { prefill: 'childs-voice-recorded' }),
        comments('risk_comments'),
      ],
    },
    {
      key: 'thresholds',
      name: 'Thresholds for intervention',
      questions: [
        grade('thresholds', 'How well were thresholds for intervention applied?', 'Judgements focused on evidence of significant harm, balancing risks and strengths; children considered separately; decisions appropriate.'),
        ypn('thresholds_rationale_clear', 'Was the rationale for the level of intervention clear?'),
        ypn('thresholds_cin_considered', 'Where the child was not (or no longer) on a plan, was a child in need plan set out?'),
        comments('thresholds_comments'),
      ],
    },
    {
      key: 'planning',
      name: 'Planning and the child protection plan',
      questions: [
        grade('planning', 'How good was the planning and the child protection plan?', 'The core group developed the outline plan after the conference; an appropriate range of partners; local services tailored to need, with who is accountable.'),
        ypn('planning_outline_developed', 'Did the core group develop the outline plan after the conference?', { prefill: 'plan-revised-after-core-group' }),
        ypn('planning_child_involved', 'Was the child involved in putting the plan together?'),
        comments('planning_comments'),
      ],
    },
    {
      key: 'review',
      name: 'Risk management and review',
      questions: [
        grade('risk_management', 'How well was risk managed and the plan reviewed?', 'Core groups and reviews focused on whether the plan meets the child’s needs; agreed actions carried out; challenge where there was drift.'),
        ypn('review_focus_on_impact', 'Did the core group evaluate progress and impact, rather than only give updates?', { prefill: 'actions-reviewed' }),
        ypn('review_challenge', 'Where there was drift, was there appropriate challenge or escalation?'),
        comments('review_comments'),
      ],
    },
    {
      key: 'practice',
      name: 'Quality of practice',
      questions: [
        grade('quality_of_practice', 'What was the quality of practice overall?', 'Relationship-based practice, clarity of focus, the voice of the child coming across strongly.'),
        comments('practice_comments'),
      ],
    },
    {
      key: 'impact',
      name: 'Impact',
      questions: [
        {
          key: 'distance_travelled',
          text: 'Distance travelled: the level of risk now compared with at the initial child protection conference',
          type: 'choice',
          options: DISTANCE_TRAVELLED,
          headline: true,
          guidance: 'Compare the risks recorded at the initial conference with the risks at the time of audit.',
        },
        grade('overall', 'Overall grade for the case', 'Your judgement across every domain.'),
        comments('impact_comments', 'What made the difference, or what held it back'),
      ],
    },
  ],
};

/** Seed 003: a thematic audit of the core group process, each area judged against the required standard. */
export const CORE_GROUP_THEMATIC: ToolDefinition = {
  key: 'core-group-thematic',
  name: 'Core group thematic audit',
  description:
    'The core group process for children on child protection plans: the quality of the minutes, the effectiveness of the core group in driving the plan forward, and the overall safety of the child, each judged against the required practice standard.',
  scale: 'default',
  domains: [
    {
      key: 'quality',
      name: 'Quality of minutes',
      questions: [
        { key: 'quality_of_minutes', text: 'Do the core group minutes meet the required standard?', type: 'meets', headline: true, guidance: 'Previous minutes reviewed; the plan discussed and revised; agreed headings used; actions tracked.' },
        ypn('previous_minutes_reviewed', 'Were the previous minutes reviewed?'),
        ypn('plan_discussed_revised', 'Was the child protection plan discussed and revised?', { prefill: 'plan-revised-after-core-group' }),
        ypn('actions_tracked', 'Were actions from previous minutes tracked, and delay’s impact on the child addressed?', { prefill: 'actions-reviewed' }),
        ypn('minutes_shared_agreed', 'Were the minutes shared and agreed with members?', { prefill: 'minutes-shared-in-time' }),
        comments('quality_comments'),
      ],
    },
    {
      key: 'effectiveness',
      name: 'Effectiveness of the core group',
      questions: [
        { key: 'effectiveness', text: 'Is the core group effective in driving forward the plan?', type: 'meets', headline: true, guidance: 'Progress recorded against the plan; analysis of the need for new actions; parental issues tracked back to the impact on the child.' },
        ypn('absent_partner_reports', 'Did every absent partner send a report?', { prefill: 'absent-agencies-sent-reports' }),
        ypn('manager_first_core_group', 'Was the first core group chaired by a manager?', { options: ['Yes', 'No'], prefill: 'first-core-group-chaired-by-manager' }),
        comments('effectiveness_comments'),
      ],
    },
    {
      key: 'safety',
      name: 'Overall safety',
      questions: [
        { key: 'overall_safety', text: 'Does the work on the child’s overall safety meet the required standard?', type: 'meets', headline: true, guidance: 'Responses to safeguarding concerns; safety analysed at the end of the meeting.' },
        ypn('childs_voice_present', 'Is the child’s experience and voice present in the process?', { prefill: 'childs-voice-recorded' }),
        ypn('safety_analysed', 'Was safety analysed at the end of the core group, from the updates given?'),
        comments('safety_comments'),
      ],
    },
  ],
};

export const BUILT_IN_TOOLS: readonly ToolDefinition[] = [CP_MULTI_AGENCY, CORE_GROUP_THEMATIC];
