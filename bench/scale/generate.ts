/**
 * The national-scale synthetic dataset for the practice-standards benchmarks, written by set-based SQL
 * (INSERT … SELECT over generate_series) straight into the real schema, so it runs the same on a
 * PostgreSQL server and on the embedded database. Synthetic data only: no name in it is a person's.
 *
 * Shape (STACK.md, DfE figures): 153 partnerships over 5 years, about 62,000 plans a year nationally
 * (310,000 in all at full scale), each partnership's share following a power law so that the largest holds
 * about 4.7 times the average (1,500 children on plans at a time against ~320). Plan lengths follow the
 * 2025 distribution (15.9% under 3 months, 11.0% 3–6, 43.5% 6–12, 25.2% 1–2 years, 4.4% over 2 years);
 * initial categories about half neglect, a third emotional, 7% physical, 3.5% sexual, 3.5% multiple.
 * Each plan has its referral, strategy discussion (with participants), section 47 enquiry and initial
 * conference; review conferences at 3 months and then every 6; core groups every 23–40 days (about 10 a
 * plan, 3M at full scale), each setting 2–6 actions (4 on average; 12M) (12M), most of them done with a dated update; child
 * visits every 14–28 days. Meeting attendance, conference invitees and escalations are not generated.
 *
 * Foreign-key triggers are off while it writes (session_replication_role = replica): the generator
 * makes every reference itself, and checking 30M references row by row would take most of the time.
 */
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

export const NATIONAL = { partnerships: 153, plans: 310_000 };
const POWER = 0.4;

/** Each partnership's plans: a power law over the 153, scaled to the total; the first is the largest. */
export function partnershipSizes(partnerships: number, plans: number): number[] {
  const w = Array.from({ length: partnerships }, (_, i) => (i + 1) ** -POWER);
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => Math.max(1, Math.round((plans * x) / sum)));
}

/** The largest partnership's plans at national scale. */
export const LARGEST_PLANS = partnershipSizes(NATIONAL.partnerships, NATIONAL.plans)[0]!;

export interface Generated {
  partnershipIds: string[];
  /** The largest partnership's id (the first). */
  largest: string;
  rows: Record<string, number>;
  ms: number;
}

/**
 * Writes `sizes.length` partnerships with `sizes[i]` plans each, dated over the 5 years up to `today`.
 * `codePrefix` keeps the partnerships' codes apart from any other data.
 */
