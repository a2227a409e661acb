import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import { paged, pageOut, pageQuery } from '../../lib/pagination.js';
import { parse } from '../../lib/validation.js';
import { apiRoute, idParams, type ApiRoute } from '../../web/api.js';
import { clearSessionCookie, requireActor, SESSION_COOKIE, setSessionCookie } from '../../web/auth.js';
import { formValues, handleForm, parseForm } from '../../web/forms.js';
import { codeSchema, disableTotpSchema, passwordChangeSchema, safeNext, signInSchema, tokenSchema } from './schemas.js';
import type { AuthService } from './service.js';

const signInLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

export function authRoutes(app: FastifyInstance, auth: AuthService, opts: { lockoutMinutes: number; ssoPartnerships: () => Promise<{ code: string; name: string }[]> }): void {
  const ssoOnlyMessage = 'Your partnership signs in through your organisation’s account, not with a password here: use the single sign-on button below';
  const lockedMessage = `Too many failed attempts. For your security, signing in with this e-mail address is paused for ${opts.lockoutMinutes} minutes.`;

  app.get('/sign-in', async (req, reply) => {
    if (req.actor) return reply.redirect('/', 303);
    const next = typeof (req.query as Record<string, unknown>).next === 'string' ? (req.query as Record<string, string>).next : undefined;
    return reply.page('auth/views/sign-in.njk', { title: 'Sign in', values: { next }, ssoPartnerships: await opts.ssoPartnerships() });
  });

  app.post('/sign-in', { config: signInLimit }, async (req, reply) => {
    const show = async (errors: Record<string, string>) =>
      reply.status(400).page('auth/views/sign-in.njk', { title: 'Sign in', errors, values: { ...formValues(req), password: '' }, ssoPartnerships: await opts.ssoPartnerships() });
    let input: z.output<typeof signInSchema>;
    try {
      input = parseForm(signInSchema, req);
    } catch (err) {
      if (err instanceof ValidationError) return show(err.fields);
      throw err;
    }
    const result = await auth.signIn(input.email, input.password, req.headers['user-agent'] ?? null);
    if (!result.ok) {
      if (result.reason === 'single-sign-on-only') return show({ email: ssoOnlyMessage });
      return show(result.reason === 'locked' ? { email: lockedMessage } : { email: 'Enter a correct e-mail address and password', password: 'The e-mail address or password is not right' });
    }
    await auth.signOut(req.cookies[SESSION_COOKIE]); // a new session id at every sign-in
    setSessionCookie(req, reply, result.sessionToken);
    const next = safeNext(input.next);
    return reply.redirect(result.secondFactorPending ? `/sign-in/code?next=${encodeURIComponent(next)}` : next, 303);
  });

  app.get('/sign-in/code', async (req, reply) => {
    if (!req.signedIn?.secondFactorPending) return reply.redirect('/sign-in', 303);
    return reply.page('auth/views/code.njk', { title: 'Enter the code from your authenticator app', values: req.query });
  });

  app.post('/sign-in/code', { config: signInLimit }, async (req, reply) => {
    const signedIn = req.signedIn;
    if (!signedIn?.secondFactorPending) return reply.redirect('/sign-in', 303);
    const values = formValues(req);
    const show = (errors: Record<string, string>) =>
      reply.status(400).page('auth/views/code.njk', { title: 'Enter the code from your authenticator app', errors, values: { next: values.next } });
    const parsed = codeSchema.safeParse(values);
    if (!parsed.success) return show({ code: 'Enter the 6-digit code' });
    const result = await auth.completeSecondFactor(signedIn, parsed.data.code, req.headers['user-agent'] ?? null);
    if (!result.ok) {
      if (result.reason === 'locked') {
        clearSessionCookie(reply);
        return reply.status(400).page('auth/views/sign-in.njk', { title: 'Sign in', errors: { email: lockedMessage }, values: {} });
      }
      return show({ code: 'The code is not right: enter the 6-digit code your authenticator app shows now' });
    }
    setSessionCookie(req, reply, result.sessionToken);
    return reply.redirect(safeNext(typeof values.next === 'string' ? values.next : undefined), 303);
  });

  app.post('/sign-out', async (req, reply) => {
    await auth.signOut(req.cookies[SESSION_COOKIE]);
    clearSessionCookie(reply);
    return reply.redirect('/sign-in?signedOut=1', 303);
  });

  // Your account

  app.get('/account', async (req, reply) => {
    requireActor(req);
    const user = req.signedIn!.user;
    return reply.page('auth/views/account.njk', { title: 'Your account', section: 'account', me: user, tokens: await auth.listTokens(user) });
  });

  app.post('/account/password', async (req, reply) => {
    requireActor(req);
    const signedIn = req.signedIn!;
    return handleForm(
      req,
      reply,
      { template: 'auth/views/password.njk', context: () => ({ title: 'Change your password', section: 'account' }) },
      async () => {
        const input = parseForm(passwordChangeSchema, req);
        await auth.changePassword(signedIn.user, input.currentPassword, input.newPassword, signedIn.sessionIdHash);
        return '/account?changed=password';
      },
    );
  });

  app.get('/account/password', async (req, reply) => {
    requireActor(req);
    return reply.page('auth/views/password.njk', { title: 'Change your password', section: 'account', backLink: { href: '/account' } });
  });

  app.get('/account/two-factor', async (req, reply) => {
    requireActor(req);
    const user = req.signedIn!.user;
    if (user.totp_enabled_at) return reply.page('auth/views/two-factor-on.njk', { title: 'Two-step verification is on', section: 'account', backLink: { href: '/account' } });
    const enrolment = await auth.beginTotp(user);
    return reply.page('auth/views/two-factor.njk', { title: 'Set up two-step verification', section: 'account', enrolment, backLink: { href: '/account' } });
  });

  app.post('/account/two-factor', async (req, reply) => {
    requireActor(req);
    const user = req.signedIn!.user;
    return handleForm(
      req,
      reply,
      {
        template: 'auth/views/two-factor.njk',
        context: async () => ({ title: 'Set up two-step verification', section: 'account', enrolment: await auth.beginTotp(user) }),
      },
      async () => {
        const input = parseForm(codeSchema, req);
        await auth.confirmTotp(user, input.code);
        return '/account?changed=two-factor';
      },
    );
  });

  app.post('/account/two-factor/disable', async (req, reply) => {
    requireActor(req);
    const user = req.signedIn!.user;
    return handleForm(
      req,
      reply,
      { template: 'auth/views/two-factor-on.njk', context: () => ({ title: 'Two-step verification is on', section: 'account' }) },
      async () => {
        const input = parseForm(disableTotpSchema, req);
        await auth.disableTotp(user, input.password);
        return '/account?changed=two-factor-off';
      },
    );
  });

  app.post('/account/tokens', async (req, reply) => {
    requireActor(req);
    const user = req.signedIn!.user;
    try {
      const input = parseForm(tokenSchema, req);
      const created = await auth.createToken(user, input.name, input.days);
      return reply.status(201).page('auth/views/token-created.njk', { title: 'Your new API token', section: 'account', created, name: input.name });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return reply.status(400).page('auth/views/account.njk', {
        title: 'Your account',
        section: 'account',
        me: user,
        tokens: await auth.listTokens(user),
        errors: err.fields,
        values: formValues(req),
      });
    }
  });

  app.post('/account/tokens/:id/revoke', async (req, reply) => {
    requireActor(req);
    const { id } = parse(idParams, req.params);
    await auth.revokeToken(req.signedIn!.user, id);
    return reply.redirect('/account?changed=token-revoked', 303);
  });
}

const tokenOut = z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), createdAt: z.iso.datetime(), expiresAt: z.iso.datetime(), lastUsedAt: z.iso.datetime().nullable(), revokedAt: z.iso.datetime().nullable() });
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function authApiRoutes(auth: AuthService): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/tokens',
      tag: 'Account',
      summary: 'Your personal access tokens (never the secret itself), newest first; page with page and pageSize',
      query: z.object(pageQuery),
      response: pageOut(tokenOut),
      handler: async ({ actor, query }) => {
        const user = await auth.tokenOwner(actor);
        const rows = await auth.listTokens(user);
        return paged(
          rows.map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, createdAt: iso(t.created_at)!, expiresAt: iso(t.expires_at)!, lastUsedAt: iso(t.last_used_at), revokedAt: iso(t.revoked_at) })),
          query,
        );
      },
    }),
    apiRoute({
      method: 'DELETE',
      url: '/tokens/:id',
      tag: 'Account',
      summary: 'Revoke one of your tokens',
      params: idParams,
      status: 204,
      handler: async ({ actor, params }) => {
        const user = await auth.tokenOwner(actor);
        await auth.revokeToken(user, params.id);
        return undefined;
      },
    }),
  ];
}
