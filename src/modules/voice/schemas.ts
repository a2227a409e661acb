import { z } from 'zod';
import { VOICE_KINDS } from '../../db/schema.js';
import { choice, isoDate, optionalId, optionalText, text, version } from '../../lib/validation.js';

export const VOICE_KIND_LABELS: Record<(typeof VOICE_KINDS)[number], string> = {
  said: 'What the child said, in their own words',
  observation: 'Observation of the child’s lived experience',
  submission: 'The child’s own submission',
  advocate: 'The child’s views through an advocate',
};

export const VOICE_KIND_HINTS: Record<(typeof VOICE_KINDS)[number], string> = {
  said: 'Their words, as they said them: not a summary of what professionals think they meant.',
  observation: 'For babies and children who do not speak: what you saw of their day, their presentation, routines, and how they and their carers responded to each other.',
  submission: 'Something the child wrote, drew or recorded themselves, for example for a meeting or conference.',
  advocate: 'The child’s views given by an advocate on their behalf.',
};

export const SEEN_ALONE_LABELS = { yes: 'Yes', no: 'No', 'not-applicable': 'Not applicable' } as const;
export type SeenAlone = keyof typeof SEEN_ALONE_LABELS;

export const seenAloneValue = (v: SeenAlone): boolean | null => (v === 'yes' ? true : v === 'no' ? false : null);
export const seenAloneChoice = (v: boolean | null): SeenAlone => (v === true ? 'yes' : v === false ? 'no' : 'not-applicable');

const fields = {
  kind: choice(VOICE_KINDS, 'what kind of entry this is'),
  recordedOn: isoDate('the date'),
  content: text('what the child said, or what was observed', 20000),
  how: text('how it was gathered', 500),
  heardByName: optionalText('who heard it', 200),
  seenAlone: choice(['yes', 'no', 'not-applicable'] as const, 'whether the child was seen alone'),
  meetingId: optionalId('the core group meeting').optional().default(null),
  conferenceId: optionalId('the conference').optional().default(null),
};

export const voiceSchema = z.strictObject(fields);
export const voiceUpdateSchema = z.strictObject({ ...fields, version });

export type VoiceInput = z.output<typeof voiceSchema>;
export type VoiceUpdateInput = z.output<typeof voiceUpdateSchema>;

/** The form has one "what it informed" choice, "meeting:<id>" or "conference:<id>"; the API has the two ids. */
export function voiceForm(values: Record<string, unknown>): Record<string, unknown> {
  const { informed, ...rest } = values;
  const m = typeof informed === 'string' ? informed.match(/^(meeting|conference):(.+)$/) : null;
  return { ...rest, meetingId: m?.[1] === 'meeting' ? m[2] : null, conferenceId: m?.[1] === 'conference' ? m[2] : null };
}
