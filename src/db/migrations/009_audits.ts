import { type Kysely, sql } from 'kysely';

/**
 * Multi-agency case audits: tools (versioned; built-in tools have no partnership), audits with their
 * cohort and reproducible sample, the cases audited (a case reference, never a name, in reports),
 * the auditors assigned to each case, their answers and the moderated (agreed) answers, and the
 * themes the QA lead tags on auditors' comments.
 */
const statements = [
  `create table audit_tools (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid references partnerships(id) on delete cascade,
    key text not null,
    version integer not null,
    name text not null,
    definition jsonb not null,
    created_by uuid references users(id),
    created_at timestamptz not null default now())`,
  `create unique index audit_tools_version_unique on audit_tools ((coalesce(partnership_id::text, '')), key, version)`,

  `create table audits (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    tool_id uuid not null references audit_tools(id),
    title text not null,
    purpose text,
    status text not null check (status in ('planning','running','moderation','completed')),
    source text not null default 'assure' check (source in ('assure','import')),
    cohort jsonb not null default '{}'::jsonb,
    sample jsonb not null default '{}'::jsonb,
    auditors_per_case integer not null default 2,
    started_at timestamptz,
    completed_at timestamptz,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1)`,
  `create index audits_partnership_idx on audits (partnership_id, tool_id, completed_at)`,

  `create table audit_cases (
    id uuid primary key default gen_random_uuid(),
    audit_id uuid not null references audits(id) on delete cascade,
    child_id uuid references children(id) on delete set null,
    case_ref text not null,
    area text,
    team text,
    agencies text[] not null default '{}',
    constraint audit_cases_ref_unique unique (audit_id, case_ref))`,

  `create table audit_assignments (
    id uuid primary key default gen_random_uuid(),
    audit_case_id uuid not null references audit_cases(id) on delete cascade,
    user_id uuid not null references users(id),
    assigned_at timestamptz not null default now(),
    submitted_at timestamptz,
    constraint audit_assignments_unique unique (audit_case_id, user_id))`,
  `create index audit_assignments_user_idx on audit_assignments (user_id)`,

  `create table audit_answers (
    id uuid primary key default gen_random_uuid(),
    audit_case_id uuid not null references audit_cases(id) on delete cascade,
    kind text not null check (kind in ('auditor','agreed')),
    author_user_id uuid references users(id),
    question_key text not null,
    answer text,
    comment text,
    prefilled text,
    evidence jsonb,
    reason text,
    updated_at timestamptz not null default now(),
    version integer not null default 1)`,
  `create unique index audit_answers_auditor_unique on audit_answers (audit_case_id, author_user_id, question_key) where kind = 'auditor'`,
  `create unique index audit_answers_agreed_unique on audit_answers (audit_case_id, question_key) where kind = 'agreed'`,

  `create table audit_themes (
    id uuid primary key default gen_random_uuid(),
    audit_id uuid not null references audits(id) on delete cascade,
    kind text not null check (kind in ('strength','improvement')),
    name text not null,
    constraint audit_themes_unique unique (audit_id, name))`,
  `create table audit_theme_tags (
    theme_id uuid not null references audit_themes(id) on delete cascade,
    answer_id uuid not null references audit_answers(id) on delete cascade,
    primary key (theme_id, answer_id))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['audit_theme_tags', 'audit_themes', 'audit_answers', 'audit_assignments', 'audit_cases', 'audits', 'audit_tools']) {
    await sql.raw(`drop table if exists ${t} cascade`).execute(db);
  }
}
