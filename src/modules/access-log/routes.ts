import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { limitOffset, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { pageNumber } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import type { AccessLogService } from './service.js';

const PAGE_SIZE = 50;
const blank = (v: unknown) => (v === '' ? undefined : v);

export const accessLogQuery = z.object({
  recordType: z.preprocess(blank, z.string().trim().max(50, 'Record type must be 50 characters or fewer').optional()),
  recordId: z.preprocess(blank, z.string().trim().max(100, 'Record id must be 100 characters or fewer').optional()),
  subjectId: z.preprocess(blank, z.string().trim().max(100, 'Child id must be 100 characters or fewer').optional()),
  userId: z.preprocess(blank, z.uuid({ error: 'User id must be a UUID' }).optional()),
  page: pageNumber,
});

export function accessLogRoutes(app: FastifyInstance, svc: AccessLogService): void {
  app.get('/access-log', async (req, reply) => {
    const actor = requireActor(req, 'qa-lead', 'partnership-admin');
    const result = accessLogQuery.safeParse(req.query);
    const q = result.success ? result.data : { page: 1 };
    const found = await svc.search(actor, { ...q, limit: PAGE_SIZE, offset: (q.page - 1) * PAGE_SIZE });
    return reply.status(result.success ? 200 : 400).page('access-log/views/search.njk', {
      title: 'Access log',
      section: 'access-log',
      rows: found.rows,
      total: found.total,
      values: req.query,
      page: q.page,
      pages: Math.max(1, Math.ceil(found.total / PAGE_SIZE)),
      errors: result.success ? undefined : Object.fromEntries(result.error.issues.map((i) => [String(i.path[0]), i.message])),
    });
  });
}

const apiQuery = accessLogQuery.extend({
  ...pageQuery,
  action: z.preprocess(blank, z.string().trim().max(50, 'action must be 50 characters or fewer').optional()).describe('e.g. view, update, create, export, sign-in'),
  from: z.preprocess(blank, z.iso.date({ error: 'from must be a date, like 2026-11-02' }).optional()).describe('On or after this day (UTC)'),
  to: z.preprocess(blank, z.iso.date({ error: 'to must be a date, like 2026-11-02' }).optional()).describe('Before the end of this day (UTC)'),
});

const entryOut = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  userId: z.uuid().nullable(),
  userName: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  recordType: z.string(),
  recordId: z.string(),
  subjectId: z.string().nullable().describe('The child the record is about, if any'),
  requestId: z.string().nullable(),
});

export function accessLogApiRoutes(svc: AccessLogService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/access-log',
      tag: 'Access log',
      summary: 'Who viewed or changed a record, newest first (QA leads and partnership admins); filter by recordType, recordId, subjectId (a child), userId, action, from and to; page with page and pageSize',
      roles: ['qa-lead', 'partnership-admin'],
      query: apiQuery,
      response: pageOut(entryOut),
      handler: async ({ actor, query }) => {
        const { page, pageSize, from, to, ...filter } = query;
        const end = to ? new Date(`${to}T00:00:00Z`) : undefined;
        if (end) end.setUTCDate(end.getUTCDate() + 1);
        const r = await svc.search(actor, { ...filter, from: from ? new Date(`${from}T00:00:00Z`) : undefined, to: end, ...limitOffset({ page, pageSize }) });
        return pageOf(
          r.rows.map((row) => ({
            id: Number(row.id),
            at: new Date(row.at).toISOString(),
            userId: row.user_id,
            userName: row.user_name,
            actor: row.actor,
            action: row.action,
            recordType: row.record_type,
            recordId: row.record_id,
            subjectId: row.subject_id,
            requestId: row.request_id,
          })),
          r.total,
          query,
        );
      },
    }),
  ];
}
