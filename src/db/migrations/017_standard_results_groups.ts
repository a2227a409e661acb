import { type Kysely, sql } from 'kysely';

/**
 * Each stored practice-standards result carries the groups its child is counted in on the dashboards: the
 * child's area and team and the agency of its lead practitioner. The dashboards then count one table
 * instead of joining every result to its child (a partnership's dashboard reads ~170,000 results at the
 * largest partnership's size), and from an index that holds the groups, without reading the rows. The
 * results are written with them (replaceResultsMany), and two triggers keep them true when a child moves
 * area or team or changes lead practitioner, and when a practitioner moves agency.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table standard_results add column area_id uuid, add column team_id uuid, add column agency_id uuid`.execute(db);
  await sql`
    update standard_results r set area_id = c.area_id, team_id = c.team_id, agency_id = u.agency_id
    from children c left join users u on u.id = c.lead_user_id
    where c.id = r.child_id`.execute(db);
  // Counted from the index alone (an index-only scan): the rows, each with its evidence, are not read at all
  await sql`create index standard_results_groups_idx on standard_results (partnership_id, standard_key, status, area_id, team_id, agency_id)`.execute(db);
  await sql`drop index if exists standard_results_partnership_idx`.execute(db);
  await sql`
    create function standard_results_follow_child() returns trigger language plpgsql as $$
    begin
      update standard_results set area_id = new.area_id, team_id = new.team_id,
        agency_id = (select u.agency_id from users u where u.id = new.lead_user_id)
      where child_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger standard_results_follow_child after update of area_id, team_id, lead_user_id on children
    for each row when (old.area_id is distinct from new.area_id or old.team_id is distinct from new.team_id or old.lead_user_id is distinct from new.lead_user_id)
    execute function standard_results_follow_child()`.execute(db);
  await sql`
    create function standard_results_follow_lead() returns trigger language plpgsql as $$
    begin
      update standard_results r set agency_id = new.agency_id
      from children c where c.lead_user_id = new.id and r.child_id = c.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger standard_results_follow_lead after update of agency_id on users
    for each row when (old.agency_id is distinct from new.agency_id)
    execute function standard_results_follow_lead()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists standard_results_follow_lead on users`.execute(db);
  await sql`drop function if exists standard_results_follow_lead()`.execute(db);
  await sql`drop trigger if exists standard_results_follow_child on children`.execute(db);
  await sql`drop function if exists standard_results_follow_child()`.execute(db);
  await sql`create index if not exists standard_results_partnership_idx on standard_results (partnership_id, standard_key, status)`.execute(db);
  await sql`drop index if exists standard_results_groups_idx`.execute(db);
  await sql`alter table standard_results drop column if exists area_id, drop column if exists team_id, drop column if exists agency_id`.execute(db);
}
