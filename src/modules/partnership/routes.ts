/**
 * Partnership admin pages and the matching API: areas, agencies, teams and users.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AGENCY_TYPES, ROLES } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { paged, pageOf, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, idParams, type ApiRoute } from '../../web/api.js';
import { requireActor } from '../../web/auth.js';
import { handleForm, parseForm } from '../../web/forms.js';
import { AGENCY_TYPE_LABELS, agencySchema, agencyUpdateSchema, areaSchema, paging, ROLE_LABELS, teamSchema, userSchema, userUpdateSchema } from './schemas.js';
import { PAGE_SIZE, type PartnershipService } from './service.js';

const ADMIN = 'partnership-admin' as const;

export function partnershipRoutes(app: FastifyInstance, svc: PartnershipService): void {
  const structure = async (actor: Actor) => {
    const [areas, agencies, teams] = await Promise.all([svc.listAreas(actor), svc.listAgencies(actor), svc.listTeams(actor)]);
    return { areas, agencies, teams, agencyTypes: AGENCY_TYPE_LABELS, roles: ROLE_LABELS, section: 'admin' };
  };
  const structurePage = async (actor: Actor) => ({ title: 'Partnership admin', ...(await structure(actor)) });

  app.get('/admin', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return reply.page('partnership/views/admin.njk', await structurePage(actor));
  });

  app.post('/admin/areas', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return handleForm(req, reply, { template: 'partnership/views/admin.njk', context: () => structurePage(actor) }, async () => {
      const input = parseForm(areaSchema, req);
      await svc.addArea(actor, input.name);
      return '/admin?added=area#areas';
    });
  });

  app.post('/admin/agencies', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return handleForm(req, reply, { template: 'partnership/views/admin.njk', context: () => structurePage(actor) }, async () => {
      await svc.addAgency(actor, parseForm(agencySchema, req));
      return '/admin?added=agency#agencies';
    });
  });

  app.get('/admin/agencies/:id/edit', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { id } = parse(idParams, req.params);
    const agency = await svc.getAgency(actor, id);
    return reply.page('partnership/views/agency-edit.njk', { title: `Edit ${agency.name}`, section: 'admin', agency, values: agency, agencyTypes: AGENCY_TYPE_LABELS, backLink: { href: '/admin#agencies' } });
  });

  app.post('/admin/agencies/:id/edit', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { id } = parse(idParams, req.params);
    const agency = await svc.getAgency(actor, id);
    return handleForm(
      req,
      reply,
      { template: 'partnership/views/agency-edit.njk', context: () => ({ title: `Edit ${agency.name}`, section: 'admin', agency, agencyTypes: AGENCY_TYPE_LABELS }) },
      async () => {
        await svc.updateAgency(actor, id, parseForm(agencyUpdateSchema, req));
        return '/admin?updated=agency#agencies';
      },
    );
  });

  app.post('/admin/teams', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return handleForm(req, reply, { template: 'partnership/views/admin.njk', context: () => structurePage(actor) }, async () => {
      await svc.addTeam(actor, parseForm(teamSchema, req));
      return '/admin?added=team#teams';
    });
  });

  // Users

  app.get('/admin/users', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const q = parse(paging, req.query);
    const result = await svc.listUsers(actor, q);
    return reply.page('partnership/views/users.njk', {
      title: 'Users',
      section: 'admin',
      users: result.rows,
      total: result.total,
      page: q.page,
      pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
      q: q.q,
      roles: ROLE_LABELS,
    });
  });

  const userForm = async (actor: Actor, title: string) => ({ title, ...(await structure(actor)), backLink: { href: '/admin/users' } });

  app.get('/admin/users/new', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return reply.page('partnership/views/user-form.njk', { ...(await userForm(actor, 'Add a user')), values: {} });
  });

  app.post('/admin/users/new', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return handleForm(req, reply, { template: 'partnership/views/user-form.njk', context: () => userForm(actor, 'Add a user') }, async () => {
      const input = parseForm(userSchema.extend({ password: z.string().max(256).optional() }), req);
      const user = await svc.addUser(actor, { ...input, password: input.password || undefined });
      return `/admin/users/${user.id}?added=1`;
    });
  });

  app.get('/admin/users/:id', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { id } = parse(idParams, req.params);
    const person = await svc.getUser(actor, id);
    return reply.page('partnership/views/user.njk', { title: person.name, section: 'admin', person, roles: ROLE_LABELS, backLink: { href: '/admin/users', text: 'Users' } });
  });

  app.get('/admin/users/:id/edit', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { id } = parse(idParams, req.params);
    const person = await svc.getUser(actor, id);
    return reply.page('partnership/views/user-form.njk', { ...(await userForm(actor, `Edit ${person.name}`)), person, values: person });
  });

  app.post('/admin/users/:id/edit', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { id } = parse(idParams, req.params);
    const person = await svc.getUser(actor, id);
    return handleForm(req, reply, { template: 'partnership/views/user-form.njk', context: async () => ({ ...(await userForm(actor, `Edit ${person.name}`)), person }) }, async () => {
      await svc.updateUser(actor, id, parseForm(userUpdateSchema, req));
      return `/admin/users/${id}?updated=1`;
    });
  });
}

// API

const named = { id: z.uuid(), name: z.string(), version: z.number().int() };
const areaOut = z.object(named).meta({ id: 'Area' });
const agencyOut = z.object({ ...named, type: z.enum(AGENCY_TYPES) }).meta({ id: 'Agency' });
const teamOut = z.object({ ...named, agencyId: z.uuid(), areaId: z.uuid().nullable() }).meta({ id: 'Team' });
const userOut = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    agencyId: z.uuid(),
    teamId: z.uuid().nullable(),
    twoFactorEnabled: z.boolean(),
    disabled: z.boolean(),
    version: z.number().int(),
  })
  .meta({ id: 'User' });

const toArea = (a: { id: string; name: string; version: number }) => ({ id: a.id, name: a.name, version: a.version });
const toAgency = (a: { id: string; name: string; type: (typeof AGENCY_TYPES)[number]; version: number }) => ({ ...toArea(a), type: a.type });
const toTeam = (t: { id: string; name: string; version: number; agency_id: string; area_id: string | null }) => ({ ...toArea(t), agencyId: t.agency_id, areaId: t.area_id });
const toUser = (u: z.infer<typeof userOut> & Record<string, unknown>) => userOut.parse(u);

const idFilter = (name: string) => z.uuid({ error: `${name} must be the id (a UUID) of one of your partnership’s ${name === 'agency' ? 'agencies' : `${name}s`}` }).optional();
const listPage = z.object(pageQuery);
const agencyListQuery = z.object({ ...pageQuery, type: z.enum(AGENCY_TYPES, { error: `type must be one of ${AGENCY_TYPES.join(', ')}` }).optional() });
const teamListQuery = z.object({ ...pageQuery, agency: idFilter('agency'), area: idFilter('area') });
const userListQuery = z.object({
  ...pageQuery,
  q: z.string().trim().max(200, 'q must be 200 characters or fewer').optional().describe('Part of the name or e-mail address'),
  role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }).optional(),
  agency: idFilter('agency'),
  team: idFilter('team'),
});

export function partnershipApiRoutes(svc: PartnershipService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/me',
      tag: 'Partnership',
      summary: 'The user behind the token, and their partnership',
      response: z.object({ user: userOut, partnership: z.object({ code: z.string(), name: z.string() }) }),
      handler: async ({ actor }) => {
        const p = await svc.getPartnership(actor);
        const user = actor.kind === 'user' ? await svc.getUser(actor, actor.userId) : null;
        return { user: user && toUser(user), partnership: { code: p.code, name: p.name } };
      },
    }),
    apiRoute({ method: 'GET', url: '/areas', tag: 'Partnership', summary: 'Areas (e.g. quadrants) of your partnership; page with page and pageSize', query: listPage, response: pageOut(areaOut), handler: async ({ actor, query }) => paged((await svc.listAreas(actor)).map(toArea), query) }),
    apiRoute({ method: 'POST', url: '/areas', tag: 'Partnership', summary: 'Add an area', roles: [ADMIN], body: areaSchema, response: areaOut, handler: async ({ actor, body }) => toArea(await svc.addArea(actor, body.name)) }),
    apiRoute({
      method: 'GET',
      url: '/agencies',
      tag: 'Partnership',
      summary: 'Agencies of your partnership; filter by type; page with page and pageSize',
      query: agencyListQuery,
      response: pageOut(agencyOut),
      handler: async ({ actor, query }) => paged((await svc.listAgencies(actor)).filter((a) => !query.type || a.type === query.type).map(toAgency), query),
    }),
    apiRoute({ method: 'POST', url: '/agencies', tag: 'Partnership', summary: 'Add an agency', roles: [ADMIN], body: agencySchema, response: agencyOut, handler: async ({ actor, body }) => toAgency(await svc.addAgency(actor, body)) }),
    apiRoute({ method: 'GET', url: '/agencies/:id', tag: 'Partnership', summary: 'One agency', params: idParams, response: agencyOut, handler: async ({ actor, params }) => toAgency(await svc.getAgency(actor, params.id)) }),
    apiRoute({
      method: 'PATCH',
      url: '/agencies/:id',
      tag: 'Partnership',
      summary: 'Change an agency; send the version you read',
      roles: [ADMIN],
      params: idParams,
      body: agencyUpdateSchema,
      response: agencyOut,
      handler: async ({ actor, params, body }) => toAgency(await svc.updateAgency(actor, params.id, body)),
    }),
    apiRoute({
      method: 'GET',
      url: '/teams',
      tag: 'Partnership',
      summary: 'Teams of your partnership; filter by agency and area; page with page and pageSize',
      query: teamListQuery,
      response: pageOut(teamOut),
      handler: async ({ actor, query }) => paged((await svc.listTeams(actor)).filter((t) => (!query.agency || t.agency_id === query.agency) && (!query.area || t.area_id === query.area)).map(toTeam), query),
    }),
    apiRoute({ method: 'POST', url: '/teams', tag: 'Partnership', summary: 'Add a team', roles: [ADMIN], body: teamSchema, response: teamOut, handler: async ({ actor, body }) => toTeam(await svc.addTeam(actor, body)) }),
    apiRoute({
      method: 'GET',
      url: '/users',
      tag: 'Partnership',
      summary: 'Users of your partnership, by name; filter by q (name or e-mail), role, agency and team; page with page and pageSize',
      roles: [ADMIN],
      query: userListQuery,
      response: pageOut(userOut),
      handler: async ({ actor, query }) => {
        const r = await svc.listUsers(actor, { page: query.page, pageSize: query.pageSize, q: query.q, role: query.role, agencyId: query.agency, teamId: query.team });
        return pageOf(r.rows.map(toUser), r.total, query);
      },
    }),
    apiRoute({
      method: 'POST',
      url: '/users',
      tag: 'Partnership',
      summary: 'Add a user (with a password, or none for single sign-on later)',
      roles: [ADMIN],
      body: userSchema.extend({ password: z.string().max(256, 'Password must be 256 characters or fewer').optional() }),
      response: userOut,
      handler: async ({ actor, body }) => toUser(await svc.addUser(actor, body)),
    }),
    apiRoute({ method: 'GET', url: '/users/:id', tag: 'Partnership', summary: 'One user (access-logged)', roles: [ADMIN], params: idParams, response: userOut, handler: async ({ actor, params }) => toUser(await svc.getUser(actor, params.id)) }),
    apiRoute({
      method: 'PATCH',
      url: '/users/:id',
      tag: 'Partnership',
      summary: 'Change a user; send the version you read',
      roles: [ADMIN],
      params: idParams,
      body: userUpdateSchema,
      response: userOut,
      handler: async ({ actor, params, body }) => toUser(await svc.updateUser(actor, params.id, body)),
    }),
  ];
}
