/**
 * Sign-in, sessions, the second factor, and personal access tokens.
 *
 * - Passwords: argon2id. Failed attempts are counted per e-mail address whether or not an
 *   account exists, so the lockout message reveals nothing about who has an account.
 * - Sessions: a random token in an HttpOnly cookie; only its SHA-256 is stored. A new one is
 *   issued at sign-in and again after the second factor. Idle and absolute timeouts.
 * - API tokens: shown once, stored hashed, with an expiry, revocable.
 */
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import type { Partnership, SignInMethod, User } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import type { Clock } from '../../lib/clock.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { randomToken, sha256 } from '../../lib/tokens.js';
import type { AccessLogService } from '../access-log/service.js';
import { findUserByEmailForSignIn } from '../partnership/repository.js';
import { passwordProblem } from './password-policy.js';
import * as repo from './repository.js';
import { passwordSignInAllowed } from './sso-repository.js';

export const TOKEN_PREFIX = 'assure_pat_';
const MINUTE = 60_000;

export type SignInResult =
  | { ok: true; sessionToken: string; secondFactorPending: boolean }
  | { ok: false; reason: 'invalid' | 'locked' | 'single-sign-on-only' };

export interface SignedIn {
  user: User;
  partnership: Partnership;
  secondFactorPending: boolean;
  sessionIdHash: string;
  signInMethod: SignInMethod;
}

/** What the access log's sign-in row records beyond the person: how they signed in. */
export interface SignInProof {
  method: SignInMethod;
  details?: Record<string, unknown>;
}

