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

export function composeDigest(items: Pick<QueueItem, 'childId' | 'name' | 'status'>[], publicUrl: string, kind: 'daily' | 'weekly'): DigestMessage {
  const overdue = items.filter((i) => i.status === 'overdue');
  const due = items.filter((i) => i.status === 'due');
  const queue = `${publicUrl}/my/standards`;
  const line = (i: Pick<QueueItem, 'childId' | 'name'>) => `- ${i.name}: ${publicUrl}/children/${i.childId}/standards`;
  // A long list is cut short: the rest are on the queue page
  const lines = (list: typeof items) => [...list.slice(0, MAX_LINES).map(line), ...(list.length > MAX_LINES ? [`- and ${list.length - MAX_LINES} more: ${queue}`] : [])];
  const parts: string[] = [`Your ${kind} practice standards reminder from Assure.`, ''];
  if (overdue.length) parts.push(`${things(overdue.length)} overdue: ${queue}#overdue`, '', ...lines(overdue), '');
  if (due.length) parts.push(`${things(due.length)} due: ${queue}#due`, '', ...lines(due), '');
  parts.push('Each link opens the child’s standards in Assure after you sign in.', `To change how often you get this e-mail, or turn it off: ${publicUrl}/account/notifications`);
  const counts = [overdue.length ? `${overdue.length} overdue` : '', due.length ? `${due.length} due` : ''].filter(Boolean).join(', ');
  return { subject: `Assure: ${counts} in your practice standards`, text: parts.join('\n'), items: items.length };
}
