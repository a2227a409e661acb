/**
 * Pages and API of learning: reviews (from scratch or from a completed audit), the 7-minute briefing
 * (page and PDF), sending it to teams, a team's response with its action rows, the action plan with
 * progress, closure and measures, and the partnership's assurance view (page, PDF, XLSX).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { REVIEW_KINDS } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { barChartSvg } from '../../lib/charts.js';
import { ValidationError } from '../../lib/errors.js';
import { paged, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute, idParams } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { MIME, sendDownload } from '../../web/downloads.js';
import { formValues, handleForm, rawFormValues } from '../../web/forms.js';
import { assurancePdf, assuranceXlsx, briefingParts, briefingPdf, RESPONSE_COLUMNS } from './files.js';
import { TIMESCALE_LABELS } from './timescales.js';
import { DIRECTION_LABELS, scopeValue } from './measures.js';
import { actionSchema, closeSchema, fromReviewForm, parseWithMeasure, planRowSchema, publishSchema, responseSchema, REVIEW_KIND_LABELS, reviewSchema, reviewUpdateSchema, sendSchema, updateSchema } from './schemas.js';
import { type ActionFilter, canManageLearning, type LearningService, RECOMMENDATION_STATUS_LABELS } from './service.js';

const reviewParams = z.strictObject({ id: z.uuid({ error: 'Review not found' }) });
const actionParams = z.strictObject({ id: z.uuid({ error: 'Action not found' }) });
const LEADS = ['qa-lead', 'partnership-admin'] as const;

const STATUS_LABELS = { open: 'Not started', 'in-progress': 'In progress', done: 'Done' } as const;
const LEVEL_LABELS = { partnership: 'Partnership', agency: 'Agency', team: 'Team' } as const;

const actionFilterSchema = z.object({
  status: z.enum(['open', 'in-progress', 'done'], { error: 'Select a status from the list' }).optional().or(z.literal('').transform(() => undefined)),
  level: z.enum(['partnership', 'agency', 'team'], { error: 'Select a level from the list' }).optional().or(z.literal('').transform(() => undefined)),
  overdue: z.enum(['yes', ''], { error: 'overdue is yes or empty' }).optional(),
  reviewId: z.uuid({ error: 'Select a review from the list' }).optional().or(z.literal('').transform(() => undefined)),
});

function filterOf(q: z.output<typeof actionFilterSchema>, today: string): ActionFilter {
  return { status: q.status, level: q.level, reviewId: q.reviewId, overdueOn: q.overdue === 'yes' ? today : undefined };
}

/** A review's form values from what is stored (or a draft): lists one a line, recommendations numbered. */
function reviewFormValues(v: { kind?: string; title?: string; subject?: string; notified_on?: string | null; started_on?: string; background?: string; concerns?: string; incident?: string; themes?: string[]; findings?: string[]; implementing_change?: string; source_audit_id?: string | null; version?: number }, recs: { text: string; agency_ids?: string[] }[]) {
  const out: Record<string, unknown> = {
    kind: v.kind,
    title: v.title,
    subject: v.subject,
    notifiedOn: v.notified_on ?? '',
    startedOn: v.started_on ?? '',
    background: v.background,
    concerns: v.concerns,
    incident: v.incident,
    themes: (v.themes ?? []).join('\n'),
    findings: (v.findings ?? []).join('\n'),
    implementingChange: v.implementing_change,
    sourceAuditId: v.source_audit_id ?? '',
    version: v.version,
  };
  recs.forEach((r, i) => {
    out[`recommendation${i + 1}`] = r.text;
    out[`addressedTo${i + 1}`] = r.agency_ids ?? [];
  });
  return out;
}

