/**
 * Single sign-on pages: starting a sign-in at the partnership's provider, the provider's answer
 * (the callback), and the partnership admin's settings page.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parse } from '../../lib/validation.js';
import { idParams } from '../../web/api.js';
import { requireActor, SESSION_COOKIE, setSessionCookie } from '../../web/auth.js';
import { formValues, handleForm } from '../../web/forms.js';
import { cookieIsSecure } from '../../web/security.js';
import { safeNext } from './schemas.js';
import type { AuthService } from './service.js';
import { SsoError, type SsoFailure, type SsoService } from './sso.js';

/** Ties the provider's answer to the browser that started the sign-in. */
export const SSO_COOKIE = 'assure_sso';
const CALLBACK = '/sign-in/sso/callback';
const ADMIN = 'partnership-admin' as const;

const FAILURES: Record<SsoFailure, { status: number; heading: string; message: string; retry: boolean }> = {
  'not-set-up': { status: 404, heading: 'Single sign-on is not set up', message: 'This partnership does not sign in through an organisation’s account. Sign in with your e-mail address and password, or ask your partnership admin.', retry: false },
  misconfigured: { status: 503, heading: 'Single sign-on is not working at the moment', message: 'The connection between Assure and your organisation’s sign-in service is not set up correctly. Tell your partnership admin: check the issuer URL, the client ID and the client secret’s variable on the server.', retry: false },
  'no-attempt': { status: 400, heading: 'Your sign-in has expired', message: 'The sign-in was not started in this browser, or it has already been used. Start again.', retry: true },
  expired: { status: 400, heading: 'Your sign-in has expired', message: 'You took longer than 10 minutes at your organisation’s sign-in service. Start again.', retry: true },
  state: { status: 400, heading: 'You have not been signed in', message: 'The answer from your organisation’s sign-in service does not match the sign-in started in this browser, so it was refused. Start again in this browser.', retry: true },
  provider: { status: 502, heading: 'Your organisation’s sign-in service is not responding', message: 'Assure could not reach your organisation’s sign-in service, or it gave an answer Assure could not use. Try again later.', retry: true },
  refused: { status: 400, heading: 'You have not been signed in', message: 'Your organisation’s sign-in service did not sign you in: you may have cancelled, or the sign-in took too long. Start again.', retry: true },
  'invalid-response': { status: 400, heading: 'You have not been signed in', message: 'The answer from your organisation’s sign-in service failed Assure’s checks, so it was refused. Start again; if it happens again, tell your partnership admin.', retry: true },
  'unverified-email': { status: 403, heading: 'Your e-mail address is not confirmed', message: 'Your organisation’s sign-in service did not confirm that your e-mail address is yours, so Assure cannot match you to an account. Ask your partnership admin.', retry: false },
  'unknown-user': { status: 403, heading: 'There is no Assure account for you', message: 'You signed in at your organisation, but Assure has no active account matching you in this partnership. Ask your partnership admin to add you with the e-mail address your organisation uses, or to link your account.', retry: false },
};

function baseUrl(req: FastifyRequest, publicUrl: string | null): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

export function ssoRoutes(app: FastifyInstance, sso: SsoService, auth: AuthService, opts: { publicUrl: string | null }): void {
  const failure = (req: FastifyRequest, reply: FastifyReply, err: SsoError) => {
    const f = FAILURES[err.reason];
    req.log.warn({ reason: err.reason, partnership: err.partnership?.code, detail: err.detail instanceof Error ? err.detail.message : undefined }, 'single sign-on failed');
    return reply.status(f.status).page('auth/views/sso-error.njk', { title: f.heading, failure: f, reason: err.reason, ssoPartnership: err.partnership });
  };
  const cookieOptions = (req: FastifyRequest) => ({ httpOnly: true, sameSite: 'lax' as const, secure: cookieIsSecure(req), path: '/sign-in/sso' });

  app.get('/sign-in/sso/:partnershipCode', { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    const { partnershipCode } = req.params as { partnershipCode: string };
    const query = req.query as Record<string, unknown>;
    const next = safeNext(typeof query.next === 'string' ? query.next : undefined);
    if (!/^[A-Za-z0-9-]{1,12}$/.test(partnershipCode)) return failure(req, reply, new SsoError('not-set-up'));
    try {
      const started = await sso.begin(partnershipCode, baseUrl(req, opts.publicUrl) + CALLBACK, next);
      reply.setCookie(SSO_COOKIE, started.cookieToken, { ...cookieOptions(req), maxAge: 600 });
      return reply.redirect(started.authorizationUrl, 303);
    } catch (err) {
      if (err instanceof SsoError) return failure(req, reply, err);
      throw err;
    }
  });

  app.get(CALLBACK, { config: { rateLimit: { max: 30, timeWindow: '1 minute' } } }, async (req, reply) => {
    const token = req.cookies[SSO_COOKIE];
    reply.clearCookie(SSO_COOKIE, { path: '/sign-in/sso' });
    const query = new URLSearchParams(req.raw.url?.split('?')[1] ?? '');
    try {
      const done = await sso.complete(token, query, req.headers['user-agent'] ?? null);
      await auth.signOut(req.cookies[SESSION_COOKIE]); // a new session id at every sign-in
      setSessionCookie(req, reply, done.sessionToken);
      return reply.redirect(done.secondFactorPending ? `/sign-in/code?next=${encodeURIComponent(done.next)}` : done.next, 303);
    } catch (err) {
      if (err instanceof SsoError) return failure(req, reply, err);
      throw err;
    }
  });

  // The partnership admin's settings

  const settingsPage = async (req: FastifyRequest) => {
    const actor = requireActor(req, ADMIN);
    const data = await sso.settingsPage(actor);
    const s = data.settings;
    const savedValues = s
      ? { enabled: s.enabled ? 'yes' : 'no', issuerUrl: s.issuer_url, clientId: s.client_id, clientSecretEnv: s.client_secret_env ?? '', matchBy: s.match_by, passwordSignIn: s.password_sign_in ? 'yes' : 'no' }
      : { enabled: 'yes', matchBy: 'email', passwordSignIn: 'yes' };
    return { title: 'Single sign-on', section: 'admin', ...data, savedValues, callbackUrl: baseUrl(req, opts.publicUrl) + CALLBACK, backLink: { href: '/admin', text: 'Partnership admin' } };
  };

  app.get('/admin/sso', async (req, reply) => {
    const page = await settingsPage(req);
    return reply.page('auth/views/sso-admin.njk', { ...page, values: page.savedValues });
  });

  app.post('/admin/sso', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return handleForm(req, reply, { template: 'auth/views/sso-admin.njk', context: async () => ({ ...(await settingsPage(req)), form: 'settings' }) }, async () => {
      await sso.saveSettings(actor, formValues(req));
      return '/admin/sso?updated=sso';
    });
  });

  app.post('/admin/sso/links', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    return handleForm(req, reply, { template: 'auth/views/sso-admin.njk', context: async () => ({ ...(await settingsPage(req)), form: 'link' }) }, async () => {
      await sso.link(actor, formValues(req));
      return '/admin/sso?added=sso-link#links';
    });
  });

  app.post('/admin/sso/links/:id/remove', async (req, reply) => {
    const actor = requireActor(req, ADMIN);
    const { id } = parse(idParams, req.params);
    await sso.unlink(actor, id);
    return reply.redirect('/admin/sso?done=sso-unlink#links', 303);
  });
}
