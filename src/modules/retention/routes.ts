/**
 * Partnership admin pages and API for retention: the rule, the records due for review (case
 * references only), and the two decisions: anonymise (after a confirmation) or keep for now.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../lib/errors.js';
import { pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { emptyToUndefined, optionalIsoDate, parse, text, version } from '../../lib/validation.js';
import { apiRoute, idParams, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import type { RetentionService } from './service.js';

const ADMIN = 'partnership-admin' as const;

const wholeNumber = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v === '' ? undefined : v),
    z
      .number({ error: `Enter ${label} as a whole number` })
      .int({ error: `Enter ${label} as a whole number` })
      .min(min, { error: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${min} or more` })
      .max(max, { error: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max} or fewer` }),
  );

export const ruleSchema = z.object({
  yearsAfterClosure: wholeNumber('the number of years', 1, 100),
  minimumAge: z.preprocess((v) => (v === '' || v === null ? undefined : v), wholeNumber('the minimum age', 0, 120).optional()).transform((v) => v ?? null),
  /** 0 while the partnership still has the default rule. */
  version: z.preprocess((v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v), z.number({ error: 'The version of the rule you edited is missing' }).int().min(0)),
});

export const keepSchema = z.object({
  reason: text('why the record is being kept', 2000),
  reviewAgainOn: optionalIsoDate('the date to review it again'),
  version,
});

export const anonymiseSchema = z.object({ version });

const reviewParams = z.object({ id: z.string() });

/** A review id from the path: anything but a UUID is a 404, before any input is read. */
function reviewId(params: unknown): string {
  const { id } = parse(reviewParams, params);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new NotFoundError('Review not found');
  return id;
}

const backToList = { href: '/admin/retention', text: 'Retention review' };

export function retentionRoutes(app: FastifyInstance, svc: RetentionService): void {
  app.get('/admin/retention', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const r = await svc.list(actor);
    const q = req.query as Record<string, unknown>;
    return reply.page('retention/views/reviews.njk', {
      title: 'Retention review',
      section: 'admin',
      ...r,
      anonymised: typeof q.anonymised === 'string' ? q.anonymised.slice(0, 20) : null,
      kept: typeof q.kept === 'string' ? q.kept.slice(0, 20) : null,
      ruleSaved: q.rule === 'saved',
      backLink: { href: '/admin', text: 'Partnership admin' },
    });
  });

  const rulePage = async (actor: ReturnType<typeof requireActor>) => {
    const rule = await svc.rule(actor);
    return { title: 'Retention rule', section: 'admin', rule, backLink: backToList };
  };

  app.get('/admin/retention/rule', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const page = await rulePage(actor);
    return reply.page('retention/views/rule.njk', {
      ...page,
      values: { yearsAfterClosure: String(page.rule.yearsAfterClosure), minimumAge: page.rule.minimumAge === null ? '' : String(page.rule.minimumAge), version: String(page.rule.version) },
    });
  });

  app.post('/admin/retention/rule', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return handleForm(req, reply, { template: 'retention/views/rule.njk', context: () => rulePage(actor) }, async () => {
      const input = parse(ruleSchema, formValues(req));
      await svc.saveRule(actor, input);
      return '/admin/retention?rule=saved';
    });
  });

  const reviewPage = async (actor: ReturnType<typeof requireActor>, id: string, title: string) => ({ title, section: 'admin', review: await svc.review(actor, id), backLink: backToList });

  app.get('/admin/retention/:id/anonymise', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const id = reviewId(req.params);
    const page = await reviewPage(actor, id, 'Anonymise this record');
    return reply.page('retention/views/anonymise.njk', { ...page, values: { version: String(page.review.version) } });
  });

  app.post('/admin/retention/:id/anonymise', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const id = reviewId(req.params);
    return handleForm(req, reply, { template: 'retention/views/anonymise.njk', context: () => reviewPage(actor, id, 'Anonymise this record') }, async () => {
      const input = parse(anonymiseSchema, formValues(req));
      const done = await svc.anonymise(actor, id, input.version);
      return `/admin/retention?anonymised=${done.caseRef}`;
    });
  });

  app.get('/admin/retention/:id/keep', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const id = reviewId(req.params);
    const page = await reviewPage(actor, id, 'Keep this record for now');
    return reply.page('retention/views/keep.njk', { ...page, values: { version: String(page.review.version) } });
  });

  app.post('/admin/retention/:id/keep', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const id = reviewId(req.params);
    return handleForm(req, reply, { template: 'retention/views/keep.njk', context: () => reviewPage(actor, id, 'Keep this record for now') }, async () => {
      const input = parse(keepSchema, formValues(req));
      const done = await svc.keep(actor, id, input);
      return `/admin/retention?kept=${done.caseRef}`;
    });
  });
}

