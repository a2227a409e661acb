import { describe, expect, it } from 'vitest';
import { DEFAULT_HEADINGS, headingsFromLines } from './headings.js';
import { type MinutesFacts, QUALITY_CHECK_IDS, qualityFindings } from './quality.js';

/** Minutes an auditor would not criticise. Each case below changes one fact. */
const good: MinutesFacts = {
  headings: DEFAULT_HEADINGS,
  minutes: {
    'previous-actions': 'All three actions reviewed.',
    'child-voice': 'Ada told her teacher she likes breakfast club.',
    'working-well': 'Mum attends every appointment.',
    worries: 'Dad’s drinking.',
    progress: 'School attendance is 96% which shows the morning routine is working.',
    'safety-analysis': 'Safer than at conference: the risk of neglect is lower because meals are regular.',
    'plan-changes': 'Action 3 extended to March.',
    'new-actions': 'Health visitor to visit fortnightly.',
  },
  safetyScale: 6,
  unreviewedActions: [],
  planVersionsLinked: 1,
  voiceEntriesLinked: 0,
  outcomeTitles: ['Ada attends school every day', 'Ada is safe from neglect at home'],
  childNames: ['Ada', 'Testchild'],
  members: [
    { name: 'Nurse Noor', agencyName: 'Health agency', isParent: false, attendance: 'present' },
    { name: 'PC Patel', agencyName: 'Police agency', isParent: false, attendance: 'apologies-report' },
    { name: 'Mum', agencyName: null, isParent: true, attendance: 'present' },
  ],
  absentParents: [],
  absentParentConsideration: null,
  ownViewsSent: 0,
  viewsConsidered: null,
  membershipConfirmed: true,
  mandatory: [],
};

const ids = (f: MinutesFacts) => qualityFindings(f).map((x) => x.id);
const withMinutes = (patch: Record<string, string>): MinutesFacts => ({ ...good, minutes: { ...good.minutes, ...patch } });

