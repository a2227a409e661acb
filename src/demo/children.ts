/**
 * Synthetic children for the demo partnership, benchmarks and tests: a realistic spread of
 * stages (enquiry, conference due, on a plan, stepped down), plan lengths and categories in the
 * proportions England's statistics show, good and poor practice, long plans, absent parents and
 * escalations. Every person is made up. Deterministic for a seed and a date.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Category } from '../db/schema.js';
import { systemActor } from '../lib/actor.js';
import type { Clock } from '../lib/clock.js';
import { addDays, addWorkingDays, daysBetween, londonDate } from '../lib/working-days.js';
import { AccessLogService } from '../modules/access-log/service.js';
import { partnershipClosures } from '../modules/cases/repository.js';
import { pick, prng } from './generate.js';

const CHILD_FIRST = ['Alfie', 'Amelia', 'Archie', 'Ava', 'Bella', 'Charlie', 'Daisy', 'Ellis', 'Evie', 'Finley', 'Freya', 'George', 'Harper', 'Isaac', 'Ivy', 'Jack', 'Kai', 'Lily', 'Leo', 'Mia', 'Noah', 'Olivia', 'Oscar', 'Poppy', 'Riley', 'Rosie', 'Ruby', 'Theo', 'Willow', 'Zara'];
const FAMILY = ['Ashworth', 'Blackwood', 'Cartwright', 'Dawlish', 'Eastleigh', 'Fenwick', 'Greystone', 'Hawthorne', 'Ingleby', 'Kingsley', 'Lockwood', 'Merrow', 'Netherby', 'Oakes', 'Penrose', 'Redfern', 'Sowerby', 'Tolland', 'Underhill', 'Whitlock'];
const MOTHER_FIRST = ['Chantelle', 'Gemma', 'Kelly', 'Nicola', 'Stacey', 'Leanne'];
const FATHER_FIRST = ['Darren', 'Jason', 'Lee', 'Ryan', 'Wayne', 'Craig'];

const OUTCOMES: Record<Category, string[]> = {
  NEG: ['The children have enough to eat and a clean, warm home', 'The children attend school every day and on time', 'Health appointments are kept and the children’s health needs are met'],
  EMO: ['The children no longer witness domestic abuse at home', 'The children feel safe and able to talk about their worries', 'Mum is supported to keep herself and the children safe'],
  PHY: ['The children are safe from physical harm at home', 'Parents use safe, non-physical ways to manage the children’s behaviour'],
  SAB: ['The child is protected from contact with the person who harmed her', 'The child has therapeutic support and a trusted adult at school'],
  MUL: ['The children are safe from harm at home', 'The children’s basic needs are met every day', 'Parents engage with drug and alcohol services'],
};
const ACTIONS = [
  ['Home visits, seeing the children alone', 'Visit records on the file every 10 working days', 'The children say they feel safer; fewer incidents reported'],
  ['Referral to the family support service', 'Referral accepted and first session held', 'Routines in place at home, seen on unannounced visits'],
  ['Monitor school attendance and share weekly figures', 'Weekly figures shared with the core group', 'Attendance above 95% for half a term'],
  ['Developmental check and immunisations', 'Check completed and recorded', 'Child meeting milestones; immunisations up to date'],
  ['Domestic abuse risk assessment and safety plan with mum', 'Safety plan written with mum', 'No further police call-outs to the address'],
  ['Drug and alcohol service assessment for dad', 'Assessment attended', 'Negative tests for three months'],
  ['Direct work with the child using the three houses', 'Three houses completed and shared', 'Child’s wishes and feelings shape the plan'],
];

type Practice = 'good' | 'mixed' | 'poor';

interface Staff {
  socialWorkers: { id: string; name: string; agency_id: string; team_id: string | null; area: string }[];
  managers: { id: string; name: string; team_id: string | null }[];
  chair: { id: string; name: string };
  partners: { id: string; name: string; agency_id: string; role: string; type: string }[];
}

async function loadStaff(db: Db, partnershipId: string): Promise<Staff> {
  const users = await db
    .selectFrom('users')
    .innerJoin('agencies', 'agencies.id', 'users.agency_id')
    .leftJoin('teams', 'teams.id', 'users.team_id')
    .leftJoin('areas', 'areas.id', 'teams.area_id')
    .select(['users.id', 'users.name', 'users.role', 'users.agency_id', 'users.team_id', 'agencies.type', 'areas.name as area'])
    .where('users.partnership_id', '=', partnershipId)
    .where('users.email', 'like', '%@demo.assure.example')
    .execute();
  const csc = users.filter((u) => u.type === 'childrens-social-care');
  const chair = users.find((u) => u.role === 'conference-chair');
  if (!chair) throw new Error('The demo partnership has no conference chair');
  const partnerRole: Record<string, string> = { health: 'Health visitor', education: 'Designated safeguarding lead', police: 'Police officer', gp: 'GP' };
  return {
    socialWorkers: csc.filter((u) => u.role === 'practitioner').map((u) => ({ id: u.id, name: u.name, agency_id: u.agency_id, team_id: u.team_id, area: u.area ?? 'North' })),
    managers: csc.filter((u) => u.role === 'team-manager').map((u) => ({ id: u.id, name: u.name, team_id: u.team_id })),
    chair: { id: chair.id, name: chair.name },
    partners: users.filter((u) => u.role === 'practitioner' && u.type !== 'childrens-social-care').map((u) => ({ id: u.id, name: u.name, agency_id: u.agency_id, role: partnerRole[u.type] ?? 'Practitioner', type: u.type })),
  };
}

/** Plan length in days, drawn from the length of plans ending in England in 2025. */
function planLengthDays(r: number): number {
  if (r < 0.159) return 20 + Math.floor((r / 0.159) * 70);
  if (r < 0.269) return 92 + Math.floor(((r - 0.159) / 0.11) * 90);
  if (r < 0.704) return 183 + Math.floor(((r - 0.269) / 0.435) * 180);
  if (r < 0.956) return 366 + Math.floor(((r - 0.704) / 0.252) * 360);
  return 731 + Math.floor(((r - 0.956) / 0.044) * 300);
}

