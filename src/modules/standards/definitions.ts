/**
 * The default practice standards, shipped as data. A partnership gets these as version 1 of each
 * standard (effective from DEFAULTS_EFFECTIVE_FROM) the first time its standards are used; a later
 * version of a standard (new parameters from a date) is another row, never an edit of this list.
 * Pure: no I/O.
 */

export const STANDARD_KEYS = [
  'strategy-attendance',
  'icpc-timescale',
  'first-core-group',
  'first-core-group-chair',
  'core-group-interval',
  'review-conference',
  'child-visits',
  'minutes-finalised',
  'minutes-shared',
  'absent-agency-report',
  'professionals-meeting',
  'long-plan-checkpoints',
  'cin-plan-on-end',
  'school-move-dsl',
  'escalation-response',
  'actions-on-time',
  'rfi-answered',
  'repeat-plan',
] as const;
export type StandardKey = (typeof STANDARD_KEYS)[number];

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A timescale is met or not; a flag only draws attention to a child (repeat plans, long plans) and has no compliance rate. */
export type StandardKind = 'timescale' | 'flag';

export interface StandardDefinition {
  key: StandardKey;
  name: string;
  /** What it checks, in a sentence. */
  checks: string;
  kind: StandardKind;
  source: 'statutory' | 'local';
  citation: string;
  parameters: Record<string, unknown>;
  severity: Severity;
}

/** Version 1 of every default standard is in force from this date. */
export const DEFAULTS_EFFECTIVE_FROM = '2000-01-01';

const WT = 'Working Together to Safeguard Children 2023 (DfE)';
const LOCAL = 'Local standard of the partnership (set out in its child protection procedures)';

export const DEFAULT_STANDARDS: readonly StandardDefinition[] = [
  {
    key: 'strategy-attendance',
    name: 'Strategy discussion attended by social care, police and health',
    checks: 'Every strategy discussion has a participant from each of the agency types named (by default children’s social care, police and health).',
    kind: 'timescale',
    source: 'statutory',
    citation: `${WT}: strategy discussions`,
    parameters: { agencyTypes: ['childrens-social-care', 'police', 'health'] },
    severity: 'high',
  },
  {
    key: 'icpc-timescale',
    name: 'Initial conference within 15 working days of the strategy discussion',
    checks: 'The initial child protection conference is held within the number of working days of the strategy discussion that started the section 47 enquiry.',
    kind: 'timescale',
    source: 'statutory',
    citation: `${WT}: initial child protection conferences`,
    parameters: { workingDays: 15 },
    severity: 'high',
  },
  {
    key: 'first-core-group',
    name: 'First core group within 10 working days of the initial conference',
    checks: 'The first core group meeting of a plan is held within the number of working days of the conference that started it.',
    kind: 'timescale',
    source: 'statutory',
    citation: `${WT}: the child protection plan and the core group`,
    parameters: { workingDays: 10 },
    severity: 'high',
  },
  {
    key: 'first-core-group-chair',
    name: 'First core group chaired by a manager',
    checks: 'The first core group meeting of a plan is chaired by a team manager.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: {},
    severity: 'medium',
  },
  {
    key: 'core-group-interval',
    name: 'Core groups at least every 6 weeks',
    checks: 'After the first core group meeting, each meeting is held within the interval (in weeks) of the one before, while the plan lasts.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: { weeks: 6 },
    severity: 'high',
  },
  {
    key: 'review-conference',
    name: 'Review conference within 3 months, then every 6 months',
    checks: 'The first review conference is held within the first interval (months) of the plan starting, and each later one within the second interval of the one before.',
    kind: 'timescale',
    source: 'statutory',
    citation: `${WT}: review child protection conferences`,
    parameters: { firstMonths: 3, thenMonths: 6 },
    severity: 'high',
  },
  {
    key: 'child-visits',
    name: 'Child visited at least every 10 working days, and seen alone',
    checks: 'While the plan lasts, the child is visited within the number of working days of the plan starting and of each visit before; at every visit the child is seen alone unless it was recorded as not appropriate.',
    kind: 'timescale',
    source: 'local',
    citation: `${LOCAL}; ${WT}: the lead practitioner sees the child, alone where appropriate`,
    parameters: { workingDays: 10, seenAlone: true },
    severity: 'high',
  },
  {
    key: 'minutes-finalised',
    name: 'Core group minutes finalised within 5 working days',
    checks: 'The minutes of every core group meeting are finalised within the number of working days of the meeting.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: { workingDays: 5 },
    severity: 'medium',
  },
  {
    key: 'minutes-shared',
    name: 'Core group minutes shared within 10 working days',
    checks: 'The minutes of every core group meeting are shared with the professionals within the number of working days of the meeting.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: { workingDays: 10 },
    severity: 'medium',
  },
  {
    key: 'absent-agency-report',
    name: 'Every absent agency sends a report',
    checks: 'A professional who gives apologies for a core group meeting or conference sends a report; apologies without a report, or not attending without one, is missed.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: {},
    severity: 'medium',
  },
  {
    key: 'professionals-meeting',
    name: 'Professionals meeting for a plan over 12 months',
    checks: 'A child on a plan for longer than the number of months has a professionals meeting (a case entry) held from the window’s start, by that point.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: { months: 12, windowFromMonths: 9 },
    severity: 'high',
  },
  {
    key: 'long-plan-checkpoints',
    name: 'Long plan checkpoints (9, 15 and 24 months)',
    checks: 'Flags a child whose current plan has lasted past a checkpoint (months).',
    kind: 'flag',
    source: 'local',
    citation: LOCAL,
    parameters: { months: [9, 15, 24] },
    severity: 'medium',
  },
  {
    key: 'cin-plan-on-end',
    name: 'A plan that ends has a child in need plan',
    checks: 'When a plan ends, a child in need plan is set out (or the reason there is none is recorded).',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: {},
    severity: 'high',
  },
  {
    key: 'school-move-dsl',
    name: 'New school’s DSL told before a school move',
    checks: 'For a school transition, the new school’s designated safeguarding lead is told before the move, and before the summer holiday when the move follows it.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: {},
    severity: 'medium',
  },
  {
    key: 'escalation-response',
    name: 'Escalation stages answered within their deadlines',
    checks: 'Each stage of an escalation is answered (or resolved) by its response deadline.',
    kind: 'timescale',
    source: 'local',
    citation: 'The partnership’s escalation policy for professional disagreement',
    parameters: { stageWorkingDays: { 1: 5, 2: 5, 3: 10, 4: 10 } },
    severity: 'medium',
  },
  {
    key: 'actions-on-time',
    name: 'Plan actions done by their date',
    checks: 'Every action of the plan is done by its date; an action past its date and not done is overdue.',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: {},
    severity: 'medium',
  },
  {
    key: 'rfi-answered',
    name: 'Requests for information answered by their deadline',
    checks: 'A request for information to an agency is answered by its deadline (by default a number of working days after it was asked).',
    kind: 'timescale',
    source: 'local',
    citation: LOCAL,
    parameters: { workingDays: 10 },
    severity: 'medium',
  },
  {
    key: 'repeat-plan',
    name: 'Second or later plan, or re-referral after a plan',
    checks: 'Flags a child on a second or later plan, or referred again within the number of months of a plan ending.',
    kind: 'flag',
    source: 'local',
    citation: LOCAL,
    parameters: { reReferralMonths: 12 },
    severity: 'medium',
  },
];

export function defaultStandard(key: string): StandardDefinition | undefined {
  return DEFAULT_STANDARDS.find((d) => d.key === key);
}
