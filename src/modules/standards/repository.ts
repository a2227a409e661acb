/**
 * Queries of the practice standards: one child's facts for the engine (in a few queries), the
 * partnership's rule versions (seeded from the defaults on first use), the stored results, and the
 * dashboard's figures. Queries about one child take a child id the caller has loaded through
 * `loadChildAccess` (or a system actor) in the same transaction; lists are bounded by `visibleChildren`.
 */
import { isDeepStrictEqual } from 'node:util';
import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { StandardDefinitionsTable } from '../../db/schema.js';
import { chainLock } from '../access-log/repository.js';
import type { Trx } from '../cases/record.js';
import { DEFAULT_STANDARDS, DEFAULTS_EFFECTIVE_FROM } from './definitions.js';
import type { CaseFacts, StandardResult } from './engine.js';

type Q = Db | Trx;

/** A moment's day in England (as londonDate works it out), by the database: a date comes back as a string, with no Date made and formatted for each row. */
const londonDay = (column: string) => sql<string | null>`(${sql.ref(column)} at time zone 'Europe/London')::date`;

/** Everything the engine needs to know about one child. */
export async function loadFacts(q: Q, partnershipId: string, childId: string): Promise<CaseFacts> {
  return (await loadFactsMany(q, [partnershipId], [childId])).get(childId)!;
}

const groupBy = <T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> => {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
};

/**
 * Everything the engine needs to know about each of many children of the partnerships named, in the same
 * fourteen queries whatever their number (callers send a few hundred at a time). One child's facts
 * (loadFacts) come from here too, so a child evaluated alone and in a batch is given the same facts,
 * rows in the same order (by id).
 */