export function learningRoutes(app: FastifyInstance, learning: LearningService): void {
  const formContext = async (actor: Actor, heading: string, action: string, recommendationSlots: number) => {
    const options = await learning.measureOptions(actor);
    const agencies = options.scopes.filter((s) => s.value.startsWith('agency:')).map((s) => ({ id: s.value.slice(7), name: s.text.replace(/^Agency: /, '') }));
    return { title: heading, section: 'learning', action, kinds: REVIEW_KINDS.map((k) => ({ value: k, text: REVIEW_KIND_LABELS[k] })), agencies, slots: Array.from({ length: recommendationSlots }, (_, i) => i + 1), backLink: { href: '/learning', text: 'Learning' } };
  };
  const slotsFor = (values: Record<string, unknown>) => Math.max(5, Object.keys(values).filter((k) => /^recommendation\d+$/.test(k) && values[k]).length + 2);

  app.get('/learning', async (req, reply) => {
    const actor = requireActor(req);
    const [reviews, briefings] = await Promise.all([learning.list(actor), learning.briefingsForMe(actor)]);
    return reply.page('learning/views/index.njk', {
      title: 'Learning',
      section: 'learning',
      lead: canManageLearning(actor),
      reviews: reviews.map((r) => ({ ...r, kindLabel: REVIEW_KIND_LABELS[r.kind], sent: Number(r.sent), responded: Number(r.responded) })),
      briefings,
    });
  });

  app.get('/learning/new', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const { audit } = parse(z.object({ audit: z.uuid({ error: 'Audit not found' }).optional() }), req.query);
    let values: Record<string, unknown> = { startedOn: learning.today() };
    let fromAudit: string | null = null;
    if (audit) {
      const draft = await learning.draftFromAudit(actor, audit);
      values = { ...reviewFormValues({ ...draft, started_on: learning.today(), source_audit_id: audit }, draft.recommendations.map((text) => ({ text }))) };
      fromAudit = draft.title.replace(/^Learning from /, '');
    }
    return reply.page('learning/views/form.njk', { ...(await formContext(actor, 'Start a learning review', '/learning/new', slotsFor(values))), values, fromAudit });
  });

  app.post('/learning/new', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const values = formValues(req);
    return handleForm(req, reply, { template: 'learning/views/form.njk', context: () => formContext(actor, 'Start a learning review', '/learning/new', slotsFor(values)) }, async () => {
      const id = await learning.create(actor, parse(reviewSchema, fromReviewForm(values)));
      return `/learning/${id}?learning=created`;
    });
  });

  const reviewPage = async (actor: Actor, id: string) => {
    const d = await learning.load(actor, id);
    return {
      ...d,
      title: d.review.title,
      section: 'learning',
      kindLabel: REVIEW_KIND_LABELS[d.review.kind],
      timescaleLabel: d.timescale ? TIMESCALE_LABELS[d.timescale.status] : null,
      statusLabels: RECOMMENDATION_STATUS_LABELS,
      actionStatusLabels: STATUS_LABELS,
      directionLabels: DIRECTION_LABELS,
      responded: d.recipients.filter((r) => r.responded_at).length,
      columns: RESPONSE_COLUMNS,
      backLink: { href: '/learning', text: 'Learning' },
    };
  };

  app.get('/learning/:id', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(reviewParams, req.params);
    return reply.page('learning/views/review.njk', { ...(await reviewPage(actor, id)) });
  });

  app.get('/learning/:id/edit', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const { id } = parse(reviewParams, req.params);
    const d = await learning.load(actor, id);
    const values = reviewFormValues({ ...d.review, themes: d.themes, findings: d.findings }, d.recommendations);
    return reply.page('learning/views/form.njk', { ...(await formContext(actor, `Edit: ${d.review.title}`, `/learning/${id}/edit`, slotsFor(values))), values, editing: true });
  });

  app.post('/learning/:id/edit', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const { id } = parse(reviewParams, req.params);
    const values = formValues(req);
    return handleForm(req, reply, { template: 'learning/views/form.njk', context: async () => ({ ...(await formContext(actor, 'Edit the review', `/learning/${id}/edit`, slotsFor(values))), editing: true }) }, async () => {
      await learning.update(actor, id, parse(reviewUpdateSchema, fromReviewForm(values)));
      return `/learning/${id}?saved=1`;
    });
  });

  app.post('/learning/:id/publish', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const { id } = parse(reviewParams, req.params);
    try {
      await learning.publish(actor, id, parse(publishSchema, formValues(req)).version);
      return reply.redirect(`/learning/${id}?learning=published`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.status(400).page('learning/views/review.njk', { ...(await reviewPage(actor, id)), errors: { publish: Object.values(err.fields)[0] ?? err.message } });
    }
  });

  const briefingPage = async (actor: Actor, id: string) => {
    const d = await learning.load(actor, id);
    return { ...d, title: `7-minute briefing: ${d.review.title}`, section: 'learning', kindLabel: REVIEW_KIND_LABELS[d.review.kind], parts: briefingParts(d), columns: RESPONSE_COLUMNS, backLink: { href: `/learning/${id}`, text: d.review.title } };
  };

  app.get('/learning/:id/briefing', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(reviewParams, req.params);
    return reply.page('learning/views/briefing.njk', await briefingPage(actor, id));
  });

  app.get('/learning/:id/briefing.pdf', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(reviewParams, req.params);
    return sendDownload(reply, MIME.pdf, `7-minute-briefing-${id.slice(0, 8)}.pdf`, await briefingPdf(await learning.load(actor, id)));
  });

  const sendPage = async (actor: Actor, id: string) => {
    const d = await learning.load(actor, id);
    const options = await learning.measureOptions(actor);
    const sentTo = new Set(d.recipients.map((r) => r.team_id));
    const teams = options.scopes.filter((s) => s.value.startsWith('team:')).map((s) => ({ id: s.value.slice(5), name: s.text.replace(/^Team: /, ''), sent: sentTo.has(s.value.slice(5)) }));
    return { title: `Send the briefing: ${d.review.title}`, section: 'learning', review: d.review, teams, backLink: { href: `/learning/${id}`, text: d.review.title } };
  };

  app.get('/learning/:id/send', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const { id } = parse(reviewParams, req.params);
    return reply.page('learning/views/send.njk', { ...(await sendPage(actor, id)), values: {} });
  });

  app.post('/learning/:id/send', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const { id } = parse(reviewParams, req.params);
    return handleForm(req, reply, { template: 'learning/views/send.njk', context: () => sendPage(actor, id) }, async () => {
      const n = await learning.send(actor, id, parse(sendSchema, formValues(req)).teamIds);
      return `/learning/${id}?learning=sent&teams=${n}`;
    });
  });

  const responsePage = async (actor: Actor, id: string) => {
    const d = await learning.responsePage(actor, id);
    const options = await learning.measureOptions(actor);
    return {
      ...d,
      title: `Your team’s response: ${d.review.title}`,
      section: 'learning',
      options,
      columns: RESPONSE_COLUMNS,
      actionStatusLabels: STATUS_LABELS,
      directionLabels: DIRECTION_LABELS,
      backLink: { href: `/learning/${id}/briefing`, text: 'The briefing' },
    };
  };

  app.get('/learning/:id/response', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(reviewParams, req.params);
    const page = await responsePage(actor, id);
    return reply.page('learning/views/response.njk', { ...page, values: { discussion: page.recipient.discussion ?? '', version: page.recipient.version, measureKind: 'none' } });
  });

  app.post('/learning/:id/response', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(reviewParams, req.params);
    await learning.assertCanRespond(actor, id);
    return handleForm(req, reply, { template: 'learning/views/response.njk', context: async () => ({ ...(await responsePage(actor, id)), discussionErrors: true }) }, async () => {
      await learning.respond(actor, id, parse(responseSchema, formValues(req)));
      return `/learning/${id}/response?learning=discussion`;
    });
  });

  app.post('/learning/:id/response/actions', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(reviewParams, req.params);
    await learning.assertCanRespond(actor, id);
    try {
      await learning.addTeamAction(actor, id, parseWithMeasure(actionSchema, formValues(req)));
      return reply.redirect(`/learning/${id}/response?learning=action`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const page = await responsePage(actor, id);
      return reply.status(400).page('learning/views/response.njk', { ...page, values: { discussion: page.recipient.discussion ?? '', version: page.recipient.version, ...rawFormValues(req) }, errors: err.fields, actionErrors: true });
    }
  });

  // The action plan

  app.get('/learning/actions', async (req, reply) => {
    const actor = requireActor(req);
    const query = parse(actionFilterSchema, req.query);
    const [actions, reviews] = await Promise.all([learning.actions(actor, filterOf(query, learning.today())), learning.list(actor)]);
    return reply.page('learning/views/actions.njk', {
      title: 'Action plan',
      section: 'learning',
      lead: canManageLearning(actor),
      actions,
      reviews,
      query,
      statusLabels: STATUS_LABELS,
      levelLabels: LEVEL_LABELS,
      directionLabels: DIRECTION_LABELS,
      columns: RESPONSE_COLUMNS,
      backLink: { href: '/learning', text: 'Learning' },
    });
  });

  const planRowContext = async (actor: Actor) => {
    const [options, reviews, users] = await Promise.all([learning.measureOptions(actor), learning.publishedRecommendations(actor), learning.people(actor)]);
    return { title: 'Add a partnership or agency action', section: 'learning', options, reviews, users, columns: RESPONSE_COLUMNS, backLink: { href: '/learning/actions', text: 'Action plan' } };
  };

  app.get('/learning/actions/new', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const { review } = parse(z.object({ review: z.uuid({ error: 'Review not found' }).optional() }), req.query);
    return reply.page('learning/views/action-new.njk', { ...(await planRowContext(actor)), values: { level: 'partnership', measureKind: 'none', reviewId: review ?? '' } });
  });

  app.post('/learning/actions/new', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    return handleForm(req, reply, { template: 'learning/views/action-new.njk', context: () => planRowContext(actor) }, async () => {
      const id = await learning.addPlanRow(actor, parseWithMeasure(planRowSchema, formValues(req)));
      return `/learning/actions/${id}?learning=action-added`;
    });
  });

  const actionPage = async (actor: Actor, id: string) => {
    const { action, updates } = await learning.action(actor, id);
    return { title: action.what.length > 60 ? `${action.what.slice(0, 59)}…` : action.what, section: 'learning', action, updates, statusLabels: STATUS_LABELS, levelLabels: LEVEL_LABELS, directionLabels: DIRECTION_LABELS, columns: RESPONSE_COLUMNS, scopeValue, backLink: { href: '/learning/actions', text: 'Action plan' } };
  };

  app.get('/learning/actions/:id', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(actionParams, req.params);
    return reply.page('learning/views/action.njk', { ...(await actionPage(actor, id)), values: {} });
  });

  app.post('/learning/actions/:id/updates', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(actionParams, req.params);
    await learning.assertCanEdit(actor, id);
    return handleForm(req, reply, { template: 'learning/views/action.njk', context: async () => ({ ...(await actionPage(actor, id)), updateErrors: true }) }, async () => {
      await learning.addUpdate(actor, id, parse(updateSchema, formValues(req)));
      return `/learning/actions/${id}?learning=update`;
    });
  });

  app.post('/learning/actions/:id/close', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(actionParams, req.params);
    await learning.assertCanEdit(actor, id);
    return handleForm(req, reply, { template: 'learning/views/action.njk', context: async () => ({ ...(await actionPage(actor, id)), closeErrors: true }) }, async () => {
      await learning.close(actor, id, parse(closeSchema, formValues(req)));
      return `/learning/actions/${id}?learning=closed`;
    });
  });

  // Assurance

  app.get('/learning/assurance', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    const a = await learning.assurance(actor);
    return reply.page('learning/views/assurance.njk', {
      title: 'Learning and improvement: assurance',
      section: 'learning',
      a,
      statusLabels: RECOMMENDATION_STATUS_LABELS,
      directionLabels: DIRECTION_LABELS,
      timescaleLabels: TIMESCALE_LABELS,
      overdueChart: a.overdueByAgency.length ? barChartSvg(a.overdueByAgency.map((o) => ({ label: o.agency, value: o.count })), 640) : null,
      backLink: { href: '/learning', text: 'Learning' },
    });
  });

  app.get('/learning/assurance.pdf', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    return sendDownload(reply, MIME.pdf, `assurance-${learning.today()}.pdf`, await assurancePdf(await learning.assurance(actor), req.signedIn?.partnership.name ?? 'The partnership'));
  });

  app.get('/learning/assurance.xlsx', async (req, reply) => {
    const actor = requireActor(req, ...LEADS);
    return sendDownload(reply, MIME.xlsx, `assurance-${learning.today()}.xlsx`, await assuranceXlsx(await learning.assurance(actor)));
  });
}

