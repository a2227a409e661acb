/**
 * Pages and API of case entries. Forms and displays are rendered from each kind's field list
 * (kinds.ts, form-definition.ts); every journey works without JavaScript.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../lib/actor.js';
import { ValidationError } from '../../lib/errors.js';
import { paged, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse, version } from '../../lib/validation.js';
import { apiRoute, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { formValues, handleForm, rawFormValues } from '../../web/forms.js';
import { type EntryKind, type Field, fromForm, gradeRows, initialValues, prefixFields, toFormValues } from './form-definition.js';
import { ENTRY_KINDS, entryKind, KIND_NAMES } from './kinds.js';
import type { CaseworkService, EntryRow } from './service.js';

const childParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }) });
const entryParams = z.strictObject({ id: z.uuid({ error: 'Child not found' }), entryId: z.uuid({ error: 'Entry not found' }) });
const kindQuery = z.object({ kind: z.preprocess((v) => (v === '' ? undefined : v), z.enum(KIND_NAMES, { error: 'Select a kind of entry from the list' }).optional()) });

/** The fields as the template renders them: grades carry their rows (from what was posted, saved, or the partnership's areas). */
function fieldViews(kind: EntryKind, values: Record<string, unknown>, areas: readonly string[]) {
  return kind.fields.map((f: Field) => (f.type === 'grades' ? { ...f, rows: gradeRows(f, values, areas) } : f));
}