// API

const dueOut = z
  .object({ id: z.uuid(), caseRef: z.string(), closedOn: z.string(), dueOn: z.string(), ageBand: z.string(), version: z.number().int() })
  .meta({ id: 'RetentionReview' });

const ruleOut = z.object({ yearsAfterClosure: z.number().int(), minimumAge: z.number().int().nullable().describe('null: no minimum age') });

export function retentionApiRoutes(svc: RetentionService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/retention/reviews',
      tag: 'Retention',
      summary:
        'Closed records due for review under the partnership’s retention rule, soonest due first: case reference, closing date and age band, never a name; each record on the page is access-logged; page with page and pageSize (partnership admins)',
      roles: [ADMIN],
      query: z.object(pageQuery),
      response: pageOut(dueOut).extend({ asOf: z.string(), rule: ruleOut }),
      handler: async ({ actor, query }) => {
        const r = await svc.list(actor, query);
        return { ...pageOf(r.due, r.dueTotal, query), asOf: r.today, rule: { yearsAfterClosure: r.rule.yearsAfterClosure, minimumAge: r.rule.minimumAge } };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/retention/reviews/:id',
      tag: 'Retention',
      summary: 'One record due for review: case reference, closing date, age band and the version to decide it with, never a name; access-logged (partnership admins)',
      roles: [ADMIN],
      params: idParams,
      response: dueOut,
      handler: async ({ actor, params }) => svc.review(actor, params.id),
    }),
    apiRoute({
      method: 'GET',
      url: '/retention/rule',
      tag: 'Retention',
      summary: 'The partnership’s retention rule: a closed record is due for review this many years after closing, once the person is at least this old (partnership admins)',
      roles: [ADMIN],
      response: ruleOut.extend({ version: z.number().int(), updatedAt: z.iso.datetime().nullable() }),
      handler: async ({ actor }) => {
        const r = await svc.rule(actor);
        return { yearsAfterClosure: r.yearsAfterClosure, minimumAge: r.minimumAge, version: r.version, updatedAt: r.updatedAt ? new Date(r.updatedAt).toISOString() : null };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/retention/reviews/:id/anonymise',
      tag: 'Retention',
      summary: 'Anonymises a record due for review, in one transaction; 409 when it was decided already or is open again (partnership admins)',
      roles: [ADMIN],
      params: idParams,
      body: anonymiseSchema,
      status: 200,
      response: z.object({ caseRef: z.string(), changed: z.record(z.string(), z.number().int()) }),
      handler: async ({ actor, params, body }) => {
        const r = await svc.anonymise(actor, params.id, body.version);
        return { caseRef: r.caseRef, changed: r.counts };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/retention/reviews/:id/keep',
      tag: 'Retention',
      summary: 'Keeps a record due for review for now, with a reason and a date to review it again (a year on if none) (partnership admins)',
      roles: [ADMIN],
      params: idParams,
      body: z.object({ reason: keepSchema.shape.reason, reviewAgainOn: z.preprocess(emptyToUndefined, keepSchema.shape.reviewAgainOn), version: keepSchema.shape.version }),
      status: 200,
      response: z.object({ caseRef: z.string(), reviewAgainOn: z.string() }),
      handler: async ({ actor, params, body }) => svc.keep(actor, params.id, body),
    }),
  ];
}