const reviewOut = z.object({
  id: z.string(),
  kind: z.enum(REVIEW_KINDS),
  title: z.string(),
  subject: z.string().describe('A pseudonym, never a name'),
  status: z.enum(['draft', 'published']),
  startedOn: z.string(),
  notifiedOn: z.string().nullable(),
  publishedAt: z.string().nullable(),
});

const measureOut = z
  .object({ label: z.string(), baseline: z.number().nullable(), target: z.number(), current: z.number().nullable(), cases: z.number().int(), direction: z.string() })
  .nullable();

const actionOut = z.object({
  id: z.string(),
  reviewId: z.string().nullable(),
  recommendationId: z.string().nullable(),
  level: z.enum(['partnership', 'agency', 'team']),
  agency: z.string().nullable(),
  team: z.string().nullable(),
  what: z.string(),
  who: z.string(),
  dueOn: z.string(),
  doneWhen: z.string(),
  workedWhen: z.string(),
  status: z.enum(['open', 'in-progress', 'done']),
  overdue: z.boolean(),
  doneEvidence: z.string().nullable(),
  measure: measureOut,
  version: z.number().int(),
});

type ActionViewRow = Awaited<ReturnType<LearningService['actions']>>[number];
const actionJson = (a: ActionViewRow): z.infer<typeof actionOut> => ({
  id: a.id,
  reviewId: a.review_id,
  recommendationId: a.recommendation_id,
  level: a.level,
  agency: a.agency_name,
  team: a.team_name,
  what: a.what,
  who: a.who,
  dueOn: a.due_on,
  doneWhen: a.done_when,
  workedWhen: a.worked_when,
  status: a.status,
  overdue: a.overdue,
  doneEvidence: a.done_evidence,
  measure: a.measureView ? { label: a.measureView.label, baseline: a.measureView.baseline, target: a.measureView.target, current: a.measureView.current.value, cases: a.measureView.current.cases, direction: a.measureView.direction } : null,
  version: a.version,
});

