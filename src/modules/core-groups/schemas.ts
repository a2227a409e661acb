import { z } from 'zod';
import { MEETING_ATTENDANCE } from '../../db/schema.js';
import { checkbox, choice, id, isoDate, manyOf, optionalId, optionalText, text, version, yesNo } from '../../lib/validation.js';
import { QUALITY_CHECK_IDS } from './quality.js';

export const MEETING_ATTENDANCE_LABELS: Record<(typeof MEETING_ATTENDANCE)[number], string> = {
  present: 'Present',
  'apologies-report': 'Apologies, sent a report',
  'apologies-no-report': 'Apologies, no report',
  'not-invited': 'Not invited',
};

export const REVIEW_STATUS_LABELS = { done: 'Done', 'in-progress': 'In progress', 'not-done': 'Not done' } as const;
export const REVIEW_STATUSES = ['done', 'in-progress', 'not-done'] as const;

/** Action statuses are named as on the plan. */
export { ACTION_STATUS_LABELS } from '../plans/schemas.js';

export const memberSchema = z
  .strictObject({
    kind: choice(['user', 'person'] as const, 'whether the member uses Assure'),
    userId: optionalId('the person who uses Assure'),
    name: optionalText('the person’s name', 200),
    agencyId: optionalId('their agency'),
    isParent: checkbox.optional().default(false),
    role: text('their role in the core group', 200),
    joinedOn: isoDate('the date they joined'),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'user' && !v.userId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'Select the person who uses Assure' });
    if (v.kind === 'person' && !v.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'Enter the person’s name' });
    if (v.kind === 'person' && !v.isParent && !v.agencyId) ctx.addIssue({ code: 'custom', path: ['agencyId'], message: 'Select the practitioner’s agency, or say they are a parent or carer' });
  });

export const leaveSchema = z.strictObject({
  leftOn: isoDate('the date they left'),
  reason: text('why they left', 500),
  version,
});

export const newMeetingSchema = z.strictObject({
  heldOn: isoDate('the date of the meeting'),
  chairUserId: id('who chairs the meeting'),
});

const attendanceMap = z.record(z.uuid({ error: 'Attendance must be given by member id' }), z.enum(MEETING_ATTENDANCE, { error: 'Select the member’s attendance' }));

export const attendanceSchema = z.strictObject({
  attendance: attendanceMap,
  membershipConfirmed: checkbox,
  version,
});

export const parentsSchema = z.strictObject({
  parentsAttendance: optionalText('the parents’ attendance', 5000),
  absentParentConsideration: optionalText('how the absent parent’s involvement was considered', 5000),
  version,
});

const safetyScale = z.preprocess(
  (v) => (v === '' || v === undefined ? null : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z
    .number({ error: 'Safety scale must be a whole number from 0 to 10' })
    .int('Safety scale must be a whole number from 0 to 10')
    .min(0, 'Safety scale must be a whole number from 0 to 10')
    .max(10, 'Safety scale must be a whole number from 0 to 10')
    .nullable(),
);

const minutesText = z.string({ error: 'The minutes under each heading must be text' }).max(20000, 'The minutes under each heading must be 20,000 characters or fewer');

export const minutesSchema = z.strictObject({
  minutes: z.record(z.string().regex(/^[a-z0-9-]{1,80}$/, 'Unknown heading'), minutesText),
  safetyScale,
  version,
});

export const reviewSchema = z.strictObject({
  actionId: z.uuid({ error: 'Select the action' }),
  status: choice(REVIEW_STATUSES, 'whether the action is done, in progress or not done'),
  comment: text('a comment on the action', 5000),
});

export const actionReviewsSchema = z.strictObject({
  reviews: z.array(reviewSchema).max(200),
  version,
});

export const finaliseSchema = z.strictObject({ version });

export const familyCopySchema = z.strictObject({
  familyCopy: text('the family copy of the minutes', 100000),
  version,
});

export const shareSchema = z.strictObject({
  audience: choice(['professionals', 'family'] as const, 'who the minutes are shared with'),
  familyCopy: optionalText('the family copy of the minutes', 100000),
  version,
});

export const agreementSchema = z
  .strictObject({
    agrees: yesNo('whether you agree with the minutes'),
    comment: optionalText('your comment', 5000),
  })
  .superRefine((v, ctx) => {
    if (v.agrees === false && !v.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Say what you disagree with in the minutes' });
  });

/** The API's change to a draft meeting: any of its parts, with the version read. */
export const meetingPatchSchema = z.strictObject({
  version,
  minutes: z.record(z.string().regex(/^[a-z0-9-]{1,80}$/, 'Unknown heading'), minutesText).optional(),
  safetyScale: safetyScale.optional(),
  attendance: attendanceMap.optional(),
  membershipConfirmed: z.boolean({ error: 'membershipConfirmed must be true or false' }).optional(),
  parentsAttendance: z.string().max(5000).nullable().optional(),
  absentParentConsideration: z.string().max(5000).nullable().optional(),
  viewsConsidered: z.string().max(10000, 'How the views were considered must be 10000 characters or fewer').nullable().optional(),
});

export const viewsSchema = z.strictObject({
  viewsConsidered: optionalText('how the child’s and family’s own views were considered', 10000),
  version,
});

export const settingsSchema = z.strictObject({
  headings: text('the headings, one a line', 5000),
  mandatoryChecks: manyOf(QUALITY_CHECK_IDS, 'checks'),
  version: z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number({ error: 'The version of the settings you edited is missing' }).int().min(0)),
});

export type MemberInput = z.output<typeof memberSchema>;
export type LeaveInput = z.output<typeof leaveSchema>;
export type NewMeetingInput = z.output<typeof newMeetingSchema>;
export type MeetingPatch = z.output<typeof meetingPatchSchema>;
export type ReviewInput = z.output<typeof reviewSchema>;
export type AgreementInput = z.output<typeof agreementSchema>;
export type SettingsInput = z.output<typeof settingsSchema>;
