/**
 * The kinds of case entry: professionals meetings, referrals to the reflective learning circle,
 * school transitions, assessments (graded care by area, Signs of Safety mapping), supervision,
 * other multi-agency meetings and requests for information. Each is one field list and one schema.
 * Graded assessments record only the partnership's area names and the grades: no licensed tool content.
 */
import { z } from 'zod';
import { choice, isoDate, optionalIsoDate, optionalText, text } from '../../lib/validation.js';
import { addWorkingDays, parseIsoDate, toIsoDate } from '../../lib/working-days.js';
import { defineKind, type EntryKind, formatIsoDate } from './form-definition.js';

/** Working days an agency has to answer a request for information, unless another deadline is set. */
export const RFI_WORKING_DAYS = 10;

/** The areas of a graded care assessment when the partnership has not named its own. */
export const DEFAULT_GRADED_AREAS = ['Physical care', 'Safety', 'Love and care', 'Esteem'] as const;

const wholeNumber = (label: string, min: number, max: number) => {
  const message = `${label} must be a whole number from ${min} to ${max}`;
  return z.preprocess(
    (v) => (typeof v === 'string' ? (v.trim() === '' ? undefined : /^\s*-?\d+\s*$/.test(v) ? Number(v) : v) : v),
    z.number({ error: (iss) => (iss.input === undefined ? `Enter ${label.toLowerCase()}` : message) }).int(message).min(min, message).max(max, message),
  );
};

const gradeRow = z.strictObject({
  area: text('the area', 100),
  grade: z.preprocess(
    (v) => (typeof v === 'string' ? (v === '' ? undefined : /^\d+$/.test(v) ? Number(v) : v) : v),
    z.number({ error: 'Select a grade from 1 to 5 for each area' }).int('Select a grade from 1 to 5 for each area').min(1, 'Select a grade from 1 to 5 for each area').max(5, 'Select a grade from 1 to 5 for each area'),
  ),
});

/** The last weekday (Monday to Friday) before 1 August of a year: the last day before the summer holiday. */
export function summerCutoff(year: number): string {
  const d = new Date(Date.UTC(year, 6, 31));
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() - 1);
  return toIsoDate(d);
}

/**
 * Whether the new school's DSL was told before the summer holiday preceding the move: told on or
 * before the last weekday before 1 August of the move's year. null when the move is not after a
 * summer holiday (a mid-year move), or the DSL has not been told yet.
 */
export function toldBeforeSummer(plannedMoveOn: string, toldOn: string | null | undefined): boolean | null {
  const cutoff = summerCutoff(parseIsoDate(plannedMoveOn).getUTCFullYear());
  if (plannedMoveOn <= cutoff || !toldOn) return null;
  return toldOn <= cutoff;
}

const PROFESSIONALS_REASONS = [
  ['plan-over-12-months', 'The child has been on a plan for over 12 months'],
  ['stuck', 'Things are stuck or drifting'],
  ['disagreement', 'Professionals disagree'],
  ['other', 'Another reason'],
] as const;

const professionalsMeeting = defineKind({
  kind: 'professionals-meeting',
  label: 'Professionals meeting',
  description: 'Practitioners meeting without the family, for when things are stuck; required for a child on a plan over 12 months.',
  fields: [
    { type: 'date', name: 'heldOn', label: 'Date of the meeting' },
    { type: 'textarea', name: 'attendees', label: 'Who attended', hint: 'Names and agencies, one a line.', rows: 4 },
    { type: 'radios', name: 'reason', label: 'Why it was called', options: PROFESSIONALS_REASONS },
    { type: 'textarea', name: 'reasonDetail', label: 'More about why it was called', optional: true, rows: 3 },
    { type: 'textarea', name: 'decisions', label: 'Decisions', hint: 'What was decided, who will do what, by when.', rows: 6 },
  ],
  schema: z.strictObject({
    heldOn: isoDate('the date of the meeting'),
    attendees: text('who attended', 5000),
    reason: choice(PROFESSIONALS_REASONS.map(([v]) => v) as ['plan-over-12-months', 'stuck', 'disagreement', 'other'], 'why the meeting was called'),
    reasonDetail: optionalText('more about why it was called', 5000),
    decisions: text('the decisions', 10000),
  }),
  occurredOn: (d) => d.heldOn,
  summary: (d) => `Called because: ${PROFESSIONALS_REASONS.find(([v]) => v === d.reason)?.[1].toLowerCase() ?? String(d.reason)}. Decisions: ${d.decisions}`,
});

