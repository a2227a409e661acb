/**
 * One child's child protection journey in a real browser with JavaScript OFF, by clicking links
 * and submitting forms as the people would (docs/journeys/child-protection.md): a social worker
 * from the referral and strategy discussion to the initial conference, the conference chair
 * deciding on a plan, the core group (a health visitor among them) with the first meeting chaired
 * by the team manager 10 working days later, the health visitor updating her agency's action, a
 * second meeting that reviews the actions and revises the plan, and the review conference ending
 * the plan with a child in need plan. Every page visited is checked with axe-core.
 *
 * The server's clock is moved to the day of each step (the app takes "today" from it), so
 * that "shared today", due dates and the work queues read as they would on those days.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ChildNewPage, ChildPage, ConferenceNewPage, ConferencePage, StrategyDiscussionPage, VoicePage } from './pages/child.js';
import { CoreGroupPage, MeetingNewPage, MeetingPage, MemberNewPage, MyWorkPage, TeamPage } from './pages/core-group.js';
import { ActionFormPage, MyActionsPage, PlanPage, ProgressPage } from './pages/plan.js';
import { RecordPage } from './pages/record.js';
import { javaScriptEnabled } from './support/browser.js';
import { saveScreenshot } from './support/screenshots.js';
import { describeInBrowser, useE2E } from './support/suite.js';

const CODE = '901';
const WORKER = `worker person ${CODE}`;
const HEALTH = `health person ${CODE}`;
const MANAGER = `manager person ${CODE}`;
const CHAIR = `chair person ${CODE}`;
const CSC = `csc agency ${CODE}`;
const HEALTH_AGENCY = `health agency ${CODE}`;
const POLICE = `police agency ${CODE}`;
const SCHOOL = `school agency ${CODE}`;

/** The dates of the journey (all working days; no bank holiday falls between them). */
const D = {
  referral: '2026-10-09',
  strategy: '2026-10-12',
  icpcDue: '2026-11-02', // 15 working days after the strategy discussion
  icpc: '2026-10-26',
  firstCoreGroup: '2026-11-09', // 10 working days after the ICPC
  healthVisit: '2026-11-19',
  healthActionDue: '2026-11-20',
  workerActionDue: '2026-11-27',
  secondCoreGroup: '2026-12-07',
  thirdCoreGroupDue: '2026-12-21', // 6 weeks after the first
  newActionDue: '2027-01-15',
  review: '2027-01-25',
} as const;

const CHILD = {
  laChildId: 'CP-E2E-0042',
  firstName: 'Maya',
  lastName: 'Fenwick',
  dateOfBirth: '2021-03-14',
  sex: 'Female',
  ethnicity: 'White British',
  area: 'North',
  school: 'Riverside Primary School',
  dslName: 'Joanne Reed',
  dslContact: '01234 567890',
  referralReceivedOn: D.referral,
  referralSource: 'School',
  referralSummary: 'Maya arrived at school hungry, in the same clothes all week, with untreated tooth decay. Her mother was not answering calls.',
} as const;
const NAME = `${CHILD.firstName} ${CHILD.lastName}`;

const OUTCOMES = ['Maya is fed, clean and taken to her health appointments', 'Maya goes to school every day and arrives on time'];
const HEALTH_ACTION = 'Health visitor to see Maya at home every two weeks and check her weight and dental treatment';
const WORKER_ACTION = 'Social worker to agree a morning routine with Ms Fenwick so Maya reaches school by 8:50';
const MEETING_ACTION = 'Social worker to collect the school’s attendance figures every Friday and share them with the core group';

/** "2026-11-09" as the pages show it: "9 November 2026". */
function long(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
}

