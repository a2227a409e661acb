/**
 * Pages and API of the child's voice and lived experience.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../lib/actor.js';
import { paged, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import { formatDate } from '../../web/render.js';
import { CONFERENCE_KIND_LABELS } from '../cases/schemas.js';
import { SEEN_ALONE_LABELS, seenAloneChoice, VOICE_KIND_HINTS, VOICE_KIND_LABELS, voiceForm, voiceSchema, voiceUpdateSchema } from './schemas.js';
import type { VoiceRow, VoiceService } from './service.js';

const childParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }) });
const entryParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }), entryId: z.uuid({ error: 'Entry not found' }) });
const listQuery = z.object({
  meeting: z.preprocess((v) => (v === '' ? undefined : v), z.uuid({ error: 'meeting must be the id of a core group meeting' }).optional()),
  conference: z.preprocess((v) => (v === '' ? undefined : v), z.uuid({ error: 'conference must be the id of a conference' }).optional()),
});

const labels = {
  kind: VOICE_KIND_LABELS,
  kindHint: VOICE_KIND_HINTS,
  seenAlone: SEEN_ALONE_LABELS,
  conferenceKind: CONFERENCE_KIND_LABELS,
  contentKey: { said: 'In their words', observation: 'What was seen', submission: 'Their submission', advocate: 'Their views' },
};

type Targets = { meetings: { id: string; held_on: string }[]; conferences: { id: string; kind: keyof typeof CONFERENCE_KIND_LABELS; scheduled_on: string; held_on: string | null }[] };

/** The "what it informed" choices: not linked, the child's core group meetings, the child's conferences. */
function informedOptions(t: Targets): [string, string][] {
  return [
    ['', 'Not linked to a meeting or conference'],
    ...t.meetings.map((m): [string, string] => [`meeting:${m.id}`, `Core group meeting, ${formatDate(m.held_on, false)}`]),
    ...t.conferences.map((c): [string, string] => [`conference:${c.id}`, `${CONFERENCE_KIND_LABELS[c.kind]}, ${formatDate(c.held_on ?? c.scheduled_on, false)}`]),
  ];
}

const errorTargets = { meetingId: 'informed', conferenceId: 'informed' };

export function voiceRoutes(app: FastifyInstance, voice: VoiceService): void {
  app.get('/children/:id/voice', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const q = parse(listQuery, req.query);
    const r = await voice.list(actor, id, { meetingId: q.meeting, conferenceId: q.conference });
    const informedBy = q.meeting ? informedOptions({ meetings: r.targets.meetings, conferences: [] }).find(([v]) => v === `meeting:${q.meeting}`)?.[1] : q.conference ? informedOptions({ meetings: [], conferences: r.targets.conferences }).find(([v]) => v === `conference:${q.conference}`)?.[1] : undefined;
    return reply.page('voice/views/voice.njk', {
      title: `${r.child.first_name}’s voice and lived experience`,
      section: 'children',
      ...r,
      entries: r.entries.map((e) => ({ ...e, seenAloneChoice: seenAloneChoice(e.seen_alone) })),
      filtered: Boolean(q.meeting || q.conference),
      informedBy,
      saved: (req.query as Record<string, unknown>).saved === '1',
      labels,
      backLink: { href: `/children/${id}`, text: `${r.child.first_name}’s record` },
    });
  });

  const formPage = async (actor: Actor, id: string, entryId?: string) => {
    const ctx = await voice.formContext(actor, id);
    return {
      title: entryId ? 'Change an entry about the child’s voice' : `Record ${ctx.child.first_name}’s voice or lived experience`,
      section: 'children',
      ...ctx,
      informedOptions: informedOptions(ctx.targets),
      labels,
      errorTargets,
      action: entryId ? `/children/${id}/voice/${entryId}/edit` : `/children/${id}/voice/new`,
      editing: Boolean(entryId),
      backLink: { href: `/children/${id}/voice` },
    };
  };

  app.get('/children/:id/voice/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    return reply.page('voice/views/voice-form.njk', { ...(await formPage(actor, id)), values: {} });
  });

  app.post('/children/:id/voice/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await voice.assertCanContribute(actor, id);
    return handleForm(req, reply, { template: 'voice/views/voice-form.njk', context: () => formPage(actor, id) }, async () => {
      await voice.add(actor, id, parse(voiceSchema, voiceForm(formValues(req))));
      return `/children/${id}/voice?saved=1`;
    });
  });

  app.get('/children/:id/voice/:entryId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, entryId } = parse(entryParams, req.params);
    await voice.assertCanEdit(actor, id, entryId);
    const { entry: e } = await voice.get(actor, id, entryId);
    return reply.page('voice/views/voice-form.njk', {
      ...(await formPage(actor, id, entryId)),
      heardByUserName: e.heard_by_user_name,
      values: {
        kind: e.kind,
        recordedOn: e.recorded_on,
        content: e.content,
        how: e.how,
        heardByName: e.heard_by_user_id ? '' : e.heard_by_name,
        seenAlone: seenAloneChoice(e.seen_alone),
        informed: e.meeting_id ? `meeting:${e.meeting_id}` : e.conference_id ? `conference:${e.conference_id}` : '',
        version: e.version,
      },
    });
  });

  app.post('/children/:id/voice/:entryId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, entryId } = parse(entryParams, req.params);
    await voice.assertCanEdit(actor, id, entryId);
    return handleForm(req, reply, { template: 'voice/views/voice-form.njk', context: () => formPage(actor, id, entryId) }, async () => {
      await voice.update(actor, id, entryId, parse(voiceUpdateSchema, voiceForm(formValues(req))));
      return `/children/${id}/voice?saved=1`;
    });
  });
}

