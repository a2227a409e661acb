/**
 * The reminder e-mail: counts and links only. No child's name, date of birth or any other detail
 * that identifies a child goes into an e-mail: each item is the standard's name and a link to the
 * child's standards page by id, which asks the reader to sign in.
 */
import type { QueueItem } from './queue.js';

export interface DigestMessage {
  subject: string;
  text: string;
  items: number;
}

const MAX_LINES = 30;

const things = (n: number) => `${n} ${n === 1 ? 'thing is' : 'things are'}`;
const briefingsFor = (n: number) => `${n} ${n === 1 ? 'briefing' : 'briefings'}`;

/**
 * `briefings`: how many 7-minute briefings the reader's team has been sent and not yet responded to, counted
 * and linked to the team's list, never named (a review's title can carry its subject's pseudonym).
 */
export function composeDigest(items: Pick<QueueItem, 'childId' | 'name' | 'status'>[], publicUrl: string, kind: 'daily' | 'weekly', briefings = 0): DigestMessage {
  const overdue = items.filter((i) => i.status === 'overdue');
  const due = items.filter((i) => i.status === 'due');
  const queue = `${publicUrl}/my/standards`;
  const line = (i: Pick<QueueItem, 'childId' | 'name'>) => `- ${i.name}: ${publicUrl}/children/${i.childId}/standards`;
  // A long list is cut short: the rest are on the queue page
  const lines = (list: typeof items) => [...list.slice(0, MAX_LINES).map(line), ...(list.length > MAX_LINES ? [`- and ${list.length - MAX_LINES} more: ${queue}`] : [])];
  const parts: string[] = [items.length ? `Your ${kind} practice standards reminder from Assure.` : `Your ${kind} reminder from Assure.`, ''];
  if (overdue.length) parts.push(`${things(overdue.length)} overdue: ${queue}#overdue`, '', ...lines(overdue), '');
  if (due.length) parts.push(`${things(due.length)} due: ${queue}#due`, '', ...lines(due), '');
  if (briefings) parts.push(`Your team has ${briefingsFor(briefings)} to discuss and respond to: ${publicUrl}/learning#briefings`, '');
  if (items.length) parts.push('Each link opens the child’s standards in Assure after you sign in.');
  parts.push(`To change how often you get this e-mail, or turn it off: ${publicUrl}/account/notifications`);
  const counts = [overdue.length ? `${overdue.length} overdue` : '', due.length ? `${due.length} due` : ''].filter(Boolean).join(', ');
  const subject = [counts ? `${counts} in your practice standards` : '', briefings ? `${briefingsFor(briefings)} for your team to discuss` : ''].filter(Boolean).join('; ');
  return { subject: `Assure: ${subject}`, text: parts.join('\n'), items: items.length + briefings };
}