export async function loadFactsMany(q: Q, partnershipIds: readonly string[], childIds: readonly string[]): Promise<Map<string, CaseFacts>> {
  const out = new Map<string, CaseFacts>();
  if (!childIds.length) return out;
  const ids = [...childIds];
  const partnerships = [...new Set(partnershipIds)];
  const [referrals, sds, participants, s47s, conferences, invitees, plans, meetings, attendance, actions, escalations, events, entries, exceptions] = await Promise.all([
    q.selectFrom('referrals').select(['id', 'child_id', 'received_on']).where('partnership_id', 'in', partnerships).where('child_id', 'in', ids).orderBy('id').execute(),
    q.selectFrom('strategy_discussions').select(['id', 'child_id', 'held_on', 'outcome']).where('partnership_id', 'in', partnerships).where('child_id', 'in', ids).orderBy('id').execute(),
    q
      .selectFrom('strategy_participants as p')
      .innerJoin('strategy_discussions as s', 's.id', 'p.strategy_discussion_id')
      .innerJoin('agencies as a', 'a.id', 'p.agency_id')
      .select(['p.strategy_discussion_id', 'a.type'])
      .where('s.partnership_id', 'in', partnerships)
      .where('s.child_id', 'in', ids)
      .orderBy('p.id')
      .execute(),
    q.selectFrom('s47_enquiries').select(['id', 'child_id', 'strategy_discussion_id', 'started_on', 'outcome', 'concluded_on']).where('partnership_id', 'in', partnerships).where('child_id', 'in', ids).orderBy('id').execute(),
    q.selectFrom('conferences').select(['id', 'child_id', 'kind', 's47_id', 'plan_id', 'scheduled_on', 'held_on', 'status', 'cin_plan']).where('partnership_id', 'in', partnerships).where('child_id', 'in', ids).orderBy('id').execute(),
    q
      .selectFrom('conference_invitees as i')
      .innerJoin('conferences as c', 'c.id', 'i.conference_id')
      .select(['i.conference_id', 'i.name', 'i.is_parent', 'i.attendance', 'i.report_received'])
      .where('c.partnership_id', 'in', partnerships)
      .where('c.child_id', 'in', ids)
      .orderBy('i.id')
      .execute(),
    q
      .selectFrom('cp_plans')
      .select(['id', 'child_id', 'started_on', 'ended_on', 'previous_plans', 'cin_plan', 'no_cin_plan_reason', 'ended_by_conference_id'])
      .where('partnership_id', 'in', partnerships)
      .where('child_id', 'in', ids)
      .orderBy('id')
      .execute(),
    q
      .selectFrom('core_group_meetings')
      .select(['id', 'child_id', 'plan_id', 'held_on', 'chair_is_manager', londonDay('finalised_at').as('finalised_on'), 'shared_professionals_on'])
      .where('partnership_id', 'in', partnerships)
      .where('child_id', 'in', ids)
      .orderBy('id')
      .execute(),
    q
      .selectFrom('meeting_attendance as a')
      .innerJoin('core_group_meetings as m', 'm.id', 'a.meeting_id')
      .innerJoin('core_group_members as cm', 'cm.id', 'a.member_id')
      .select(['a.meeting_id', 'cm.name', 'cm.is_parent', 'a.attendance'])
      .where('m.partnership_id', 'in', partnerships)
      .where('m.child_id', 'in', ids)
      .orderBy('a.id')
      .execute(),
    q
      .selectFrom('plan_actions as a')
      .select(['a.id', 'a.child_id', 'a.plan_id', 'a.what', 'a.due_on', 'a.status', londonDay('a.done_at').as('done_on')])
      .where('a.partnership_id', 'in', partnerships)
      .where('a.child_id', 'in', ids)
      .where('a.removed_at', 'is', null)
      .orderBy('a.id')
      .execute(),
    q.selectFrom('escalations').select(['id', 'child_id', 'stage', 'status', 'stage_started_on', 'response_due_on']).where('partnership_id', 'in', partnerships).where('child_id', 'in', ids).orderBy('id').execute(),
    q
      .selectFrom('escalation_events as ev')
      .innerJoin('escalations as e', 'e.id', 'ev.escalation_id')
      .select(['ev.escalation_id', 'ev.stage', 'ev.kind', londonDay('ev.created_at').as('created_on')])
      .where('e.partnership_id', 'in', partnerships)
      .where('e.child_id', 'in', ids)
      .orderBy('ev.id')
      .execute(),
    q
      .selectFrom('case_entries')
      .select(['id', 'child_id', 'kind', 'occurred_on', 'due_on', 'data'])
      .where('partnership_id', 'in', partnerships)
      .where('child_id', 'in', ids)
      .where('kind', 'in', ['child-visit', 'professionals-meeting', 'request-for-information', 'school-transition'])
      .orderBy('id')
      .execute(),
    q
      .selectFrom('standard_exceptions')
      .select(['id', 'child_id', 'standard_key', 'reason'])
      .where('partnership_id', 'in', partnerships)
      .where('child_id', 'in', ids)
      .where('revoked_at', 'is', null)
      .orderBy('id')
      .execute(),
  ]);
  const none: never[] = [];
  const byChild = <T extends { child_id: string }>(rows: T[]) => groupBy(rows, (r) => r.child_id);
  const [referralsOf, sdsOf, s47sOf, conferencesOf, plansOf, meetingsOf, actionsOf, escalationsOf, entriesOf, exceptionsOf] = [
    byChild(referrals),
    byChild(sds),
    byChild(s47s),
    byChild(conferences),
    byChild(plans),
    byChild(meetings),
    byChild(actions),
    byChild(escalations),
    byChild(entries),
    byChild(exceptions),
  ] as const;
  const participantsOf = groupBy(participants, (p) => p.strategy_discussion_id);
  const inviteesOf = groupBy(invitees, (i) => i.conference_id);
  const attendanceOf = groupBy(attendance, (a) => a.meeting_id);
  const eventsOf = groupBy(events, (e) => e.escalation_id);
  for (const childId of ids) {
    // The rows carry the id as the database writes it (lower case), whatever case it was given in
    const key = childId.toLowerCase();
    out.set(childId, {
      childId,
      referrals: (referralsOf.get(key) ?? none).map((r) => ({ id: r.id, receivedOn: r.received_on })),
      strategyDiscussions: (sdsOf.get(key) ?? none).map((s) => ({ id: s.id, heldOn: s.held_on, outcome: s.outcome, agencyTypes: (participantsOf.get(s.id) ?? none).map((p) => p.type) })),
      s47s: (s47sOf.get(key) ?? none).map((s) => ({ id: s.id, strategyDiscussionId: s.strategy_discussion_id, startedOn: s.started_on, outcome: s.outcome, concludedOn: s.concluded_on })),
      conferences: (conferencesOf.get(key) ?? none).map((c) => ({
        id: c.id,
        kind: c.kind,
        s47Id: c.s47_id,
        planId: c.plan_id,
        scheduledOn: c.scheduled_on,
        heldOn: c.held_on,
        status: c.status,
        cinPlan: c.cin_plan,
        invitees: (inviteesOf.get(c.id) ?? none).map((i) => ({ name: i.name, isParent: i.is_parent, attendance: i.attendance, reportReceived: i.report_received })),
      })),
      plans: (plansOf.get(key) ?? none).map((p) => ({
        id: p.id,
        startedOn: p.started_on,
        endedOn: p.ended_on,
        previousPlans: p.previous_plans,
        cinPlan: p.cin_plan,
        noCinPlanReason: p.no_cin_plan_reason,
        endedByConferenceId: p.ended_by_conference_id,
      })),
      meetings: (meetingsOf.get(key) ?? none).map((m) => ({
        id: m.id,
        planId: m.plan_id,
        heldOn: m.held_on,
        chairIsManager: m.chair_is_manager,
        finalisedOn: m.finalised_on,
        sharedProfessionalsOn: m.shared_professionals_on,
        attendance: (attendanceOf.get(m.id) ?? none).map((a) => ({ name: a.name, isParent: a.is_parent, attendance: a.attendance })),
      })),
      actions: (actionsOf.get(key) ?? none).map((a) => ({ id: a.id, planId: a.plan_id, what: a.what, dueOn: a.due_on, status: a.status, doneOn: a.done_on })),
      escalations: (escalationsOf.get(key) ?? none).map((e) => ({
        id: e.id,
        stage: e.stage,
        status: e.status,
        stageStartedOn: e.stage_started_on,
        responseDueOn: e.response_due_on,
        events: (eventsOf.get(e.id) ?? none).map((x) => ({ stage: x.stage, kind: x.kind, on: x.created_on! })),
      })),
      entries: (entriesOf.get(key) ?? none).map((e) => ({ id: e.id, kind: e.kind, occurredOn: e.occurred_on, dueOn: e.due_on, data: (e.data ?? {}) as Record<string, unknown> })),
      exceptions: (exceptionsOf.get(key) ?? none).map((x) => ({ id: x.id, standardKey: x.standard_key, reason: x.reason })),
    });
  }
  return out;
}

