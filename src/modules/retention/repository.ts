/**
 * Retention's queries. Retention is the one place a partnership admin's work touches children's
 * records, and it is narrow: the facts read here are dates and what is still open (never a name),
 * bounded by the partnership, and every list and decision is access-logged by the service. The
 * anonymisation itself replaces the child's identifying text in every table that holds it, in the
 * caller's transaction; docs/security.md ("Retention and anonymisation") gives the decision per column.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { RetentionReviewsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { londonDate } from '../../lib/working-days.js';
import type { Trx } from '../cases/record.js';
import {
  ANONYMISED_FIRST_NAME,
  ANONYMISED_LAST_NAME,
  neutralJson,
  neutralSummary,
  redactJson,
  redactor,
  REMOVED,
  removedOrNull,
  yearOnly,
} from './neutral.js';
import { DEFAULT_RULE, type OpenKind, type RecordFacts, type RetentionRule } from './rule.js';

export type ReviewRow = Selectable<RetentionReviewsTable>;
type Q = Db | Trx;

export async function loadRule(db: Q, partnershipId: string): Promise<RetentionRule & { version: number; updatedAt: Date | null }> {
  const row = await db.selectFrom('retention_rules').selectAll().where('partnership_id', '=', partnershipId).executeTakeFirst();
  if (!row) return { ...DEFAULT_RULE, version: 0, updatedAt: null };
  return { yearsAfterClosure: row.years_after_closure, minimumAge: row.minimum_age, version: row.version, updatedAt: row.updated_at };
}

/** Saves the rule if it is still at `version` (0: never saved); false when someone else saved it first. */
export async function saveRule(trx: Trx, partnershipId: string, rule: RetentionRule, version: number, userId: string | null, now: Date): Promise<boolean> {
  if (version === 0) {
    const r = await trx
      .insertInto('retention_rules')
      .values({ partnership_id: partnershipId, years_after_closure: rule.yearsAfterClosure, minimum_age: rule.minimumAge, updated_by: userId, updated_at: now })
      .onConflict((oc) => oc.column('partnership_id').doNothing())
      .returning('partnership_id')
      .executeTakeFirst();
    return r !== undefined;
  }
  const r = await trx
    .updateTable('retention_rules')
    .set({ years_after_closure: rule.yearsAfterClosure, minimum_age: rule.minimumAge, updated_by: userId, updated_at: now, version: version + 1 })
    .where('partnership_id', '=', partnershipId)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

interface FactsRow {
  id: string;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  anonymised: boolean;
  created_at: Date;
  open_plan: boolean;
  open_s47: boolean;
  open_conference: boolean;
  open_escalation: boolean;
  last_on: string | null;
}

/** Dates and what is open, for every child of the partnership (or one child): the facts the rule decides on. */
export async function loadFacts(db: Q, partnershipId: string, childId?: string): Promise<RecordFacts[]> {
  const one = childId ? sql`and c.id = ${childId}` : sql``;
  const { rows } = await sql<FactsRow>`
    select c.id, c.date_of_birth, c.expected_date_of_birth, c.anonymised_at is not null as anonymised, c.created_at,
      exists (select 1 from cp_plans p where p.child_id = c.id and p.ended_on is null) as open_plan,
      exists (select 1 from s47_enquiries s where s.child_id = c.id and s.concluded_on is null and s.outcome is null) as open_s47,
      exists (select 1 from conferences f where f.child_id = c.id and f.status = 'scheduled') as open_conference,
      exists (select 1 from escalations e where e.child_id = c.id and e.status = 'open') as open_escalation,
      greatest(
        (select max(received_on) from referrals x where x.child_id = c.id),
        (select max(held_on) from strategy_discussions x where x.child_id = c.id),
        (select max(greatest(started_on, concluded_on)) from s47_enquiries x where x.child_id = c.id),
        (select max(greatest(started_on, ended_on)) from cp_plans x where x.child_id = c.id),
        (select max(held_on) from conferences x where x.child_id = c.id),
        (select max(held_on) from core_group_meetings x where x.child_id = c.id),
        (select max(recorded_on) from voice_entries x where x.child_id = c.id),
        (select max(greatest(stage_started_on, resolved_on)) from escalations x where x.child_id = c.id),
        (select max(occurred_on) from case_entries x where x.child_id = c.id)
      ) as last_on
    from children c
    where c.partnership_id = ${partnershipId} ${one}
    order by c.id`.execute(db);
  return rows.map((r) => {
    const open: OpenKind[] = [];
    if (r.open_plan) open.push('plan');
    if (r.open_s47) open.push('s47');
    if (r.open_conference) open.push('conference');
    if (r.open_escalation) open.push('escalation');
    const created = londonDate(new Date(r.created_at));
    const last = r.last_on && String(r.last_on) > created ? String(r.last_on) : created;
    return { childId: r.id, dateOfBirth: r.date_of_birth, expectedDateOfBirth: r.expected_date_of_birth, anonymised: r.anonymised, open, lastInvolvementOn: last };
  });
}

export async function reviewsOf(db: Q, partnershipId: string, statuses: ReviewRow['status'][]): Promise<ReviewRow[]> {
  return db.selectFrom('retention_reviews').selectAll().where('partnership_id', '=', partnershipId).where('status', 'in', statuses).orderBy('due_on').orderBy('id').execute();
}

export async function findReview(db: Q, partnershipId: string, id: string, lock = false): Promise<ReviewRow | undefined> {
  let q = db.selectFrom('retention_reviews').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** Children kept until a date still to come: not marked again before it. */
export async function keptUntil(db: Q, partnershipId: string, today: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('retention_reviews')
    .select('child_id')
    .where('partnership_id', '=', partnershipId)
    .where('status', '=', 'kept')
    .where('review_again_on', '>', today)
    .execute();
  return new Set(rows.map((r) => r.child_id));
}

export async function insertDue(trx: Trx, partnershipId: string, due: { childId: string; closedOn: string; dueOn: string }[], now: Date): Promise<number> {
  if (due.length === 0) return 0;
  const r = await sql<{ id: string }>`
    insert into retention_reviews (partnership_id, child_id, status, closed_on, due_on, marked_at)
    select ${partnershipId}::uuid, x.child_id, 'due', x.closed_on, x.due_on, ${now}
    from jsonb_to_recordset(${JSON.stringify(due.map((d) => ({ child_id: d.childId, closed_on: d.closedOn, due_on: d.dueOn })))}::jsonb)
      as x(child_id uuid, closed_on date, due_on date)
    on conflict (child_id) where status = 'due' do nothing
    returning id`.execute(trx);
  return r.rows.length;
}

export async function withdraw(trx: Trx, partnershipId: string, reviewIds: string[], now: Date, actorLabel: string): Promise<number> {
  if (reviewIds.length === 0) return 0;
  const r = await trx
    .updateTable('retention_reviews')
    .set((eb) => ({ status: 'withdrawn', decided_at: now, decided_by_actor: actorLabel, version: eb('version', '+', 1) }))
    .where('partnership_id', '=', partnershipId)
    .where('id', 'in', reviewIds)
    .where('status', '=', 'due')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function decide(
  trx: Trx,
  review: ReviewRow,
  values: { status: 'anonymised' | 'kept'; reason?: string | null; reviewAgainOn?: string | null; userId: string | null; actorLabel: string; now: Date },
): Promise<void> {
  await trx
    .updateTable('retention_reviews')
    .set({
      status: values.status,
      reason: values.reason ?? null,
      review_again_on: values.reviewAgainOn ?? null,
      decided_by: values.userId,
      decided_by_actor: values.actorLabel,
      decided_at: values.now,
      version: review.version + 1,
    })
    .where('id', '=', review.id)
    .where('version', '=', review.version)
    .executeTakeFirstOrThrow();
}

/** How many rows of each table the anonymisation changed: the access-log row records it. */
export type AnonymisedCounts = Record<string, number>;

/**
 * Replaces the child's identifying text everywhere it is held, keeping every structural fact (dates,
 * categories, decisions, attendance, agencies, grades, standards results). Runs in the caller's transaction.
 */
export async function anonymiseChild(trx: Trx, partnershipId: string, childId: string, now: Date): Promise<{ counts: AnonymisedCounts; redact: (t: string) => string }> {
  const counts: AnonymisedCounts = {};
  const count = (table: string, n: number | bigint) => {
    if (Number(n) > 0) counts[table] = (counts[table] ?? 0) + Number(n);
  };
  const child = await trx.selectFrom('children').selectAll().where('id', '=', childId).where('partnership_id', '=', partnershipId).forUpdate().executeTakeFirstOrThrow();
  const family = await trx.selectFrom('family_members').select(['id', 'name']).where('child_id', '=', childId).execute();
  const members = await trx.selectFrom('core_group_members').select(['id', 'name', 'is_parent', 'user_id', 'role', 'left_reason']).where('child_id', '=', childId).execute();
  const conferenceIds = (await trx.selectFrom('conferences').select('id').where('child_id', '=', childId).execute()).map((c) => c.id);
  const invitees = conferenceIds.length
    ? await trx.selectFrom('conference_invitees').select(['id', 'name', 'is_parent', 'user_id']).where('conference_id', 'in', conferenceIds).execute()
    : [];
  // The names to find in text that is kept: the child's, the family's, parents' in the core group and at conferences
  const names = [
    child.first_name,
    child.last_name,
    `${child.first_name} ${child.last_name}`,
    child.la_child_id,
    child.upn,
    ...family.map((f) => f.name),
    ...members.filter((m) => m.is_parent || m.user_id === null).map((m) => m.name),
    ...invitees.filter((i) => i.is_parent).map((i) => i.name),
  ];
  const redact = redactor(names.filter((n) => n !== undefined && n !== null && !/^(parent|family member|mother|father)$/i.test(n)));
  const redactOrNull = (v: string | null) => (v === null ? null : redact(v));

  // The child
  count(
    'children',
    (
      await trx
        .updateTable('children')
        .set({
          first_name: ANONYMISED_FIRST_NAME,
          last_name: ANONYMISED_LAST_NAME,
          la_child_id: `ANON-${child.id}`,
          upn: null,
          date_of_birth: yearOnly(child.date_of_birth),
          expected_date_of_birth: child.date_of_birth ? null : yearOnly(child.expected_date_of_birth),
          school_name: removedOrNull(child.school_name),
          school_dsl_name: removedOrNull(child.school_dsl_name),
          school_dsl_contact: removedOrNull(child.school_dsl_contact),
          anonymised_at: now,
          updated_at: now,
          version: child.version + 1,
        })
        .where('id', '=', childId)
        .executeTakeFirstOrThrow()
    ).numUpdatedRows,
  );

  // The family: who they are to the child stays, who they are goes
  for (const f of await trx.selectFrom('family_members').selectAll().where('child_id', '=', childId).execute()) {
    await trx.updateTable('family_members').set({ name: 'Family member', contact: removedOrNull(f.contact), notes: removedOrNull(f.notes), updated_at: now, version: f.version + 1 }).where('id', '=', f.id).execute();
    count('family_members', 1);
  }

  // Referral, strategy discussion (participants are professionals: kept, redacted), plans, conferences
  for (const r of await trx.selectFrom('referrals').select(['id', 'source']).where('child_id', '=', childId).execute()) {
    await trx.updateTable('referrals').set({ summary: REMOVED, source: redactOrNull(r.source), updated_at: now }).where('id', '=', r.id).execute();
    count('referrals', 1);
  }
  count('strategy_discussions', (await trx.updateTable('strategy_discussions').set((eb) => ({ notes: eb.case().when('notes', 'is', null).then(null).else(REMOVED).end(), updated_at: now })).where('child_id', '=', childId).executeTakeFirst()).numUpdatedRows);
  const sds = (await trx.selectFrom('strategy_discussions').select('id').where('child_id', '=', childId).execute()).map((s) => s.id);
  if (sds.length) {
    for (const p of await trx.selectFrom('strategy_participants').select(['id', 'name']).where('strategy_discussion_id', 'in', sds).execute()) {
      const name = redact(p.name);
      if (name !== p.name) {
        await trx.updateTable('strategy_participants').set({ name }).where('id', '=', p.id).execute();
        count('strategy_participants', 1);
      }
    }
  }
  for (const p of await trx.selectFrom('cp_plans').select(['id', 'end_reason', 'cin_plan', 'no_cin_plan_reason']).where('child_id', '=', childId).execute()) {
    await trx
      .updateTable('cp_plans')
      .set({ end_reason: redactOrNull(p.end_reason), cin_plan: removedOrNull(p.cin_plan), no_cin_plan_reason: removedOrNull(p.no_cin_plan_reason), updated_at: now })
      .where('id', '=', p.id)
      .execute();
    count('cp_plans', 1);
  }
  for (const c of await trx.selectFrom('conferences').select(['id', 'rationale', 'dissent', 'cin_plan', 'no_cin_plan_reason']).where('child_id', '=', childId).execute()) {
    await trx
      .updateTable('conferences')
      .set({ rationale: removedOrNull(c.rationale), dissent: removedOrNull(c.dissent), cin_plan: removedOrNull(c.cin_plan), no_cin_plan_reason: removedOrNull(c.no_cin_plan_reason), updated_at: now })
      .where('id', '=', c.id)
      .execute();
    count('conferences', 1);
  }
  for (const i of invitees) {
    const name = i.is_parent ? 'Parent' : redact(i.name);
    if (name !== i.name) {
      await trx.updateTable('conference_invitees').set({ name }).where('id', '=', i.id).execute();
      count('conference_invitees', 1);
    }
  }

  // The core group: parents and people without an account lose their names; professionals keep theirs
  for (const m of members) {
    const name = m.is_parent ? 'Parent' : m.user_id === null ? redact(m.name) : m.name;
    await trx
      .updateTable('core_group_members')
      .set({ name, role: redact(m.role), left_reason: removedOrNull(m.left_reason), updated_at: now })
      .where('id', '=', m.id)
      .execute();
    count('core_group_members', 1);
  }
  const meetings = await trx
    .selectFrom('core_group_meetings')
    .select(['id', 'minutes', 'parents_attendance', 'absent_parent_consideration', 'views_considered', 'family_copy'])
    .where('child_id', '=', childId)
    .execute();
  for (const m of meetings) {
    await trx
      .updateTable('core_group_meetings')
      .set({
        minutes: JSON.stringify(redactJson(neutralJson(m.minutes), redact)),
        parents_attendance: removedOrNull(m.parents_attendance),
        absent_parent_consideration: removedOrNull(m.absent_parent_consideration),
        views_considered: removedOrNull(m.views_considered),
        family_copy: removedOrNull(m.family_copy),
        updated_at: now,
      })
      .where('id', '=', m.id)
      .execute();
    count('core_group_meetings', 1);
  }
  const meetingIds = meetings.map((m) => m.id);
  if (meetingIds.length) {
    count('minutes_agreements', (await trx.updateTable('minutes_agreements').set({ comment: REMOVED }).where('meeting_id', 'in', meetingIds).where('comment', 'is not', null).executeTakeFirst()).numUpdatedRows);
    count('action_reviews', (await trx.updateTable('action_reviews').set({ comment: REMOVED }).where('meeting_id', 'in', meetingIds).executeTakeFirst()).numUpdatedRows);
  }

  // The plan: outcomes and actions keep their dates, owners' agencies and statuses; the words go
  count('plan_outcomes', (await trx.updateTable('plan_outcomes').set({ title: REMOVED, updated_at: now }).where('child_id', '=', childId).executeTakeFirst()).numUpdatedRows);
  const actions = await trx.selectFrom('plan_actions').select(['id', 'owner_name']).where('child_id', '=', childId).execute();
  for (const a of actions) {
    await trx.updateTable('plan_actions').set({ what: REMOVED, done_measure: REMOVED, worked_measure: REMOVED, owner_name: redact(a.owner_name), updated_at: now }).where('id', '=', a.id).execute();
    count('plan_actions', 1);
  }
  if (actions.length) {
    count('action_updates', (await trx.updateTable('action_updates').set({ note: REMOVED }).where('action_id', 'in', actions.map((a) => a.id)).executeTakeFirst()).numUpdatedRows);
  }
  const planIds = (await trx.selectFrom('cp_plans').select('id').where('child_id', '=', childId).execute()).map((p) => p.id);
  if (planIds.length) {
    for (const v of await trx.selectFrom('plan_versions').select(['id', 'snapshot', 'summary']).where('plan_id', 'in', planIds).execute()) {
      const snapshot = redactJson(neutralJson(v.snapshot, new Set(['ownerAgency', 'owner'])), redact);
      await trx.updateTable('plan_versions').set({ snapshot: JSON.stringify(snapshot), summary: neutralSummary(v.summary, redact) }).where('id', '=', v.id).execute();
      count('plan_versions', 1);
    }
  }

  // The child's voice, escalations, case entries, standards exceptions
  for (const v of await trx.selectFrom('voice_entries').select(['id', 'how', 'heard_by_name']).where('child_id', '=', childId).execute()) {
    await trx.updateTable('voice_entries').set({ content: REMOVED, how: removedOrNull(v.how), heard_by_name: redactOrNull(v.heard_by_name), updated_at: now }).where('id', '=', v.id).execute();
    count('voice_entries', 1);
  }
  const escalations = await trx.selectFrom('escalations').select(['id', 'desired_outcome', 'outcome', 'learning']).where('child_id', '=', childId).execute();
  for (const e of escalations) {
    await trx
      .updateTable('escalations')
      .set({ concern: REMOVED, desired_outcome: removedOrNull(e.desired_outcome), outcome: removedOrNull(e.outcome), learning: removedOrNull(e.learning), updated_at: now })
      .where('id', '=', e.id)
      .execute();
    count('escalations', 1);
  }
  if (escalations.length) {
    count('escalation_events', (await trx.updateTable('escalation_events').set({ note: REMOVED }).where('escalation_id', 'in', escalations.map((e) => e.id)).executeTakeFirst()).numUpdatedRows);
  }
  for (const e of await trx.selectFrom('case_entries').select(['id', 'data']).where('child_id', '=', childId).execute()) {
    await trx.updateTable('case_entries').set({ data: JSON.stringify(redactJson(neutralJson(e.data), redact)), updated_at: now }).where('id', '=', e.id).execute();
    count('case_entries', 1);
  }
  count('standard_exceptions', (await trx.updateTable('standard_exceptions').set({ reason: REMOVED }).where('child_id', '=', childId).executeTakeFirst()).numUpdatedRows);

  // The family's own words through a link
  // (the portal's and imports' tables are typed in their own modules: plain SQL here)
  count('portal_invitations', (await sql`update portal_invitations set draft = '{}'::jsonb, updated_at = ${now} where child_id = ${childId} and draft <> '{}'::jsonb`.execute(trx)).numAffectedRows ?? 0);
  count('portal_family_responses', (await sql`update portal_family_responses set comment = ${REMOVED} where child_id = ${childId} and comment is not null`.execute(trx)).numAffectedRows ?? 0);

  // Audits keep every answer, grade and comment (they are the partnership's evidence): names in them are redacted
  const auditCaseIds = (await trx.selectFrom('audit_cases').select('id').where('child_id', '=', childId).execute()).map((c) => c.id);
  if (auditCaseIds.length) {
    for (const a of await trx.selectFrom('audit_answers').select(['id', 'answer', 'comment', 'prefilled', 'reason', 'evidence']).where('audit_case_id', 'in', auditCaseIds).execute()) {
      const next = {
        answer: redactOrNull(a.answer),
        comment: redactOrNull(a.comment),
        prefilled: redactOrNull(a.prefilled),
        reason: redactOrNull(a.reason),
        evidence: a.evidence === null ? null : JSON.stringify(redactJson(a.evidence, redact)),
      };
      if (next.answer !== a.answer || next.comment !== a.comment || next.prefilled !== a.prefilled || next.reason !== a.reason || next.evidence !== (a.evidence === null ? null : JSON.stringify(a.evidence))) {
        await trx.updateTable('audit_answers').set(next).where('id', '=', a.id).execute();
        count('audit_answers', 1);
      }
    }
  }

  // Earlier retention decisions about the child, and import reports that named it
  for (const r of await trx.selectFrom('retention_reviews').select(['id', 'reason']).where('child_id', '=', childId).where('reason', 'is not', null).execute()) {
    const reason = redactOrNull(r.reason);
    if (reason !== r.reason) {
      await trx.updateTable('retention_reviews').set({ reason }).where('id', '=', r.id).execute();
      count('retention_reviews', 1);
    }
  }
  const idRedact = redactor([child.la_child_id, child.upn, `${child.first_name} ${child.last_name}`]);
  const runs = await sql<{ id: string; issues: unknown }>`select id, issues from import_runs where partnership_id = ${partnershipId}`.execute(trx);
  for (const run of runs.rows) {
    const before = JSON.stringify(run.issues);
    const after = JSON.stringify(redactJson(run.issues, idRedact));
    if (after !== before) {
      await sql`update import_runs set issues = ${after}::jsonb where id = ${run.id}`.execute(trx);
      count('import_runs', 1);
    }
  }
  return { counts, redact };
}

/** Any name in what the child's stored standards results hold, redacted (before they are re-evaluated from the anonymised record). */
export async function redactStandardResults(trx: Trx, childId: string, names: (t: string) => string): Promise<void> {
  for (const r of await trx.selectFrom('standard_results').select(['standard_key', 'reason', 'evidence']).where('child_id', '=', childId).execute()) {
    const next = { reason: r.reason === null ? null : names(r.reason), evidence: JSON.stringify(redactJson(r.evidence, names)) };
    if (next.reason !== r.reason || next.evidence !== JSON.stringify(r.evidence)) {
      await trx.updateTable('standard_results').set(next).where('child_id', '=', childId).where('standard_key', '=', r.standard_key).execute();
    }
  }
}