const SEEN_ALONE = [
  ['yes', 'Yes'],
  ['no', 'No'],
  ['not-appropriate', 'No: it was not appropriate'],
] as const;

const childVisit = defineKind({
  kind: 'child-visit',
  label: 'Visit to the child',
  description: 'A visit by the lead practitioner to the child on the plan, and whether the child was seen alone (or why that was not appropriate).',
  fields: [
    { type: 'date', name: 'visitedOn', label: 'Date of the visit' },
    { type: 'text', name: 'visitedBy', label: 'Who visited', defaultTo: 'actor-name' },
    { type: 'text', name: 'where', label: 'Where', hint: 'For example, at home, at school or at nursery.' },
    { type: 'radios', name: 'seenAlone', label: 'Was the child seen alone?', options: SEEN_ALONE },
    { type: 'textarea', name: 'notSeenAloneReason', label: 'If not, why not', optional: true, rows: 3, hint: 'For example, a baby too young to be seen apart from their carer.' },
    { type: 'textarea', name: 'notes', label: 'What was seen and heard', rows: 6 },
  ],
  schema: z
    .strictObject({
      visitedOn: isoDate('the date of the visit'),
      visitedBy: text('who visited', 200),
      where: text('where the visit was', 200),
      seenAlone: choice(['yes', 'no', 'not-appropriate'] as const, 'whether the child was seen alone'),
      notSeenAloneReason: optionalText('why the child was not seen alone', 5000),
      notes: text('what was seen and heard', 20000),
    })
    .superRefine((v, ctx) => {
      if (v.seenAlone !== 'yes' && !v.notSeenAloneReason) ctx.addIssue({ code: 'custom', path: ['notSeenAloneReason'], message: 'Enter why the child was not seen alone' });
    }),
  occurredOn: (d) => d.visitedOn,
  summary: (d) => `${d.visitedBy}, ${d.where}. Seen alone: ${SEEN_ALONE.find(([v]) => v === d.seenAlone)?.[1].toLowerCase() ?? String(d.seenAlone)}`,
});

const reflectiveCircle = defineKind({
  kind: 'reflective-circle-referral',
  label: 'Referral to the reflective learning circle',
  description: 'A complex, stuck or repeat case brought to the partnership’s multi-agency reflective learning circle, with the core group’s written reflection.',
  fields: [
    { type: 'date', name: 'referredOn', label: 'Date referred' },
    { type: 'textarea', name: 'circumstances', label: 'The child’s circumstances', rows: 6 },
    { type: 'textarea', name: 'effectiveness', label: 'The core group’s view of how effective the plan has been, and the barriers to sustainable change', rows: 6 },
    { type: 'textarea', name: 'asks', label: 'What the core group asks the panel to help with', rows: 4 },
    { type: 'date', name: 'panelOn', label: 'Date of the panel', optional: true },
    { type: 'textarea', name: 'outcome', label: 'Outcome of the panel', optional: true, rows: 4 },
  ],
  schema: z
    .strictObject({
      referredOn: isoDate('the date referred'),
      circumstances: text('the child’s circumstances', 10000),
      effectiveness: text('the core group’s view of effectiveness and the barriers to change', 10000),
      asks: text('what the core group asks the panel', 5000),
      panelOn: optionalIsoDate('the date of the panel'),
      outcome: optionalText('the outcome of the panel', 10000),
    })
    .superRefine((v, ctx) => {
      if (v.panelOn && v.panelOn < v.referredOn) ctx.addIssue({ code: 'custom', path: ['panelOn'], message: 'The date of the panel must be on or after the date referred' });
    }),
  occurredOn: (d) => d.referredOn,
  summary: (d) => (d.outcome ? `Panel outcome: ${d.outcome}` : d.panelOn ? `Panel on ${formatIsoDate(d.panelOn)}` : `Asks the panel: ${d.asks}`),
});