/** Adds the default version of every default standard the partnership has no version of (first use, or a default added since). */
async function ensureDefaults(q: Q, partnershipId: string): Promise<void> {
  const have = new Set((await q.selectFrom('standard_definitions').select('key').where('partnership_id', '=', partnershipId).groupBy('key').execute()).map((r) => r.key));
  const missing = DEFAULT_STANDARDS.filter((d) => !have.has(d.key));
  if (!missing.length) return;
  await q
    .insertInto('standard_definitions')
    .values(
      missing.map((d) => ({
        partnership_id: partnershipId,
        key: d.key,
        name: d.name,
        checks: d.checks,
        kind: d.kind,
        source: d.source,
        citation: d.citation,
        parameters: JSON.stringify(d.parameters),
        severity: d.severity,
        effective_from: DEFAULTS_EFFECTIVE_FROM,
        created_by: null,
      })),
    )
    .onConflict((oc) => oc.columns(['partnership_id', 'key', 'effective_from']).doNothing())
    .execute();
}

/** A partnership's closure days as stored (a JSON array of dates). */
const closureDays = (stored: unknown): Set<string> => new Set(Array.isArray(stored) ? stored.filter((d): d is string => typeof d === 'string') : []);

const DEFINITION_COLUMNS = ['key', 'name', 'checks', 'kind', 'source', 'citation', 'parameters', 'severity', 'effective_from'] as const;
export type DefinitionRow = Pick<Selectable<StandardDefinitionsTable>, (typeof DEFINITION_COLUMNS)[number]>;

/** What a partnership's children are evaluated against besides their own facts. */
export interface RuleRows {
  partnershipId: string;
  /** The partnership's standard versions, by standard and date. */
  definitions: DefinitionRow[];
  closures: Set<string>;
  /** Each of the partnership's agencies and its type, by id. */
  agencyTypes: [string, string][];
}

/**
 * A partnership's standard versions, closure days and agencies' types, in one statement (each time a child
 * is evaluated after a change), for the partnership named or the child's; null when there is no such child.
 * The defaults are added first for any standard the partnership has no version of yet (first use, or a
 * default added since).
 */
export async function ruleRows(q: Q, of: { partnershipId: string } | { childId: string }): Promise<RuleRows | null> {
  const from = 'childId' in of ? sql`(select partnership_id from children where id = ${of.childId})` : sql`(select ${of.partnershipId}::uuid as partnership_id)`;
  return (await rulesFrom(q, from))[0] ?? null;
}

