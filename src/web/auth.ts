/**
 * Who is asking: a session cookie for pages, a bearer token for the API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../lib/actor.js';
import { hasRole } from '../lib/actor.js';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors.js';
import { type AuthService, type SignedIn, userActor } from '../modules/auth/service.js';
import type { Role } from '../db/schema.js';
import { cookieIsSecure } from './security.js';

export const SESSION_COOKIE = 'assure_session';

declare module 'fastify' {
  interface FastifyRequest {
    signedIn: SignedIn | null;
    actor: Actor | null;
  }
}

function isPageRequest(url: string): boolean {
  return !(url.startsWith('/assets/') || url.startsWith('/api/') || url === '/healthz' || url === '/readyz');
}

export function registerAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('signedIn', null);
  app.decorateRequest('actor', null);

  app.addHook('onRequest', async (req) => {
    if (!isPageRequest(req.url)) return;
    const signedIn = await auth.loadSession(req.cookies[SESSION_COOKIE]);
    req.signedIn = signedIn;
    if (signedIn && !signedIn.secondFactorPending) req.actor = userActor(signedIn.user, req.id);
  });

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/') || req.url.startsWith('/api/v1/openapi.json')) return;
    const header = req.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) return;
    const found = await auth.authenticateToken(match[1]);
    if (found) req.actor = userActor(found.user, req.id);
  });
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: cookieIsSecure(req), path: '/' });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The signed-in actor, or a 401 (pages send the person to sign in). */
export function requireActor(req: FastifyRequest, ...roles: Role[]): Actor {
  if (!req.actor) throw new UnauthenticatedError();
  if (roles.length && !hasRole(req.actor, ...roles)) throw new ForbiddenError();
  return req.actor;
}

/** What the signed-in person may see in the navigation. */
export function capabilities(actor: Actor | null) {
  return {
    admin: actor ? hasRole(actor, 'partnership-admin') : false,
    accessLog: actor ? hasRole(actor, 'partnership-admin', 'qa-lead') : false,
    team: actor?.kind === 'user' && actor.role === 'team-manager',
    standards: actor ? hasRole(actor, 'team-manager', 'qa-lead', 'partnership-admin') : false,
  };
}