export async function generate(db: Db, sizes: number[], today: string, codePrefix = 'B', seed = 0.42): Promise<Generated> {
  const t0 = performance.now();
  const spec = JSON.stringify(sizes.map((plans, i) => ({ i: i + 1, plans })));
  const rows: Record<string, number> = {};
  await db.connection().execute(async (c) => {
    const run = async (label: string | null, q: ReturnType<typeof sql>) => {
      const r = await q.execute(c);
      if (label) rows[label] = (rows[label] ?? 0) + Number(r.numAffectedRows ?? 0);
    };
    await run(null, sql`select setseed(${seed})`);
    await run(null, sql`set session_replication_role = replica`);
    try {
      await run('partnerships', sql`insert into partnerships (code, name) select ${codePrefix} || lpad(x.i::text, 3, '0'), 'Scale partnership ' || x.i from jsonb_to_recordset(${spec}::jsonb) as x(i int, plans int)`);
      await run(null, sql`drop table if exists bench_p, bench_t, bench_c, bench_m`);
      await run(null, sql`create unlogged table bench_p as select p.id as partnership_id, x.i, x.plans from jsonb_to_recordset(${spec}::jsonb) as x(i int, plans int) join partnerships p on p.code = ${codePrefix} || lpad(x.i::text, 3, '0')`);
      await run(
        'agencies',
        sql`insert into agencies (partnership_id, name, type) select b.partnership_id, t.name, t.type from bench_p b cross join (values ('Children''s social care', 'childrens-social-care'), ('Police', 'police'), ('Health', 'health'), ('Education', 'education')) as t(name, type)`,
      );
      await run('areas', sql`insert into areas (partnership_id, name) select b.partnership_id, 'Area ' || a from bench_p b cross join generate_series(1, 4) a`);
      await run(
        'teams',
        sql`insert into teams (partnership_id, agency_id, area_id, name)
            select a.partnership_id, g.id, a.id, 'Team for ' || a.name from areas a join bench_p b on b.partnership_id = a.partnership_id join agencies g on g.partnership_id = a.partnership_id and g.type = 'childrens-social-care'`,
      );
      await run(
        'users',
        sql`insert into users (partnership_id, agency_id, team_id, email, name, role)
            select t.partnership_id, t.agency_id, t.id, 'lead.' || t.id || '@scale.assure.example', 'Lead practitioner of ' || t.name, 'practitioner' from teams t join bench_p b on b.partnership_id = t.partnership_id`,
      );
      await run(
        null,
        sql`create unlogged table bench_t as
            select b.partnership_id,
              array_agg(t.id order by a.name) as teams, array_agg(a.id order by a.name) as areas, array_agg(u.id order by a.name) as leads,
              min(g.id::text) filter (where g.type = 'childrens-social-care')::uuid as csc,
              min(g.id::text) filter (where g.type = 'police')::uuid as police,
              min(g.id::text) filter (where g.type = 'health')::uuid as health
            from bench_p b join areas a on a.partnership_id = b.partnership_id join teams t on t.area_id = a.id join users u on u.team_id = t.id
            join agencies g on g.partnership_id = b.partnership_id
            group by b.partnership_id`,
      );
      // One row per plan (and child): its dates and the random draws the other tables share
      await run(
        null,
        sql`create unlogged table bench_c as
            select y.*, case when y.end_candidate < ${today}::date then y.end_candidate end as ended_on, least(y.end_candidate, ${today}::date) as until
            from (
              select gen_random_uuid() as child_id, gen_random_uuid() as plan_id, gen_random_uuid() as referral_id, gen_random_uuid() as sd_id,
                gen_random_uuid() as s47_id, gen_random_uuid() as icpc_id, gen_random_uuid() as outcome_id,
                x.partnership_id, x.n, t.teams[x.k] as team_id, t.areas[x.k] as area_id, t.leads[x.k] as lead_id, t.csc, t.police, t.health,
                x.start, x.start + x.sd_gap * -1 as sd_on,
                x.start + (case when x.r_len < 0.159 then 14 + floor(x.r_len2 * 77) when x.r_len < 0.269 then 91 + floor(x.r_len2 * 92)
                  when x.r_len < 0.704 then 183 + floor(x.r_len2 * 183) when x.r_len < 0.956 then 366 + floor(x.r_len2 * 365) else 731 + floor(x.r_len2 * 730) end)::int as end_candidate,
                case when x.r_cat < 0.5 then 'NEG' when x.r_cat < 0.83 then 'EMO' when x.r_cat < 0.9 then 'PHY' when x.r_cat < 0.935 then 'SAB' else 'MUL' end as category,
                x.ivl, x.visit_ivl, x.r_prev < 0.22 as repeat, x.r_cin
              from (
                select b.partnership_id, g.n, 1 + floor(random() * 4)::int as k, ${today}::date - floor(random() * 1826)::int as start,
                  14 + floor(random() * 12)::int as sd_gap, random() as r_len, random() as r_len2, random() as r_cat, random() as r_prev, random() as r_cin,
                  23 + floor(random() * 18)::int as ivl, 14 + floor(random() * 15)::int as visit_ivl
                from bench_p b cross join lateral generate_series(1, b.plans) as g(n)
              ) x join bench_t t on t.partnership_id = x.partnership_id
            ) y`,
      );
      await run(
        'children',
        sql`insert into children (id, partnership_id, la_child_id, first_name, last_name, date_of_birth, sex, area_id, team_id, lead_user_id)
            select child_id, partnership_id, 'S' || lpad(n::text, 7, '0'), 'Child', 'Scale ' || n, start - (365 + floor(random() * 5000))::int, 'not-known', area_id, team_id, lead_id from bench_c`,
      );
      await run('referrals', sql`insert into referrals (id, partnership_id, child_id, received_on, summary) select referral_id, partnership_id, child_id, sd_on - 2, 'Synthetic referral' from bench_c`);
      await run(
        'strategy_discussions',
        sql`insert into strategy_discussions (id, partnership_id, child_id, referral_id, held_on, outcome) select sd_id, partnership_id, child_id, referral_id, sd_on, 'section-47' from bench_c`,
      );
      await run(
        'strategy_participants',
        sql`insert into strategy_participants (partnership_id, strategy_discussion_id, agency_id, name)
            select partnership_id, sd_id, a, 'Participant' from bench_c cross join lateral unnest(case when random() < 0.85 then array[csc, police, health] else array[csc, police] end) as a`,
      );
      await run(
        's47_enquiries',
        sql`insert into s47_enquiries (id, partnership_id, child_id, strategy_discussion_id, started_on, outcome, concluded_on) select s47_id, partnership_id, child_id, sd_id, sd_on, 'icpc', start from bench_c`,
      );
      await run(
        'conferences',
        sql`insert into conferences (id, partnership_id, child_id, kind, s47_id, plan_id, scheduled_on, held_on, status, decision)
            select icpc_id, partnership_id, child_id, 'initial', s47_id, plan_id, start, start, 'completed', 'plan' from bench_c`,
      );
      await run(
        'cp_plans',
        sql`insert into cp_plans (id, partnership_id, child_id, started_on, ended_on, initial_category, latest_category, previous_plans, end_reason, cin_plan, no_cin_plan_reason, started_by_conference_id)
            select plan_id, partnership_id, child_id, start, ended_on, category, category, case when repeat then 1 else 0 end,
              case when ended_on is not null then 'Risk reduced' end,
              case when ended_on is not null and r_cin < 0.9 then 'Child in need plan agreed at the conference' end,
              case when ended_on is not null and r_cin >= 0.9 and r_cin < 0.95 then 'Moved out of the area' end, icpc_id
            from bench_c`,
      );
      await run(
        'conferences',
        sql`insert into conferences (partnership_id, child_id, kind, plan_id, scheduled_on, held_on, status, decision)
            select partnership_id, child_id, 'review', plan_id, d, d, 'completed', 'continue'
            from (select c.*, (c.start + interval '3 months' + k * interval '6 months')::date + (floor(random() * 21) - 7)::int as d from bench_c c cross join lateral generate_series(0, 10) k
                  where (c.start + interval '3 months' + k * interval '6 months')::date <= c.until) r
            where d <= until`,
      );
      await run('plan_outcomes', sql`insert into plan_outcomes (id, partnership_id, plan_id, child_id, title) select outcome_id, partnership_id, plan_id, child_id, 'The child is safe at home' from bench_c`);
      await run(
        null,
        sql`create unlogged table bench_m as
            select gen_random_uuid() as id, c.partnership_id, c.child_id, c.plan_id, c.outcome_id, c.csc, c.lead_id, k, c.start + 7 + floor(random() * 10)::int + k * c.ivl as held_on, random() as r_chair
            from bench_c c cross join lateral generate_series(0, (c.until - c.start) / c.ivl) k`,
      );
      await run(null, sql`delete from bench_m m using bench_c c where c.plan_id = m.plan_id and m.held_on > c.until`);
      await run(
        'core_group_meetings',
        sql`insert into core_group_meetings (id, partnership_id, child_id, plan_id, held_on, chair_user_id, chair_is_manager, status, finalised_at, shared_professionals_on, membership_confirmed)
            select id, partnership_id, child_id, plan_id, held_on, lead_id, k = 0 and r_chair < 0.4, 'finalised',
              case when held_on + 9 <= ${today}::date then (held_on + 2 + floor(random() * 8)::int)::timestamptz + interval '12 hours' end,
              case when held_on + 14 <= ${today}::date then held_on + 3 + floor(random() * 12)::int end, true
            from bench_m`,
      );
      await run(
        'plan_actions',
        // The trigger that keeps an action's done_at (migration 020) is off with the others: it is written here
        sql`with a as (
              insert into plan_actions (partnership_id, plan_id, child_id, outcome_id, what, owner_name, owner_agency_id, due_on, done_measure, worked_measure, status, done_at)
              select partnership_id, plan_id, child_id, outcome_id, 'Action ' || j || ' set at the core group of ' || held_on, 'Lead practitioner', csc, due_on, 'Seen done', 'The child is safer',
                st, case when st = 'done' then (least(due_on - 14 + floor(random() * 21)::int, ${today}::date))::timestamptz + interval '12 hours' end
              from (
                select x.*, case when due_on < ${today}::date then (case when r < 0.78 then 'done' when r < 0.84 then 'not-done' else 'in-progress' end)
                     else (case when r < 0.3 then 'in-progress' else 'not-started' end) end as st
                from (select m.*, j, m.held_on + 14 + floor(random() * 42)::int as due_on, random() as r from bench_m m cross join lateral generate_series(1, 2 + floor(random() * 5)::int + 0 * m.k) j) x) y
              returning id, partnership_id, status, done_at)
            insert into action_updates (partnership_id, action_id, status, note, created_at)
            select partnership_id, id, 'done', 'Done', done_at from a where status = 'done'`,
      );
      await run(
        'case_entries',
        sql`insert into case_entries (partnership_id, child_id, kind, occurred_on, data)
            select partnership_id, child_id, 'child-visit', v, jsonb_build_object('seenAlone', case when random() < 0.85 then 'yes' else 'no' end)
            from (select c.*, c.start + k * c.visit_ivl - floor(random() * 5)::int as v from bench_c c cross join lateral generate_series(1, (c.until - c.start) / c.visit_ivl) k) x
            where v <= until`,
      );
    } finally {
      await run(null, sql`set session_replication_role = origin`);
    }
    for (const t of ['plan_actions', 'core_group_meetings', 'cp_plans']) rows[t] = Number((await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(c)).rows[0]!.n);
    rows.action_updates = Number((await sql<{ n: number }>`select count(*)::int as n from action_updates`.execute(c)).rows[0]!.n);
    await run(null, sql`drop table if exists bench_p, bench_t, bench_c, bench_m`);
    await run(null, sql`analyze`);
  });
  const ps = await db.selectFrom('partnerships').select('id').where('code', 'like', `${codePrefix}%`).orderBy('code').execute();
  return { partnershipIds: ps.map((p) => p.id), largest: ps[0]!.id, rows, ms: performance.now() - t0 };
}