/** The same for many partnerships at once (a recompute of every partnership), in the order of their ids. */
export async function ruleRowsOf(q: Q, partnershipIds: readonly string[]): Promise<RuleRows[]> {
  if (!partnershipIds.length) return [];
  return rulesFrom(q, sql`(select t.id::uuid as partnership_id from jsonb_array_elements_text(${JSON.stringify(partnershipIds)}::jsonb) as t(id))`);
}

async function rulesFrom(q: Q, from: ReturnType<typeof sql>): Promise<RuleRows[]> {
  const read = async (only?: string[]) =>
    (
      await sql<{ partnership_id: string; definitions: DefinitionRow[]; closures: unknown; agencies: [string, string][] }>`
        select x.partnership_id,
          (select coalesce(json_agg(d order by d.key, d.effective_from), '[]')
            from (select ${sql.join(DEFINITION_COLUMNS.map((c) => sql.ref(c)))} from standard_definitions where partnership_id = x.partnership_id) d) as definitions,
          (select s.closure_days from partnership_settings s where s.partnership_id = x.partnership_id) as closures,
          (select coalesce(json_agg(json_build_array(a.id, a.type) order by a.id), '[]') from agencies a where a.partnership_id = x.partnership_id) as agencies
        from ${from} x
        ${only ? sql`where x.partnership_id in (${sql.join(only)})` : sql``}
        order by x.partnership_id`.execute(q)
    ).rows;
  const rows = await read();
  const lacking = rows.filter((row) => !DEFAULT_STANDARDS.every((d) => row.definitions.some((r) => r.key === d.key))).map((row) => row.partnership_id);
  if (lacking.length) {
    for (const id of lacking) await ensureDefaults(q, id);
    const again = new Map((await read(lacking)).map((row) => [row.partnership_id, row]));
    for (const [i, row] of rows.entries()) rows[i] = again.get(row.partnership_id) ?? row;
  }
  return rows.map((row) => ({ partnershipId: row.partnership_id, definitions: row.definitions, closures: closureDays(row.closures), agencyTypes: row.agencies }));
}

export async function insertDefinitionVersion(
  q: Q,
  v: { partnershipId: string; key: string; name: string; checks: string; kind: 'timescale' | 'flag'; source: 'statutory' | 'local'; citation: string; parameters: Record<string, unknown>; severity: 'high' | 'medium' | 'low'; effectiveFrom: string; createdBy: string | null },
) {
  await q
    .insertInto('standard_definitions')
    .values({
      partnership_id: v.partnershipId,
      key: v.key,
      name: v.name,
      checks: v.checks,
      kind: v.kind,
      source: v.source,
      citation: v.citation,
      parameters: JSON.stringify(v.parameters),
      severity: v.severity,
      effective_from: v.effectiveFrom,
      created_by: v.createdBy,
    })
    .execute();
}

export async function closures(q: Q, partnershipId: string): Promise<Set<string>> {
  return closureDays((await q.selectFrom('partnership_settings').select('closure_days').where('partnership_id', '=', partnershipId).executeTakeFirst())?.closure_days);
}

