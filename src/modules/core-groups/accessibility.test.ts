/**
 * axe-core on every core group page without JavaScript, on a meeting as a draft (with errors
 * shown) and once finalised; with JavaScript on the pages whose components it enhances.
 * Skipped where no Chromium is installed.
 */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { describeInBrowser, useE2E } from '../../../test/e2e/support/suite.js';

describeInBrowser('core group pages are accessible', () => {
  const e2e = useE2E();

  const childOnPlan = async () => {
    const { t, fixture: f } = e2e.server;
    const { childId, planId, outcomeIds } = await makeChildOnPlan(t, f, { conferenceOn: '2026-11-13' });
    await t.database.db
      .insertInto('plan_actions')
      .values({ partnership_id: f.partnershipId, plan_id: planId, child_id: childId, outcome_id: outcomeIds[0]!, what: 'Health visitor to visit weekly', owner_name: 'Nurse Noor', owner_agency_id: f.agencies.health!, due_on: '2026-11-20', done_measure: 'Visits logged', worked_measure: 'Home conditions improve' })
      .execute();
    return childId;
  };

  it('without JavaScript', async () => {
    const javaScript = false;
    const childId = await childOnPlan();
    const page: Page = await e2e.signedIn('worker', { javaScript });
    const go = async (path: string, name: string) => {
      await page.goto(path);
      expect(await page.locator('h1').count()).toBe(1);
      await e2e.check(page, name);
    };
    await go(`/children/${childId}/core-group`, 'core-group');
    await go(`/children/${childId}/core-group/members/new`, 'core-group-member-new');
    await page.getByLabel('Role in the core group').fill('Health visitor');
    await page.getByRole('button', { name: 'Add to the core group' }).click();
    await e2e.check(page, 'core-group-member-new-errors');
    await go(`/children/${childId}/meetings/new`, 'meeting-new');
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Arrange the meeting' }).click();
    const meetingUrl = new URL(page.url()).pathname;
    expect(meetingUrl).toMatch(/\/meetings\/[0-9a-f-]{36}$/);
    await e2e.check(page, 'meeting-draft');
    await page.getByRole('button', { name: 'Finalise the minutes' }).click();
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Health visitor to visit weekly has not been reviewed');
    await page.getByRole('radio', { name: 'Done', exact: true }).check();
    await page.getByLabel('Comment: what was done and what difference it made').fill('Visited weekly.');
    await page.getByRole('button', { name: 'Save action reviews' }).click();
    await page.getByRole('button', { name: 'Finalise the minutes' }).click();
    await e2e.check(page, 'meeting-finalised');
    await go('/my/work', 'my-work');
    const manager = await e2e.signedIn('manager', { javaScript });
    await manager.goto('/team');
    await e2e.check(manager, 'team');
    const admin = await e2e.signedIn('admin', { javaScript });
    await admin.goto('/admin/minutes');
    await e2e.check(admin, 'admin-minutes');
  });

  it('with JavaScript', async () => {
    const childId = await childOnPlan();
    const page: Page = await e2e.signedIn('worker', { javaScript: true });
    for (const [path, name] of [
      [`/children/${childId}/core-group/members/new`, 'core-group-member-new'],
    ] as const) {
      await page.goto(path);
      await e2e.check(page, name);
    }
    await page.goto(`/children/${childId}/meetings/new`);
    await page.getByRole('radio').first().check();
    await page.getByRole('button', { name: 'Arrange the meeting' }).click();
    await e2e.check(page, 'meeting-draft');
  });
});