export class AuthService {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'sessionIdleMinutes' | 'sessionAbsoluteHours' | 'signInMaxFailures' | 'signInLockoutMinutes'>,
    private readonly accessLog: AccessLogService,
  ) {}

  hashPassword(password: string): Promise<string> {
    return argonHash(password); // @node-rs/argon2 defaults to argon2id
  }

  /** Throws a ValidationError on the given field when the password breaks the policy. */
  checkPasswordPolicy(password: string, context: { email?: string; name?: string }, field = 'password'): void {
    const problem = passwordProblem(password, context);
    if (problem) throw new ValidationError({ [field]: problem });
  }

  async signIn(email: string, password: string, userAgent: string | null): Promise<SignInResult> {
    const now = this.clock.now();
    const emailHash = sha256(email.trim().toLowerCase());
    const throttle = await repo.getThrottle(this.db, emailHash);
    if (throttle?.locked_until && new Date(throttle.locked_until) > now) return { ok: false, reason: 'locked' };

    const user = await findUserByEmailForSignIn(this.db, email);
    // Verify against a dummy hash when there is no such user, so timing does not tell.
    const ok = user?.password_hash
      ? await argonVerify(user.password_hash, password).catch(() => false)
      : await argonVerify(await this.getDummyHash(), password).then(() => false);

    if (!ok || !user || user.disabled_at) {
      return this.recordFailure(emailHash, user?.partnership_id ?? null, throttle, now);
    }
    await repo.clearThrottle(this.db, emailHash);
    // Told only after the right password, so the answer says nothing about who has an account
    if (!(await passwordSignInAllowed(this.db, user.partnership_id))) return { ok: false, reason: 'single-sign-on-only' };
    return this.startSignedIn(user, userAgent, { method: 'password' });
  }

  /**
   * A session for a user whose identity is already proven (a right password, or the
   * partnership's single sign-on provider). Someone who turned on two-step verification in
   * Assure is still asked for the code: the session waits for it.
   */
  async startSignedIn(user: User, userAgent: string | null, proof: SignInProof): Promise<{ ok: true; sessionToken: string; secondFactorPending: boolean }> {
    const secondFactorPending = user.totp_enabled_at !== null;
    const sessionToken = await this.startSession(user, secondFactorPending, userAgent, proof.method);
    if (!secondFactorPending) await this.completeSignIn(user, proof);
    return { ok: true, sessionToken, secondFactorPending };
  }

  /** Checks the 6-digit code of a session waiting for its second factor; on success a new session id. */
  async completeSecondFactor(signedIn: SignedIn, code: string, userAgent: string | null): Promise<SignInResult> {
    const now = this.clock.now();
    const emailHash = sha256(signedIn.user.email.toLowerCase());
    const throttle = await repo.getThrottle(this.db, emailHash);
    if (throttle?.locked_until && new Date(throttle.locked_until) > now) {
      await repo.deleteSession(this.db, signedIn.sessionIdHash);
      return { ok: false, reason: 'locked' };
    }
    const step = this.acceptTotp(signedIn.user, code);
    if (step === null || !(await this.spendTotpStep(signedIn.user.id, signedIn.user.totp_last_step, step))) {
      const result = await this.recordFailure(emailHash, signedIn.user.partnership_id, throttle, now);
      if (result.reason === 'locked') await repo.deleteSession(this.db, signedIn.sessionIdHash);
      return result;
    }
    await repo.clearThrottle(this.db, emailHash);
    await repo.deleteSession(this.db, signedIn.sessionIdHash);
    const sessionToken = await this.startSession(signedIn.user, false, userAgent, signedIn.signInMethod);
    await this.completeSignIn(signedIn.user, { method: signedIn.signInMethod });
    return { ok: true, sessionToken, secondFactorPending: false };
  }

  private async recordFailure(
    emailHash: string,
    partnershipId: string | null,
    throttle: Awaited<ReturnType<typeof repo.getThrottle>>,
    now: Date,
  ): Promise<{ ok: false; reason: 'invalid' | 'locked' }> {
    const windowMs = this.config.signInLockoutMinutes * MINUTE;
    const fresh = !throttle || now.getTime() - new Date(throttle.window_started_at).getTime() > windowMs;
    const failures = fresh ? 1 : throttle.failures + 1;
    const locked = failures >= this.config.signInMaxFailures;
    await repo.saveThrottle(this.db, {
      email_hash: emailHash,
      partnership_id: partnershipId,
      failures: locked ? 0 : failures,
      window_started_at: fresh || locked ? now : new Date(throttle.window_started_at),
      locked_until: locked ? new Date(now.getTime() + windowMs) : null,
    });
    return { ok: false, reason: locked ? 'locked' : 'invalid' };
  }

  private async startSession(user: User, secondFactorPending: boolean, userAgent: string | null, method: SignInMethod): Promise<string> {
    const now = this.clock.now();
    const token = randomToken();
    await repo.insertSession(this.db, {
      id_hash: sha256(token),
      partnership_id: user.partnership_id,
      user_id: user.id,
      second_factor_pending: secondFactorPending,
      expires_at: new Date(now.getTime() + (secondFactorPending ? 10 * MINUTE : this.config.sessionAbsoluteHours * 60 * MINUTE)),
      user_agent: userAgent?.slice(0, 300) ?? null,
      sign_in_method: method,
      now,
    });
    return token;
  }

  private async completeSignIn(user: User, proof: SignInProof): Promise<void> {
    // A password sign-in's row is as it always was; others say how
    const details = proof.method === 'password' ? proof.details : { method: proof.method, ...proof.details };
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ last_sign_in_at: now }).where('id', '=', user.id).execute();
      await this.accessLog.record(trx, userActor(user), { action: 'sign-in', recordType: 'user', recordId: user.id, ...(details ? { details } : {}) });
    });
  }

  /** The session behind a cookie, or null when it is unknown, idle too long or past its absolute limit. */
  async loadSession(token: string | undefined): Promise<SignedIn | null> {
    if (!token || token.length > 200) return null;
    const idHash = sha256(token);
    const found = await repo.findSession(this.db, idHash);
    if (!found) return null;
    const now = this.clock.now();
    const { session, user, partnership } = found;
    const idleLimit = new Date(session.last_seen_at).getTime() + this.config.sessionIdleMinutes * MINUTE;
    if (new Date(session.expires_at) <= now || idleLimit <= now.getTime() || user.disabled_at) {
      await repo.deleteSession(this.db, idHash);
      return null;
    }
    // Write last-seen at most once a minute.
    if (now.getTime() - new Date(session.last_seen_at).getTime() > MINUTE) await repo.touchSession(this.db, idHash, now);
    return { user, partnership, secondFactorPending: session.second_factor_pending, sessionIdHash: idHash, signInMethod: session.sign_in_method };
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await repo.deleteSession(this.db, sha256(token));
  }

  async pruneSessions(): Promise<void> {
    const now = this.clock.now();
    await repo.deleteExpiredSessions(this.db, now, new Date(now.getTime() - this.config.sessionIdleMinutes * MINUTE));
  }

  async changePassword(user: User, current: string, next: string, keepSessionIdHash: string): Promise<void> {
    if (!user.password_hash || !(await argonVerify(user.password_hash, current).catch(() => false))) {
      throw new ValidationError({ currentPassword: 'Your current password is not right' });
    }
    this.checkPasswordPolicy(next, { email: user.email, name: user.name }, 'newPassword');
    await repo.setUserSecurity(this.db, user.id, { password_hash: await this.hashPassword(next) });
    await repo.deleteUserSessions(this.db, user.id, keepSessionIdHash); // sign out everywhere else
  }

  // Second factor (TOTP, RFC 6238)

  private totp(secret: string, email: string) {
    return new OTPAuth.TOTP({ issuer: 'Assure', label: email, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
  }

  /**
   * The time step of a right code (allowing one step of clock drift either way), or null. A step
   * at or before the last one accepted is refused, so an overheard code cannot be used again.
   */
  private acceptTotp(user: Pick<User, 'totp_secret' | 'email' | 'totp_last_step'>, code: string): number | null {
    const clean = code.replace(/\s+/g, '');
    if (!user.totp_secret || !/^\d{6}$/.test(clean)) return null;
    const now = this.clock.now().getTime();
    const delta = this.totp(user.totp_secret, user.email).validate({ token: clean, timestamp: now, window: 1 });
    if (delta === null) return null;
    const step = Math.floor(now / 30_000) + delta;
    if (user.totp_last_step !== null && step <= Number(user.totp_last_step)) return null;
    return step;
  }

  /** Records the accepted step; refuses (false) if another request used the same or a later step first. */
  private async spendTotpStep(userId: string, previous: number | null, step: number): Promise<boolean> {
    let q = this.db.updateTable('users').set({ totp_last_step: step }).where('id', '=', userId);
    q = previous === null ? q.where('totp_last_step', 'is', null) : q.where('totp_last_step', '=', previous);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Starts enrolment: a new secret kept unconfirmed until a code from it is entered. */
  async beginTotp(user: User): Promise<{ secret: string; uri: string; qrSvg: string }> {
    if (user.totp_enabled_at) throw new ValidationError({ code: 'Two-step verification is already on' });
    const secret = user.totp_secret ?? new OTPAuth.Secret({ size: 20 }).base32;
    if (!user.totp_secret) await repo.setUserSecurity(this.db, user.id, { totp_secret: secret, totp_enabled_at: null });
    const uri = this.totp(secret, user.email).toString();
    const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 200 });
    return { secret, uri, qrSvg };
  }

  async confirmTotp(user: User, code: string): Promise<void> {
    const step = this.acceptTotp(user, code);
    if (step === null || !(await this.spendTotpStep(user.id, user.totp_last_step, step))) {
      throw new ValidationError({ code: 'The code is not right: enter the 6-digit code your authenticator app shows now' });
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ totp_enabled_at: this.clock.now() }).where('id', '=', user.id).execute();
      await this.accessLog.record(trx, userActor(user), { action: 'update', recordType: 'user', recordId: user.id, details: { twoFactor: 'enabled' } });
    });
  }

  async disableTotp(user: User, password: string): Promise<void> {
    if (!user.password_hash || !(await argonVerify(user.password_hash, password).catch(() => false))) {
      throw new ValidationError({ password: 'Your password is not right' });
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ totp_enabled_at: null, totp_secret: null, totp_last_step: null }).where('id', '=', user.id).execute();
      await this.accessLog.record(trx, userActor(user), { action: 'update', recordType: 'user', recordId: user.id, details: { twoFactor: 'disabled' } });
    });
  }

  // Personal access tokens

  /** The signed-in user whose tokens these are (the system actor has none). */
  async tokenOwner(actor: Actor): Promise<Pick<User, 'id' | 'partnership_id'>> {
    if (actor.kind !== 'user') throw new ForbiddenError('Only a person has personal access tokens');
    return { id: actor.userId, partnership_id: actor.partnershipId };
  }

  async createToken(user: Pick<User, 'id' | 'partnership_id'>, name: string, days: number): Promise<{ token: string; id: string; expiresAt: Date }> {
    const token = TOKEN_PREFIX + randomToken(32);
    const now = this.clock.now();
    const row = await repo.insertToken(this.db, {
      partnership_id: user.partnership_id,
      user_id: user.id,
      name,
      token_hash: sha256(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      expires_at: new Date(now.getTime() + days * 24 * 60 * MINUTE),
      created_at: now,
    });
    return { token, id: row.id, expiresAt: new Date(row.expires_at) };
  }

  listTokens(user: Pick<User, 'id' | 'partnership_id'>) {
    return repo.listTokens(this.db, user.partnership_id, user.id);
  }

  async revokeToken(user: Pick<User, 'id' | 'partnership_id'>, id: string): Promise<void> {
    const row = await repo.revokeToken(this.db, user.partnership_id, user.id, id, this.clock.now());
    if (!row) throw new NotFoundError('Token not found, or already revoked');
  }

  /** The user behind a bearer token, or null if it is unknown, expired, revoked or its user disabled. */
  async authenticateToken(token: string): Promise<{ user: User; partnership: Pick<Partnership, 'id' | 'code' | 'name'> } | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const row = await repo.findTokenWithUser(this.db, sha256(token));
    const now = this.clock.now();
    if (!row || row.t_revoked_at || new Date(row.t_expires_at) <= now || row.disabled_at) return null;
    const { t_id, t_expires_at: _e, t_revoked_at: _r, t_last_used_at, p_code, p_name, ...user } = row;
    if (!t_last_used_at || now.getTime() - new Date(t_last_used_at).getTime() > MINUTE) await repo.markTokenUsed(this.db, t_id, now);
    return { user, partnership: { id: user.partnership_id, code: p_code, name: p_name } };
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= argonHash(randomToken());
    return this.dummyHash;
  }
}

export function userActor(user: Pick<User, 'id' | 'partnership_id' | 'role' | 'agency_id' | 'team_id' | 'name'>, requestId?: string): Actor {
  return {
    kind: 'user',
    userId: user.id,
    partnershipId: user.partnership_id,
    role: user.role,
    agencyId: user.agency_id,
    teamId: user.team_id,
    name: user.name,
    ...(requestId ? { requestId } : {}),
  };
}
