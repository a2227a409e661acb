import { type Kysely, sql } from 'kysely';

/**
 * Secure links for children, young people and parents (issue 8): invitations (the token and the
 * optional code are stored only as SHA-256), their drafts, and the family's response to the
 * family copy of a core group meeting's minutes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table portal_invitations (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    child_id uuid not null references children(id) on delete cascade,
    kind text not null check (kind in ('younger-child','young-person','parent','family-copy')),
    family_member_id uuid references family_members(id),
    meeting_id uuid references core_group_meetings(id),
    conference_id uuid references conferences(id),
    token_hash text not null unique,
    code_hash text,
    expires_on date not null,
    status text not null default 'open' check (status in ('open','submitted','revoked')),
    failed_attempts integer not null default 0,
    unlock_hash text,
    draft jsonb not null default '{}'::jsonb,
    voice_entry_id uuid references voice_entries(id),
    submitted_at timestamptz,
    revoked_at timestamptz,
    revoked_by uuid references users(id),
    created_by uuid references users(id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((meeting_id is null) <> (conference_id is null)),
    check (kind not in ('parent','family-copy') or family_member_id is not null),
    check (kind <> 'family-copy' or meeting_id is not null))`.execute(db);
  await sql`create index portal_invitations_child_idx on portal_invitations (partnership_id, child_id, created_at desc)`.execute(db);
  await sql`create table portal_family_responses (
    id uuid primary key default gen_random_uuid(),
    partnership_id uuid not null references partnerships(id) on delete cascade,
    child_id uuid not null references children(id) on delete cascade,
    invitation_id uuid not null unique references portal_invitations(id) on delete cascade,
    meeting_id uuid not null references core_group_meetings(id),
    family_member_id uuid references family_members(id),
    agrees boolean not null,
    comment text,
    created_at timestamptz not null default now())`.execute(db);
  await sql`create index portal_family_responses_meeting_idx on portal_family_responses (partnership_id, meeting_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists portal_family_responses`.execute(db);
  await sql`drop table if exists portal_invitations`.execute(db);
}