export async function insertException(q: Q, v: { partnershipId: string; childId: string; key: string; reason: string; createdBy: string | null }) {
  return (
    await q
      .insertInto('standard_exceptions')
      .values({ partnership_id: v.partnershipId, child_id: v.childId, standard_key: v.key, reason: v.reason, created_by: v.createdBy })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** A child's stored results and until when they hold, on what basis (null when never evaluated). */
export interface Stored {
  results: { standard_key: string; status: string; due_on: string | null; flagged: boolean; reason: string | null; evidence: unknown }[];
  evaluation: { basis: string; holds_until: string | null } | null;
}

/** What is stored for a child, in one statement: compared with a new evaluation, so that only what differs is written. */
export async function storedOf(q: Q, partnershipId: string, childId: string): Promise<Stored> {
  const row = (
    await sql<Stored>`select
      (select coalesce(json_agg(r), '[]') from (select standard_key, status, due_on, flagged, reason, evidence from standard_results
        where partnership_id = ${partnershipId}::uuid and child_id = ${childId}::uuid) r) as results,
      (select json_build_object('basis', e.basis, 'holds_until', e.holds_until) from standard_evaluations e where e.child_id = ${childId}::uuid) as evaluation`.execute(q)
  ).rows[0]!;
  return row;
}

/**
 * Whether the stored results are exactly these: the same standards with the same status, due date, flag,
 * reason and evidence (the instances are not stored: migration 016). A child's record seldom changes its
 * results when it is viewed, so the caller writes only when they differ.
 */
export function resultsAre(stored: Stored['results'], results: StandardResult[]): boolean {
  if (stored.length !== results.length) return false;
  const byKey = new Map(stored.map((s) => [s.standard_key, s]));
  // Through JSON, as it is stored: a field left undefined is no field at all
  const asStored = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;
  return results.every((r) => {
    const s = byKey.get(r.key);
    return (
      s !== undefined &&
      s.status === r.status &&
      s.due_on === r.dueOn &&
      s.flagged === Boolean(r.flagged) &&
      s.reason === (r.reason ?? null) &&
      isDeepStrictEqual(s.evidence, asStored(r.evidence))
    );
  });
}

/**
 * Many children's results replace whatever was stored for them (in the caller's transaction), each with
 * the groups its child is counted in on the dashboards (migration 017), for children of one or more
 * partnerships, in one statement: the rows sent as one JSON document, those that differ from what is stored
 * upserted, and any stored standard a child no longer has a result for deleted. Whoever stores a child's
 * results holds the child's lock (cases/record.ts), so no two store the same child's at once; a child deleted
 * meanwhile is skipped. A result that has not changed (most of them, night after night) is not written, nor
 * locked, at all, so `evaluated_at` is when a result last changed.
 */
export async function replaceResultsMany(q: Q, parts: readonly { partnershipId: string; results: ReadonlyMap<string, StandardResult[]> }[], at: Date, opts: { stale?: boolean } = {}): Promise<void> {
  const rows: unknown[] = [];
  const children: { id: string; partnership_id: string }[] = [];
  for (const { partnershipId, results } of parts)
    for (const [childId, rs] of results) {
      children.push({ id: childId, partnership_id: partnershipId });
      for (const r of rs) rows.push({ partnership_id: partnershipId, child_id: childId, standard_key: r.key, status: r.status, due_on: r.dueOn, flagged: Boolean(r.flagged), reason: r.reason ?? null, evidence: r.evidence });
    }
  if (!children.length) return;
  // Results of standards a child no longer has, deleted in the same statement through the primary key (child,
  // standard): none in practice (every child gets a result for each standard with a version), and none to look
  // for when the caller knows there are none (`stale: false`: it read them)
  const stale =
    opts.stale === false
      ? sql``
      : sql`, gone as (
          delete from standard_results s
          where s.child_id in (select c.id from jsonb_to_recordset(${JSON.stringify(children)}::jsonb) as t(id uuid, partnership_id uuid)
              join children c on c.id = t.id and c.partnership_id = t.partnership_id)
            and (s.child_id, s.standard_key) not in (select x.child_id, x.standard_key from x))`;
  // Compared first with what is stored, by a plain read: only the rows that differ reach the upsert, which would
  // lock (and so write to) every row it met, changed or not
  await sql`
    with x as (
      select x.partnership_id, x.child_id, x.standard_key, x.status, x.due_on, x.flagged, x.reason, x.evidence, c.area_id, c.team_id, lead.agency_id
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(partnership_id uuid, child_id uuid, standard_key text, status text, due_on date, flagged boolean, reason text, evidence jsonb)
      join children c on c.id = x.child_id and c.partnership_id = x.partnership_id
      left join users lead on lead.id = c.lead_user_id)${stale}
    insert into standard_results (partnership_id, child_id, standard_key, status, due_on, flagged, reason, evidence, evaluated_at, area_id, team_id, agency_id)
    select x.partnership_id, x.child_id, x.standard_key, x.status, x.due_on, x.flagged, x.reason, x.evidence, ${at}::timestamptz, x.area_id, x.team_id, x.agency_id
    from x left join standard_results r on r.child_id = x.child_id and r.standard_key = x.standard_key
    where r.child_id is null
      or (r.status, r.due_on, r.flagged, r.reason, r.evidence, r.area_id, r.team_id, r.agency_id)
        is distinct from (x.status, x.due_on, x.flagged, x.reason, x.evidence, x.area_id, x.team_id, x.agency_id)
    on conflict (child_id, standard_key) do update set
      status = excluded.status, due_on = excluded.due_on, flagged = excluded.flagged, reason = excluded.reason,
      evidence = excluded.evidence, evaluated_at = excluded.evaluated_at,
      area_id = excluded.area_id, team_id = excluded.team_id, agency_id = excluded.agency_id
    where (standard_results.status, standard_results.due_on, standard_results.flagged, standard_results.reason, standard_results.evidence,
        standard_results.area_id, standard_results.team_id, standard_results.agency_id)
      is distinct from (excluded.status, excluded.due_on, excluded.flagged, excluded.reason, excluded.evidence, excluded.area_id, excluded.team_id, excluded.agency_id)`.execute(q);
}

/**
 * Until when each of many children's results hold, on what basis (migration 018), for children of one or
 * more partnerships (each with its partnership's basis): one upsert, skipping the
 * rows that are as they were (a child evaluated again before its day has passed gets the same day back).
 */
export async function writeEvaluations(q: Q, parts: readonly { partnershipId: string; basis: string; holds: ReadonlyMap<string, string | null> }[], at: Date): Promise<void> {
  const rows = parts.flatMap((p) => [...p.holds].map(([child_id, holds_until]) => ({ child_id, partnership_id: p.partnershipId, basis: p.basis, holds_until })));
  if (!rows.length) return;
  await sql`
    insert into standard_evaluations (child_id, partnership_id, basis, holds_until, evaluated_at)
    select x.child_id, x.partnership_id, x.basis, x.holds_until, ${at}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(child_id uuid, partnership_id uuid, basis text, holds_until date)
    join children c on c.id = x.child_id and c.partnership_id = x.partnership_id
    on conflict (child_id) do update set basis = excluded.basis, holds_until = excluded.holds_until, evaluated_at = excluded.evaluated_at
    where (standard_evaluations.basis, standard_evaluations.holds_until) is distinct from (excluded.basis, excluded.holds_until)`.execute(q);
}

/**
 * The children of each partnership named to evaluate, in one statement whatever their number, by partnership
 * and id: every child; or, with `dueOn`, only those whose results may have moved since they were stored
 * (never evaluated, evaluated on another basis than the partnership's, or holding only until a day before it).
 */
export async function childrenToEvaluate(q: Q, partnerships: readonly { partnershipId: string; basis: string }[], dueOn: string | null): Promise<Map<string, string[]>> {
  const out = new Map(partnerships.map((p) => [p.partnershipId, [] as string[]]));
  if (!partnerships.length) return out;
  const doc = JSON.stringify(partnerships.map((p) => ({ partnership_id: p.partnershipId, basis: p.basis })));
  const rows = await sql<{ partnership_id: string; id: string }>`
    select c.partnership_id, c.id
    from jsonb_to_recordset(${doc}::jsonb) as x(partnership_id uuid, basis text)
    join children c on c.partnership_id = x.partnership_id
    ${dueOn === null ? sql`` : sql`left join standard_evaluations e on e.child_id = c.id where e.child_id is null or e.basis <> x.basis or e.holds_until < ${dueOn}::date`}
    order by c.partnership_id, c.id`.execute(q);
  for (const r of rows.rows) out.get(r.partnership_id)?.push(r.id);
  return out;
}

/**
 * Moves the partnership's (or each partnership's) records version on (migration 019), in the caller's
 * transaction, in one statement: the figures kept against the number it had are no longer read once it
 * commits. Taking the access-log chain's lock first (in the same statement), as lockChain does, so that the row
 * is locked in the same order as the chain:
 * late in a transaction that changed a child's record or results, or (the batch recompute) in a transaction of
 * its own just after the results committed, when figures kept in between are for a few milliseconds older
 * than the results.
 */
export async function bumpRecordsVersion(q: Q, partnershipIds: string | readonly string[]): Promise<void> {
  const ids = [...new Set(typeof partnershipIds === 'string' ? [partnershipIds] : partnershipIds)].sort();
  if (!ids.length) return;
  // The locks taken by the statement itself, one partnership after another in the order of their ids, before the rows it writes
  await sql`with chain as (select ${sql.join(ids.map(chainLock))})
    insert into partnership_versions (partnership_id, records_version) select t.id::uuid, 1 from chain, jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as t(id)
    on conflict (partnership_id) do update set records_version = partnership_versions.records_version + 1`.execute(q);
}

export async function recordsVersion(q: Q, partnershipId: string): Promise<number> {
  const row = await q.selectFrom('partnership_versions').select('records_version').where('partnership_id', '=', partnershipId).executeTakeFirst();
  return Number(row?.records_version ?? 0);
}

export async function childIds(q: Q, partnershipId: string): Promise<string[]> {
  return (await q.selectFrom('children').select('id').where('partnership_id', '=', partnershipId).orderBy('id').execute()).map((r) => r.id);
}

/** Whose children the figures are about: a team, or the whole partnership. */
export type Scope = { partnershipId: string; teamId: string | null };

