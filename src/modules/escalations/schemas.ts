import { z } from 'zod';
import { optionalIsoDate, text, version } from '../../lib/validation.js';

export const raiseSchema = z.strictObject({
  aboutAgencyId: z.uuid({ error: 'Select the agency whose practice concerns you' }),
  concern: text('the concern', 10000),
  desiredOutcome: text('the outcome you want', 5000),
  raisedOn: optionalIsoDate('the date raised').describe('Defaults to today; for an escalation raised earlier and recorded now'),
});

export const responseSchema = z.strictObject({ note: text('the response', 10000), version });
export const escalateSchema = z.strictObject({ reason: text('why it is being escalated', 10000), version });
export const resolveSchema = z.strictObject({ outcome: text('the outcome', 10000), learning: text('the learning', 10000), version });
export const withdrawSchema = z.strictObject({ reason: text('why it is being withdrawn', 5000), version });

export type RaiseInput = z.output<typeof raiseSchema>;
export type ResponseInput = z.output<typeof responseSchema>;
export type EscalateInput = z.output<typeof escalateSchema>;
export type ResolveInput = z.output<typeof resolveSchema>;
export type WithdrawInput = z.output<typeof withdrawSchema>;

export const STATUS_LABELS = { open: 'Open', resolved: 'Resolved', withdrawn: 'Withdrawn' } as const;
export const EVENT_LABELS = { raised: 'Raised', response: 'Response', escalated: 'Escalated', resolved: 'Resolved', withdrawn: 'Withdrawn' } as const;
