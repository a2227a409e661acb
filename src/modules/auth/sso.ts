/**
 * Single sign-on: OpenID Connect, authorization code with PKCE, one provider per partnership.
 *
 * - Starting: a random state, nonce and PKCE verifier are kept server-side (sso_attempts), found
 *   again by the SHA-256 of a random HttpOnly cookie, and used once (the row is deleted as it is read).
 * - Completing: openid-client checks the state, exchanges the code with the verifier and validates
 *   the ID token (issuer, audience, signature, nonce). The provider's user is then matched to an
 *   active Assure user of the same partnership: by a verified e-mail address (`email_verified`
 *   true), or by a subject an admin linked beforehand. Nobody is created.
 * - The session is the ordinary one (AuthService.startSignedIn): someone who turned on two-step
 *   verification in Assure is still asked for their code. The sign-in is access-logged.
 * - The client secret is read from the server's environment by the variable's name; only variables
 *   named OIDC_CLIENT_SECRET_… can be named.
 */
import * as client from 'openid-client';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import type { SsoSettings, User } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { randomToken, sha256 } from '../../lib/tokens.js';
import { parse } from '../../lib/validation.js';
import type { AccessLogService } from '../access-log/service.js';
import { ssoLinkSchema, ssoSettingsSchema } from './schemas.js';
import type { AuthService } from './service.js';
import * as repo from './sso-repository.js';

const MINUTE = 60_000;
/** How long a person has at the provider before the sign-in must start again. */
const ATTEMPT_MINUTES = 10;
/** How long a provider's discovered configuration is reused. */
const DISCOVERY_MINUTES = 10;

export type SsoFailure =
  | 'not-set-up' // no provider for this partnership, or single sign-on is off
  | 'misconfigured' // the secret's variable is not set, the issuer URL is not the provider's own, or the provider refuses the client
  | 'no-attempt' // the callback without a sign-in started in this browser (or used already)
  | 'expired'
  | 'state' // the state does not match: another browser's response, or tampered with
  | 'provider' // the provider cannot be reached or answered with something unusable
  | 'refused' // the provider said no (the person cancelled, or the code was refused)
  | 'invalid-response' // the ID token failed validation (nonce, signature, audience…)
  | 'unverified-email'
  | 'unknown-user';

export class SsoError extends Error {
  constructor(
    readonly reason: SsoFailure,
    readonly partnership: { code: string; name: string } | null = null,
    readonly detail?: unknown,
  ) {
    super(`single sign-on failed: ${reason}`);
    this.name = 'SsoError';
  }
}

export interface SsoCompleted {
  sessionToken: string;
  secondFactorPending: boolean;
  next: string;
}

type ProviderSettings = Pick<SsoSettings, 'issuer_url' | 'client_id' | 'client_secret_env' | 'version'> & { partnership_id: string };

