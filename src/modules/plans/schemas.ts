/**
 * What the plan's pages and API accept: outcomes, actions in the five columns, progress, and the
 * comparison of two versions. Forms and the API share these schemas.
 */
import { z } from 'zod';
import { ACTION_STATUSES, type ActionStatus } from '../../db/schema.js';
import { choice, emptyToUndefined, isoDate, optionalId, optionalText, pageNumber, text, version } from '../../lib/validation.js';

export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  'not-started': 'Not started',
  'in-progress': 'In progress',
  done: 'Done',
  'not-done': 'Not done',
};

export const ACTION_STATUS_TAGS: Record<ActionStatus, string> = {
  'not-started': 'govuk-tag--grey',
  'in-progress': 'govuk-tag--blue',
  done: 'govuk-tag--green',
  'not-done': 'govuk-tag--orange',
};

/** The draft core group meeting a revision is made in, when it is made in one. */
const meetingId = z.preprocess(emptyToUndefined, z.uuid({ error: 'The meeting this change was made in is not recognised' }).optional());

const outcomeTitle = text('what must change for the child', 500);

export const outcomeSchema = z.strictObject({ title: outcomeTitle, meetingId });

export const outcomeUpdateSchema = z.strictObject({ title: outcomeTitle, version, meetingId });

export const removalSchema = z.strictObject({ version, meetingId, reason: optionalText('the reason', 1000) });

export const actionSchema = z
  .strictObject({
    outcomeId: z.uuid({ error: 'Select the outcome this action is for' }),
    what: text('what needs to happen', 2000),
    ownerUserId: optionalId('who will do it').optional().default(null),
    ownerName: optionalText('the name of who will do it', 200),
    ownerAgencyId: optionalId('their agency').optional().default(null),
    dueOn: isoDate('the date it must be done by'),
    doneMeasure: text('how we will know it has been done', 2000),
    workedMeasure: text('how we will know it has worked', 2000),
    meetingId,
  })
  .superRefine((v, ctx) => {
    if (v.ownerUserId && v.ownerName) {
      ctx.addIssue({ code: 'custom', path: ['ownerName'], message: 'Choose a person from the list, or type a name, not both' });
    } else if (!v.ownerUserId && !v.ownerName) {
      ctx.addIssue({ code: 'custom', path: ['ownerUserId'], message: 'Select who will do it, or type their name and choose their agency' });
    } else if (v.ownerName && !v.ownerAgencyId) {
      ctx.addIssue({ code: 'custom', path: ['ownerAgencyId'], message: 'Select the agency of the person who will do it' });
    }
  });

export const actionUpdateSchema = actionSchema.safeExtend({ version });

export const progressSchema = z.strictObject({
  status: choice(ACTION_STATUSES, 'the action’s status'),
  note: text('a progress note: what has happened and what difference it has made', 5000),
  version,
});

const versionNumber = (label: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v === '' ? undefined : v),
    z.number({ error: `Select the ${label} version` }).int().min(1, `Select the ${label} version`),
  );

export const compareQuery = z.object({
  from: versionNumber('earlier'),
  to: versionNumber('later'),
  planId: z.preprocess(emptyToUndefined, z.uuid({ error: 'Plan not found' }).optional()),
});

/** The compare page without a choice yet shows the choice. */
export const comparePageQuery = z.object({
  from: z.preprocess(emptyToUndefined, versionNumber('earlier').optional()),
  to: z.preprocess(emptyToUndefined, versionNumber('later').optional()),
  planId: z.preprocess(emptyToUndefined, z.uuid({ error: 'Plan not found' }).optional()),
});

export const myActionsQuery = z.object({
  page: pageNumber,
  whose: z.preprocess(emptyToUndefined, z.enum(['all', 'mine', 'agency'], { error: 'Select whose actions to show' }).default('all')),
});

export type OutcomeInput = z.output<typeof outcomeSchema>;
export type OutcomeUpdateInput = z.output<typeof outcomeUpdateSchema>;
export type RemovalInput = z.output<typeof removalSchema>;
export type ActionInput = z.output<typeof actionSchema>;
export type ActionUpdateInput = z.output<typeof actionUpdateSchema>;
export type ProgressInput = z.output<typeof progressSchema>;
export type MyActionsQuery = z.output<typeof myActionsQuery>;