export function caseworkRoutes(app: FastifyInstance, casework: CaseworkService): void {
  app.get('/children/:id/entries', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const { kind } = parse(kindQuery, req.query);
    const r = await casework.list(actor, id, { kind });
    return reply.page('casework/views/entries.njk', {
      title: `Meetings, reflections, requests, assessments and notes: ${r.child.first_name} ${r.child.last_name}`,
      section: 'children',
      ...r,
      kindFilter: kind ?? '',
      kindLabel: entryKind(kind ?? '')?.label,
      saved: (req.query as Record<string, unknown>).saved === '1',
      backLink: { href: `/children/${id}`, text: `${r.child.first_name}’s record` },
    });
  });

  const formPage = async (actor: Actor, id: string, kind: EntryKind, values: Record<string, unknown>) => {
    const ctx = await casework.formContext(actor, id);
    return {
      title: `Add: ${kind.label.toLowerCase()}`,
      section: 'children',
      child: ctx.child,
      kind,
      fields: fieldViews(kind, values, ctx.gradedAreas),
      agencyOptions: ctx.agencies.map((a) => [a.id, a.name]),
      action: `/children/${id}/entries/new`,
      submitText: 'Save',
      backLink: { href: `/children/${id}/entries` },
    };
  };

  app.get('/children/:id/entries/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    const { kind: kindName } = parse(kindQuery, req.query);
    const kind = kindName ? entryKind(kindName) : undefined;
    if (!kind) {
      const ctx = await casework.formContext(actor, id);
      // The chooser posts back here by GET: sent without a choice, it says so.
      const unchosen = (req.query as Record<string, unknown>).kind === '';
      return reply
        .status(unchosen ? 400 : 200)
        .page('casework/views/entry-kind.njk', { title: 'What do you want to add?', section: 'children', child: ctx.child, kinds: ENTRY_KINDS, values: {}, errors: unchosen ? { kind: 'Select what you want to add' } : undefined, backLink: { href: `/children/${id}/entries` } });
    }
    const ctx = await casework.formContext(actor, id);
    const values = initialValues(kind.fields, ctx);
    return reply.page('casework/views/entry-form.njk', { ...(await formPage(actor, id, kind, values)), values });
  });

  app.post('/children/:id/entries/new', async (req, reply) => {
    const actor = requireActor(req);
    const { id } = parse(childParams, req.params);
    await casework.assertCanContribute(actor, id);
    const kind = entryKind(String((req.body as Record<string, unknown> | undefined)?.kind ?? ''));
    if (!kind) {
      return handleForm(
        req,
        reply,
        { template: 'casework/views/entry-kind.njk', context: async () => ({ title: 'What do you want to add?', section: 'children', child: (await casework.formContext(actor, id)).child, kinds: ENTRY_KINDS }) },
        async () => {
          throw new ValidationError({ kind: 'Select what you want to add' });
        },
      );
    }
    return handleForm(req, reply, { template: 'casework/views/entry-form.njk', context: () => formPage(actor, id, kind, rawFormValues(req)) }, async () => {
      const entryId = await casework.create(actor, id, kind.kind, fromForm(kind.fields, formValues(req)));
      return `/children/${id}/entries/${entryId}?saved=1`;
    });
  });

  app.get('/children/:id/entries/:entryId', async (req, reply) => {
    const actor = requireActor(req);
    const { id, entryId } = parse(entryParams, req.params);
    const r = await casework.get(actor, id, entryId);
    return reply.page('casework/views/entry.njk', {
      title: r.entry.kindLabel,
      section: 'children',
      ...r,
      saved: (req.query as Record<string, unknown>).saved === '1',
      backLink: { href: `/children/${id}/entries`, text: 'All entries' },
    });
  });

  const editPage = async (actor: Actor, id: string, entryId: string, values: Record<string, unknown> | null) => {
    const r = await casework.get(actor, id, entryId);
    if (!r.kind) throw new ValidationError({ kind: 'This kind of entry can no longer be changed here' });
    const v = values ?? { ...toFormValues(r.kind.fields, r.entry.data), version: r.entry.version };
    return {
      title: `Change: ${r.kind.label.toLowerCase()}`,
      section: 'children',
      child: r.child,
      kind: r.kind,
      fields: fieldViews(r.kind, v, r.gradedAreas),
      agencyOptions: r.agencies.map((a) => [a.id, a.name]),
      action: `/children/${id}/entries/${entryId}/edit`,
      submitText: 'Save changes',
      editing: true,
      values: v,
      backLink: { href: `/children/${id}/entries/${entryId}` },
    };
  };

  app.get('/children/:id/entries/:entryId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, entryId } = parse(entryParams, req.params);
    await casework.assertCanEdit(actor, id, entryId);
    return reply.page('casework/views/entry-form.njk', await editPage(actor, id, entryId, null));
  });

  app.post('/children/:id/entries/:entryId/edit', async (req, reply) => {
    const actor = requireActor(req);
    const { id, entryId } = parse(entryParams, req.params);
    await casework.assertCanEdit(actor, id, entryId);
    return handleForm(req, reply, { template: 'casework/views/entry-form.njk', context: () => editPage(actor, id, entryId, rawFormValues(req)) }, async () => {
      const values = formValues(req);
      await casework.update(actor, id, entryId, { form: values, version: parse(z.object({ version }), values).version });
      return `/children/${id}/entries/${entryId}?saved=1`;
    });
  });

  const answerPage = async (actor: Actor, id: string, entryId: string) => {
    const r = await casework.get(actor, id, entryId);
    return { title: 'Record the answer', section: 'children', ...r, backLink: { href: `/children/${id}/entries/${entryId}` } };
  };

  app.get('/children/:id/entries/:entryId/answer', async (req, reply) => {
    const actor = requireActor(req);
    const { id, entryId } = parse(entryParams, req.params);
    await casework.assertCanAnswer(actor, id, entryId);
    const page = await answerPage(actor, id, entryId);
    return reply.page('casework/views/entry-answer.njk', { ...page, values: { version: page.entry.version } });
  });

  app.post('/children/:id/entries/:entryId/answer', async (req, reply) => {
    const actor = requireActor(req);
    const { id, entryId } = parse(entryParams, req.params);
    await casework.assertCanAnswer(actor, id, entryId);
    return handleForm(req, reply, { template: 'casework/views/entry-answer.njk', context: () => answerPage(actor, id, entryId) }, async () => {
      const values = formValues(req);
      await casework.answer(actor, id, entryId, { answer: values.answer, answeredOn: values.answeredOn, version: parse(z.object({ version }), values).version });
      return `/children/${id}/entries/${entryId}?saved=1`;
    });
  });
}

// API