const schoolTransition = defineKind({
  kind: 'school-transition',
  label: 'School transition',
  description: 'A planned move to a new school: the new school’s designated safeguarding lead (DSL) and when they were told.',
  fields: [
    { type: 'date', name: 'plannedMoveOn', label: 'Planned date of the move' },
    { type: 'text', name: 'currentSchool', label: 'Current school or setting' },
    { type: 'text', name: 'newSchool', label: 'New school or setting' },
    { type: 'text', name: 'dslName', label: 'Name of the new school’s designated safeguarding lead' },
    { type: 'text', name: 'dslContact', label: 'Their contact details', hint: 'Telephone or secure e-mail.' },
    { type: 'date', name: 'dslToldOn', label: 'Date the new school’s DSL was told of the concerns', optional: true, hint: 'Leave blank until they have been told. Tell them before the summer holiday. For example, 14 7 2027' },
  ],
  schema: z.strictObject({
    plannedMoveOn: isoDate('the planned date of the move'),
    currentSchool: text('the current school or setting', 200),
    newSchool: text('the new school or setting', 200),
    dslName: text('the name of the new school’s designated safeguarding lead', 200),
    dslContact: text('the designated safeguarding lead’s contact details', 200),
    dslToldOn: optionalIsoDate('the date the DSL was told'),
  }),
  occurredOn: (d) => d.plannedMoveOn,
  summary: (d) => `Moving from ${d.currentSchool} to ${d.newSchool}; DSL ${d.dslName}${d.dslToldOn ? ` told on ${formatIsoDate(d.dslToldOn)}` : ' not yet told'}`,
  derived: (d, ctx) => {
    const cutoff = summerCutoff(parseIsoDate(d.plannedMoveOn).getUTCFullYear());
    const label = 'Told before the summer holiday';
    if (d.plannedMoveOn <= cutoff) return [{ label, value: 'Not applicable: the move is not after a summer holiday' }];
    const before = toldBeforeSummer(d.plannedMoveOn, d.dslToldOn);
    if (before === true) return [{ label, value: 'Yes: told before the summer holiday' }];
    if (before === false) return [{ label, value: 'No: told after the summer holiday began', warning: true }];
    if (ctx.today > cutoff) return [{ label, value: 'No: not yet told, and the summer holiday has begun', warning: true }];
    return [{ label, value: `Not yet told: tell them by ${formatIsoDate(cutoff)}`, warning: false }];
  },
  overdue: (d, _due, today) => !d.dslToldOn && d.plannedMoveOn > summerCutoff(parseIsoDate(d.plannedMoveOn).getUTCFullYear()) && today > summerCutoff(parseIsoDate(d.plannedMoveOn).getUTCFullYear()),
});

const gradedCare = defineKind({
  kind: 'graded-care-assessment',
  label: 'Graded care assessment',
  description: 'The results of a graded neglect assessment: a grade from 1 to 5 for each area the partnership names.',
  fields: [
    { type: 'date', name: 'assessedOn', label: 'Date of the assessment' },
    { type: 'text', name: 'assessor', label: 'Assessor', defaultTo: 'actor-name' },
    { type: 'grades', name: 'grades', label: 'Grades by area', hint: 'From 1 (best) to 5 (worst), as the assessment tool defines them.', min: 1, max: 5 },
    { type: 'textarea', name: 'summary', label: 'Summary', hint: 'What the grades mean for the child’s daily life, and what must change.', rows: 6 },
  ],
  schema: z.strictObject({
    assessedOn: isoDate('the date of the assessment'),
    assessor: text('the assessor’s name', 200),
    grades: z.array(gradeRow, { error: 'Enter a grade for each area' }).min(1, 'Enter a grade for each area').max(30),
    summary: text('the summary', 10000),
  }),
  occurredOn: (d) => d.assessedOn,
  summary: (d) => d.grades.map((g) => `${g.area} ${g.grade}`).join(', '),
});

