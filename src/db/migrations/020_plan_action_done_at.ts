import { type Kysely, sql } from 'kysely';

/**
 * When each plan action was first recorded as done, on the action itself: the earliest of its updates with
 * the status 'done', kept true by a trigger on every insert, update and delete of an action's updates, so it
 * holds whatever writes them (a core group, an import, an anonymisation). The practice standards read it with
 * the action; before, they looked it up among the action's updates, action by action, which was a third of the
 * time a recompute spent reading facts at national scale.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table plan_actions add column done_at timestamptz`.execute(db);
  await sql`
    update plan_actions a set done_at = u.done_at
    from (select action_id, min(created_at) as done_at from action_updates where status = 'done' group by action_id) u
    where u.action_id = a.id`.execute(db);
  // For the action an update belonged to and the one it belongs to now (the same one but for a moved update)
  await sql`
    create or replace function plan_action_done_at() returns trigger language plpgsql as $$
    declare
      acted uuid;
      done timestamptz;
    begin
      foreach acted in array array_remove(array[
        case when tg_op in ('UPDATE', 'DELETE') then old.action_id end,
        case when tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.action_id is distinct from old.action_id) then new.action_id end], null)
      loop
        select min(u.created_at) into done from action_updates u where u.action_id = acted and u.status = 'done';
        update plan_actions set done_at = done where id = acted and done_at is distinct from done;
      end loop;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger action_updates_done_at after insert or update of action_id, status, created_at or delete on action_updates
    for each row execute function plan_action_done_at()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists action_updates_done_at on action_updates`.execute(db);
  await sql`drop function if exists plan_action_done_at()`.execute(db);
  await sql`alter table plan_actions drop column if exists done_at`.execute(db);
}