export class SsoService {
  private readonly discovered = new Map<string, { at: number; configuration: client.Configuration }>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'sso'>,
    private readonly auth: AuthService,
    private readonly accessLog: AccessLogService,
  ) {}

  /** The partnerships the sign-in page offers single sign-on for. */
  listForSignIn(): Promise<{ code: string; name: string }[]> {
    return repo.listEnabled(this.db);
  }

  /** Starts a sign-in at the partnership's provider: the address to send the browser to, and the cookie that ties the answer to this browser. */
  async begin(partnershipCode: string, redirectUri: string, next: string): Promise<{ cookieToken: string; authorizationUrl: string }> {
    const row = await repo.findByPartnershipCode(this.db, partnershipCode);
    if (!row) throw new SsoError('not-set-up');
    const partnership = { code: row.code, name: row.name };
    if (!row.enabled || !row.issuer_url || !row.client_id || row.version === null) throw new SsoError('not-set-up', partnership);
    const configuration = await this.configuration({ partnership_id: row.partnership_id, issuer_url: row.issuer_url, client_id: row.client_id, client_secret_env: row.client_secret_env, version: row.version }, partnership);
    const codeVerifier = client.randomPKCECodeVerifier();
    const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
    const state = client.randomState();
    const nonce = client.randomNonce();
    const cookieToken = randomToken();
    const now = this.clock.now();
    await repo.deleteExpiredAttempts(this.db, now);
    await repo.insertAttempt(this.db, {
      id_hash: sha256(cookieToken),
      partnership_id: row.partnership_id,
      state,
      nonce,
      code_verifier: codeVerifier,
      redirect_uri: redirectUri,
      next,
      created_at: now,
      expires_at: new Date(now.getTime() + ATTEMPT_MINUTES * MINUTE),
    });
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { cookieToken, authorizationUrl: url.href };
  }

  /**
   * Completes a sign-in from the provider's answer (the callback's query string) and the cookie
   * set when it started. Throws an SsoError saying what went wrong; never signs in on doubt.
   */
  async complete(cookieToken: string | undefined, query: URLSearchParams, userAgent: string | null): Promise<SsoCompleted> {
    if (!cookieToken || cookieToken.length > 200) throw new SsoError('no-attempt');
    const attempt = await repo.takeAttempt(this.db, sha256(cookieToken));
    if (!attempt) throw new SsoError('no-attempt');
    const settings = await repo.getSettings(this.db, attempt.partnership_id);
    const p = await this.db.selectFrom('partnerships').select(['code', 'name']).where('id', '=', attempt.partnership_id).executeTakeFirstOrThrow();
    if (new Date(attempt.expires_at) <= this.clock.now()) throw new SsoError('expired', p);
    if (!settings?.enabled) throw new SsoError('not-set-up', p);
    // The state first, before anything is sent anywhere: an answer meant for another browser stops here
    if (query.get('state') !== attempt.state) throw new SsoError('state', p);
    if (query.has('error')) throw new SsoError('refused', p);

    const configuration = await this.configuration(settings, p);
    const currentUrl = new URL(attempt.redirect_uri);
    for (const [k, v] of query) currentUrl.searchParams.append(k, v);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: attempt.code_verifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new SsoError(failureOf(err), p, err);
    }
    const claims = tokens.claims();
    if (!claims) throw new SsoError('invalid-response', p);
    const subject = claims.sub;
    let email = typeof claims.email === 'string' ? claims.email : undefined;
    let verified = claims.email_verified;
    if (settings.match_by === 'email' && email === undefined) {
      // Many providers put the e-mail address in the userinfo answer only
      try {
        const info = await client.fetchUserInfo(configuration, tokens.access_token, subject);
        email = typeof info.email === 'string' ? info.email : undefined;
        verified = info.email_verified;
      } catch (err) {
        throw new SsoError(failureOf(err), p, err);
      }
    }

    const now = this.clock.now();
    let user: User | undefined;
    if (settings.match_by === 'subject') {
      const found = await repo.findUserBySubject(this.db, settings.partnership_id, settings.issuer_url, subject);
      if (found) {
        const { identity_id, ...u } = found;
        await repo.markIdentityUsed(this.db, identity_id, now);
        user = u;
      }
    } else {
      if (!email) throw new SsoError('unknown-user', p);
      if (verified !== true && verified !== 'true') throw new SsoError('unverified-email', p);
      user = await repo.findUserByEmail(this.db, settings.partnership_id, email);
      if (user) {
        // A subject already linked to someone else is not silently moved to this user
        const linked = await repo.findIdentityForSubject(this.db, settings.partnership_id, settings.issuer_url, subject);
        if (linked && linked.user_id !== user.id) throw new SsoError('unknown-user', p);
        await repo.linkIdentity(this.db, { partnershipId: settings.partnership_id, userId: user.id, issuerUrl: settings.issuer_url, subject, at: now, used: true });
      }
    }
    if (!user || user.disabled_at) throw new SsoError('unknown-user', p);
    const started = await this.auth.startSignedIn(user, userAgent, { method: 'single-sign-on', details: { issuer: settings.issuer_url, matchedBy: settings.match_by } });
    return { sessionToken: started.sessionToken, secondFactorPending: started.secondFactorPending, next: attempt.next };
  }

  private async configuration(s: ProviderSettings, partnership: { code: string; name: string }): Promise<client.Configuration> {
    const secret = s.client_secret_env ? this.config.sso.clientSecrets[s.client_secret_env] : undefined;
    if (s.client_secret_env && !secret) throw new SsoError('misconfigured', partnership);
    const key = `${s.partnership_id}|${s.version}|${s.issuer_url}|${s.client_id}|${s.client_secret_env ?? ''}`;
    const cached = this.discovered.get(key);
    if (cached && Date.now() - cached.at < DISCOVERY_MINUTES * MINUTE) return cached.configuration;
    const issuer = new URL(s.issuer_url);
    if (issuer.protocol === 'http:' && !this.config.sso.allowHttpIssuers) throw new SsoError('misconfigured', partnership);
    try {
      const configuration = await client.discovery(issuer, s.client_id, undefined, secret ? client.ClientSecretBasic(secret) : client.None(), {
        timeout: 10,
        ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      });
      for (const k of this.discovered.keys()) if (k.startsWith(`${s.partnership_id}|`)) this.discovered.delete(k);
      this.discovered.set(key, { at: Date.now(), configuration });
      return configuration;
    } catch (err) {
      // The provider answered, but names itself differently from the issuer URL in the settings
      const mismatch = err instanceof client.ClientError && (err as { code?: string }).code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';
      throw new SsoError(mismatch ? 'misconfigured' : 'provider', partnership, err);
    }
  }

  // Administration (partnership admins)

  async settingsPage(actor: Actor) {
    const [settings, identities, users] = await Promise.all([
      repo.getSettings(this.db, actor.partnershipId),
      repo.listIdentities(this.db, actor.partnershipId),
      this.db.selectFrom('users').select(['id', 'name', 'email']).where('partnership_id', '=', actor.partnershipId).where('disabled_at', 'is', null).orderBy('name').limit(2000).execute(),
    ]);
    return { settings: settings ?? null, identities, users, secretNames: Object.keys(this.config.sso.clientSecrets).sort() };
  }

  async saveSettings(actor: Actor, input: unknown): Promise<void> {
    const v = parse(ssoSettingsSchema, input);
    if (v.clientSecretEnv && !(v.clientSecretEnv in this.config.sso.clientSecrets)) {
      throw new ValidationError({ clientSecretEnv: `${v.clientSecretEnv} is not set in the server’s environment: set it, restart Assure, then save again` });
    }
    if (new URL(v.issuerUrl).protocol === 'http:' && !this.config.sso.allowHttpIssuers) {
      throw new ValidationError({ issuerUrl: 'The issuer URL must start with https://' });
    }
    await this.db.transaction().execute(async (trx) => {
      await repo.saveSettings(trx, actor.partnershipId, { enabled: v.enabled, issuerUrl: v.issuerUrl, clientId: v.clientId, clientSecretEnv: v.clientSecretEnv ?? null, matchBy: v.matchBy, passwordSignIn: v.passwordSignIn }, actor.kind === 'user' ? actor.userId : null, this.clock.now());
      await this.accessLog.record(trx, actor, {
        action: 'update',
        recordType: 'single-sign-on',
        recordId: actor.partnershipId,
        details: { enabled: v.enabled, issuerUrl: v.issuerUrl, matchBy: v.matchBy, passwordSignIn: v.passwordSignIn },
      });
    });
  }

  async link(actor: Actor, input: unknown): Promise<void> {
    const v = parse(ssoLinkSchema, input);
    const settings = await repo.getSettings(this.db, actor.partnershipId);
    if (!settings) throw new ValidationError({ subject: 'Set up the provider before linking users to it' });
    const user = await this.db.selectFrom('users').select('id').where('partnership_id', '=', actor.partnershipId).where('id', '=', v.userId).executeTakeFirst();
    if (!user) throw new ValidationError({ userId: 'Select the user' });
    const taken = await repo.findIdentityForSubject(this.db, actor.partnershipId, settings.issuer_url, v.subject);
    if (taken && taken.user_id !== v.userId) throw new ValidationError({ subject: 'This subject is already linked to another user' });
    await this.db.transaction().execute(async (trx) => {
      await repo.linkIdentity(trx, { partnershipId: actor.partnershipId, userId: v.userId, issuerUrl: settings.issuer_url, subject: v.subject, at: this.clock.now(), used: false });
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'user', recordId: v.userId, details: { singleSignOnSubject: 'linked' } });
    });
  }

  async unlink(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const removed = await repo.removeIdentity(trx, actor.partnershipId, id);
      if (!removed) throw new NotFoundError('Link not found');
      await this.accessLog.record(trx, actor, { action: 'update', recordType: 'user', recordId: removed.user_id, details: { singleSignOnSubject: 'removed' } });
    });
  }
}

function failureOf(err: unknown): SsoFailure {
  // The provider does not accept Assure's client id or secret
  if (err instanceof client.ResponseBodyError && (err.error === 'invalid_client' || err.error === 'unauthorized_client')) return 'misconfigured';
  if (err instanceof client.WWWAuthenticateChallengeError && err.status === 401) return 'misconfigured';
  if (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError) return 'refused';
  if (err instanceof client.ClientError) {
    const code = (err as { code?: string }).code;
    return code === 'OAUTH_TIMEOUT' || code === 'OAUTH_RESPONSE_IS_NOT_JSON' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' ? 'provider' : 'invalid-response';
  }
  return 'provider'; // network failures and anything unexpected from the provider
}
