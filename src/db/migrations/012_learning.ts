import { type Kysely, sql } from 'kysely';

/**
 * Learning: reviews (rapid reviews, local child safeguarding practice reviews, thematic, single-agency
 * and multi-agency audits) in the seven parts of a 7-minute briefing, their recommendations, the teams a
 * briefing is sent to with each team's discussion, and action plan rows in the five columns with their
 * progress updates and, optionally, a measure Assure computes (its baseline stored when the row is made).
 * The subject of a review is a pseudonym: no table here holds a child's name.
 */
const statements = [
  `create table learning_reviews (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    kind text not null check (kind in ('rapid-review','lcspr','thematic-audit','single-agency-review','multi-agency-audit')),
    title text not null,
    subject text not null,
    source_audit_id uuid references audits(id) on delete set null,
    notified_on date,
    started_on date not null,
    background text not null default '',
    concerns text not null default '',
    incident text not null default '',
    themes jsonb not null default '[]'::jsonb,
    findings jsonb not null default '[]'::jsonb,
    implementing_change text not null default '',
    status text not null default 'draft' check (status in ('draft','published')),
    published_at timestamptz,
    published_by uuid references users(id),
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1)`,
  `create index learning_reviews_partnership_idx on learning_reviews (partnership_id, created_at)`,

  `create table review_recommendations (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    review_id uuid not null references learning_reviews(id) on delete cascade,
    position integer not null,
    text text not null,
    agency_ids uuid[] not null default '{}',
    constraint review_recommendations_position_unique unique (review_id, position))`,

  `create table briefing_recipients (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    review_id uuid not null references learning_reviews(id) on delete cascade,
    team_id uuid not null references teams(id),
    sent_at timestamptz not null default now(),
    sent_by uuid references users(id),
    discussion text,
    responded_at timestamptz,
    responded_by uuid references users(id),
    version integer not null default 1,
    constraint briefing_recipients_unique unique (review_id, team_id))`,
  `create index briefing_recipients_team_idx on briefing_recipients (team_id)`,

  `create table learning_actions (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    review_id uuid references learning_reviews(id) on delete cascade,
    recommendation_id uuid references review_recommendations(id) on delete set null,
    level text not null check (level in ('partnership','agency','team')),
    agency_id uuid references agencies(id),
    team_id uuid references teams(id),
    what text not null,
    who text not null,
    owner_user_id uuid references users(id),
    due_on date not null,
    done_when text not null,
    worked_when text not null,
    status text not null default 'open' check (status in ('open','in-progress','done')),
    done_evidence text,
    closed_at timestamptz,
    closed_by uuid references users(id),
    measure jsonb,
    baseline double precision,
    baseline_cases integer,
    target double precision,
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    constraint learning_actions_level check ((level = 'partnership') or (level = 'agency' and agency_id is not null) or (level = 'team' and team_id is not null)),
    constraint learning_actions_closed check ((status = 'done') = (done_evidence is not null and closed_at is not null)),
    constraint learning_actions_measure check ((measure is null) = (target is null)))`,
  `create index learning_actions_partnership_idx on learning_actions (partnership_id, status, due_on)`,
  `create index learning_actions_review_idx on learning_actions (review_id)`,

  `create table learning_action_updates (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    action_id uuid not null references learning_actions(id) on delete cascade,
    author_user_id uuid references users(id),
    text text not null,
    evidence text,
    created_at timestamptz not null default now())`,
  `create index learning_action_updates_action_idx on learning_action_updates (action_id, created_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['learning_action_updates', 'learning_actions', 'briefing_recipients', 'review_recommendations', 'learning_reviews']) {
    await sql.raw(`drop table if exists ${t} cascade`).execute(db);
  }
}
