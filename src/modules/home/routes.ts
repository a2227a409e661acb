import type { FastifyInstance } from 'fastify';
import { requireActor } from '../../web/auth.js';
import type { PartnershipService } from '../partnership/service.js';
import { ROLE_LABELS } from '../partnership/schemas.js';

export function homeRoutes(app: FastifyInstance, partnership: PartnershipService): void {
  app.get('/', async (req, reply) => {
    if (!req.actor) return reply.redirect(req.signedIn?.secondFactorPending ? '/sign-in/code' : '/sign-in', 303);
    const actor = requireActor(req);
    const user = req.signedIn!.user;
    const [agencies, teams] = await Promise.all([partnership.listAgencies(actor), partnership.listTeams(actor)]);
    return reply.page('home.njk', {
      title: 'Home',
      section: 'home',
      roleLabel: ROLE_LABELS[user.role],
      agency: agencies.find((a) => a.id === user.agency_id),
      team: teams.find((t) => t.id === user.team_id),
    });
  });

  app.get('/accessibility', async (_req, reply) => reply.page('accessibility.njk', { title: 'Accessibility statement' }));
}
