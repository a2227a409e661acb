import { z } from 'zod';
import { CATEGORIES, CONFERENCE_ATTENDANCE, CONFERENCE_KINDS } from '../../db/schema.js';
import { choice, isoDate, manyOf, optionalId, optionalIsoDate, optionalText, text, version, yesNo } from '../../lib/validation.js';

export const SEX_LABELS = { male: 'Male', female: 'Female', 'not-known': 'Not known', 'not-specified': 'Not specified' } as const;
export const SEXES = ['male', 'female', 'not-known', 'not-specified'] as const;

/** CIN census ethnicity codes. */
export const ETHNICITY_LABELS: Record<string, string> = {
  WBRI: 'White British',
  WIRI: 'White Irish',
  WIRT: 'Traveller of Irish heritage',
  WOTH: 'Any other White background',
  WROM: 'Gypsy/Roma',
  MWBC: 'White and Black Caribbean',
  MWBA: 'White and Black African',
  MWAS: 'White and Asian',
  MOTH: 'Any other mixed background',
  AIND: 'Indian',
  APKN: 'Pakistani',
  ABAN: 'Bangladeshi',
  AOTH: 'Any other Asian background',
  BCRB: 'Black Caribbean',
  BAFR: 'Black African',
  BOTH: 'Any other Black background',
  CHNE: 'Chinese',
  OOTH: 'Any other ethnic group',
  REFU: 'Refused',
  NOBT: 'Information not yet obtained',
};

/** CIN census disability codes. */
export const DISABILITY_LABELS: Record<string, string> = {
  NONE: 'No disability',
  MOB: 'Mobility',
  HAND: 'Hand function',
  PC: 'Personal care',
  INC: 'Incontinence',
  COMM: 'Communication',
  LD: 'Learning',
  HEAR: 'Hearing',
  VIS: 'Vision',
  BEH: 'Behaviour',
  CON: 'Consciousness',
  AUT: 'Autism or Asperger syndrome',
  DDA: 'Other disability',
};

export const CATEGORY_LABELS: Record<(typeof CATEGORIES)[number], string> = {
  NEG: 'Neglect',
  PHY: 'Physical abuse',
  EMO: 'Emotional abuse',
  SAB: 'Sexual abuse',
  MUL: 'Multiple categories',
};

export const RELATIONSHIP_LABELS = {
  mother: 'Mother',
  father: 'Father',
  'step-parent': 'Step-parent or parent’s partner',
  carer: 'Carer',
  sibling: 'Sibling',
  grandparent: 'Grandparent',
  other: 'Other',
} as const;
const RELATIONSHIPS = Object.keys(RELATIONSHIP_LABELS) as [keyof typeof RELATIONSHIP_LABELS, ...(keyof typeof RELATIONSHIP_LABELS)[]];

export const STRATEGY_OUTCOME_LABELS = {
  'section-47': 'Start a section 47 enquiry',
  'child-in-need': 'Assess or support as a child in need',
  'no-further-action': 'No further action',
  other: 'Other',
} as const;

export const CONFERENCE_KIND_LABELS: Record<(typeof CONFERENCE_KINDS)[number], string> = {
  initial: 'Initial child protection conference',
  review: 'Review child protection conference',
  'transfer-in': 'Transfer-in conference',
  'pre-birth': 'Pre-birth conference',
};

export const CONFERENCE_ATTENDANCE_LABELS: Record<(typeof CONFERENCE_ATTENDANCE)[number], string> = {
  attended: 'Attended',
  'apologies-report': 'Apologies, sent a report',
  'apologies-no-report': 'Apologies, no report',
  'did-not-attend': 'Did not attend',
  'not-invited': 'Not invited',
};

const laChildId = z
  .string({ error: 'Enter the local authority child ID' })
  .trim()
  .min(1, 'Enter the local authority child ID')
  .max(36, 'Local authority child ID must be 36 characters or fewer')
  .regex(/^[A-Za-z0-9/_-]+$/, 'Local authority child ID must only contain letters, digits, hyphens, slashes and underscores');

const upn = z.preprocess(
  (v) => (v === '' ? undefined : typeof v === 'string' ? v.trim().toUpperCase() : v),
  z
    .string()
    .regex(/^[A-Z]\d{11}[0-9A-Z]$/, 'Unique pupil number must be 13 characters: a letter, 11 digits, then a digit or letter')
    .optional(),
);

const childFields = {
  laChildId,
  upn,
  firstName: text('the child’s first name', 100),
  lastName: text('the child’s last name', 100),
  dateOfBirth: optionalIsoDate('the date of birth'),
  expectedDateOfBirth: optionalIsoDate('the expected date of birth'),
  sex: choice(SEXES, 'the child’s sex'),
  ethnicity: z.preprocess((v) => (v === '' ? undefined : v), z.enum(Object.keys(ETHNICITY_LABELS) as [string, ...string[]], { error: 'Select an ethnicity from the list' }).optional()),
  disabilities: manyOf(Object.keys(DISABILITY_LABELS) as [string, ...string[]], 'disabilities'),
  areaId: optionalId('an area').optional().default(null),
  schoolName: optionalText('the school or setting', 200),
  schoolDslName: optionalText('the designated safeguarding lead’s name', 200),
  schoolDslContact: optionalText('the designated safeguarding lead’s contact', 200),
};

