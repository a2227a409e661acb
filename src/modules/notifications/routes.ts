/**
 * /my/standards: what is due or overdue for me, my team and my agency, from the stored practice
 * standards results; /account/notifications: how often the reminder e-mail comes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import { DIGESTS } from './db.js';
import type { QueueItem } from './queue.js';
import { type NotificationsService, userOnly } from './service.js';

export const digestSchema = z.strictObject({ digest: z.enum(DIGESTS, { error: 'Select how often you want the reminder e-mail' }) });

const DIGEST_LABELS = { off: 'Never: no reminder e-mails', daily: 'Daily: each working morning there is something due or overdue', weekly: 'Weekly: on Monday mornings' };

export function notificationsRoutes(app: FastifyInstance, svc: NotificationsService, mail: { enabled: boolean }): void {
  app.get('/my/standards', async (req, reply) => {
    const actor = requireActor(req);
    const q = await svc.queue(actor);
    return reply.page('notifications/views/my-standards.njk', { title: 'Practice standards due', section: 'work', backLink: { href: '/my/work', text: 'Your work' }, ...q });
  });

  const settingsPage = async (actor: ReturnType<typeof requireActor>) => {
    const s = await svc.digestSetting(actor);
    return { title: 'Reminder e-mails', section: 'account', backLink: { href: '/account', text: 'Your account' }, setting: s, digestItems: DIGESTS.map((d) => ({ value: d, text: DIGEST_LABELS[d] })), mailEnabled: mail.enabled };
  };

  app.get('/account/notifications', async (req, reply) => {
    const actor = requireActor(req);
    userOnly(actor);
    const page = await settingsPage(actor);
    const saved = (req.query as Record<string, unknown>).saved === '1';
    return reply.page('notifications/views/settings.njk', { ...page, values: { digest: page.setting.digest }, ...(saved ? { flash: 'Your reminder setting has been saved' } : {}) });
  });

  app.post('/account/notifications', async (req, reply) => {
    const actor = requireActor(req);
    userOnly(actor);
    return handleForm(req, reply, { template: 'notifications/views/settings.njk', context: () => settingsPage(actor) }, async () => {
      const { digest } = parse(digestSchema, formValues(req));
      await svc.setDigest(actor, digest);
      return '/account/notifications?saved=1';
    });
  });
}

const itemOut = z.object({ childId: z.uuid(), child: z.string(), laChildId: z.string(), standard: z.string(), name: z.string(), status: z.enum(['due', 'overdue']), dueOn: z.string().nullable() });
const itemJson = (i: QueueItem) => ({ childId: i.childId, child: `${i.firstName} ${i.lastName}`, laChildId: i.laChildId, standard: i.key, name: i.name, status: i.status, dueOn: i.dueOn });

export function notificationsApiRoutes(svc: NotificationsService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/my/standards',
      tag: 'Work queues',
      summary: 'Practice standards due or overdue for the children you lead or chair, your team’s (managers) and your agency’s',
      response: z.object({ today: z.string(), overdue: z.number().int(), due: z.number().int(), mine: z.array(itemOut), team: z.array(itemOut), agency: z.array(itemOut) }),
      handler: async ({ actor }) => {
        const q = await svc.queue(actor);
        return { today: q.today, overdue: q.overdue, due: q.due, mine: q.mine.map(itemJson), team: q.team.map(itemJson), agency: q.agency.map(itemJson) };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/account/notifications',
      tag: 'Account',
      summary: 'How often you get the reminder e-mail of standards due (off, daily, weekly); isDefault when you have not chosen',
      response: z.object({ digest: z.enum(DIGESTS), isDefault: z.boolean() }),
      handler: async ({ actor }) => {
        userOnly(actor);
        return svc.digestSetting(actor);
      },
    }),
  ];
}