export function learningApiRoutes(learning: LearningService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/learning/reviews',
      tag: 'Learning',
      summary: 'Learning reviews, newest first (published ones for everyone; drafts too for QA leads and admins); page with page and pageSize',
      query: z.object(pageQuery),
      response: pageOut(reviewOut),
      handler: async ({ actor, query }) =>
        paged(
          (await learning.list(actor)).map((r) => ({ id: r.id, kind: r.kind, title: r.title, subject: r.subject, status: r.status, startedOn: r.started_on, notifiedOn: r.notified_on, publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null })),
          query,
        ),
    }),
    apiRoute({
      method: 'POST',
      url: '/learning/reviews',
      tag: 'Learning',
      summary: 'Starts a learning review in the seven parts of a briefing (QA leads and admins)',
      roles: ['qa-lead', 'partnership-admin'],
      body: reviewSchema,
      response: z.object({ id: z.string() }),
      handler: async ({ actor, body }) => ({ id: await learning.create(actor, body) }),
    }),
    apiRoute({
      method: 'GET',
      url: '/learning/reviews/:id',
      tag: 'Learning',
      summary: 'A review with its themes, findings, recommendations (each with its status), the teams sent the briefing and its timescale',
      params: idParams,
      response: reviewOut.extend({
        themes: z.array(z.string()),
        findings: z.array(z.string()),
        recommendations: z.array(z.object({ id: z.string(), text: z.string(), addressedTo: z.array(z.string()), status: z.string() })),
        teams: z.array(z.object({ team: z.string(), responded: z.boolean() })),
        timescale: z.object({ standard: z.string(), dueOn: z.string(), status: z.string() }).nullable(),
      }),
      handler: async ({ actor, params }) => {
        const d = await learning.load(actor, params.id);
        const r = d.review;
        return {
          id: r.id,
          kind: r.kind,
          title: r.title,
          subject: r.subject,
          status: r.status,
          startedOn: r.started_on,
          notifiedOn: r.notified_on,
          publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
          themes: d.themes,
          findings: d.findings,
          recommendations: d.recommendations.map((x) => ({ id: x.id, text: x.text, addressedTo: x.addressedTo, status: x.status })),
          teams: d.recipients.map((x) => ({ team: x.team_name, responded: !!x.responded_at })),
          timescale: d.timescale ? { standard: d.timescale.standard, dueOn: d.timescale.dueOn, status: d.timescale.status } : null,
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/learning/reviews/:id/briefing',
      tag: 'Learning',
      summary: 'A review’s 7-minute briefing in its seven parts, as sent to teams (published reviews; drafts too for QA leads and admins)',
      params: idParams,
      response: z.object({ reviewId: z.uuid(), title: z.string(), kind: z.string(), parts: z.array(z.object({ number: z.string(), title: z.string(), text: z.string().nullable().optional(), items: z.array(z.string()).optional() })) }),
      handler: async ({ actor, params }) => {
        const d = await learning.load(actor, params.id);
        return { reviewId: d.review.id, title: d.review.title, kind: d.review.kind, parts: briefingParts(d) };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/learning/reviews/:id/response',
      tag: 'Learning',
      summary: 'Your team’s response to a briefing sent to it: the discussion recorded (with its version) and the team’s action plan rows',
      params: idParams,
      response: z.object({ reviewId: z.uuid(), team: z.string(), discussion: z.string().nullable(), respondedAt: z.iso.datetime().nullable(), version: z.number().int(), actions: z.array(actionOut) }),
      handler: async ({ actor, params }) => {
        const d = await learning.responsePage(actor, params.id);
        return {
          reviewId: d.review.id,
          team: d.teamName,
          discussion: d.recipient.discussion,
          respondedAt: d.recipient.responded_at ? new Date(d.recipient.responded_at).toISOString() : null,
          version: d.recipient.version,
          actions: d.teamActions.map(actionJson),
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/learning/actions',
      tag: 'Learning',
      summary: 'Action plan rows, by due date, with each measure’s baseline, target and current value; filter by status, level, review or overdue=yes; page with page and pageSize',
      query: actionFilterSchema.extend(pageQuery),
      response: pageOut(actionOut),
      handler: async ({ actor, query }) => {
        const r = await learning.actionsPage(actor, filterOf(query, learning.today()), query);
        return pageOf(r.rows.map(actionJson), r.total, query);
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/learning/assurance',
      tag: 'Learning',
      summary: 'The partnership’s assurance figures (QA leads and admins): reviews published, recommendations by status, action rows open and overdue (by agency), each review’s timescale and the teams that responded to each briefing',
      roles: [...LEADS],
      response: z.object({
        today: z.string(),
        reviews: z.number().int().describe('Published reviews'),
        recommendations: z.number().int(),
        recommendationsByStatus: z.record(z.string(), z.number().int()),
        actions: z.number().int(),
        open: z.number().int(),
        overdue: z.number().int(),
        overdueByAgency: z.array(z.object({ agency: z.string(), count: z.number().int() })),
        measured: z.number().int().describe('Action rows with a measure'),
        responses: z.array(z.object({ reviewId: z.uuid(), title: z.string(), sent: z.number().int(), responded: z.number().int() })),
        timescales: z.array(z.object({ reviewId: z.uuid(), title: z.string(), kind: z.string(), standard: z.string(), from: z.string(), dueOn: z.string(), doneOn: z.string().nullable(), status: z.string() })),
      }),
      handler: async ({ actor }) => {
        const a = await learning.assurance(actor);
        return {
          today: a.today,
          reviews: a.reviews,
          recommendations: a.recommendations.length,
          recommendationsByStatus: a.byStatus,
          actions: a.actions,
          open: a.open,
          overdue: a.overdue.length,
          overdueByAgency: a.overdueByAgency,
          measured: a.measured.length,
          responses: a.responses.map((r) => ({ reviewId: r.id, title: r.title, sent: r.sent, responded: r.responded })),
          timescales: a.timescales.map((x) => ({ reviewId: x.id, title: x.title, kind: x.kind, standard: x.standard, from: x.from, dueOn: x.dueOn, doneOn: x.doneOn, status: x.status })),
        };
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/learning/actions/:id',
      tag: 'Learning',
      summary: 'One action plan row with its measure',
      params: idParams,
      response: actionOut,
      handler: async ({ actor, params }) => actionJson((await learning.action(actor, params.id)).action),
    }),
    apiRoute({
      method: 'POST',
      url: '/learning/actions/:id/updates',
      tag: 'Learning',
      summary: 'Records progress on a row, with evidence (its owner, its team or the QA lead)',
      params: idParams,
      body: updateSchema,
      authorize: ({ actor, params }) => learning.assertCanEdit(actor, params.id),
      status: 201,
      response: z.object({ ok: z.literal(true) }),
      handler: async ({ actor, params, body }) => {
        await learning.addUpdate(actor, params.id, body);
        return { ok: true as const };
      },
    }),
  ];
}