describe('the minutes quality check', () => {
  it('finds nothing in good minutes', () => {
    expect(qualityFindings(good)).toEqual([]);
  });

  const flagged: [string, MinutesFacts, string, RegExp][] = [
    ['an action due since the last meeting without a review', { ...good, unreviewedActions: [{ what: 'GP to review Ada’s weight' }] }, 'previous-actions-not-reviewed', /Previous actions are not reviewed.*GP to review Ada’s weight/],
    ['the child’s own views sent but not considered', { ...good, ownViewsSent: 2 }, 'own-views-not-considered', /sent their own views 2 times for this meeting, and the minutes do not say how they were considered/],
    ['no plan version and nothing under changes to the plan', { ...withMinutes({ 'plan-changes': '  ' }), planVersionsLinked: 0 }, 'plan-not-revised', /The plan is not revised/],
    ['no child’s voice heading text and no linked entry', withMinutes({ 'child-voice': '' }), 'no-child-voice', /child’s voice is missing/],
    ['an empty progress heading', withMinutes({ progress: '' }), 'no-impact-analysis', /do not evaluate progress against the plan/],
    ['progress as narrative only', withMinutes({ progress: 'Mum went to the appointment on Tuesday. Dad was at the house on Friday.' }), 'no-impact-analysis', /Minutes update but do not evaluate progress against the plan/],
    ['no safety scale', { ...good, safetyScale: null }, 'no-safety-judgement', /no safety scale/],
    ['an empty safety analysis', withMinutes({ 'safety-analysis': '' }), 'no-safety-judgement', /No judgement of safety/],
    [
      'an agency with apologies and no report',
      { ...good, members: [...good.members, { name: 'Ms Teach', agencyName: 'School agency', isParent: false, attendance: 'apologies-no-report' }] },
      'absent-agency-no-report',
      /^School agency sent apologies without a report/,
    ],
    ['an absent parent with no consideration recorded', { ...good, absentParents: ['Dad (father, does not live with Ada)'] }, 'absent-parent-not-addressed', /Dad \(father, does not live with Ada\) was not at the meeting/],
    ['membership not confirmed', { ...good, membershipConfirmed: false }, 'membership-not-confirmed', /membership was not reviewed and confirmed/],
  ];
  it.each(flagged)('flags %s', (_label, facts, id, message) => {
    const findings = qualityFindings(facts);
    expect(findings.map((x) => x.id)).toEqual([id]);
    expect(findings[0]!.message).toMatch(message);
  });

  const notFlagged: [string, MinutesFacts, string][] = [
    ['a plan version made in the meeting though the heading is empty', { ...withMinutes({ 'plan-changes': '' }), planVersionsLinked: 2 }, 'plan-not-revised'],
    ['changes to the plan written though no version was made', { ...good, planVersionsLinked: 0 }, 'plan-not-revised'],
    ['a voice entry linked though the heading is empty', { ...withMinutes({ 'child-voice': '' }), voiceEntriesLinked: 1 }, 'no-child-voice'],
    ['progress naming an outcome’s key words', withMinutes({ progress: 'Attendance at school: 94% this term.' }), 'no-impact-analysis'],
    ['progress with analysis words and no outcome', withMinutes({ progress: 'Mum went to the appointment, which shows she is engaging.' }), 'no-impact-analysis'],
    ['progress saying what is better', withMinutes({ progress: 'Home conditions are better than last month.' }), 'no-impact-analysis'],
    ['a safety scale of 0 with analysis', { ...good, safetyScale: 0 }, 'no-safety-judgement'],
    ['an agency that sent a report with its apologies', good, 'absent-agency-no-report'],
    ['a parent member with apologies without a report (parents send no reports)', { ...good, members: [{ name: 'Mum', agencyName: null, isParent: true, attendance: 'apologies-no-report' }] }, 'absent-agency-no-report'],
    ['an absent parent whose involvement was considered', { ...good, absentParents: ['Dad'], absentParentConsideration: 'Dad was phoned before the meeting and his views read out.' }, 'absent-parent-not-addressed'],
    ['the child’s own views, considered', { ...good, ownViewsSent: 1, viewsConsidered: 'Ada’s worry about the dog was discussed; the plan now includes it.' }, 'own-views-not-considered'],
  ];
  it.each(notFlagged)('does not flag %s', (_label, facts, id) => {
    expect(ids(facts)).not.toContain(id);
  });

  it('the child’s own name in a narrative is not evidence of progress against an outcome', () => {
    expect(ids(withMinutes({ progress: 'Ada went to the park with Mum on Saturday.' }))).toContain('no-impact-analysis');
  });

  it('names every agency without a report', () => {
    const f = qualityFindings({
      ...good,
      members: [
        { name: 'A', agencyName: 'Police agency', isParent: false, attendance: 'apologies-no-report' },
        { name: 'B', agencyName: 'Housing agency', isParent: false, attendance: 'apologies-no-report' },
      ],
    });
    expect(f.find((x) => x.id === 'absent-agency-no-report')!.message).toMatch(/^Police agency and Housing agency sent apologies/);
  });

  it('unreviewed actions always block; other findings block only when the partnership made them mandatory', () => {
    const facts: MinutesFacts = { ...good, unreviewedActions: [{ what: 'x' }], safetyScale: null, membershipConfirmed: false, mandatory: ['no-safety-judgement'] };
    expect(qualityFindings(facts).map((x) => [x.id, x.severity])).toEqual([
      ['previous-actions-not-reviewed', 'error'],
      ['no-safety-judgement', 'error'],
      ['membership-not-confirmed', 'warning'],
    ]);
  });

  it('reads a partnership’s own headings by their wording', () => {
    const headings = headingsFromLines('Actions from last time\nVoice of the child\nHow are things going for the outcomes?\nDanger statements\nSafety scaling\nPlan revisions');
    expect(headings.map((h) => h.key)).toEqual(['previous-actions', 'child-voice', 'progress', 'worries', 'safety-analysis', 'plan-changes']);
    const f = qualityFindings({ ...good, headings, minutes: { 'child-voice': '' }, planVersionsLinked: 0 });
    expect(f.find((x) => x.id === 'no-child-voice')!.message).toContain('“Voice of the child”');
    expect(f.find((x) => x.id === 'plan-not-revised')!.message).toContain('“Plan revisions”');
  });

  it('has a label for every check', () => {
    expect(QUALITY_CHECK_IDS).toHaveLength(9);
  });
});
