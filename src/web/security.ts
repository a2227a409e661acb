/**
 * Security headers (CSP with nonces), cookies, CSRF for every form post, and rate limits.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

export async function registerSecurity(app: FastifyInstance, config: Pick<Config, 'sessionSecret' | 'env'>): Promise<void> {
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // ECharts' server-rendered SVG (the standards dashboards) carries style attributes
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    strictTransportSecurity: config.env === 'production' ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody, { bodyLimit: 1024 * 1024 });
  await app.register(csrf, {
    cookieKey: 'assure_csrf',
    // 'auto': Secure whenever the request came over HTTPS, like the session cookie (cookieIsSecure)
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/' },
    getToken: (req: FastifyRequest) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  await app.register(rateLimit, { global: false });

  // Every state-changing request from a browser carries the form's token. The API uses bearer
  // tokens, never cookies, so it needs none. Checked in preHandler, once the body is parsed.
  app.addHook('preHandler', (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.url.startsWith('/api/')) return done();
    app.csrfProtection(req, reply, done);
  });
}

/** Cookies are Secure whenever the request came over HTTPS (directly or, with TRUST_PROXY, via a proxy). */
export function cookieIsSecure(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}