const birthRefinement = <T extends { dateOfBirth?: string | undefined; expectedDateOfBirth?: string | undefined }>(v: T, ctx: z.RefinementCtx) => {
  if (!v.dateOfBirth && !v.expectedDateOfBirth) {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Enter the date of birth, or the expected date of birth for an unborn baby' });
  }
};

export const childSchema = z.strictObject(childFields).superRefine(birthRefinement);

export const newChildSchema = z
  .strictObject({
    ...childFields,
    referralReceivedOn: isoDate('the date the referral was received'),
    referralSource: optionalText('the referral source', 100),
    referralSummary: text('what the referral said', 5000),
  })
  .superRefine(birthRefinement);

export const childUpdateSchema = z.strictObject({ ...childFields, version }).superRefine(birthRefinement);

export const familyMemberSchema = z.strictObject({
  name: text('the person’s name', 200),
  relationship: choice(RELATIONSHIPS, 'how they are related to the child'),
  livesWithChild: yesNo('whether they live with the child'),
  parentalResponsibility: yesNo('parental responsibility'),
  contact: optionalText('contact details', 500),
  notes: optionalText('notes', 2000),
});

export const strategyDiscussionSchema = z.strictObject({
  heldOn: isoDate('the date of the strategy discussion'),
  outcome: choice(Object.keys(STRATEGY_OUTCOME_LABELS) as [keyof typeof STRATEGY_OUTCOME_LABELS, ...(keyof typeof STRATEGY_OUTCOME_LABELS)[]], 'the outcome'),
  notes: optionalText('the notes', 10000),
  /** One participant a line: "Name, Agency" */
  participants: z
    .array(z.strictObject({ agencyId: z.uuid({ error: 'Select the participant’s agency' }), name: text('the participant’s name', 200) }))
    .max(30, 'List at most 30 participants')
    .default([]),
});

export const conferenceScheduleSchema = z.strictObject({
  kind: choice(CONFERENCE_KINDS, 'the kind of conference'),
  scheduledOn: isoDate('the date of the conference'),
  chairUserId: z.uuid({ error: 'Select the conference chair' }),
  invitedAgencyIds: z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(z.uuid({ error: 'Select agencies from the list' })).max(20)),
});

export const conferenceOutcomeSchema = z
  .strictObject({
    heldOn: isoDate('the date the conference was held'),
    decision: choice(['plan', 'no-plan', 'continue', 'end'] as const, 'the conference’s decision'),
    categories: manyOf(CATEGORIES, 'categories of abuse'),
    previousPlans: z.preprocess((v) => (v === '' || v === undefined ? 0 : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number({ error: 'Enter the number of previous plans as a number' }).int().min(0, 'Number of previous plans cannot be negative').max(50)),
    rationale: text('the rationale for the decision', 10000),
    dissent: optionalText('any dissent', 5000),
    outlineOutcomes: optionalText('the outline plan', 10000),
    cinPlan: optionalText('the child in need plan', 10000),
    noCinPlanReason: optionalText('the reason there is no child in need plan', 2000),
    endReason: optionalText('the reason the plan ended', 500),
    attendance: z.record(z.string(), z.enum(CONFERENCE_ATTENDANCE, { error: 'Select attendance for each invitee' })).default({}),
    version,
  })
  .superRefine((v, ctx) => {
    const startsOrKeeps = v.decision === 'plan' || v.decision === 'continue';
    if (startsOrKeeps && v.categories.length === 0) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'Select at least one category of abuse' });
    if (v.decision === 'plan' && !v.outlineOutcomes) ctx.addIssue({ code: 'custom', path: ['outlineOutcomes'], message: 'Enter the outline plan: what must change for the child, one outcome a line' });
    if ((v.decision === 'no-plan' || v.decision === 'end') && !v.cinPlan && !v.noCinPlanReason) {
      ctx.addIssue({ code: 'custom', path: ['cinPlan'], message: 'Set out the child in need plan, or give the reason there is none, before the conference can be completed' });
    }
  });

export const S47_OUTCOME_LABELS = {
  'no-icpc-cin': 'No initial conference: the child will be supported as a child in need',
  'no-icpc-nfa': 'No initial conference and no further action',
} as const;

export const s47OutcomeSchema = z.strictObject({
  outcome: choice(['no-icpc-cin', 'no-icpc-nfa'] as const, 'the outcome of the enquiry'),
  concludedOn: isoDate('the date the enquiry concluded'),
  version,
});

export const allocationSchema = z.strictObject({
  teamId: z.uuid({ error: 'Select the team' }),
  leadUserId: optionalId('the lead practitioner').optional().default(null),
  version,
});
export type AllocationInput = z.output<typeof allocationSchema>;

export type S47OutcomeInput = z.output<typeof s47OutcomeSchema>;
export type NewChildInput = z.output<typeof newChildSchema>;
export type ChildInput = z.output<typeof childSchema>;
export type FamilyMemberInput = z.output<typeof familyMemberSchema>;
export type StrategyDiscussionInput = z.output<typeof strategyDiscussionSchema>;
export type ConferenceScheduleInput = z.output<typeof conferenceScheduleSchema>;
export type ConferenceOutcomeInput = z.output<typeof conferenceOutcomeSchema>;
