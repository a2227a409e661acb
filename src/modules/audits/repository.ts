/**
 * Queries of case audits: tool versions (built-in tools stored on first use and whenever their
 * definition changes), audits, their cases, assignments and answers. Every query about an audit
 * takes the partnership id, so one partnership never reads another's.
 */
import { type Selectable, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AuditAnswersTable, AuditStatus } from '../../db/schema.js';
import type { Trx } from '../cases/record.js';
import { BUILT_IN_TOOLS, type StoredTool, type ToolDefinition } from './tools.js';

type Q = Db | Trx;

/** JSON with its keys sorted, so a definition read back from jsonb compares equal to the one in code. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

function toStored(row: { id: string; version: number; definition: unknown }): StoredTool {
  return { ...(row.definition as ToolDefinition), id: row.id, version: row.version };
}

/** Stores each built-in tool as a new version when the one in code differs from the latest stored. */
export async function ensureBuiltInTools(q: Q): Promise<void> {
  const latest = await q
    .selectFrom('audit_tools')
    .select(['key', 'version', 'definition'])
    .where('partnership_id', 'is', null)
    .orderBy('version', 'desc')
    .execute();
  for (const tool of BUILT_IN_TOOLS) {
    const current = latest.find((r) => r.key === tool.key);
    if (current && canonical(current.definition) === canonical(tool)) continue;
    await q
      .insertInto('audit_tools')
      .values({ partnership_id: null, key: tool.key, version: (current?.version ?? 0) + 1, name: tool.name, definition: JSON.stringify(tool) })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** The latest version of every tool the partnership can use: the built-in ones and its own. */
export async function latestTools(q: Q, partnershipId: string): Promise<StoredTool[]> {
  const rows = await q
    .selectFrom('audit_tools')
    .select(['id', 'key', 'version', 'definition', 'partnership_id'])
    .where((eb) => eb.or([eb('partnership_id', 'is', null), eb('partnership_id', '=', partnershipId)]))
    .orderBy('key')
    .orderBy('version', 'desc')
    .execute();
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.key) && seen.add(r.key)).map(toStored);
}

export async function toolById(q: Q, partnershipId: string, id: string): Promise<StoredTool | null> {
  const row = await q
    .selectFrom('audit_tools')
    .select(['id', 'version', 'definition'])
    .where('id', '=', id)
    .where((eb) => eb.or([eb('partnership_id', 'is', null), eb('partnership_id', '=', partnershipId)]))
    .executeTakeFirst();
  return row ? toStored(row) : null;
}

export interface NewAudit {
  partnershipId: string;
  toolId: string;
  title: string;
  purpose: string | null;
  status: AuditStatus;
  source: 'assure' | 'import';
  cohort: Record<string, unknown>;
  sample: Record<string, unknown>;
  auditorsPerCase: number;
  createdBy: string | null;
  now: Date;
}