// API

const VOICE_KINDS = ['said', 'observation', 'submission', 'advocate'] as const;
const voiceOut = z
  .object({
    id: z.uuid(),
    kind: z.enum(VOICE_KINDS),
    recordedOn: z.string(),
    content: z.string(),
    how: z.string().nullable(),
    heardByUserId: z.uuid().nullable(),
    heardBy: z.string().nullable(),
    seenAlone: z.enum(['yes', 'no', 'not-applicable']),
    meetingId: z.uuid().nullable(),
    conferenceId: z.uuid().nullable(),
    authorId: z.uuid().nullable(),
    authorAgency: z.string().nullable(),
    version: z.number().int(),
  })
  .meta({ id: 'VoiceEntry' });

const toVoice = (e: VoiceRow): z.infer<typeof voiceOut> => ({
  id: e.id,
  kind: e.kind,
  recordedOn: e.recorded_on,
  content: e.content,
  how: e.how,
  heardByUserId: e.heard_by_user_id,
  heardBy: e.heard_by_user_name ?? e.heard_by_name,
  seenAlone: seenAloneChoice(e.seen_alone),
  meetingId: e.meeting_id,
  conferenceId: e.conference_id,
  authorId: e.created_by,
  authorAgency: e.author_agency_name,
  version: e.version,
});

export function voiceApiRoutes(voice: VoiceService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/children/:id/voice',
      tag: 'Child’s voice',
      summary:
        'The child’s voice and lived experience, newest first; stale is true when no entry is newer than 6 weeks; filter by meeting, conference and kind; page with page and pageSize (access-logged)',
      params: childParams,
      query: listQuery.extend({ ...pageQuery, kind: z.enum(VOICE_KINDS, { error: `kind must be one of ${VOICE_KINDS.join(', ')}` }).optional() }),
      response: pageOut(voiceOut).extend({ latest: z.string().nullable().describe('The newest entry’s date'), stale: z.boolean(), underTwo: z.boolean() }),
      handler: async ({ actor, params, query }) => {
        const r = await voice.list(actor, params.id, { meetingId: query.meeting, conferenceId: query.conference });
        return { ...paged(r.entries.filter((e) => !query.kind || e.kind === query.kind).map(toVoice), query), latest: r.latest, stale: r.stale, underTwo: r.underTwo };
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/voice',
      tag: 'Child’s voice',
      summary: 'Record what the child said, an observation of their lived experience, their own submission or their views through an advocate. Leave heardByName out if you heard it yourself.',
      params: childParams,
      body: voiceSchema,
      response: z.object({ id: z.uuid() }),
      handler: async ({ actor, params, body }) => ({ id: await voice.add(actor, params.id, body) }),
    }),
    apiRoute({
      method: 'PATCH',
      url: '/children/:id/voice/:entryId',
      tag: 'Child’s voice',
      summary: 'Change an entry (its author, or a case holder of their agency); send every field and the version you read (409 if changed since)',
      params: entryParams,
      authorize: ({ actor, params }) => voice.assertCanEdit(actor, params.id, params.entryId),
      body: voiceUpdateSchema,
      response: voiceOut,
      handler: async ({ actor, params, body }) => {
        await voice.update(actor, params.id, params.entryId, body);
        return toVoice((await voice.get(actor, params.id, params.entryId)).entry);
      },
    }),
  ];
}
