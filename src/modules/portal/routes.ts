/**
 * Secure links (issue 8): the practitioner's page to create, list and revoke them, and the
 * portal pages under /v/ that children, young people and parents use without an account.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import { paged, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, rawFormValues } from '../../web/forms.js';
import { formatDate } from '../../web/render.js';
import { cookieIsSecure } from '../../web/security.js';
import { CONFERENCE_KIND_LABELS } from '../cases/schemas.js';
import { adultViewsSchema, childViewsSchema, familyResponseSchema, FEELINGS, INVITATION_KIND_HINTS, INVITATION_KIND_LABELS, invitationSchema } from './schemas.js';
import type { PortalService, Resolved } from './service.js';

const childParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }) });
const revokeParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }), invitationId: z.uuid({ error: 'Link not found' }) });
const listQuery = z.object({ meeting: z.preprocess((v) => (v === '' ? undefined : v), z.uuid({ error: 'meeting must be the id of a core group meeting' }).optional()) });

const UNLOCK_COOKIE = 'assure_portal';
/** Per address, on top of the per-link lock: slows down anyone trying links or codes at random. */
const portalLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };
const codeLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };

const STATUS_LABELS = { open: 'Open', submitted: 'Used: views or response sent', expired: 'Expired', revoked: 'Revoked', locked: 'Locked: wrong code 5 times' };
const STATUS_CLASSES = { open: 'govuk-tag--blue', submitted: 'govuk-tag--green', expired: 'govuk-tag--grey', revoked: 'govuk-tag--grey', locked: 'govuk-tag--red' };

type Lists = Awaited<ReturnType<PortalService['list']>>;

function targetOptions(t: Lists['targets']): [string, string][] {
  return [
    ['', 'Select the meeting or conference'],
    ...t.upcomingMeetings.map((m): [string, string] => [`meeting:${m.id}`, `Core group meeting, ${formatDate(m.held_on, false)} (upcoming)`]),
    ...t.upcomingConferences.map((c): [string, string] => [`conference:${c.id}`, `${CONFERENCE_KIND_LABELS[c.kind]}, ${formatDate(c.scheduled_on, false)} (upcoming)`]),
    ...t.sharedMeetings.map((m): [string, string] => [`meeting:${m.id}`, `Core group meeting, ${formatDate(m.held_on, false)} (finalised: family copy shared)`]),
  ];
}

/** Portal pages are never cached, never send a referrer, and are not for search engines. */
function portalHeaders(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
  reply.header('pragma', 'no-cache');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-robots-tag', 'noindex, nofollow');
}

