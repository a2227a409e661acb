/**
 * The learning loop in a real browser, with and without JavaScript: the QA lead starts a review from a
 * completed audit's report, saves and publishes it, reads the briefing and sends it to two teams; each
 * team records its discussion and an action row, the north team's linked to "first core group chaired
 * by a manager" in an area; a worker records a manager-chaired first core group in that area and the
 * row shows its target reached. Every page visited is checked with axe and must log no CSP or script error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/lib/actor.js';
import { AccessLogService } from '../../src/modules/access-log/service.js';
import { AuditsService } from '../../src/modules/audits/service.js';
import { CORE_GROUP_THEMATIC } from '../../src/modules/audits/tools.js';
import { AuthService, userActor } from '../../src/modules/auth/service.js';
import { ChildRecords } from '../../src/modules/cases/record.js';
import { CoreGroupsService } from '../../src/modules/core-groups/service.js';
import { PartnershipService } from '../../src/modules/partnership/service.js';
import { StandardsService } from '../../src/modules/standards/service.js';
import { seed003Cases, toAuditCsv } from '../support/audit-cohorts.js';
import { makeChildOnPlan } from '../support/child-on-plan.js';
import { PASSWORD } from '../support/factories.js';
import { RecordPage } from './pages/record.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

describeInBrowser('learning reviews and measured action plans', () => {
  const e2e = useE2E('944');
  let auditId: string;
  /** For each mode: the area measured, and a child in it whose first core group is still to come. */
  const byMode: Record<string, { area: string; areaName: string; childId: string }> = {};

  beforeAll(async () => {
    const { t, fixture: f } = e2e.server;
    const db = t.database.db;
    const accessLog = new AccessLogService(db, t.clock);
    const people = new PartnershipService(db, t.clock, accessLog, new AuthService(db, t.clock, t.config, accessLog));
    const south = await people.addUser(systemActor(f.partnershipId, 'test'), { email: 'south.944@test.assure.example', name: 'South Practitioner', role: 'practitioner', agencyId: f.agencies.csc!, teamId: f.teams.south!, password: PASSWORD });
    f.users.south = { id: south.id, email: south.email, role: 'practitioner' };
    const qa = userActor(await db.selectFrom('users').selectAll().where('id', '=', f.users.qa!.id).executeTakeFirstOrThrow());
    const cases = seed003Cases().map((c) => ({ ...c, area: c.area === 'West' || c.area === 'North' ? 'North' : 'South' }));
    auditId = (await new AuditsService(db, t.clock, accessLog).importAudit(qa, { toolKey: 'core-group-thematic', title: 'Core groups audit 2026', csv: toAuditCsv(CORE_GROUP_THEMATIC, cases) })).id;
    // The record's own services, so practice standards are re-evaluated as each meeting is saved
    const records: ChildRecords = new ChildRecords(db, t.clock, accessLog, (trx, childId) => standards.reevaluate(trx, childId));
    const standards: StandardsService = new StandardsService(records);
    const coreGroups = new CoreGroupsService(records, accessLog);
    const worker = userActor(await db.selectFrom('users').selectAll().where('id', '=', f.users.worker!.id).executeTakeFirstOrThrow());
    // Each mode measures its own area: one child whose first core group was not chaired by a manager, one still to have it
    for (const [suffix, areaName] of [['js', 'North'], ['nojs', 'South']] as const) {
      const area = f.areas[areaName]!;
      for (const name of ['Missed', 'Coming']) {
        const c = await makeChildOnPlan(t, f, { firstName: `${name}${suffix}`, lastName: 'Learner' });
        await db.updateTable('children').set({ area_id: area, team_id: f.teams.north! }).where('id', '=', c.childId).execute();
        if (name === 'Missed') await coreGroups.createMeeting(worker, c.childId, { heldOn: '2026-10-28', chairUserId: f.users.worker!.id });
        else byMode[suffix] = { area, areaName, childId: c.childId };
      }
    }
  }, 120_000);

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('a review from an audit, its briefing, two teams’ responses, and a measure that reaches its target', async () => {
      const { fixture: f } = e2e.server;
      const mode = byMode[suffix]!;
      const title = `Learning from core groups ${suffix}`;

      const qaPage = await e2e.signedIn('qa', { javaScript });
      const qa = new RecordPage(qaPage);
      await qa.goto(`/audits/${auditId}/report`);
      await qa.follow('Start a learning review from this audit');
      expect(await qa.heading.innerText()).toBe('Start a learning review');
      expect(await qaPage.locator('#findings').inputValue()).toContain('Was the first core group chaired by a manager? No: 101 of 132 cases (77%).');
      await e2e.check(qaPage, `learning-new-${suffix}`);
      await qa.fill('title', title);
      await qa.press('Save the review');
      expect(await qa.errorSummary.innerText()).toContain('Enter the pseudonym of the child or family');
      await e2e.check(qaPage, `learning-new-errors-${suffix}`);
      await qa.fill('subject', 'Alex');
      await qa.fill('recommendation1', 'Every first core group is chaired by a manager.');
      await qa.press('Save the review');
      expect(await qa.heading.innerText()).toBe(title);
      expect(await qa.flash.innerText()).toContain('The review has been started');
      await e2e.check(qaPage, `learning-review-draft-${suffix}`);
      await qa.press('Publish the briefing');
      expect(await qa.flash.innerText()).toContain('The briefing is published');
      const reviewUrl = new URL(qaPage.url()).pathname;
      await qa.follow('The 7-minute briefing');
      for (const part of ['01 Background', '02 Safeguarding concerns', '03 What happened', '04 The review', '05 The findings', '06 Recommendations', '07 Implementing change']) {
        expect(await qaPage.getByRole('heading', { level: 2, name: part }).count()).toBe(1);
      }
      await e2e.check(qaPage, `learning-briefing-${suffix}`);
      await qa.goto(reviewUrl);
      await qa.follow('Send the briefing to teams');
      await e2e.check(qaPage, `learning-send-${suffix}`);
      await qa.tick('Safeguarding North');
      await qa.tick('Safeguarding South');
      await qa.press('Send the briefing');
      expect(await qaPage.getByRole('heading', { name: 'Teams: 0 of 2 responded' }).count()).toBe(1);

      // The north team: its discussion, then an action measured by the first core group's chair in the area
      const managerPage = await e2e.signedIn('manager', { javaScript });
      const manager = new RecordPage(managerPage);
      await manager.menu('Learning');
      await e2e.check(managerPage, `learning-index-team-${suffix}`);
      await manager.navigateBy(managerPage.getByRole('row').filter({ hasText: title }).getByRole('link', { name: /Respond/ }));
      await manager.fill('discussion', 'Managers will chair every first core group.');
      await manager.press('Save the discussion');
      expect(await manager.flash.innerText()).toContain('discussion has been saved');
      await manager.fill('what', 'Managers chair every first core group');
      await manager.fill('who', 'Team manager');
      await manager.fillDate('dueOn', '2026-12-31');
      await manager.fill('doneWhen', 'A chairing rota is in place');
      await manager.fill('workedWhen', `First core groups in ${mode.areaName} are chaired by a manager`);
      await manager.chooseRadio('A practice standard');
      await manager.select('measureStandard', 'First core group chaired by a manager');
      await manager.select('measureScope', `Area: ${mode.areaName}`);
      await manager.fill('measureTarget', '50');
      await manager.press('Add the action');
      expect(await manager.flash.innerText()).toContain('added to your team’s plan');
      await e2e.check(managerPage, `learning-response-${suffix}`);
      const row = managerPage.getByRole('row').filter({ hasText: 'Managers chair every first core group' });
      expect(await row.innerText()).toContain('Baseline 0% · target 50% · now 0% (1 case)');

      // The south team answers without a measure
      const southPage = await e2e.signedIn('south', { javaScript });
      const south = new RecordPage(southPage);
      await south.goto(`${reviewUrl}/response`);
      await south.fill('discussion', 'We will send reports when we cannot attend.');
      await south.press('Save the discussion');
      await south.fill('what', 'Send a report to every core group we miss');
      await south.fill('who', 'Social workers');
      await south.fillDate('dueOn', '2026-12-15');
      await south.fill('doneWhen', 'Reminder in every invitation');
      await south.fill('workedWhen', 'Reports arrive');
      await south.press('Add the action');
      expect(await south.flash.innerText()).toContain('added to your team’s plan');

      await qa.goto(reviewUrl);
      expect(await qaPage.getByRole('heading', { name: 'Teams: 2 of 2 responded' }).count()).toBe(1);

      // A manager-chaired first core group in the area moves the measure
      const workerPage = await e2e.signedIn('worker', { javaScript });
      const worker = new RecordPage(workerPage);
      await worker.goto(`/children/${mode.childId}/meetings/new`);
      await worker.fillDate('heldOn', '2026-10-30');
      await worker.chooseRadio(new RegExp(`manager person ${f.code}`), 'Who chairs the meeting?');
      await worker.press('Arrange the meeting');

      await manager.goto(`${reviewUrl}/response`);
      await manager.navigateBy(managerPage.getByRole('link', { name: 'Managers chair every first core group' }));
      expect(await managerPage.locator('#measure').innerText()).toContain('Baseline 0% · target 50% · now 50% (2 cases)');
      expect(await managerPage.locator('#measure').innerText()).toContain('Target reached');
      await e2e.check(managerPage, `learning-action-${suffix}`);

      await qa.goto('/learning/assurance');
      expect(await qaPage.getByRole('row').filter({ hasText: 'Managers chair every first core group' }).filter({ hasText: `area ${mode.areaName}` }).innerText()).toContain('Target reached');
      await e2e.check(qaPage, `learning-assurance-${suffix}`);
      await qa.goto('/learning/actions');
      await e2e.check(qaPage, `learning-actions-${suffix}`);
    }, 180_000);
  });
});
