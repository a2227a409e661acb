/**
 * A child on a child protection plan, made through the real services: a child led by
 * f.users.worker (referral, strategy discussion, section 47), an initial conference chaired by
 * f.users.chair and completed with a plan decision whose outline plan has the outcomes given
 * (two by default). Version 1 of the plan is the outline agreed at the conference.
 */
import { randomBytes } from 'node:crypto';
import type { Actor } from '../../src/lib/actor.js';
import { parse } from '../../src/lib/validation.js';
import { AccessLogService } from '../../src/modules/access-log/service.js';
import { userActor } from '../../src/modules/auth/service.js';
import { ChildRecords } from '../../src/modules/cases/record.js';
import { conferenceOutcomeSchema, conferenceScheduleSchema, newChildSchema, strategyDiscussionSchema } from '../../src/modules/cases/schemas.js';
import { CasesService } from '../../src/modules/cases/service.js';
import type { TestApp } from './app.js';
import type { Fixture } from './factories.js';

export interface ChildOnPlanOptions {
  firstName?: string;
  lastName?: string;
  laChildId?: string;
  /** The outline outcomes, one for each (default two). */
  outcomes?: string[];
  /** Strategy discussion and conference dates (defaults: 12 and 26 October 2026, before the test clock's 2 November 2026). */
  strategyOn?: string;
  conferenceOn?: string;
  categories?: ('NEG' | 'PHY' | 'EMO' | 'SAB' | 'MUL')[];
  /** Agencies invited to the conference (default health, police, school). */
  invitedAgencyIds?: string[];
}

export interface ChildOnPlan {
  childId: string;
  planId: string;
  outcomeIds: string[];
}

async function actorFor(t: TestApp, userId: string): Promise<Actor> {
  const user = await t.database.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
  return userActor(user);
}

export async function makeChildOnPlan(t: TestApp, f: Fixture, opts: ChildOnPlanOptions = {}): Promise<ChildOnPlan> {
  const db = t.database.db;
  const cases = new CasesService(new ChildRecords(db, t.clock, new AccessLogService(db, t.clock)));
  const worker = await actorFor(t, f.users.worker!.id);
  const chair = await actorFor(t, f.users.chair!.id);
  const strategyOn = opts.strategyOn ?? '2026-10-12';
  const conferenceOn = opts.conferenceOn ?? '2026-10-26';
  const outcomes = opts.outcomes ?? ['The child is safe from harm at home', 'The child’s needs are met every day'];

  const childId = await cases.create(
    worker,
    parse(newChildSchema, {
      laChildId: opts.laChildId ?? `T-${randomBytes(5).toString('hex')}`,
      firstName: opts.firstName ?? 'Robin',
      lastName: opts.lastName ?? 'Testchild',
      sex: 'not-known',
      dateOfBirth: '2021-05-06',
      referralReceivedOn: strategyOn,
      referralSummary: 'Synthetic referral for a test.',
    }),
  );
  await cases.addStrategyDiscussion(
    worker,
    childId,
    parse(strategyDiscussionSchema, {
      heldOn: strategyOn,
      outcome: 'section-47',
      participants: [
        { name: 'Sam Social', agencyId: f.agencies.csc! },
        { name: 'PC Patel', agencyId: f.agencies.police! },
      ],
    }),
  );
  const conferenceId = await cases.scheduleConference(
    worker,
    childId,
    parse(conferenceScheduleSchema, {
      kind: 'initial',
      scheduledOn: conferenceOn,
      chairUserId: f.users.chair!.id,
      invitedAgencyIds: opts.invitedAgencyIds ?? [f.agencies.health!, f.agencies.police!, f.agencies.school!],
    }),
  );
  const invitees = await db.selectFrom('conference_invitees').select('id').where('conference_id', '=', conferenceId).execute();
  const { planId } = await cases.recordConferenceOutcome(
    chair,
    childId,
    conferenceId,
    parse(conferenceOutcomeSchema, {
      heldOn: conferenceOn,
      decision: 'plan',
      categories: opts.categories ?? ['NEG'],
      previousPlans: '0',
      rationale: 'Synthetic rationale: the threshold for significant harm is met.',
      outlineOutcomes: outcomes.join('\n'),
      attendance: Object.fromEntries(invitees.map((i) => [i.id, 'attended'])),
      version: 1,
    }),
  );
  const outcomeRows = await db.selectFrom('plan_outcomes').select('id').where('plan_id', '=', planId!).orderBy('position').execute();
  return { childId, planId: planId!, outcomeIds: outcomeRows.map((o) => o.id) };
}