export function portalRoutes(app: FastifyInstance, portal: PortalService): void {
  // Practitioner side

  const listPage = async (req: FastifyRequest, id: string, meetingId?: string) => {
    const actor = requireActor(req);
    const r = await portal.list(actor, id, { meetingId });
    return {
      title: `Links for ${r.child.first_name} and their family to give their views`,
      section: 'children',
      ...r,
      meetingId,
      targetOptions: targetOptions(r.targets),
      familyOptions: [['', 'Select the family member'], ...r.targets.family.map((f): [string, string] => [f.id, `${f.name} (${f.relationship})`])],
      kindLabels: INVITATION_KIND_LABELS,
      kindHints: INVITATION_KIND_HINTS,
      statusLabels: STATUS_LABELS,
      statusClasses: STATUS_CLASSES,
      conferenceKinds: CONFERENCE_KIND_LABELS,
      revoked: (req.query as Record<string, unknown>).revoked === '1',
      backLink: { href: `/children/${id}/voice`, text: `${r.child.first_name}’s voice and lived experience` },
    };
  };

  app.get('/children/:id/invitations', async (req, reply) => {
    requireActor(req);
    const { id } = parse(childParams, req.params);
    const q = parse(listQuery, req.query);
    return reply.page('portal/views/invitations.njk', { ...(await listPage(req, id, q.meeting)), values: {} });
  });

  app.post('/children/:id/invitations', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await portal.assertCanContribute(actor, id);
    try {
      const created = await portal.create(actor, id, parse(invitationSchema, formValues(req)));
      // Shown once, on this response only: the token is not kept and not put in a redirect.
      portalHeaders(reply);
      return reply.page('portal/views/created.njk', { title: 'Link created', section: 'children', childId: id, link: `/v/${created.token}`, expiresOn: created.expiresOn, hasCode: Boolean((req.body as Record<string, unknown>).code) });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.status(400).page('portal/views/invitations.njk', { ...(await listPage(req, id)), values: rawFormValues(req), errors: err.fields });
    }
  });

  app.post('/children/:id/invitations/:invitationId/revoke', async (req, reply) => {
    const actor = requireActor(req);
    const { id, invitationId } = parse(revokeParams, req.params);
    await portal.assertCanContribute(actor, id);
    await portal.revoke(actor, id, invitationId);
    return reply.redirect(`/children/${id}/invitations?revoked=1`, 303);
  });

  // Portal side: no account. Every answer for a link that cannot be used is the same page.

  const portalPage = (reply: FastifyReply, status: number, template: string, context: Record<string, unknown>) => {
    portalHeaders(reply);
    return reply.status(status).page(`portal/views/${template}`, { portal: true, ...context });
  };
  const unavailable = (reply: FastifyReply) => portalPage(reply, 404, 'unavailable.njk', { title: 'This link cannot be used' });
  const locked = (reply: FastifyReply) => portalPage(reply, 423, 'locked.njk', { title: 'This link is locked' });
  const tokenOf = (req: FastifyRequest) => String((req.params as Record<string, unknown>).token ?? '');
  const unlockOf = (req: FastifyRequest) => req.cookies[UNLOCK_COOKIE];

  const openPage = async (reply: FastifyReply, token: string, r: Extract<Resolved, { state: 'open' }>, extra: Record<string, unknown> = {}, status = 200) => {
    const v = await portal.view(r.inv);
    const template = v.kind === 'family-copy' ? 'family-copy.njk' : v.kind === 'younger-child' ? 'child-form.njk' : 'adult-form.njk';
    const title = v.kind === 'family-copy' ? 'The notes of the meeting and the plan' : v.kind === 'younger-child' ? 'Tell us what you think' : 'Give your views before the meeting';
    return portalPage(reply, status, template, { title, action: `/v/${token}`, ...v, feelings: FEELINGS, values: v.draft, ...extra });
  };

  const dispatch = async (req: FastifyRequest, reply: FastifyReply, then: (r: Extract<Resolved, { state: 'open' }>, token: string) => Promise<FastifyReply>) => {
    const token = tokenOf(req);
    const r = await portal.resolve(token, unlockOf(req));
    if (r.state === 'none') return unavailable(reply);
    if (r.state === 'locked') return locked(reply);
    if (r.state === 'code') return portalPage(reply, req.method === 'GET' ? 200 : 403, 'code.njk', { title: 'Enter your code', action: `/v/${token}/code`, attemptsLeft: r.attemptsLeft });
    return then(r, token);
  };

  app.get('/v/thanks', async (_req, reply) => portalPage(reply, 200, 'thanks.njk', { title: 'Thank you' }));

  app.get('/v/:token', { config: portalLimit }, async (req, reply) => dispatch(req, reply, (r, token) => openPage(reply, token, r, { saved: (req.query as Record<string, unknown>).saved === '1' })));

  app.post('/v/:token/code', { config: codeLimit }, async (req, reply) => {
    const token = tokenOf(req);
    const r = await portal.resolve(token, undefined, { log: false });
    if (r.state === 'none') return unavailable(reply);
    if (r.state === 'locked') return locked(reply);
    if (r.state === 'open') return reply.redirect(`/v/${token}`, 303);
    const code = String((req.body as Record<string, unknown> | undefined)?.code ?? '');
    const result = await portal.enterCode(token, code);
    if (result.ok) {
      reply.setCookie(UNLOCK_COOKIE, result.unlock, { httpOnly: true, sameSite: 'strict', secure: cookieIsSecure(req), path: `/v/${token}` });
      return reply.redirect(`/v/${token}`, 303);
    }
    if (result.attemptsLeft === 0) return locked(reply);
    const message = code.trim() === '' ? `Enter the code. You have ${result.attemptsLeft} ${result.attemptsLeft === 1 ? 'try' : 'tries'} left.` : `That code is not right. You have ${result.attemptsLeft} ${result.attemptsLeft === 1 ? 'try' : 'tries'} left before this link locks.`;
    return portalPage(reply, 400, 'code.njk', { title: 'Enter your code', action: `/v/${token}/code`, attemptsLeft: result.attemptsLeft, errors: { code: message } });
  });

  app.post('/v/:token', { config: portalLimit }, async (req, reply) =>
    dispatch(req, reply, async (r, token) => {
      if (r.inv.kind === 'family-copy') return unavailable(reply);
      const values = formValues(req);
      const { action, ...answers } = values;
      try {
        if (action === 'submit') {
          await portal.submit(r.inv, answers);
          reply.clearCookie(UNLOCK_COOKIE, { path: `/v/${token}` });
          return reply.redirect('/v/thanks', 303);
        }
        parse(r.inv.kind === 'younger-child' ? childViewsSchema : adultViewsSchema, answers);
        await portal.saveDraft(r.inv, answers);
        return reply.redirect(`/v/${token}?saved=1`, 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return openPage(reply, token, r, { values: rawFormValues(req), errors: err.fields }, 400);
      }
    }),
  );

  app.post('/v/:token/response', { config: portalLimit }, async (req, reply) =>
    dispatch(req, reply, async (r, token) => {
      if (r.inv.kind !== 'family-copy') return unavailable(reply);
      try {
        await portal.respond(r.inv, parse(familyResponseSchema, formValues(req)));
        reply.clearCookie(UNLOCK_COOKIE, { path: `/v/${token}` });
        return reply.redirect('/v/thanks', 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return openPage(reply, token, r, { values: rawFormValues(req), errors: err.fields }, 400);
      }
    }),
  );

  // Errors on portal pages (a missing CSRF token, say) get the same headers.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/v/')) portalHeaders(reply);
  });
}