describeInBrowser('a child protection plan from strategy discussion to step-down, without JavaScript', () => {
  const e2e = useE2E(CODE);

  /** Every distinct page (and page state) the journey meets: a screenshot to look at, then axe and the landmarks. */
  const checked: string[] = [];
  async function check(page: Page, name: string): Promise<void> {
    if (checked.includes(name)) throw new Error(`Page state "${name}" checked twice: give it a distinct name`);
    checked.push(name);
    await saveScreenshot(page, `cp-${String(checked.length).padStart(2, '0')}-${name}`);
    await e2e.check(page, `cp-${name}`);
  }

  /** Moves the server's clock to 09:00 UTC on the day (the test app's clock is a FixedClock). */
  function today(iso: string): void {
    e2e.server.t.clock.set(new Date(`${iso}T09:00:00Z`));
  }

  /** Signs in afresh (a new browser context, JavaScript off): after the clock moves on, yesterday's session has expired. */
  let current: Page | null = null;
  async function signIn(userKey: string): Promise<Page> {
    if (current) await current.context().close();
    current = await e2e.signedIn(userKey, { javaScript: false });
    expect(javaScriptEnabled(current.context())).toBe(false);
    return current;
  }

  /** From the home page to the child's record, through the list of children. */
  async function openChild(page: Page): Promise<ChildPage> {
    const p = new ChildPage(page);
    await p.menu('Children');
    await p.navigateBy(p.table(/child/).getByRole('link', { name: NAME, exact: true }));
    expect(await p.heading.innerText()).toBe(NAME);
    return p;
  }

  it('walks one child from strategy discussion to ICPC, two core groups, and a review conference that steps down to a CIN plan', { timeout: 180_000 }, async () => {
    // ── 1. The social worker: the child and the referral, the strategy discussion, the ICPC scheduled ──
    today(D.strategy);
    let page = await signIn('worker');
    const home = new RecordPage(page);
    await check(page, 'home-worker');
    await home.menu('Children');
    expect(await home.heading.innerText()).toBe('Children');
    await check(page, 'children-empty');
    await home.follow('Add a child');
    expect(home.path).toBe('/children/new');
    await check(page, 'child-new');

    const childNew = new ChildNewPage(page);
    await childNew.add(CHILD);
    const child = new ChildPage(page);
    const childId = child.childId;
    expect(child.path).toBe(`/children/${childId}`);
    expect(await child.heading.innerText()).toBe(NAME);
    expect(await child.summaryText('Lead practitioner')).toBe(WORKER);
    expect(await child.summaryText('Team')).toBe('Safeguarding North');
    expect(await child.summaryText('Designated safeguarding lead')).toBe(`${CHILD.dslName}, ${CHILD.dslContact}`);
    expect(await child.journey()).toEqual([`${long(D.referral)}: referral received from School. ${CHILD.referralSummary}`]);
    expect(await child.link('Core group and meetings').count()).toBe(0);
    await check(page, 'child-referral');

    await child.follow('Record a strategy discussion');
    await check(page, 'strategy-new');
    await new StrategyDiscussionPage(page).record({
      heldOn: D.strategy,
      participants: [
        { name: WORKER, agency: CSC },
        { name: 'DC Amir Patel', agency: POLICE },
        { name: 'Dr Ruth Hughes', agency: HEALTH_AGENCY },
      ],
      outcome: 'Start a section 47 enquiry',
      notes: 'Threshold for significant harm through neglect is met. Joint visit today; medical by the community paediatrician.',
    });
    expect(child.path).toBe(`/children/${childId}`);
    const journey = await child.journey();
    expect(journey).toContain(
      `${long(D.strategy)}: strategy discussion, outcome: Start a section 47 enquiry. Took part: ${WORKER} (${CSC}), DC Amir Patel (${POLICE}), Dr Ruth Hughes (${HEALTH_AGENCY}).`,
    );
    // The ICPC is due 15 working days after the strategy discussion
    expect(journey).toContain(`${long(D.strategy)}: section 47 enquiry started; initial conference due by ${long(D.icpcDue)}.`);
    const endsWithoutIcpc = child.main.locator('ol.app-timeline details summary', { hasText: 'The enquiry ends without an initial conference' });
    expect(await endsWithoutIcpc.count()).toBe(1);
    await check(page, 'child-section-47');

    await child.follow('Schedule a conference');
    let conferenceNew = new ConferenceNewPage(page);
    expect(await conferenceNew.radio('Initial child protection conference', 'Kind of conference').isChecked()).toBe(true);
    await check(page, 'conference-new');
    await conferenceNew.schedule({ on: D.icpc, chair: `${CHAIR} (conference chair)`, agencies: [HEALTH_AGENCY, POLICE, SCHOOL] });
    let conference = new ConferencePage(page);
    expect(conference.path).toMatch(new RegExp(`^/children/${childId}/conferences/[0-9a-f-]{36}$`));
    expect(await conference.heading.innerText()).toBe('Initial child protection conference');
    expect(await conference.summaryText('Status')).toBe('Scheduled');
    expect(await conference.summaryText('Chair')).toBe(CHAIR);
    expect(await conference.attendance()).toEqual([
      [HEALTH_AGENCY, 'Not recorded'],
      [POLICE, 'Not recorded'],
      [SCHOOL, 'Not recorded'],
    ]);
    await check(page, 'icpc-scheduled');

    // ── 2. The conference chair: attendance, the decision and the outline plan ──
    today(D.icpc);
    page = await signIn('chair');
    let c = await openChild(page);
    expect(await c.journey()).toContain(`${long(D.icpc)}: Initial child protection conference (scheduled, chair ${CHAIR})`);
    await check(page, 'child-chair');
    await c.follow('Initial child protection conference');
    const icpc = new ConferencePage(page);
    expect(await icpc.dateValue('heldOn')).toBe(D.icpc);
    await check(page, 'icpc-form');
    await icpc.fillIn({
      attendance: { [HEALTH_AGENCY]: 'Attended', [POLICE]: 'Apologies, sent a report', [SCHOOL]: 'Attended' },
      decision: 'The child becomes subject of a child protection plan',
      categories: ['Neglect (NEG)'],
      rationale: 'Persistent neglect of Maya’s basic and health needs despite support as a child in need; the likelihood of significant harm is high.',
      outlinePlan: OUTCOMES,
      previousPlans: 0,
    });
    await icpc.complete();
    expect(await icpc.errorSummary.count()).toBe(0);
    expect(await icpc.summaryText('Status')).toBe('Completed');
    expect(await icpc.summaryText('Decision')).toBe('The child is subject of a child protection plan');
    expect(await icpc.summaryText('Categories')).toBe('Neglect');
    expect(await icpc.attendance()).toEqual([
      [HEALTH_AGENCY, 'Attended'],
      [POLICE, 'Apologies, sent a report'],
      [SCHOOL, 'Attended'],
    ]);
    expect(await icpc.button('Complete the conference').count()).toBe(0);
    await check(page, 'icpc-completed');

    await icpc.follow(`Back to ${CHILD.firstName}’s record`);
    c = new ChildPage(page);
    expect((await c.planStatus.innerText()).replace(/\s+/g, ' ').trim()).toBe(`On a child protection plan since ${long(D.icpc)}, category Neglect.`);
    expect(await c.journey()).toEqual(
      expect.arrayContaining([
        `${long(D.strategy)}: section 47 enquiry started; initial conference due by ${long(D.icpcDue)}; concluded ${long(D.icpc)}.`,
        `${long(D.icpc)}: Initial child protection conference (completed, chair ${CHAIR})`,
        `${long(D.icpc)}: child protection plan started, Neglect.`,
      ]),
    );
    expect(await c.main.locator('ol.app-timeline details').count()).toBe(0); // the enquiry is concluded: nothing left to conclude
    await check(page, 'child-on-plan-chair');
    await c.follow('The child protection plan');
    let plan = new PlanPage(page);
    expect(await plan.outcomes()).toEqual(OUTCOMES);
    expect(await plan.summaryText('Started')).toBe(long(D.icpc));
    expect(await plan.summaryText('Initial category')).toBe('Neglect');
    const [icpcVersion] = await plan.versions();
    expect([icpcVersion![0], icpcVersion![3], icpcVersion![4]]).toEqual(['1', 'Outline plan agreed at the initial conference', `Initial child protection conference, ${long(D.icpc)}`]);
    await check(page, 'plan-outline');

    // ── 3. The social worker: the health visitor joins the core group; actions; the child's voice ──
    page = await signIn('worker');
    c = await openChild(page);
    await check(page, 'child-on-plan');
    await c.follow('Core group and meetings');
    let coreGroup = new CoreGroupPage(page);
    expect(await coreGroup.members()).toEqual([[WORKER, CSC, 'Lead social worker']]);
    expect(await coreGroup.scheduleText()).toContain(`The first core group is due by ${long(D.firstCoreGroup)}, 10 working days after the plan started.`);
    await check(page, 'core-group-lead-only');
    await coreGroup.follow('Add a member');
    const memberNew = new MemberNewPage(page);
    expect(await memberNew.dateValue('joinedOn')).toBe(D.icpc);
    await check(page, 'member-new');
    await memberNew.addUser(`${HEALTH} (${HEALTH_AGENCY})`, 'Health visitor');
    expect(coreGroup.path).toBe(`/children/${childId}/core-group`);
    expect(await coreGroup.members()).toHaveLength(2);
    expect(await coreGroup.members()).toEqual(
      expect.arrayContaining([
        [WORKER, CSC, 'Lead social worker'],
        [HEALTH, HEALTH_AGENCY, 'Health visitor'],
      ]),
    );
    await check(page, 'core-group-members');

    await coreGroup.follow('See the plan');
    plan = new PlanPage(page);
    expect(await plan.heading.innerText()).toBe('Child protection plan');
    await plan.follow('Add an action to outcome 1');
    let actionForm = new ActionFormPage(page);
    expect(await page.locator('#outcomeId option:checked').innerText()).toBe(`1. ${OUTCOMES[0]}`);
    await check(page, 'action-new');
    await actionForm.add({
      outcome: `1. ${OUTCOMES[0]}`,
      what: HEALTH_ACTION,
      owner: `${HEALTH}, ${HEALTH_AGENCY} (core group)`,
      dueOn: D.healthActionDue,
      doneMeasure: 'Visits and weights recorded in the health record; dentist appointment attended',
      workedMeasure: 'Maya’s weight is back on her centile and her teeth are treated',
    });
    expect(await plan.flash.innerText()).toContain('The plan has been revised: version 2 saved.');
    await plan.follow('Add an action');
    await actionForm.add({
      outcome: `2. ${OUTCOMES[1]}`,
      what: WORKER_ACTION,
      owner: `${WORKER}, ${CSC} (core group)`,
      dueOn: D.workerActionDue,
      doneMeasure: 'A written routine agreed and signed by Ms Fenwick',
      workedMeasure: 'Maya is in school on time every day for three weeks running',
    });
    expect(await plan.flash.innerText()).toContain('version 3 saved');
    const healthCells = (await plan.actionRow(HEALTH_ACTION).locator('td').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(healthCells.slice(1, 3)).toEqual([`${HEALTH} ${HEALTH_AGENCY}`, long(D.healthActionDue)]);
    expect(await plan.actionStatus(HEALTH_ACTION)).toBe('Not started');
    expect(await plan.actionStatus(WORKER_ACTION)).toBe('Not started');
    await check(page, 'plan-with-actions');

    await plan.follow(`Back to ${CHILD.firstName}’s record`);
    await c.follow(`${CHILD.firstName}’s voice and lived experience`);
    const voice = new VoicePage(page);
    await check(page, 'voice-empty');
    await voice.follow(`Record ${CHILD.firstName}’s voice or lived experience`);
    await check(page, 'voice-new');
    await voice.record({
      kind: 'What the child said, in their own words',
      on: D.icpc,
      content: '“I don’t like it when there’s no breakfast. My tooth hurts when I eat.”',
      how: 'Direct work at school with the three houses',
      seenAlone: 'Yes',
      informed: `Initial child protection conference, ${long(D.icpc)}`,
    });
    expect(voice.path).toBe(`/children/${childId}/voice`);
    expect(await voice.flash.filter({ hasText: 'Entry saved' }).count()).toBe(1);
    expect(await voice.entryTitles()).toEqual([`${long(D.icpc)}: What the child said, in their own words`]);
    await check(page, 'voice-recorded');

    // ── 4. The first core group, 10 working days after the ICPC, chaired by the team manager ──
    await voice.navigateBy(page.getByRole('link', { name: `${CHILD.firstName}’s record` }));
    await c.follow('Core group and meetings');
    await coreGroup.follow('Arrange a core group meeting');
    let meetingNew = new MeetingNewPage(page);
    expect(await meetingNew.inset.innerText()).toContain(`The first core group is due by ${long(D.firstCoreGroup)}, 10 working days after the initial conference. A team manager should chair it.`);
    expect(await meetingNew.dateValue('heldOn')).toBe(D.firstCoreGroup);
    await check(page, 'meeting-new');
    await meetingNew.arrange(new RegExp(`^${MANAGER} \\(team manager`));
    const meeting = new MeetingPage(page);
    const firstMeetingId = meeting.meetingId;
    expect(await meeting.heading.innerText()).toBe(`Core group meeting, ${long(D.firstCoreGroup)}`);
    expect(await meeting.summaryText('Chair')).toBe(`${MANAGER} (team manager)`);
    expect(await meeting.summaryText('Status')).toBe('Draft');
    await check(page, 'meeting-1-arranged');

    today(D.firstCoreGroup);
    page = await signIn('manager');
    const work = new MyWorkPage(page);
    await work.menu('Your work');
    expect(await work.heading.innerText()).toBe('Your work');
    const toFinalise = await work.rows('Minutes to finalise');
    expect(toFinalise).toHaveLength(1);
    expect(toFinalise[0]).toEqual([`${NAME} ${CHILD.laChildId}`, `${long(D.firstCoreGroup)} meeting for ${NAME}`, MANAGER, 'Held today']);
    await check(page, 'my-work-manager');
    await work.navigateBy(work.table('Minutes to finalise').getByRole('link', { name: new RegExp(`^${long(D.firstCoreGroup)}`) }));
    const m1 = new MeetingPage(page);
    expect(m1.meetingId).toBe(firstMeetingId);
    expect(await m1.summaryText('Previous meeting')).toBe(`None finalised: actions are reviewed from the plan’s start, ${long(D.icpc)}`);
    // The quality check speaks before anything is written
    let findings = await m1.qualityFindings();
    expect(findings.some((f) => f.startsWith('Advice Core group membership was not reviewed and confirmed at this meeting.'))).toBe(true);
    expect(findings.some((f) => f.startsWith('Advice No judgement of safety: the minutes have no safety scale and no safety analysis.'))).toBe(true);
    expect(findings.some((f) => f.startsWith('Must fix'))).toBe(false);
    // The actions are not due yet: listed as still open, none to review
    expect(await m1.taskStatus('Review of previous actions')).toBe('Completed');
    expect(await m1.actionReview(HEALTH_ACTION).innerText()).toContain('Still open');
    expect(await m1.taskStatus('Minutes')).toBe('Not yet started');
    await check(page, 'meeting-1-draft');

    await m1.recordAttendance({ [WORKER]: 'Present', [HEALTH]: 'Present' }, true);
    expect(await m1.flash.innerText()).toContain('Attendance and membership saved');
    expect(new URL(page.url()).hash).toBe('#attendance');
    expect(await m1.taskStatus('Attendance and membership')).toBe('Completed');
    await m1.recordParents('Ms Fenwick (mother) attended throughout and contributed to the plan.');
    expect(await m1.flash.innerText()).toContain('Parents’ attendance saved');
    expect(await m1.taskStatus('Parents')).toBe('Completed');
    await m1.writeMinutes(
      {
        'Review of previous actions': 'This is the first core group: no actions were due yet. Both actions from the plan are under way.',
        'The child’s voice and lived experience': 'Maya told the social worker at school that she is hungry in the mornings and that her tooth hurts.',
        'What is working well': 'Ms Fenwick has let the health visitor in and kept the dentist appointment.',
        Worries: 'Maya still arrives late most days and the house had no food on the last visit.',
        'Progress against each outcome': 'Health appointments: the dentist has seen Maya, which is an improvement. School: attendance is 82% and lateness is worse, so the risk of her falling behind remains.',
        'Safety analysis': 'Safer than at conference because professionals see Maya weekly, but the family has not yet shown change it can sustain.',
        'Changes to the plan': 'No change to the outcomes. The core group agreed the two actions set after conference.',
        'New actions': 'None beyond the plan.',
      },
      4,
    );
    expect(await m1.flash.innerText()).toContain('Minutes saved');
    expect(await m1.taskStatus('Minutes')).toBe('Completed');
    expect(await page.locator('#safetyScale').inputValue()).toBe('4');
    // Written well, the minutes pass the check
    expect(await m1.qualityFindings()).toEqual([]);
    expect(await m1.main.locator('#quality-check + p').innerText()).toContain('No weaknesses found');
    expect(await m1.taskStatus('Finalise the minutes')).toBe('Ready to finalise');
    await check(page, 'meeting-1-written');

    await m1.finalise();
    expect(await m1.errorSummary.count()).toBe(0);
    expect(await m1.flash.innerText()).toContain('The minutes are finalised');
    expect(await m1.summaryText('Status')).toBe('Finalised');
    expect(await m1.summaryText('Finalised')).toMatch(new RegExp(`^${long(D.firstCoreGroup)}, .* by ${MANAGER}$`));
    expect(await m1.button('Save minutes').count()).toBe(0);
    await check(page, 'meeting-1-finalised');

    await m1.press('Record as shared with professionals today');
    expect(await m1.flash.innerText()).toContain('Sharing recorded');
    expect(await m1.summaryText('Shared with professionals')).toBe(long(D.firstCoreGroup));
    expect(await m1.summaryText('Shared with the family')).toBe('Not yet');
    // The family copy starts from the minutes; the social worker takes out what the family should not read
    const draftCopy = await page.locator('#familyCopy').inputValue();
    expect(draftCopy).toContain('Safety analysis');
    const familyCopy = [
      `Core group meeting for Maya, ${long(D.firstCoreGroup)}.`,
      'What is working well: you let the health visitor in and Maya has seen the dentist.',
      'Worries: Maya is still late for school most days and there was no food in the house on the last visit.',
      'Safety scale: 4 out of 10.',
    ].join('\n');
    await page.locator('#familyCopy').fill(familyCopy);
    await m1.press('Save the family copy');
    expect(await m1.flash.innerText()).toContain('Family copy saved');
    expect(await page.locator('#familyCopy').inputValue()).toBe(familyCopy);
    await m1.press('Record the family copy as shared with the family today');
    expect(await m1.flash.innerText()).toContain('Sharing recorded');
    expect(await m1.summaryText('Shared with the family')).toBe(long(D.firstCoreGroup));
    expect(await m1.main.locator('#sharing ~ .govuk-inset-text').innerText()).toContain('Safety scale: 4 out of 10.');
    expect(await page.locator('#familyCopy').count()).toBe(0);
    await check(page, 'meeting-1-shared');

    // (The "Team" item of the main menu is missing on the meeting page, whose own `can` hides the layout's: reached through "Your work")
    await m1.menu('Your work');
    expect(await work.rows('Minutes to finalise')).toEqual([]);
    expect(await work.main.getByText('All finalised minutes have been shared.').count()).toBe(1);
    await work.follow('Your team’s children on a plan');
    const team = new TeamPage(page);
    expect(await team.heading.innerText()).toBe('Your team: Safeguarding North');
    expect(await team.rows()).toEqual([[NAME, WORKER, '14', long(D.firstCoreGroup), long(D.thirdCoreGroupDue), '0', 'Yes']]);
    await check(page, 'team');

    // The health visitor agrees with the minutes
    page = await signIn('health');
    c = await openChild(page);
    expect(await c.link('Record a strategy discussion').count()).toBe(0);
    await check(page, 'child-health');
    await c.follow('Core group and meetings');
    const cgHealth = new CoreGroupPage(page);
    expect(await cgHealth.link('Add a member').count()).toBe(0);
    expect(await cgHealth.meetings()).toEqual([[long(D.firstCoreGroup), `${MANAGER} (manager)`, 'Finalised', `Professionals: ${long(D.firstCoreGroup)} Family: ${long(D.firstCoreGroup)}`]]);
    await check(page, 'core-group-health');
    await cgHealth.openMeeting(long(D.firstCoreGroup));
    const m1Health = new MeetingPage(page);
    expect(await m1Health.main.getByText('Safer than at conference because professionals see Maya weekly').count()).toBe(1);
    expect(await m1Health.main.getByText('4 out of 10').count()).toBe(1);
    expect(await m1Health.main.getByText('No member has recorded agreement or dispute yet.').count()).toBe(1);
    await check(page, 'meeting-1-health');
    await m1Health.agree(true, 'Agreed; the dentist appointment was on 5 November.');
    expect(await m1Health.flash.innerText()).toContain('Your response to the minutes is recorded');
    expect(await m1Health.agreements()).toEqual([[`${HEALTH} (${HEALTH_AGENCY})`, 'Agrees', 'Agreed; the dentist appointment was on 5 November.']]);
    await check(page, 'meeting-1-agreed');

    // ── 5. The health visitor updates her agency's action ──
    today(D.healthVisit);
    page = await signIn('health');
    plan = new PlanPage(page);
    const myActions = new MyActionsPage(page);
    await myActions.menu('Your actions');
    expect(await myActions.heading.innerText()).toBe('Your actions');
    const rows = await myActions.rows();
    expect(rows).toHaveLength(1); // the social worker's action is not her agency's
    expect(rows[0]![0]).toBe(long(D.healthActionDue));
    expect(rows[0]![1]).toBe(`${NAME} ${CHILD.laChildId}`);
    expect(rows[0]![2]).toBe(`${HEALTH_ACTION} For: ${OUTCOMES[0]}`);
    expect(rows[0]![3]).toBe(`${HEALTH} (you) ${HEALTH_AGENCY}`);
    expect(rows[0]![4]).toBe('Not started');
    await check(page, 'my-actions-health');
    await myActions.openAction(HEALTH_ACTION);
    const progress = new ProgressPage(page);
    expect(await progress.heading.innerText()).toBe('Progress on an action');
    expect(await progress.summaryText('Status')).toBe('Not started');
    await check(page, 'progress-form');
    const note = 'Home visits on 3 and 17 November: weight up 0.4 kg; dental treatment started.';
    await progress.record('In progress', note);
    expect(await progress.flash.innerText()).toContain('Progress recorded.');
    expect(await progress.summaryText('Status')).toBe('In progress');
    const notes = await progress.notes();
    expect(notes).toHaveLength(1);
    expect(notes[0]!.slice(1)).toEqual([`${HEALTH} ${HEALTH_AGENCY}`, 'In progress', note]);
    await check(page, 'progress-saved');
    await progress.follow('Back to the plan');
    expect(await plan.actionStatus(HEALTH_ACTION)).toBe('In progress');
    expect(await plan.actionRow(HEALTH_ACTION).innerText()).toContain(note);
    // A partner cannot revise the plan, nor update another agency's action
    expect(await plan.link('Add an action').count()).toBe(0);
    expect(await plan.actionRow(WORKER_ACTION).getByRole('link', { name: /^Progress notes/ }).count()).toBe(1);
    await check(page, 'plan-health');

    // ── 6. The second core group: previous actions reviewed, the plan revised in the meeting ──
    today(D.secondCoreGroup);
    page = await signIn('worker');
    coreGroup = new CoreGroupPage(page);
    meetingNew = new MeetingNewPage(page);
    plan = new PlanPage(page);
    actionForm = new ActionFormPage(page);
    conferenceNew = new ConferenceNewPage(page);
    conference = new ConferencePage(page);
    c = await openChild(page);
    await c.follow('Core group and meetings');
    expect(await coreGroup.scheduleText()).toContain(`Last meeting ${long(D.firstCoreGroup)}. Next due by ${long(D.thirdCoreGroupDue)} (every 6 weeks).`);
    await coreGroup.follow('Arrange a core group meeting');
    expect(await meetingNew.inset.innerText()).toContain(`The next meeting is due by ${long(D.thirdCoreGroupDue)}, 6 weeks after the last.`);
    await meetingNew.arrange(new RegExp(`^${WORKER} \\(Lead social worker`), D.secondCoreGroup);
    const m2 = new MeetingPage(page);
    const secondMeetingId = m2.meetingId;
    expect(secondMeetingId).not.toBe(firstMeetingId);
    expect(await m2.summaryText('Previous meeting')).toBe(long(D.firstCoreGroup));
    // Both actions fell due since the first meeting and must be reviewed
    expect(await m2.taskStatus('Review of previous actions')).toBe('2 to review');
    expect(await m2.actionReview(HEALTH_ACTION).innerText()).toContain('Due since the last meeting');
    expect(await m2.actionReview(HEALTH_ACTION).innerText()).toContain('Now: In progress.');
    findings = await m2.qualityFindings();
    expect(findings.filter((f) => f.startsWith('Must fix'))).toEqual([
      `Must fix Previous actions are not reviewed: 2 actions due since the last meeting have no review (“${HEALTH_ACTION}” and “${WORKER_ACTION}”). Minutes that do not track previous actions cannot show drift or how delay is affecting the child.`,
    ]);
    await check(page, 'meeting-2-draft');

    await m2.recordAttendance({ [WORKER]: 'Present', [HEALTH]: 'Apologies, sent a report' }, true);
    await m2.recordParents('Ms Fenwick attended.');
    await m2.writeMinutes(
      {
        'Review of previous actions': 'Health visiting is done: Maya’s weight has improved. The morning routine is agreed but not yet kept.',
        'The child’s voice and lived experience': 'Maya said breakfast is “better now” and showed the social worker her star chart.',
        'What is working well': 'Regular health visits; dental treatment under way.',
        Worries: 'Lateness continues on Mondays.',
        'Progress against each outcome': 'Health appointments kept, which is an improvement for Maya. School attendance is 90% but late most Mondays.',
        'Safety analysis': 'Safer: Maya is fed and her health needs are met; the school outcome is not yet achieved.',
        'Changes to the plan': 'A weekly check of attendance is added.',
        'New actions': 'See the plan, version made in this meeting.',
      },
      6,
    );
    expect(await m2.flash.innerText()).toContain('Minutes saved');

    // Finalising before the previous actions are reviewed is refused, naming each one
    await m2.finalise();
    expect(await m2.title()).toMatch(/^Error: Core group meeting – /);
    const actionIds = {
      health: (await m2.actionReview(HEALTH_ACTION).getByRole('radio', { name: 'Done', exact: true }).getAttribute('name'))!.replace(/^status-/, ''),
      worker: (await m2.actionReview(WORKER_ACTION).getByRole('radio', { name: 'Done', exact: true }).getAttribute('name'))!.replace(/^status-/, ''),
    };
    expect((await m2.errors()).sort((a, b) => a.text.localeCompare(b.text))).toEqual(
      [
        { text: `Review every action due since the last meeting before finalising: ${HEALTH_ACTION} has not been reviewed`, href: `#status-${actionIds.health}` },
        { text: `Review every action due since the last meeting before finalising: ${WORKER_ACTION} has not been reviewed`, href: `#status-${actionIds.worker}` },
      ].sort((a, b) => a.text.localeCompare(b.text)),
    );
    expect(await page.locator(`[id="status-${actionIds.health}"]`).count()).toBe(1);
    expect(await m2.summaryText('Status')).toBe('Draft');
    await check(page, 'meeting-2-finalise-refused');

    await m2.reviewActions([
      { what: HEALTH_ACTION, status: 'Done', comment: 'Fortnightly visits happened; weight back on her centile; dental treatment finished.' },
      { what: WORKER_ACTION, status: 'In progress', comment: 'Routine agreed in writing on 20 November; Maya on time 3 days in 5, not yet enough.' },
    ]);
    expect(await m2.errorSummary.count()).toBe(0);
    expect(await m2.flash.innerText()).toContain('Action reviews saved');
    expect(await m2.taskStatus('Review of previous actions')).toBe('Completed');
    expect((await m2.qualityFindings()).filter((f) => f.startsWith('Must fix'))).toEqual([]);

    // Revise the plan in the meeting: a new version, linked to it
    await m2.follow('Revise the plan in this meeting');
    expect(new URL(page.url()).searchParams.get('meetingId')).toBe(secondMeetingId);
    expect(await plan.meetingBanner.innerText()).toContain(`You are revising the plan in the core group meeting of ${long(D.secondCoreGroup)}.`);
    expect(await plan.actionStatus(HEALTH_ACTION)).toBe('Done');
    expect(await plan.actionStatus(WORKER_ACTION)).toBe('In progress');
    expect(await plan.isOverdue(WORKER_ACTION)).toBe(true); // due 27 November, not done
    expect(await plan.isOverdue(HEALTH_ACTION)).toBe(false);
    await check(page, 'plan-in-meeting');
    await plan.follow('Add an action to outcome 2');
    expect(await page.locator('input[name="meetingId"]').inputValue()).toBe(secondMeetingId);
    expect(await actionForm.main.locator('.govuk-notification-banner').innerText()).toContain(`core group meeting of ${long(D.secondCoreGroup)}`);
    await check(page, 'action-new-in-meeting');
    await actionForm.add({
      outcome: `2. ${OUTCOMES[1]}`,
      what: MEETING_ACTION,
      owner: `${WORKER}, ${CSC} (core group)`,
      dueOn: D.newActionDue,
      doneMeasure: 'Attendance figures shared with the core group each Friday',
      workedMeasure: 'Lateness falls to no more than one day a month',
    });
    expect(await plan.flash.innerText()).toContain('The plan has been revised: version 4 saved.');
    const versions = await plan.versions();
    expect(versions.map((v) => v[0])).toEqual(['4', '3', '2', '1']);
    expect([versions[0]![2], versions[0]![3], versions[0]![4]]).toEqual([WORKER, `Action added: “${MEETING_ACTION}”`, `Core group meeting, ${long(D.secondCoreGroup)}`]);
    expect(versions[1]![4]).toBe('Outside a meeting');
    await check(page, 'plan-revised-in-meeting');

    await plan.navigateBy(plan.meetingBanner.getByRole('link', { name: 'Return to the meeting' }));
    expect(m2.meetingId).toBe(secondMeetingId);
    expect(await m2.versionsMade()).toEqual([`Version 4: Action added: “${MEETING_ACTION}” (${WORKER})`]);
    expect(await m2.taskStatus('Revise the plan')).toBe('1 version made');
    expect(await m2.actionReview(MEETING_ACTION).innerText()).toContain('Still open');
    await check(page, 'meeting-2-reviewed');
    await m2.finalise();
    expect(await m2.errorSummary.count()).toBe(0);
    expect(await m2.flash.innerText()).toContain('The minutes are finalised');
    expect(await m2.summaryText('Status')).toBe('Finalised');
    expect(await m2.tableRows(m2.table('Actions reviewed'))).toEqual(
      expect.arrayContaining([
        [`${HEALTH_ACTION} ${HEALTH}, ${HEALTH_AGENCY}`, long(D.healthActionDue), 'Done: Fortnightly visits happened; weight back on her centile; dental treatment finished.'],
        [`${WORKER_ACTION} ${WORKER}, ${CSC}`, long(D.workerActionDue), 'In progress: Routine agreed in writing on 20 November; Maya on time 3 days in 5, not yet enough.'],
      ]),
    );
    await check(page, 'meeting-2-finalised');

    // ── 7. The review conference ends the plan, stepping down to a child in need plan ──
    await m2.follow('Back to the core group and meetings');
    await coreGroup.navigateBy(page.getByRole('link', { name: NAME, exact: true }));
    await c.follow('Schedule a conference');
    expect(await conferenceNew.radio('Review child protection conference', 'Kind of conference').isChecked()).toBe(true);
    await conferenceNew.schedule({ on: D.review, chair: `${CHAIR} (conference chair)`, agencies: [HEALTH_AGENCY, POLICE, SCHOOL] });
    expect(await conference.heading.innerText()).toBe('Review child protection conference');
    expect(await conference.summaryText('Status')).toBe('Scheduled');
    await check(page, 'review-scheduled');

    today(D.review);
    page = await signIn('chair');
    c = await openChild(page);
    await c.follow('Review child protection conference');
    const review = new ConferencePage(page);
    expect(await review.radio('The plan ends', 'Decision').count()).toBe(1);
    expect(await review.radio('The child becomes subject of a child protection plan', 'Decision').count()).toBe(0);
    await check(page, 'review-form');
    const ending = {
      attendance: { [HEALTH_AGENCY]: 'Attended', [POLICE]: 'Apologies, no report', [SCHOOL]: 'Attended' },
      decision: 'The plan ends',
      rationale: 'Maya’s health needs are met and she is in school on time; the family has sustained the change for eight weeks.',
      endReason: 'Risks reduced: outcomes achieved',
    };
    // Without the child in need plan (or a reason for none) the conference cannot be completed
    await review.fillIn(ending);
    await review.complete();
    expect(await review.title()).toMatch(/^Error: Review child protection conference – /);
    expect(await review.errors()).toEqual([{ text: 'Set out the child in need plan, or give the reason there is none, before the conference can be completed', href: '#cinPlan' }]);
    expect(await page.locator('#cinPlan-error').innerText()).toContain('Set out the child in need plan');
    expect(await page.locator('#rationale').inputValue()).toBe(ending.rationale);
    expect(await review.radio('Attended', HEALTH_AGENCY).isChecked()).toBe(true);
    await check(page, 'review-cin-plan-missing');

    const cinPlan = 'Child in need plan: social worker visits every four weeks for three months; health visitor continues; school reports attendance monthly; review at a child in need meeting on 26 April 2027.';
    await review.fillIn({ ...ending, cinPlan });
    await review.complete();
    expect(await review.errorSummary.count()).toBe(0);
    expect(await review.summaryText('Status')).toBe('Completed');
    expect(await review.summaryText('Decision')).toBe('The plan ends');
    expect(await review.summaryText('Child in need plan')).toBe(cinPlan);
    await check(page, 'review-completed');

    await review.follow(`Back to ${CHILD.firstName}’s record`);
    expect(await c.main.getByText('On a child protection plan').count()).toBe(0);
    expect(await c.journey()).toContain(`${long(D.icpc)}: child protection plan started, Neglect.`);
    expect(await c.journey()).toContain(`${long(D.review)}: child protection plan ended with a child in need plan.`);
    expect(await c.journey()).toContain(`${long(D.review)}: Review child protection conference (completed, chair ${CHAIR})`);
    await check(page, 'child-plan-ended');
    await c.follow('child protection plan');
    const pastPlan = new PlanPage(page);
    expect(pastPlan.path).toMatch(new RegExp(`^/children/${childId}/plans/[0-9a-f-]{36}$`));
    expect(await pastPlan.heading.innerText()).toBe('Past child protection plan');
    expect(await pastPlan.summaryText('Ended')).toBe(`${long(D.review)}, ${ending.endReason}`);
    expect(await pastPlan.summaryText('Child in need plan')).toBe(cinPlan);
    expect(await pastPlan.link('Add an action').count()).toBe(0);
    await check(page, 'plan-ended');

    expect(checked.length).toBeGreaterThanOrEqual(40);
  });
});
