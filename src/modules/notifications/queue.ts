/**
 * The standards work queue: stored practice standards results that are due or overdue, for the
 * children the actor may see (`visibleChildren`), sorted into who they are for:
 *   - mine: children I lead or whose conferences I chair, or a result decided by an action I own;
 *   - team: a team manager's team's children;
 *   - agency: results whose evidence names an agency (an action's owner, the agency an escalation
 *     is about, the agency a request for information went to), when that agency is mine; for
 *     results whose evidence names no agency, children where my agency has a current core group member.
 */
import type { Db } from '../../db/database.js';
import type { Actor } from '../../lib/actor.js';
import { visibleChildren } from '../cases/access.js';
import { DEFAULT_STANDARDS } from '../standards/definitions.js';

export type Scope = 'mine' | 'team' | 'agency';
export type UserActor = Extract<Actor, { kind: 'user' }>;

export interface QueueItem {
  childId: string;
  firstName: string;
  lastName: string;
  laChildId: string;
  key: string;
  name: string;
  status: 'due' | 'overdue';
  dueOn: string | null;
  scopes: Scope[];
}

interface EvidenceRef {
  type: string;
  id: string;
}

function evidenceOf(v: unknown): EvidenceRef[] {
  const list: unknown = typeof v === 'string' ? JSON.parse(v) : v;
  if (!Array.isArray(list)) return [];
  return list.filter((e): e is EvidenceRef => typeof e === 'object' && e !== null && typeof (e as EvidenceRef).type === 'string' && typeof (e as EvidenceRef).id === 'string');
}

const dateString = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

export async function standardsQueue(db: Db, actor: UserActor): Promise<QueueItem[]> {
  const rows = await db
    .selectFrom('standard_results as sr')
    .innerJoin('children', 'children.id', 'sr.child_id')
    .select(['sr.child_id', 'sr.standard_key', 'sr.status', 'sr.due_on', 'sr.evidence', 'children.first_name', 'children.last_name', 'children.la_child_id', 'children.lead_user_id', 'children.team_id'])
    .where('sr.partnership_id', '=', actor.partnershipId)
    .where('sr.status', 'in', ['due', 'overdue'])
    .where(visibleChildren(actor))
    .orderBy('sr.due_on')
    .orderBy('sr.child_id')
    .orderBy('sr.standard_key')
    .execute();
  if (!rows.length) return [];

  const childIds = [...new Set(rows.map((r) => r.child_id))];
  const evidence = rows.map((r) => evidenceOf(r.evidence));
  const idsOf = (type: string) => [...new Set(evidence.flat().filter((e) => e.type === type).map((e) => e.id))].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const [actionIds, escalationIds, entryIds] = [idsOf('action'), idsOf('escalation'), idsOf('entry')];

  const [actions, escalations, entries, members, chaired, definitions] = await Promise.all([
    actionIds.length
      ? db.selectFrom('plan_actions').select(['id', 'owner_user_id', 'owner_agency_id']).where('partnership_id', '=', actor.partnershipId).where('id', 'in', actionIds).execute()
      : Promise.resolve([]),
    escalationIds.length
      ? db.selectFrom('escalations').select(['id', 'about_agency_id']).where('partnership_id', '=', actor.partnershipId).where('id', 'in', escalationIds).execute()
      : Promise.resolve([]),
    entryIds.length
      ? db.selectFrom('case_entries').select(['id', 'kind', 'data']).where('partnership_id', '=', actor.partnershipId).where('id', 'in', entryIds).execute()
      : Promise.resolve([]),
    db
      .selectFrom('core_group_members')
      .select('child_id')
      .where('child_id', 'in', childIds)
      .where('agency_id', '=', actor.agencyId)
      .where('left_on', 'is', null)
      .execute(),
    db.selectFrom('conferences').select('child_id').where('child_id', 'in', childIds).where('chair_user_id', '=', actor.userId).execute(),
    db.selectFrom('standard_definitions').select(['key', 'name', 'effective_from']).where('partnership_id', '=', actor.partnershipId).orderBy('effective_from').execute(),
  ]);

  const names = new Map<string, string>(DEFAULT_STANDARDS.map((d) => [d.key, d.name]));
  for (const d of definitions) names.set(d.key, d.name); // the latest version's name wins
  const actionById = new Map(actions.map((a) => [a.id, a]));
  const agencyOf = new Map<string, string>();
  for (const a of actions) agencyOf.set(`action:${a.id}`, a.owner_agency_id);
  for (const e of escalations) agencyOf.set(`escalation:${e.id}`, e.about_agency_id);
  for (const e of entries) {
    const to = (e.data as Record<string, unknown> | null)?.toAgencyId;
    if (e.kind === 'request-for-information' && typeof to === 'string') agencyOf.set(`entry:${e.id}`, to);
  }
  const memberChildren = new Set(members.map((m) => m.child_id));
  const chairedChildren = new Set(chaired.map((c) => c.child_id));
  const manager = actor.role === 'team-manager' && actor.teamId !== null;

  const items: QueueItem[] = [];
  rows.forEach((r, i) => {
    const ev = evidence[i]!;
    const agencies = new Set(ev.map((e) => agencyOf.get(`${e.type}:${e.id}`)).filter((a): a is string => a !== undefined));
    const ownsAction = ev.some((e) => e.type === 'action' && actionById.get(e.id)?.owner_user_id === actor.userId);
    const scopes: Scope[] = [];
    if (r.lead_user_id === actor.userId || chairedChildren.has(r.child_id) || ownsAction) scopes.push('mine');
    if (manager && r.team_id === actor.teamId) scopes.push('team');
    if (agencies.size ? agencies.has(actor.agencyId) : memberChildren.has(r.child_id)) scopes.push('agency');
    if (!scopes.length) return;
    items.push({
      childId: r.child_id,
      firstName: r.first_name,
      lastName: r.last_name,
      laChildId: r.la_child_id,
      key: r.standard_key,
      name: names.get(r.standard_key) ?? r.standard_key,
      status: r.status as 'due' | 'overdue',
      dueOn: dateString(r.due_on),
      scopes,
    });
  });
  // Overdue first, then by due date
  return items.sort((a, b) => Number(b.status === 'overdue') - Number(a.status === 'overdue') || (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999'));
}