const signsOfSafety = defineKind({
  kind: 'signs-of-safety',
  label: 'Signs of Safety mapping',
  description: 'Worries, what is working well and what needs to happen, with danger statements, safety goals and a 0 to 10 scale.',
  fields: [
    { type: 'date', name: 'mappedOn', label: 'Date of the mapping' },
    { type: 'textarea', name: 'worries', label: 'What are we worried about?', rows: 5 },
    { type: 'textarea', name: 'workingWell', label: 'What’s working well?', rows: 5 },
    { type: 'textarea', name: 'nextSteps', label: 'What needs to happen?', hint: 'The next steps.', rows: 5 },
    { type: 'textarea', name: 'dangerStatements', label: 'Danger statements', optional: true, rows: 4 },
    { type: 'textarea', name: 'safetyGoals', label: 'Safety goals', optional: true, rows: 4 },
    { type: 'scale', name: 'scaling', label: 'Safety scale, 0 to 10', hint: '10 means everyone agrees the child is safe enough for the plan to end; 0 means the child is not safe at home.', min: 0, max: 10 },
  ],
  schema: z.strictObject({
    mappedOn: isoDate('the date of the mapping'),
    worries: text('what we are worried about', 10000),
    workingWell: text('what is working well', 10000),
    nextSteps: text('what needs to happen', 10000),
    dangerStatements: optionalText('the danger statements', 10000),
    safetyGoals: optionalText('the safety goals', 10000),
    scaling: wholeNumber('The safety scale', 0, 10),
  }),
  occurredOn: (d) => d.mappedOn,
  summary: (d) => `Safety scale ${d.scaling} out of 10. Next steps: ${d.nextSteps}`,
});

const supervision = defineKind({
  kind: 'supervision',
  label: 'Supervision note',
  description: 'Management oversight: the reflection and decisions of supervision about this child, linked to the child’s record.',
  fields: [
    { type: 'date', name: 'heldOn', label: 'Date of supervision' },
    { type: 'text', name: 'supervisor', label: 'Supervisor', defaultTo: 'actor-name' },
    { type: 'textarea', name: 'reflection', label: 'Reflection', hint: 'What supervision made of the child’s situation and the plan’s progress.', rows: 6 },
    { type: 'textarea', name: 'decisions', label: 'Decisions and actions', rows: 5 },
  ],
  schema: z.strictObject({
    heldOn: isoDate('the date of supervision'),
    supervisor: text('the supervisor’s name', 200),
    reflection: text('the reflection', 10000),
    decisions: text('the decisions', 10000),
  }),
  occurredOn: (d) => d.heldOn,
  summary: (d) => `Supervisor ${d.supervisor}. Decisions: ${d.decisions}`,
});

const MEETING_KINDS = [
  ['cse-map', 'Child sexual exploitation planning meeting (MAP)'],
  ['marac', 'Multi-agency risk assessment conference (MARAC)'],
  ['other', 'Another multi-agency meeting'],
] as const;

const multiAgencyMeeting = defineKind({
  kind: 'multi-agency-meeting',
  label: 'Other multi-agency meeting',
  description: 'A meeting about the child outside the core group, such as a child sexual exploitation planning meeting, linked here so the core group sees it.',
  fields: [
    { type: 'radios', name: 'meetingKind', label: 'Kind of meeting', options: MEETING_KINDS },
    { type: 'text', name: 'otherKind', label: 'If another meeting, what kind', optional: true },
    { type: 'date', name: 'heldOn', label: 'Date of the meeting' },
    { type: 'textarea', name: 'summary', label: 'Summary', rows: 6 },
    { type: 'textarea', name: 'actions', label: 'Actions', hint: 'Who will do what, by when.', rows: 5 },
  ],
  schema: z
    .strictObject({
      meetingKind: choice(['cse-map', 'marac', 'other'] as const, 'the kind of meeting'),
      otherKind: optionalText('the kind of meeting', 200),
      heldOn: isoDate('the date of the meeting'),
      summary: text('the summary', 10000),
      actions: text('the actions', 10000),
    })
    .superRefine((v, ctx) => {
      if (v.meetingKind === 'other' && !v.otherKind) ctx.addIssue({ code: 'custom', path: ['otherKind'], message: 'Enter what kind of meeting it was' });
    }),
  occurredOn: (d) => d.heldOn,
  summary: (d) => `${d.meetingKind === 'other' ? d.otherKind : MEETING_KINDS.find(([v]) => v === d.meetingKind)?.[1]}: ${d.summary}`,
});

