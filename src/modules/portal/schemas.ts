/**
 * Secure links (issue 8): what a practitioner enters to create one, and what a child, young
 * person or parent writes through one. Plain words: the people answering are not professionals.
 */
import { z } from 'zod';
import { choice, emptyToUndefined, optionalIsoDate, optionalText } from '../../lib/validation.js';

export const INVITATION_KINDS = ['younger-child', 'young-person', 'parent', 'family-copy'] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];

export const INVITATION_KIND_LABELS: Record<InvitationKind, string> = {
  'younger-child': 'The child (a younger child)',
  'young-person': 'The young person',
  parent: 'A parent or family member',
  'family-copy': 'A parent or family member, to read the family copy of the minutes and the plan',
};

export const INVITATION_KIND_HINTS: Record<InvitationKind, string> = {
  'younger-child': 'Simple words, a feelings scale and the three houses: worries, good things and dreams',
  'young-person': 'What is going well, what worries them, what they want to happen, who they want at the meeting',
  parent: 'The same questions as a young person, about the child',
  'family-copy': 'For a finalised core group meeting whose family copy has been shared; they can say if they agree',
};

/** Who sent it, for "who heard it" on the voice entry. */
export const SUBMITTED_BY: Record<Exclude<InvitationKind, 'family-copy'>, string> = {
  'younger-child': 'the child',
  'young-person': 'the young person',
  parent: 'a parent',
};

/** Tokens are 32 random bytes, base64url: anything else is not a link of ours. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const MAX_CODE_ATTEMPTS = 5;

export const invitationSchema = z.object({
  kind: choice(INVITATION_KINDS, 'who the link is for'),
  familyMemberId: z.preprocess(emptyToUndefined, z.uuid({ error: 'Select the family member' }).optional()),
  target: z.preprocess(emptyToUndefined, z.string({ error: 'Select the meeting or conference' }).regex(/^(meeting|conference):[0-9a-f-]{36}$/, 'Select the meeting or conference')),
  expiresOn: optionalIsoDate('the date the link stops working'),
  code: z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/\s+/g, '') : v) || undefined,
    z.string().regex(/^\d{6}$/, 'The code must be 6 numbers, like 482915').optional(),
  ),
});
export type InvitationInput = z.output<typeof invitationSchema>;

export const FEELINGS = [
  ['very-sad', '😢', 'Very sad'],
  ['sad', '🙁', 'Sad'],
  ['okay', '😐', 'OK'],
  ['happy', '🙂', 'Happy'],
  ['very-happy', '😄', 'Very happy'],
] as const;
const FEELING_VALUES = FEELINGS.map(([v]) => v) as unknown as readonly [string, ...string[]];

const box = (label: string) => optionalText(label, 2000);

export const childViewsSchema = z.object({
  feeling: z.preprocess(emptyToUndefined, z.enum(FEELING_VALUES, { error: 'Choose a face' }).optional()),
  worries: box('your house of worries'),
  goodThings: box('your house of good things'),
  dreams: box('your house of dreams'),
});

export const adultViewsSchema = z.object({
  goingWell: box('what is going well'),
  worries: box('what worries you'),
  wantToHappen: box('what you want to happen'),
  whoAtMeeting: box('who you want at the meeting'),
  meetingShouldKnow: box('anything else the meeting should know'),
});

export const CHILD_QUESTIONS: [string, string][] = [
  ['worries', 'My house of worries'],
  ['goodThings', 'My house of good things'],
  ['dreams', 'My house of dreams'],
];
export const ADULT_QUESTIONS: [string, string][] = [
  ['goingWell', 'What is going well'],
  ['worries', 'What worries me'],
  ['wantToHappen', 'What I want to happen'],
  ['whoAtMeeting', 'Who I want at the meeting'],
  ['meetingShouldKnow', 'Anything else the meeting should know'],
];

export const familyResponseSchema = z.object({
  agrees: z.preprocess((v) => (v === 'yes' ? true : v === 'no' ? false : v), z.boolean({ error: 'Select if you agree with the minutes and the plan' })),
  comment: optionalText('your comment', 2000),
});
