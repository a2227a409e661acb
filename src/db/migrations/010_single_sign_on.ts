import { type Kysely, sql } from 'kysely';

/**
 * Single sign-on through OpenID Connect, configured per partnership: the provider (issuer and
 * client id; the client secret stays in the server's environment, only the NAME of its variable is
 * kept here), how the provider's users are matched to Assure users (verified e-mail address or a
 * subject linked beforehand), and whether password sign-in is still allowed. Links between an
 * Assure user and a provider subject, and the short-lived state of sign-ins in progress (state,
 * nonce and PKCE verifier, kept server-side and bound to the browser by a cookie).
 */
const statements = [
  `create table sso_settings (
    partnership_id uuid primary key references partnerships(id) on delete cascade,
    enabled boolean not null default true,
    issuer_url text not null,
    client_id text not null,
    client_secret_env text,
    match_by text not null check (match_by in ('email','subject')),
    password_sign_in boolean not null default true,
    updated_by uuid references users(id) on delete set null,
    updated_at timestamptz not null default now(),
    version integer not null default 1)`,

  `create table sso_identities (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    user_id uuid not null references users(id) on delete cascade,
    issuer_url text not null,
    subject text not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    constraint sso_identities_subject_unique unique (partnership_id, issuer_url, subject),
    constraint sso_identities_user_unique unique (user_id, issuer_url))`,

  `create table sso_attempts (
    id_hash text primary key,
    partnership_id uuid not null references partnerships(id) on delete cascade,
    state text not null,
    nonce text not null,
    code_verifier text not null,
    redirect_uri text not null,
    next text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null)`,
  `create index sso_attempts_expiry_idx on sso_attempts (expires_at)`,

  // How a session was signed in to: the access log's sign-in row says so, also when it is written after the second factor
  `alter table sessions add column sign_in_method text not null default 'password' check (sign_in_method in ('password','single-sign-on'))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table sessions drop column if exists sign_in_method`.execute(db);
  for (const t of ['sso_attempts', 'sso_identities', 'sso_settings']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