const requestForInformation = defineKind({
  kind: 'request-for-information',
  label: 'Request for information',
  description: 'A request to an agency (a GP surgery, a school) with a response deadline and the answer when it comes.',
  fields: [
    { type: 'agency', name: 'toAgencyId', label: 'Agency asked' },
    { type: 'date', name: 'askedOn', label: 'Date asked' },
    { type: 'date', name: 'dueOn', label: 'Response deadline', optional: true, hint: `Leave blank for ${RFI_WORKING_DAYS} working days after the date asked. For example, 27 3 2026` },
    { type: 'textarea', name: 'question', label: 'What was asked', rows: 5 },
    { type: 'textarea', name: 'answer', label: 'The answer', optional: true, rows: 5, hint: 'Filled in when the agency answers.' },
    { type: 'date', name: 'answeredOn', label: 'Date answered', optional: true, hint: 'Leave blank for today when you enter the answer. For example, 27 3 2026' },
  ],
  schema: z
    .strictObject({
      toAgencyId: z.uuid({ error: 'Select the agency asked' }),
      askedOn: isoDate('the date asked'),
      dueOn: optionalIsoDate('the response deadline'),
      question: text('what was asked', 10000),
      answer: optionalText('the answer', 20000),
      answeredOn: optionalIsoDate('the date answered'),
    })
    .superRefine((v, ctx) => {
      if (v.dueOn && v.dueOn < v.askedOn) ctx.addIssue({ code: 'custom', path: ['dueOn'], message: 'The response deadline must be on or after the date asked' });
      if (v.answeredOn && !v.answer) ctx.addIssue({ code: 'custom', path: ['answer'], message: 'Enter the answer, or leave the date answered blank' });
      if (v.answeredOn && v.answeredOn < v.askedOn) ctx.addIssue({ code: 'custom', path: ['answeredOn'], message: 'The date answered must be on or after the date asked' });
    }),
  occurredOn: (d) => d.askedOn,
  dueOn: (d) => d.dueOn ?? null,
  complete: (d, ctx) => ({
    ...d,
    dueOn: d.dueOn ?? addWorkingDays(d.askedOn, RFI_WORKING_DAYS, ctx.closures),
    ...(d.answer && !d.answeredOn ? { answeredOn: ctx.today } : {}),
  }),
  summary: (d) => (d.answer ? `Answered: ${d.answer}` : `Asked: ${d.question}`),
  derived: (d, ctx) => {
    const label = 'Response';
    if (d.answer) return [{ label, value: d.dueOn && d.answeredOn && d.answeredOn > d.dueOn ? 'Answered after the deadline' : 'Answered' }];
    if (d.dueOn && ctx.today > d.dueOn) return [{ label, value: 'Overdue: no answer by the deadline', warning: true }];
    return [{ label, value: 'Waiting for the answer' }];
  },
  overdue: (d, due, today) => !d.answer && due !== null && today > due,
});

export const ENTRY_KINDS: readonly EntryKind[] = [childVisit, professionalsMeeting, reflectiveCircle, schoolTransition, gradedCare, signsOfSafety, supervision, multiAgencyMeeting, requestForInformation];

export const KIND_NAMES = ENTRY_KINDS.map((k) => k.kind) as [string, ...string[]];

export function entryKind(kind: string): EntryKind | undefined {
  return ENTRY_KINDS.find((k) => k.kind === kind);
}

/** Fields of a request for information that the agency asked may fill in (not the rest of the request). */
export const RFI_ANSWER_FIELDS = ['answer', 'answeredOn'] as const;