// API: the links sent to the child and family, and the family's responses to the minutes (never a link itself)

const invitationOut = z.object({
  id: z.uuid(),
  kind: z.string(),
  meetingId: z.uuid().nullable(),
  meetingHeldOn: z.string().nullable(),
  conferenceId: z.uuid().nullable(),
  conferenceKind: z.string().nullable(),
  conferenceOn: z.string().nullable(),
  familyMember: z.string().nullable(),
  relationship: z.string().nullable(),
  hasCode: z.boolean().describe('The link also asks for a code given separately'),
  state: z.string().describe('open, submitted, expired, revoked or locked'),
  expiresOn: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: z.string().nullable(),
  submittedAt: z.iso.datetime().nullable(),
  voiceEntryId: z.uuid().nullable().describe('The entry of the child’s voice it brought in'),
});
const responseOut = z.object({ id: z.uuid(), meetingId: z.uuid(), meetingHeldOn: z.string(), familyMember: z.string().nullable(), relationship: z.string().nullable(), agrees: z.boolean(), comment: z.string().nullable(), createdAt: z.iso.datetime() });
const isoOrNull = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function portalApiRoutes(portal: PortalService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/children/:id/invitations',
      tag: 'Child’s voice',
      summary:
        'The links sent to the child and family to give their views or read the family copy of minutes (their state, never the link), newest first, and the family’s responses to the minutes; filter by meeting; page with page and pageSize (access-logged)',
      params: z.strictObject({ id: z.uuid({ error: 'Child not found' }) }),
      query: listQuery.extend(pageQuery),
      response: pageOut(invitationOut).extend({ responses: z.array(responseOut) }),
      handler: async ({ actor, params, query }) => {
        const r = await portal.list(actor, params.id, { meetingId: query.meeting });
        const items = r.invitations.map((i) => ({
          id: i.id,
          kind: i.kind,
          meetingId: i.meeting_id,
          meetingHeldOn: i.meeting_held_on,
          conferenceId: i.conference_id,
          conferenceKind: i.conference_kind,
          conferenceOn: i.conference_scheduled_on,
          familyMember: i.family_member_name,
          relationship: i.relationship,
          hasCode: i.hasCode,
          state: String(i.state),
          expiresOn: i.expires_on,
          createdAt: isoOrNull(i.created_at)!,
          createdBy: i.created_by_name,
          submittedAt: isoOrNull(i.submitted_at),
          voiceEntryId: i.voice_entry_id,
        }));
        return {
          ...paged(items, query),
          responses: r.responses.map((x) => ({ id: x.id, meetingId: x.meeting_id, meetingHeldOn: x.meeting_held_on, familyMember: x.family_member_name, relationship: x.relationship, agrees: x.agrees, comment: x.comment, createdAt: isoOrNull(x.created_at)! })),
        };
      },
    }),
  ];
}