export async function insertAudit(q: Q, a: NewAudit): Promise<string> {
  const row = await q
    .insertInto('audits')
    .values({
      partnership_id: a.partnershipId,
      tool_id: a.toolId,
      title: a.title,
      purpose: a.purpose,
      status: a.status,
      source: a.source,
      cohort: JSON.stringify(a.cohort),
      sample: JSON.stringify(a.sample),
      auditors_per_case: a.auditorsPerCase,
      started_at: a.status === 'planning' ? null : a.now,
      completed_at: a.status === 'completed' ? a.now : null,
      created_by: a.createdBy,
      created_at: a.now,
      updated_at: a.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface NewCase {
  childId: string | null;
  caseRef: string;
  area: string | null;
  team: string | null;
  agencies: string[];
}

const CHUNK = 1000;

export async function insertCases(q: Q, auditId: string, cases: readonly NewCase[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < cases.length; i += CHUNK) {
    const rows = await q
      .insertInto('audit_cases')
      .values(cases.slice(i, i + CHUNK).map((c) => ({ audit_id: auditId, child_id: c.childId, case_ref: c.caseRef, area: c.area, team: c.team, agencies: c.agencies })))
      .returning(['id', 'case_ref'])
      .execute();
    const byRef = new Map(rows.map((r) => [r.case_ref, r.id]));
    for (const c of cases.slice(i, i + CHUNK)) ids.push(byRef.get(c.caseRef)!);
  }
  return ids;
}

export interface NewAnswer {
  caseId: string;
  kind: 'auditor' | 'agreed';
  authorUserId: string | null;
  questionKey: string;
  answer: string | null;
  comment?: string | null;
  prefilled?: string | null;
  evidence?: unknown;
  reason?: string | null;
}

export async function insertAnswers(q: Q, answers: readonly NewAnswer[], now: Date): Promise<void> {
  for (let i = 0; i < answers.length; i += CHUNK) {
    await q
      .insertInto('audit_answers')
      .values(
        answers.slice(i, i + CHUNK).map((a) => ({
          audit_case_id: a.caseId,
          kind: a.kind,
          author_user_id: a.authorUserId,
          question_key: a.questionKey,
          answer: a.answer,
          comment: a.comment ?? null,
          prefilled: a.prefilled ?? null,
          evidence: a.evidence === undefined || a.evidence === null ? null : JSON.stringify(a.evidence),
          reason: a.reason ?? null,
          updated_at: now,
        })),
      )
      .execute();
  }
}

export async function auditById(q: Q, partnershipId: string, id: string) {
  return q.selectFrom('audits').selectAll().where('partnership_id', '=', partnershipId).where('id', '=', id).executeTakeFirst();
}

/** The filters of the audits list; `statuses` bounds it to what the person may see. */
export interface AuditFilter {
  statuses?: readonly AuditStatus[] | undefined;
  toolKey?: string | undefined;
  source?: 'assure' | 'import' | undefined;
}

const auditsQuery = (q: Q, partnershipId: string, f: AuditFilter) => {
  let query = q.selectFrom('audits as a').innerJoin('audit_tools as t', 't.id', 'a.tool_id').where('a.partnership_id', '=', partnershipId);
  if (f.statuses) query = f.statuses.length ? query.where('a.status', 'in', f.statuses) : query.where(sql<boolean>`false`);
  if (f.toolKey) query = query.where('t.key', '=', f.toolKey);
  if (f.source) query = query.where('a.source', '=', f.source);
  return query;
};

/** The partnership's audits, newest first: all of them, or one page (limit and offset). */
export async function listAudits(q: Q, partnershipId: string, f: AuditFilter = {}, limit?: number, offset = 0) {
  return auditsQuery(q, partnershipId, f)
    .select((eb) => [
      'a.id',
      'a.title',
      'a.status',
      'a.source',
      'a.created_at',
      'a.completed_at',
      't.key as tool_key',
      't.name as tool_name',
      't.version as tool_version',
      eb.selectFrom('audit_cases as c').select((e) => e.fn.countAll<string>().as('n')).whereRef('c.audit_id', '=', 'a.id').as('cases'),
    ])
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .$if(limit !== undefined, (qb) => qb.limit(limit!).offset(offset))
    .execute();
}

export async function countAudits(q: Q, partnershipId: string, f: AuditFilter = {}): Promise<number> {
  const row = await auditsQuery(q, partnershipId, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function casesOf(q: Q, auditId: string) {
  return q.selectFrom('audit_cases').selectAll().where('audit_id', '=', auditId).orderBy('case_ref').execute();
}

/** An answer as the report and pages use it: the row without its evidence and time. */
export type AnswerRow = Omit<Selectable<AuditAnswersTable>, 'evidence' | 'updated_at'>;

/**
 * Every answer of an audit. Read as one JSON array per case: with tens of thousands of answers
 * that is several times faster on the embedded database than one row per answer.
 */
export async function answersOf(q: Q, auditId: string, caseId?: string): Promise<AnswerRow[]> {
  const rows = await q
    .selectFrom('audit_answers as a')
    .innerJoin('audit_cases as c', 'c.id', 'a.audit_case_id')
    .select([
      'a.audit_case_id',
      sql<string>`json_agg(json_build_array(a.id, a.kind, a.author_user_id, a.question_key, a.answer, a.comment, a.prefilled, a.reason, a.version))::text`.as('answers'),
    ])
    .where('c.audit_id', '=', auditId)
    .$if(caseId !== undefined, (qb) => qb.where('a.audit_case_id', '=', caseId!))
    .groupBy('a.audit_case_id')
    .execute();
  return rows.flatMap((r) =>
    (JSON.parse(r.answers) as [string, AnswerRow['kind'], string | null, string, string | null, string | null, string | null, string | null, number][]).map(
      ([id, kind, author, key, answer, comment, prefilled, reason, version]) => ({
        id,
        audit_case_id: r.audit_case_id,
        kind,
        author_user_id: author,
        question_key: key,
        answer,
        comment,
        prefilled,
        reason,
        version,
      }),
    ),
  );
}

export async function themesOf(q: Q, auditId: string) {
  const [themes, tags] = await Promise.all([
    q.selectFrom('audit_themes').selectAll().where('audit_id', '=', auditId).orderBy('name').execute(),
    q
      .selectFrom('audit_theme_tags as t')
      .innerJoin('audit_themes as th', 'th.id', 't.theme_id')
      .select(['t.theme_id', 't.answer_id'])
      .where('th.audit_id', '=', auditId)
      .execute(),
  ]);
  return { themes, tags };
}

/** The last completed audit before this one that used a version of the same tool. */
export async function previousAudit(q: Q, partnershipId: string, toolKey: string, before: { id: string; completedAt: Date | null; createdAt: Date }) {
  return q
    .selectFrom('audits as a')
    .innerJoin('audit_tools as t', 't.id', 'a.tool_id')
    .select(['a.id', 'a.title', 'a.completed_at'])
    .where('a.partnership_id', '=', partnershipId)
    .where('t.key', '=', toolKey)
    .where('a.status', '=', 'completed')
    .where('a.id', '!=', before.id)
    .where('a.completed_at', '<=', before.completedAt ?? before.createdAt)
    .orderBy('a.completed_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The partnership's most recently completed audit with a tool (any version). */
export async function latestCompletedAudit(q: Q, partnershipId: string, toolKey: string) {
  return q
    .selectFrom('audits as a')
    .innerJoin('audit_tools as t', 't.id', 'a.tool_id')
    .select(['a.id', 'a.title', 'a.completed_at'])
    .where('a.partnership_id', '=', partnershipId)
    .where('t.key', '=', toolKey)
    .where('a.status', '=', 'completed')
    .orderBy('a.completed_at', 'desc')
    .orderBy('a.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface CohortDefinition {
  /** Children on a child protection plan on this date. */
  onDate: string;
  /** Only plans that had lasted at least this many months by then. */
  minPlanMonths?: number | null;
  areaId?: string | null;
  teamId?: string | null;
  category?: string | null;
  /** Age in whole years on the date. */
  minAge?: number | null;
  maxAge?: number | null;
}

/** The children of a cohort, with who works with them and the agencies involved (for assignment). */
export async function cohortChildren(q: Q, partnershipId: string, def: CohortDefinition) {
  let query = q
    .selectFrom('cp_plans as p')
    .innerJoin('children as c', 'c.id', 'p.child_id')
    .leftJoin('areas as a', 'a.id', 'c.area_id')
    .leftJoin('teams as t', 't.id', 'c.team_id')
    .select(['c.id as child_id', 'c.area_id', 'a.name as area_name', 'c.team_id', 't.name as team_name', 'c.lead_user_id', 'c.date_of_birth', 'p.started_on'])
    .where('p.partnership_id', '=', partnershipId)
    .where('p.started_on', '<=', def.onDate)
    .where((eb) => eb.or([eb('p.ended_on', 'is', null), eb('p.ended_on', '>', def.onDate)]));
  if (def.minPlanMonths) query = query.where('p.started_on', '<=', sql<string>`(${def.onDate}::date - make_interval(months => ${def.minPlanMonths}))::date`);
  if (def.areaId) query = query.where('c.area_id', '=', def.areaId);
  if (def.teamId) query = query.where('c.team_id', '=', def.teamId);
  if (def.category) query = query.where('p.latest_category', '=', def.category as never);
  if (def.minAge != null) query = query.where(sql<boolean>`c.date_of_birth <= (${def.onDate}::date - make_interval(years => ${def.minAge}))::date`);
  if (def.maxAge != null) query = query.where(sql<boolean>`c.date_of_birth > (${def.onDate}::date - make_interval(years => ${def.maxAge + 1}))::date`);
  const children = await query.orderBy('c.id').execute();
  const seen = new Set<string>();
  const unique = children.filter((c) => !seen.has(c.child_id) && seen.add(c.child_id));
  const involved = await peopleInvolved(q, partnershipId, unique);
  return unique.map((c) => {
    const { workerUserIds, agencies } = involved.get(c.child_id)!;
    return {
      childId: c.child_id,
      areaId: c.area_id,
      areaName: c.area_name,
      teamId: c.team_id,
      teamName: c.team_name,
      agencyIds: [...agencies.keys()],
      agencyNames: [...agencies.values()].filter(Boolean).sort(),
      workerUserIds,
    };
  });
}

/**
 * Who works with each child (so must not audit it): the lead practitioner, the core group's
 * professionals, the managers of the child's team and the chairs of its conferences; and the
 * agencies involved (those of the core group's professionals).
 */
export async function peopleInvolved(q: Q, partnershipId: string, children: readonly { child_id: string; lead_user_id: string | null; team_id: string | null }[]) {
  const out = new Map<string, { workerUserIds: string[]; agencies: Map<string, string> }>();
  const ids = children.map((c) => c.child_id);
  if (ids.length === 0) return out;
  const [members, managers, chairs] = await Promise.all([
    q
      .selectFrom('core_group_members as m')
      .leftJoin('agencies as ag', 'ag.id', 'm.agency_id')
      .select(['m.child_id', 'm.user_id', 'm.agency_id', 'ag.name as agency_name'])
      .where('m.partnership_id', '=', partnershipId)
      .where('m.child_id', 'in', ids)
      .where('m.is_parent', '=', false)
      .execute(),
    q.selectFrom('users').select(['id', 'team_id']).where('partnership_id', '=', partnershipId).where('role', '=', 'team-manager').where('team_id', 'is not', null).execute(),
    q.selectFrom('conferences').select(['child_id', 'chair_user_id']).where('partnership_id', '=', partnershipId).where('child_id', 'in', ids).where('chair_user_id', 'is not', null).execute(),
  ]);
  for (const c of children) {
    const mine = members.filter((m) => m.child_id === c.child_id);
    const workers = [c.lead_user_id, ...mine.map((m) => m.user_id), ...managers.filter((m) => m.team_id === c.team_id).map((m) => m.id), ...chairs.filter((x) => x.child_id === c.child_id).map((x) => x.chair_user_id)];
    out.set(c.child_id, {
      workerUserIds: [...new Set(workers.filter((w): w is string => !!w))],
      agencies: new Map(mine.filter((m) => m.agency_id).map((m) => [m.agency_id!, m.agency_name ?? ''])),
    });
  }
  return out;
}

export async function auditorCandidates(q: Q, partnershipId: string) {
  return q.selectFrom('users').select(['id as userId', 'agency_id as agencyId', 'name']).where('partnership_id', '=', partnershipId).where('role', '=', 'auditor').where('disabled_at', 'is', null).orderBy('id').execute();
}

export async function assignmentsOf(q: Q, auditId: string) {
  return q
    .selectFrom('audit_assignments as s')
    .innerJoin('audit_cases as c', 'c.id', 's.audit_case_id')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('agencies as ag', 'ag.id', 'u.agency_id')
    .select(['s.id', 's.audit_case_id', 's.user_id', 's.submitted_at', 'u.name as user_name', 'ag.name as agency_name'])
    .where('c.audit_id', '=', auditId)
    .orderBy('ag.name')
    .orderBy('u.name')
    .execute();
}

/** The cases a person is assigned to in audits that are running. */
export async function casesAssignedTo(q: Q, partnershipId: string, userId: string) {
  return q
    .selectFrom('audit_assignments as s')
    .innerJoin('audit_cases as c', 'c.id', 's.audit_case_id')
    .innerJoin('audits as a', 'a.id', 'c.audit_id')
    .select(['a.id as audit_id', 'a.title', 'c.id as case_id', 'c.case_ref', 'c.area', 's.submitted_at'])
    .where('a.partnership_id', '=', partnershipId)
    .where('a.status', '=', 'running')
    .where('s.user_id', '=', userId)
    .orderBy('a.title')
    .orderBy('c.case_ref')
    .execute();
}

/** Every version of one of the partnership's tools (or a built-in one), newest first, with how many audits used each. */
export async function toolVersions(q: Q, partnershipId: string, key: string) {
  return q
    .selectFrom('audit_tools as t')
    .select((eb) => [
      't.id',
      't.version',
      't.name',
      't.partnership_id',
      't.created_at',
      't.definition',
      eb.selectFrom('audits as a').select((e) => e.fn.countAll<string>().as('n')).whereRef('a.tool_id', '=', 't.id').where('a.partnership_id', '=', partnershipId).as('audits'),
    ])
    .where('t.key', '=', key)
    .where((eb) => eb.or([eb('t.partnership_id', 'is', null), eb('t.partnership_id', '=', partnershipId)]))
    .orderBy('t.version', 'desc')
    .execute();
}

/** Stores a version of a partnership's own tool. */
export async function insertToolVersion(q: Q, partnershipId: string, tool: ToolDefinition, version: number, createdBy: string | null, now: Date): Promise<string> {
  const row = await q
    .insertInto('audit_tools')
    .values({ partnership_id: partnershipId, key: tool.key, version, name: tool.name, definition: JSON.stringify(tool), created_by: createdBy, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
