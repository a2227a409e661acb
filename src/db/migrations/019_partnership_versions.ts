import { type Kysely, sql } from 'kysely';

/**
 * A number for each partnership that goes up, in the same transaction, whenever any of its children's
 * records or stored practice-standards results change (a change to a record, a recompute, a result
 * stored on a view, a lead practitioner moving agency). Figures worked out from many children (the
 * dashboards' counts) are kept against it: the same number, the same figures.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table partnership_versions (
      partnership_id uuid primary key references partnerships(id) on delete cascade,
      records_version bigint not null default 0)`.execute(db);
  // The triggers keeping results' groups true (migration 017) move the number too: a lead practitioner moving
  // agency changes results outside any child's record, and a child moved by any means moves its figures.
  // Each takes the partnership's access-log chain lock first, as lockChain (access-log/repository.ts) does.
  await sql`
    create or replace function standard_results_follow_child() returns trigger language plpgsql as $$
    begin
      update standard_results set area_id = new.area_id, team_id = new.team_id,
        agency_id = (select u.agency_id from users u where u.id = new.lead_user_id)
      where child_id = new.id;
      perform pg_advisory_xact_lock(hashtext('access_log:' || new.partnership_id::text));
      insert into partnership_versions (partnership_id, records_version) values (new.partnership_id, 1)
      on conflict (partnership_id) do update set records_version = partnership_versions.records_version + 1;
      return null;
    end $$`.execute(db);
  await sql`
    create or replace function standard_results_follow_lead() returns trigger language plpgsql as $$
    begin
      update standard_results r set agency_id = new.agency_id
      from children c where c.lead_user_id = new.id and r.child_id = c.id;
      perform pg_advisory_xact_lock(hashtext('access_log:' || new.partnership_id::text));
      insert into partnership_versions (partnership_id, records_version) values (new.partnership_id, 1)
      on conflict (partnership_id) do update set records_version = partnership_versions.records_version + 1;
      return null;
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function standard_results_follow_child() returns trigger language plpgsql as $$
    begin
      update standard_results set area_id = new.area_id, team_id = new.team_id,
        agency_id = (select u.agency_id from users u where u.id = new.lead_user_id)
      where child_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create or replace function standard_results_follow_lead() returns trigger language plpgsql as $$
    begin
      update standard_results r set agency_id = new.agency_id
      from children c where c.lead_user_id = new.id and r.child_id = c.id;
      return null;
    end $$`.execute(db);
  await sql`drop table if exists partnership_versions`.execute(db);
}
