/** How each standard status is named and tagged on every standards page. */
import type { Status } from './engine.js';

export const STATUS_LABELS: Record<Status, string> = {
  met: 'Met',
  'met-late': 'Met late',
  due: 'Due',
  overdue: 'Overdue',
  missed: 'Missed',
  'not-applicable': 'Not applicable',
  excepted: 'Excepted',
};

export const STATUS_TAGS: Record<Status, string> = {
  met: 'govuk-tag--green',
  'met-late': 'govuk-tag--yellow',
  due: 'govuk-tag--blue',
  overdue: 'govuk-tag--red',
  missed: 'govuk-tag--red',
  'not-applicable': 'govuk-tag--grey',
  excepted: 'govuk-tag--purple',
};