const entryOut = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    occurredOn: z.string(),
    dueOn: z.string().nullable(),
    overdue: z.boolean(),
    data: z.record(z.string(), z.unknown()),
    derived: z.array(z.object({ label: z.string(), value: z.string(), warning: z.boolean().optional() })),
    authorAgencyId: z.uuid().nullable(),
    authorAgency: z.string().nullable(),
    author: z.string().nullable(),
    createdAt: z.string(),
    version: z.number().int(),
  })
  .meta({ id: 'CaseEntry' });

type Decorated = EntryRow & { overdue: boolean; derived: { label: string; value: string; warning?: boolean }[] };
const toEntry = (e: Decorated): z.infer<typeof entryOut> => ({
  id: e.id,
  kind: e.kind,
  occurredOn: e.occurred_on,
  dueOn: e.due_on,
  overdue: e.overdue,
  data: e.data,
  derived: e.derived,
  authorAgencyId: e.author_agency_id,
  authorAgency: e.author_agency_name,
  author: e.author_name,
  createdAt: new Date(e.created_at).toISOString(),
  version: e.version,
});

/** POST body: the kind, and its data as that kind's schema describes (one schema per kind, for the OpenAPI document). */
const newEntryBody = z.discriminatedUnion(
  'kind',
  ENTRY_KINDS.map((k) => z.strictObject({ kind: z.literal(k.kind), data: k.schema }).meta({ description: k.description })) as unknown as [z.ZodObject<{ kind: z.ZodLiteral<string> }>, ...z.ZodObject<{ kind: z.ZodLiteral<string> }>[]],
  { error: `Select the kind of entry: one of ${KIND_NAMES.join(', ')}` },
);
const patchEntryBody = z.strictObject({
  data: z.record(z.string(), z.unknown(), { error: 'Send the entry’s data as an object' }).describe('All the fields of the entry’s kind; the agency asked in a request for information may send only answer and answeredOn'),
  version,
});

/** Validation messages from the service name the entry's fields; in the API they sit under "data". */
async function underData<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ValidationError && !('kind' in err.fields)) throw new ValidationError(prefixFields(err.fields, 'data'), err.message);
    throw err;
  }
}

export function caseworkApiRoutes(casework: CaseworkService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/children/:id/entries',
      tag: 'Case entries',
      summary: 'The child’s case entries, newest first; filter by kind and overdue=yes; page with page and pageSize (access-logged)',
      params: childParams,
      query: kindQuery.extend({ ...pageQuery, overdue: z.enum(['yes'], { error: 'overdue must be yes' }).optional().describe('yes: only entries past their date (e.g. an unanswered request for information)') }),
      response: pageOut(entryOut),
      handler: async ({ actor, params, query }) => {
        const r = await casework.list(actor, params.id, { kind: query.kind });
        return paged((query.overdue ? r.overdue : r.entries).map(toEntry), query);
      },
    }),
    apiRoute({
      method: 'GET',
      url: '/children/:id/entries/:entryId',
      tag: 'Case entries',
      summary: 'One case entry with its data (access-logged)',
      params: entryParams,
      response: entryOut,
      handler: async ({ actor, params }) => toEntry((await casework.get(actor, params.id, params.entryId)).entry),
    }),
    apiRoute({
      method: 'POST',
      url: '/children/:id/entries',
      tag: 'Case entries',
      summary: 'Add a case entry of a kind; data is validated by that kind’s schema. Anyone who can see the record may add one.',
      params: childParams,
      body: newEntryBody,
      response: z.object({ id: z.uuid() }),
      handler: async ({ actor, params, body }) => {
        const b = body as { kind: string; data: unknown };
        return { id: await underData(() => casework.create(actor, params.id, b.kind, b.data)) };
      },
    }),
    apiRoute({
      method: 'PATCH',
      url: '/children/:id/entries/:entryId',
      tag: 'Case entries',
      summary: 'Change an entry (its author, or a case holder of their agency); the agency asked in a request for information may send only the answer. Send the version you read (409 if changed since).',
      params: entryParams,
      authorize: ({ actor, params }) => casework.assertCanEditOrAnswer(actor, params.id, params.entryId),
      body: patchEntryBody,
      response: entryOut,
      handler: async ({ actor, params, body }) => {
        await underData(() => casework.update(actor, params.id, params.entryId, body));
        return toEntry((await casework.get(actor, params.id, params.entryId)).entry);
      },
    }),
  ];
}
