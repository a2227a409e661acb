import { type Kysely, sql } from 'kysely';

/**
 * A child moved (area, team, lead practitioner) or a lead practitioner moved agency moves the partnership's
 * records version at the commit, not in the middle of the transaction. Migration 019's triggers took the
 * partnership's access-log chain there and then, before the version's row, so a transaction writing several
 * children (an import) held the partnership-wide chain while it went on writing children's rows, the
 * opposite order to a change of one child (its rows, then the chain at its end): the two could deadlock.
 * Now the results' groups still follow the child at once, taking only the results' rows; the version moves
 * in a trigger deferred to the commit, the chain's lock first, as lockChain (access-log/repository.ts) does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
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
  await sql`
    create function partnership_records_moved() returns trigger language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(hashtext('access_log:' || new.partnership_id::text));
      insert into partnership_versions (partnership_id, records_version) values (new.partnership_id, 1)
      on conflict (partnership_id) do update set records_version = partnership_versions.records_version + 1;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger children_moved_records_version after update of area_id, team_id, lead_user_id on children
    deferrable initially deferred for each row
    when (old.area_id is distinct from new.area_id or old.team_id is distinct from new.team_id or old.lead_user_id is distinct from new.lead_user_id)
    execute function partnership_records_moved()`.execute(db);
  await sql`
    create constraint trigger lead_moved_records_version after update of agency_id on users
    deferrable initially deferred for each row
    when (old.agency_id is distinct from new.agency_id)
    execute function partnership_records_moved()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists lead_moved_records_version on users`.execute(db);
  await sql`drop trigger if exists children_moved_records_version on children`.execute(db);
  await sql`drop function if exists partnership_records_moved()`.execute(db);
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