function category(r: number): Category {
  if (r < 0.5) return 'NEG';
  if (r < 0.83) return 'EMO';
  if (r < 0.9) return 'PHY';
  if (r < 0.94) return 'SAB';
  return 'MUL';
}

export interface DemoChildrenResult {
  children: number;
  onPlan: number;
  meetings: number;
}

/**
 * Adds `count` synthetic children to the demo partnership, as at the clock's date.
 * Written with plain inserts (not the services) so benchmarks can make thousands quickly;
 * the access log records one 'create' by the seeding system for each child.
 */
export async function seedDemoChildren(db: Db, clock: Clock, partnershipId: string, count: number, seed = 42): Promise<DemoChildrenResult> {
  const rand = prng(seed);
  const today = londonDate(clock.now());
  const accessLog = new AccessLogService(db, clock);
  const actor = systemActor(partnershipId, 'seed demo');
  const staff = await loadStaff(db, partnershipId);
  const areas = await db.selectFrom('areas').select(['id', 'name']).where('partnership_id', '=', partnershipId).execute();
  const agencies = await db.selectFrom('agencies').select(['id', 'name', 'type']).where('partnership_id', '=', partnershipId).execute();
  const agencyOf = (type: string) => agencies.find((a) => a.type === type)!;
  const closures = await partnershipClosures(db, partnershipId);
  const existing = await db.selectFrom('children').select((eb) => eb.fn.countAll<number>().as('n')).where('partnership_id', '=', partnershipId).executeTakeFirstOrThrow();
  let onPlan = 0;
  let meetingsMade = 0;

  for (let i = 0; i < count; i++) {
    const n = Number(existing.n) + i + 1;
    const sw = staff.socialWorkers[i % staff.socialWorkers.length]!;
    const manager = staff.managers.find((m) => m.team_id === sw.team_id) ?? staff.managers[0]!;
    const area = areas.find((a) => a.name === sw.area) ?? areas[0]!;
    const practice: Practice = rand() < 0.35 ? 'good' : rand() < 0.6 ? 'mixed' : 'poor';
    const stageRoll = rand();
    const stage = stageRoll < 0.08 ? 'enquiry' : stageRoll < 0.14 ? 'conference-due' : stageRoll < 0.82 ? 'on-plan' : 'stepped-down';
    const lengthDays = planLengthDays(rand());
    const planStart = stage === 'on-plan' ? addDays(today, -lengthDays) : stage === 'stepped-down' ? addDays(today, -(lengthDays + 30 + Math.floor(rand() * 200))) : null;
    const ageYears = Math.floor(rand() * 16);
    const unborn = stage !== 'on-plan' && stage !== 'stepped-down' && rand() < 0.1;
    const dob = addDays(today, -(ageYears * 365 + Math.floor(rand() * 365) + (planStart ? 0 : 0)));
    const family = pick(rand, FAMILY);
    const cat = category(rand());
    const referralOn = addDays(planStart ?? today, -(20 + Math.floor(rand() * 10)));
    const strategyOn = addDays(referralOn, 1 + Math.floor(rand() * 3));

    await db.transaction().execute(async (trx) => {
      const child = await trx
        .insertInto('children')
        .values({
          partnership_id: partnershipId,
          la_child_id: `DEMO${String(n).padStart(5, '0')}`,
          first_name: unborn ? 'Baby' : pick(rand, CHILD_FIRST),
          last_name: family,
          date_of_birth: unborn ? null : dob < strategyOn ? dob : addDays(strategyOn, -30),
          expected_date_of_birth: unborn ? addDays(today, 60) : null,
          sex: pick(rand, ['male', 'female'] as const),
          ethnicity: pick(rand, ['WBRI', 'WBRI', 'WBRI', 'WOTH', 'MWBC', 'APKN', 'BAFR', 'AIND']),
          disabilities: rand() < 0.15 ? [pick(rand, ['COMM', 'LD', 'AUT', 'BEH'])] : [],
          area_id: area.id,
          team_id: sw.team_id,
          lead_user_id: sw.id,
          school_name: ageYears >= 4 ? `${pick(rand, ['St Aidan’s', 'Northbridge', 'Riverside', 'Hillcrest', 'Moorfield'])} ${ageYears >= 11 ? 'Academy' : 'Primary School'}` : null,
          school_dsl_name: ageYears >= 4 ? 'DSL (demo)' : null,
          school_dsl_contact: ageYears >= 4 ? 'dsl@school.demo.assure.example' : null,
        })
        .returning(['id', 'first_name'])
        .executeTakeFirstOrThrow();
      const cid = child.id;
      await accessLog.record(trx, actor, { action: 'create', recordType: 'child', recordId: cid, subjectId: cid });
      const mumName = `${pick(rand, MOTHER_FIRST)} ${family}`;
      const dadName = `${pick(rand, FATHER_FIRST)} ${family}`;
      const dadAbsent = rand() < 0.35;
      await trx
        .insertInto('family_members')
        .values([
          { partnership_id: partnershipId, child_id: cid, name: mumName, relationship: 'mother', lives_with_child: true, parental_responsibility: true },
          { partnership_id: partnershipId, child_id: cid, name: dadName, relationship: 'father', lives_with_child: !dadAbsent, parental_responsibility: true },
        ])
        .execute();
      await trx.insertInto('referrals').values({ partnership_id: partnershipId, child_id: cid, received_on: referralOn, source: pick(rand, ['School', 'Police', 'Health visitor', 'GP', 'Anonymous']), summary: 'Concerns reported about the care of the child (synthetic demo).' }).execute();
      const sd = await trx
        .insertInto('strategy_discussions')
        .values({ partnership_id: partnershipId, child_id: cid, held_on: strategyOn, outcome: 'section-47', notes: 'Threshold for section 47 met (synthetic demo).' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const participants = [
        { agency: agencyOf('childrens-social-care'), name: sw.name },
        ...(practice !== 'poor' || rand() < 0.5 ? [{ agency: agencyOf('police'), name: 'DC Demo' }] : []),
        ...(practice === 'good' || rand() < 0.5 ? [{ agency: agencyOf('health'), name: 'Named nurse (demo)' }] : []),
      ];
      await trx.insertInto('strategy_participants').values(participants.map((p) => ({ partnership_id: partnershipId, strategy_discussion_id: sd.id, agency_id: p.agency.id, name: p.name }))).execute();
      const icpcTarget = addWorkingDays(strategyOn, 15);
      const s47 = await trx
        .insertInto('s47_enquiries')
        .values({ partnership_id: partnershipId, child_id: cid, strategy_discussion_id: sd.id, started_on: strategyOn, icpc_target_on: icpcTarget, outcome: planStart ? 'icpc' : null, concluded_on: planStart })
        .returning('id')
        .executeTakeFirstOrThrow();

      if (!planStart) {
        if (stage === 'conference-due') {
          await trx
            .insertInto('conferences')
            .values({ partnership_id: partnershipId, child_id: cid, kind: unborn ? 'pre-birth' : 'initial', s47_id: s47.id, scheduled_on: addDays(today, 3 + Math.floor(rand() * 10)), chair_user_id: staff.chair.id })
            .execute();
        }
        return;
      }

      // The initial conference and the plan
      const ended = stage === 'stepped-down' ? addDays(planStart, lengthDays) : null;
      const icpc = await trx
        .insertInto('conferences')
        .values({
          partnership_id: partnershipId,
          child_id: cid,
          kind: 'initial',
          s47_id: s47.id,
          scheduled_on: planStart,
          held_on: planStart,
          chair_user_id: staff.chair.id,
          status: 'completed',
          decision: 'plan',
          categories: [cat],
          rationale: 'Evidence of significant harm and its likelihood, balanced against strengths (synthetic demo).',
          completed_at: new Date(`${planStart}T15:00:00Z`),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const plan = await trx
        .insertInto('cp_plans')
        .values({
          partnership_id: partnershipId,
          child_id: cid,
          started_on: planStart,
          ended_on: ended,
          initial_category: cat,
          latest_category: cat,
          previous_plans: rand() < 0.2 ? 1 + Math.floor(rand() * 2) : 0,
          started_by_conference_id: icpc.id,
          end_reason: ended ? 'Risks reduced and sustained' : null,
          cin_plan: ended ? 'Child in need plan: family support continues weekly; school and health visitor monitor; review in three months.' : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.updateTable('conferences').set({ plan_id: plan.id }).where('id', '=', icpc.id).execute();
      if (ended) {
        const rcpc = await trx
          .insertInto('conferences')
          .values({
            partnership_id: partnershipId,
            child_id: cid,
            kind: 'review',
            plan_id: plan.id,
            scheduled_on: ended,
            held_on: ended,
            chair_user_id: staff.chair.id,
            status: 'completed',
            decision: 'end',
            categories: [cat],
            rationale: 'Sustained progress; risks now managed as a child in need (synthetic demo).',
            cin_plan: 'Family support continues weekly; review in three months.',
            completed_at: new Date(`${ended}T15:00:00Z`),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.updateTable('cp_plans').set({ ended_by_conference_id: rcpc.id }).where('id', '=', plan.id).execute();
      } else onPlan++;

      const outcomes = OUTCOMES[cat].slice(0, 2 + Math.floor(rand() * 2));
      const outcomeRows = await trx
        .insertInto('plan_outcomes')
        .values(outcomes.map((title, position) => ({ partnership_id: partnershipId, plan_id: plan.id, child_id: cid, title, position })))
        .returning(['id', 'title'])
        .execute();

      // The core group: the lead, partners relevant to the child's age, sometimes a crowd (seed 001)
      const partnerPool = staff.partners.filter((p) => (ageYears < 5 ? p.type !== 'education' : p.type !== 'health' || rand() < 0.3));
      const members = [
        { user_id: sw.id, name: sw.name, agency_id: sw.agency_id, role: 'Lead social worker', is_parent: false },
        ...partnerPool.filter(() => rand() < (practice === 'good' ? 0.8 : 0.6)).map((p) => ({ user_id: p.id, name: p.name, agency_id: p.agency_id, role: p.role, is_parent: false })),
        { user_id: null, name: mumName, agency_id: null, role: 'Mother', is_parent: true },
        ...(dadAbsent ? [] : [{ user_id: null, name: dadName, agency_id: null, role: 'Father', is_parent: true }]),
      ];
      const memberRows = await trx
        .insertInto('core_group_members')
        .values(members.map((m) => ({ ...m, partnership_id: partnershipId, child_id: cid, joined_on: planStart })))
        .returning(['id', 'agency_id', 'is_parent', 'user_id'])
        .execute();

      // Actions: two an outcome, owned across the core group's agencies
      const owners = members.filter((m) => m.agency_id);
      const actionRows = [];
      for (const o of outcomeRows) {
        for (let k = 0; k < 2; k++) {
          const owner = pick(rand, owners);
          const [what, done, worked] = pick(rand, ACTIONS);
          actionRows.push({
            partnership_id: partnershipId,
            plan_id: plan.id,
            child_id: cid,
            outcome_id: o.id,
            what: what!,
            owner_user_id: owner.user_id,
            owner_name: owner.name,
            owner_agency_id: owner.agency_id!,
            due_on: addDays(planStart, 20 + Math.floor(rand() * Math.max(30, Math.min(lengthDays, 300)))),
            done_measure: done!,
            worked_measure: worked!,
          });
        }
      }
      const actions = await trx.insertInto('plan_actions').values(actionRows).returning(['id', 'due_on', 'owner_agency_id']).execute();
      const snapshotNote = 'Outline plan agreed at the initial conference';
      await trx
        .insertInto('plan_versions')
        .values({
          partnership_id: partnershipId,
          plan_id: plan.id,
          number: 1,
          snapshot: JSON.stringify({ latestCategory: cat, outcomes: outcomeRows.map((o) => ({ id: o.id, title: o.title, actions: [] })) }),
          summary: snapshotNote,
          conference_id: icpc.id,
        })
        .execute();

      // Core group meetings: every 6 weeks with good practice, irregular otherwise
      const until = ended ?? today;
      let held = addWorkingDays(planStart, practice === 'poor' ? 12 + Math.floor(rand() * 8) : 8 + Math.floor(rand() * 3));
      let previous = planStart;
      let first = true;
      while (held < until && daysBetween(held, until) > 0) {
        const chairIsManager = first ? (practice === 'good' ? rand() < 0.8 : rand() < 0.2) : false;
        const finalised = daysBetween(held, today) > 14 || practice === 'good';
        const poor = practice === 'poor' || (practice === 'mixed' && rand() < 0.5);
        const meeting = await trx
          .insertInto('core_group_meetings')
          .values({
            partnership_id: partnershipId,
            child_id: cid,
            plan_id: plan.id,
            held_on: held,
            chair_user_id: chairIsManager ? manager.id : sw.id,
            chair_is_manager: chairIsManager,
            status: finalised ? 'finalised' : 'draft',
            minutes: JSON.stringify(
              poor
                ? { 'review-of-previous-actions': 'Updates given by each agency.', worries: 'Mum says things are fine. Dad did not attend.', 'new-actions': 'Continue as before.' }
                : {
                    'review-of-previous-actions': 'Each action reviewed: most done; two in progress with reasons recorded.',
                    'childs-voice': `${child.first_name} was seen alone at school and said home is calmer; observed relaxed with mum.`,
                    'working-well': 'Routines at home are better; attendance has improved.',
                    worries: 'Dad’s drinking at weekends remains a worry.',
                    'progress-against-outcomes': `Progress against "${outcomes[0]}": impact seen, because the children are safer at home.`,
                    'safety-analysis': 'Risk reducing; the core group agrees the plan is working but not yet sustained.',
                    'changes-to-plan': 'Action on school attendance changed to fortnightly figures.',
                  },
            ),
            safety_scale: poor ? null : 4 + Math.floor(rand() * 5),
            parents_attendance: dadAbsent ? 'Mother attended; father does not live with the children.' : 'Both parents attended.',
            absent_parent_consideration: dadAbsent && !poor ? 'Father sent his views by phone; the social worker will visit him before the next meeting.' : null,
            membership_confirmed: !poor,
            finalised_at: finalised ? new Date(`${addDays(held, poor ? 9 : 3)}T12:00:00Z`) : null,
            finalised_by: finalised ? sw.id : null,
            shared_professionals_on: finalised && (!poor || rand() < 0.4) ? addDays(held, poor ? 12 : 5) : null,
            family_copy: finalised && !poor ? 'Family copy of the minutes (synthetic demo).' : null,
            shared_family_on: finalised && !poor ? addDays(held, 6) : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        meetingsMade++;
        const attendance = memberRows.map((m) => ({
          partnership_id: partnershipId,
          meeting_id: meeting.id,
          member_id: m.id,
          attendance: (rand() < (poor ? 0.65 : 0.85) ? 'present' : rand() < (poor ? 0.3 : 0.8) ? 'apologies-report' : 'apologies-no-report') as 'present' | 'apologies-report' | 'apologies-no-report',
        }));
        await trx.insertInto('meeting_attendance').values(attendance).execute();
        if (finalised) {
          const due = actions.filter((a) => a.due_on > previous && a.due_on <= held);
          if (due.length) {
            await trx
              .insertInto('action_reviews')
              .values(due.map((a) => ({ partnership_id: partnershipId, meeting_id: meeting.id, action_id: a.id, status: pick(rand, ['done', 'in-progress', 'not-done'] as const), comment: 'Reviewed at the core group (synthetic demo).' })))
              .execute();
          }
        }
        if (!poor && rand() < 0.7) {
          await trx
            .insertInto('voice_entries')
            .values({
              partnership_id: partnershipId,
              child_id: cid,
              kind: ageYears < 2 ? 'observation' : 'said',
              recorded_on: addDays(held, -3),
              content: ageYears < 2 ? 'Observed settled and responsive with mum during a home visit; clean and appropriately dressed.' : 'Said they like it when dad is not shouting and that school is “ok”.',
              how: ageYears < 2 ? 'Observation at a home visit' : 'Seen alone at school, three houses',
              heard_by_user_id: sw.id,
              heard_by_name: sw.name,
              seen_alone: ageYears >= 2,
              meeting_id: meeting.id,
            })
            .execute();
        }
        previous = held;
        first = false;
        held = addDays(held, practice === 'good' ? 42 : 42 + Math.floor(rand() * 50));
      }
      // Action statuses follow the reviews
      for (const a of actions) {
        if (a.due_on < today) {
          await trx.updateTable('plan_actions').set({ status: rand() < (practice === 'poor' ? 0.4 : 0.75) ? 'done' : 'in-progress' }).where('id', '=', a.id).execute();
        }
      }
      if (rand() < 0.12) {
        const about = pick(rand, agencies.filter((a) => a.type !== 'childrens-social-care'));
        const startedOn = addDays(planStart, 60);
        const resolved = rand() < 0.5;
        const esc = await trx
          .insertInto('escalations')
          .values({
            partnership_id: partnershipId,
            child_id: cid,
            raised_by_agency_id: sw.agency_id,
            about_agency_id: about.id,
            concern: `${about.name} reports are not reaching the core group before meetings.`,
            desired_outcome: 'Reports shared two working days before each core group.',
            stage: resolved ? 1 : 2,
            stage_started_on: startedOn,
            response_due_on: addWorkingDays(startedOn, 5, closures),
            status: resolved ? 'resolved' : 'open',
            outcome: resolved ? 'Agreed: reports will be sent in advance; named deputy if absent.' : null,
            learning: resolved ? 'Partners need a named deputy for core groups.' : null,
            resolved_on: resolved ? addDays(startedOn, 4) : null,
            created_by: sw.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('escalation_events').values({ partnership_id: partnershipId, escalation_id: esc.id, stage: 1, kind: 'raised', note: 'Raised with the agency’s practitioner.', created_by: sw.id }).execute();
      }
      if (lengthDays > 365 && stage === 'on-plan' && practice !== 'poor') {
        await trx
          .insertInto('case_entries')
          .values({
            partnership_id: partnershipId,
            child_id: cid,
            kind: 'professionals-meeting',
            occurred_on: addDays(planStart, 370),
            data: JSON.stringify({ heldOn: addDays(planStart, 370), attendees: 'Core group professionals', reason: 'plan-over-12-months', decisions: 'Consider a legal planning meeting if there is no progress by the review.' }),
            author_agency_id: sw.agency_id,
            created_by: sw.id,
          })
          .execute();
      }
      if (stage === 'on-plan') {
        // Visits to the child over the last eight weeks (no random draws, so the rest of the demo is unchanged):
        // every 8 working days with good practice, 10 with mixed, 13 with poor; a baby is not seen alone
        const every = practice === 'good' ? 8 : practice === 'mixed' ? 10 : 13;
        const visits = [];
        for (let on = addWorkingDays(planStart > addDays(today, -56) ? planStart : addDays(today, -56), 2, closures), k = 0; on <= today; on = addWorkingDays(on, every, closures), k++) {
          const seenAlone = ageYears < 2 ? 'not-appropriate' : practice === 'poor' || (practice === 'mixed' && k % 3 === 2) ? 'no' : 'yes';
          const data = {
            visitedOn: on,
            visitedBy: sw.name,
            where: ageYears < 5 ? 'At home' : k % 2 ? 'At school' : 'At home',
            seenAlone,
            ...(seenAlone === 'yes' ? {} : { notSeenAloneReason: seenAlone === 'not-appropriate' ? 'A baby, seen with their carer.' : 'Mother would not leave the room.' }),
            notes: 'Visit to the child (synthetic demo).',
          };
          visits.push({ partnership_id: partnershipId, child_id: cid, kind: 'child-visit', occurred_on: on, data: JSON.stringify(data), author_agency_id: sw.agency_id, created_by: sw.id });
        }
        if (visits.length) await trx.insertInto('case_entries').values(visits).execute();
      }
    });
  }
  await sql`analyze`.execute(db).catch(() => undefined);
  return { children: count, onPlan, meetings: meetingsMade };
}
