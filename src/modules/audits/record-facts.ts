/**
 * The facts of a child's record an auditor reads beside the tool's questions (plans and their
 * versions, conferences, core group meetings with attendance, practice standards results, the
 * child's voice), and the answers the record itself gives to questions a tool marks `prefill`.
 * A pre-filled answer carries its evidence; the auditor confirms it or overrides it with a reason.
 */
import type { Db } from '../../db/database.js';
import type { Prefill } from './tools.js';

export interface RecordFacts {
  plans: { id: string; startedOn: string; endedOn: string | null; category: string; versions: number }[];
  conferences: { kind: string; heldOn: string | null; status: string; decision: string | null }[];
  meetings: {
    id: string;
    planId: string;
    heldOn: string;
    chairIsManager: boolean;
    status: string;
    sharedOn: string | null;
    absentWithReport: number;
    absentWithoutReport: number;
    present: number;
    actionsReviewed: number;
    revisedPlan: boolean;
  }[];
  voice: { kind: string; recordedOn: string; seenAlone: boolean | null }[];
  standards: { key: string; status: string; dueOn: string | null; reason: string | null }[];
}

export async function loadRecordFacts(db: Db, partnershipId: string, childId: string): Promise<RecordFacts> {
  const [plans, versions, conferences, meetings, attendance, reviews, voice, standards] = await Promise.all([
    db.selectFrom('cp_plans').select(['id', 'started_on', 'ended_on', 'latest_category']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('started_on').execute(),
    db
      .selectFrom('plan_versions as v')
      .innerJoin('cp_plans as p', 'p.id', 'v.plan_id')
      .select(['v.plan_id', 'v.meeting_id'])
      .where('p.partnership_id', '=', partnershipId)
      .where('p.child_id', '=', childId)
      .execute(),
    db.selectFrom('conferences').select(['kind', 'held_on', 'scheduled_on', 'status', 'decision']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('scheduled_on').execute(),
    db
      .selectFrom('core_group_meetings')
      .select(['id', 'plan_id', 'held_on', 'chair_is_manager', 'status', 'shared_professionals_on'])
      .where('partnership_id', '=', partnershipId)
      .where('child_id', '=', childId)
      .orderBy('held_on')
      .execute(),
    db
      .selectFrom('meeting_attendance as a')
      .innerJoin('core_group_meetings as m', 'm.id', 'a.meeting_id')
      .innerJoin('core_group_members as cm', 'cm.id', 'a.member_id')
      .select(['a.meeting_id', 'a.attendance', 'cm.is_parent'])
      .where('m.partnership_id', '=', partnershipId)
      .where('m.child_id', '=', childId)
      .execute(),
    db
      .selectFrom('action_reviews as r')
      .innerJoin('core_group_meetings as m', 'm.id', 'r.meeting_id')
      .select(['r.meeting_id'])
      .where('m.partnership_id', '=', partnershipId)
      .where('m.child_id', '=', childId)
      .execute(),
    db.selectFrom('voice_entries').select(['kind', 'recorded_on', 'seen_alone']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('recorded_on').execute(),
    db.selectFrom('standard_results').select(['standard_key', 'status', 'due_on', 'reason']).where('partnership_id', '=', partnershipId).where('child_id', '=', childId).orderBy('standard_key').execute(),
  ]);
  return {
    plans: plans.map((p) => ({ id: p.id, startedOn: p.started_on, endedOn: p.ended_on, category: p.latest_category, versions: versions.filter((v) => v.plan_id === p.id).length })),
    conferences: conferences.map((c) => ({ kind: c.kind, heldOn: c.held_on, status: c.status, decision: c.decision })),
    meetings: meetings.map((m) => {
      const mine = attendance.filter((a) => a.meeting_id === m.id && !a.is_parent);
      return {
        id: m.id,
        planId: m.plan_id,
        heldOn: m.held_on,
        chairIsManager: m.chair_is_manager,
        status: m.status,
        sharedOn: m.shared_professionals_on,
        present: mine.filter((a) => a.attendance === 'present').length,
        absentWithReport: mine.filter((a) => a.attendance === 'apologies-report').length,
        absentWithoutReport: mine.filter((a) => a.attendance === 'apologies-no-report').length,
        actionsReviewed: reviews.filter((r) => r.meeting_id === m.id).length,
        revisedPlan: versions.some((v) => v.meeting_id === m.id),
      };
    }),
    voice: voice.map((v) => ({ kind: v.kind, recordedOn: v.recorded_on, seenAlone: v.seen_alone })),
    standards: standards.map((s) => ({ key: s.standard_key, status: s.status, dueOn: s.due_on, reason: s.reason })),
  };
}

/** The record's events in date order, for the auditor to read the case's story at a glance. */
export function timelineOf(facts: RecordFacts): { on: string; text: string }[] {
  const events: { on: string; text: string; order: number }[] = [];
  facts.plans.forEach((p, i) => {
    events.push({ on: p.startedOn, text: `Child protection plan ${facts.plans.length > 1 ? `${i + 1} ` : ''}started (${p.category})`, order: 1 });
    if (p.endedOn) events.push({ on: p.endedOn, text: `Child protection plan ${facts.plans.length > 1 ? `${i + 1} ` : ''}ended`, order: 3 });
  });
  for (const c of facts.conferences) if (c.heldOn) events.push({ on: c.heldOn, text: `${c.kind.charAt(0).toUpperCase()}${c.kind.slice(1)} conference${c.decision ? `: ${c.decision}` : ''}`, order: 0 });
  for (const m of facts.meetings) {
    const absent = m.absentWithReport + m.absentWithoutReport;
    events.push({
      on: m.heldOn,
      text: `Core group: ${m.present} present${absent ? `, ${absent} absent (${m.absentWithReport} with a report)` : ''}${m.chairIsManager ? ', chaired by a manager' : ''}${m.revisedPlan ? ', plan revised' : ''}${m.actionsReviewed ? `, ${plural(m.actionsReviewed, 'action')} reviewed` : ''}; minutes ${m.sharedOn ? `shared ${m.sharedOn}` : m.status}`,
      order: 2,
    });
  }
  for (const v of facts.voice) events.push({ on: v.recordedOn, text: `The child’s voice: ${v.kind}${v.seenAlone ? ', seen alone' : ''}`, order: 2 });
  return events.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : a.order - b.order)).map(({ on, text }) => ({ on, text }));
}

export interface Prefilled {
  answer: string;
  evidence: string;
}

/** "Yes" when every one, "No" when none, "Partly" otherwise. */
const share = (n: number, of: number): string => (n === of ? 'Yes' : n === 0 ? 'No' : 'Partly');
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The record's answer to a pre-fillable question, for the plan the audit looks at (the latest); null when it cannot say. */
export function prefillFrom(facts: RecordFacts, kind: Prefill): Prefilled | null {
  const plan = facts.plans.at(-1);
  if (!plan) return null;
  const meetings = facts.meetings.filter((m) => m.planId === plan.id);
  const held = meetings.length;
  switch (kind) {
    case 'first-core-group-chaired-by-manager': {
      const first = meetings[0];
      if (!first) return null;
      return { answer: first.chairIsManager ? 'Yes' : 'No', evidence: `The first core group, on ${first.heldOn}, was ${first.chairIsManager ? '' : 'not '}chaired by a manager.` };
    }
    case 'absent-agencies-sent-reports': {
      if (held === 0) return null;
      const absent = meetings.reduce((n, m) => n + m.absentWithReport + m.absentWithoutReport, 0);
      const withReport = meetings.reduce((n, m) => n + m.absentWithReport, 0);
      if (absent === 0) return { answer: 'Yes', evidence: `No professional was absent from the ${plural(held, 'core group')}.` };
      return { answer: share(withReport, absent), evidence: `${withReport} of ${absent} absences from ${plural(held, 'core group')} came with a report.` };
    }
    case 'minutes-shared-in-time': {
      const standard = facts.standards.find((s) => s.key === 'minutes-shared');
      const finalised = meetings.filter((m) => m.status === 'finalised');
      if (finalised.length === 0) return null;
      const shared = finalised.filter((m) => m.sharedOn !== null).length;
      const inTime = standard ? ` The minutes-shared standard is ${standard.status.replace('-', ' ')}.` : '';
      return { answer: share(shared, finalised.length), evidence: `The minutes of ${shared} of ${plural(finalised.length, 'finalised core group')} were shared with the members.${inTime}` };
    }
    case 'childs-voice-recorded': {
      const during = facts.voice.filter((v) => v.recordedOn >= plan.startedOn && (plan.endedOn === null || v.recordedOn <= plan.endedOn));
      const alone = during.filter((v) => v.seenAlone).length;
      return during.length
        ? { answer: 'Yes', evidence: `${plural(during.length, 'entry', 'entries')} of the child’s voice during the plan${alone ? `, ${alone} seen alone` : ''}; latest ${during.at(-1)!.recordedOn}.` }
        : { answer: 'No', evidence: 'No entry of the child’s voice during the plan.' };
    }
    case 'actions-reviewed': {
      const later = meetings.slice(1); // the first core group sets the actions; later ones review them
      if (later.length === 0) return null;
      const reviewed = later.filter((m) => m.actionsReviewed > 0).length;
      return { answer: share(reviewed, later.length), evidence: `${reviewed} of ${plural(later.length, 'core group')} after the first reviewed the plan’s actions.` };
    }
    case 'plan-revised-after-core-group': {
      if (held === 0) return null;
      const revised = meetings.filter((m) => m.revisedPlan).length;
      return { answer: share(revised, held), evidence: `The plan was revised after ${revised} of ${plural(held, 'core group')} (${plural(plan.versions, 'plan version')} in all).` };
    }
  }
}
