/**
 * Who may see a child's record, enforced where data is read. Every query about a child goes
 * through `visibleChildren` (lists, search, one record) so a forgotten check in a handler cannot
 * leak a record. A user sees a child when they are:
 *   - the lead practitioner;
 *   - a current member of the child's core group;
 *   - the team manager of the child's team;
 *   - the chair of one of the child's conferences;
 *   - for a child not yet allocated to a team (for example imported from the CIN census), any team
 *     manager in children's social care, so that it can be allocated.
 * Nobody else does: not other practitioners of the same team, not other agencies, not admins.
 * The system actor (jobs, the CLI) sees every child of its partnership: an explicit choice.
 */
import { type ExpressionBuilder, type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AgencyType, Child, Database } from '../../db/schema.js';
import type { Actor } from '../../lib/actor.js';
import { NotFoundError } from '../../lib/errors.js';

type ChildrenEb = ExpressionBuilder<Database, 'children'>;

export function visibleChildren(actor: Actor) {
  return (eb: ChildrenEb): Expression<SqlBool> => {
    const inPartnership = eb('children.partnership_id', '=', actor.partnershipId);
    if (actor.kind === 'system') return inPartnership;
    // The cheap tests first: the database tries them in order, and a team manager's team is most of what they see
    const ways: Expression<SqlBool>[] = [];
    if (actor.role === 'team-manager') {
      if (actor.teamId) ways.push(eb('children.team_id', '=', actor.teamId));
      ways.push(
        eb.and([
          eb('children.team_id', 'is', null),
          eb.exists(
            eb
              .selectFrom('agencies as a')
              .select(sql<number>`1`.as('one'))
              .where('a.id', '=', actor.agencyId)
              .where('a.type', '=', 'childrens-social-care'),
          ),
        ]),
      );
    }
    ways.push(
      eb('children.lead_user_id', '=', actor.userId),
      eb.exists(
        eb
          .selectFrom('core_group_members as m')
          .select(sql<number>`1`.as('one'))
          .whereRef('m.child_id', '=', 'children.id')
          .where('m.user_id', '=', actor.userId)
          .where('m.left_on', 'is', null),
      ),
      eb.exists(
        eb
          .selectFrom('conferences as c')
          .select(sql<number>`1`.as('one'))
          .whereRef('c.child_id', '=', 'children.id')
          .where('c.chair_user_id', '=', actor.userId),
      ),
    );
    return eb.and([inPartnership, eb.or(ways)]);
  };
}

/** How the actor relates to one child: what the permission rules in policy.ts are decided on. */
export interface ChildAccess {
  child: Child;
  actor: Actor;
  isLead: boolean;
  isMember: boolean;
  memberId: string | null;
  isManager: boolean;
  isChair: boolean;
  actorAgencyType: AgencyType | null;
}

/** Loads a child the actor may see, with the relation; 404 when it does not exist or is not theirs to see. */
export async function loadChildAccess(db: Db, actor: Actor, childId: string): Promise<ChildAccess> {
  if (!/^[0-9a-f-]{36}$/i.test(childId)) throw new NotFoundError('Child not found');
  const child = await db.selectFrom('children').selectAll().where('children.id', '=', childId).where(visibleChildren(actor)).executeTakeFirst();
  if (!child) throw new NotFoundError('Child not found');
  if (actor.kind === 'system') {
    return { child, actor, isLead: false, isMember: false, memberId: null, isManager: false, isChair: false, actorAgencyType: null };
  }
  const [member, chair, agency] = await Promise.all([
    db
      .selectFrom('core_group_members')
      .select('id')
      .where('child_id', '=', childId)
      .where('user_id', '=', actor.userId)
      .where('left_on', 'is', null)
      .executeTakeFirst(),
    db.selectFrom('conferences').select('id').where('child_id', '=', childId).where('chair_user_id', '=', actor.userId).executeTakeFirst(),
    db.selectFrom('agencies').select('type').where('id', '=', actor.agencyId).executeTakeFirst(),
  ]);
  return {
    child,
    actor,
    isLead: child.lead_user_id === actor.userId,
    isMember: member !== undefined,
    memberId: member?.id ?? null,
    isManager: actor.role === 'team-manager' && actor.teamId !== null && child.team_id === actor.teamId,
    isChair: chair !== undefined,
    actorAgencyType: agency?.type ?? null,
  };
}
