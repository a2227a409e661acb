/**
 * The practice standards pages in a real browser, with and without JavaScript: the dashboard by
 * area, team and agency (the selector submitted as a form), a drill-down, one standard month by
 * month, a child's standards, and the partnership admin's pages of the standards (the list, one
 * standard with its new version form, the form with errors, and the list after saving). Every page is checked with axe and must log no CSP or script
 * error (the charts are server-rendered SVG with style attributes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AccessLogService } from '../../src/modules/access-log/service.js';
import { ChildRecords } from '../../src/modules/cases/record.js';
import { StandardsService } from '../../src/modules/standards/service.js';
import { makeChildOnPlan } from '../support/child-on-plan.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

describeInBrowser('practice standards', () => {
  const e2e = useE2E('933');
  const kids: string[] = [];

  beforeAll(async () => {
    const { t, fixture: f } = e2e.server;
    kids.push((await makeChildOnPlan(t, f, { firstName: 'Alpha', lastName: 'Browser' })).childId);
    kids.push((await makeChildOnPlan(t, f, { firstName: 'Bravo', lastName: 'Browser', strategyOn: '2026-09-01' })).childId);
    const c = (await makeChildOnPlan(t, f, { firstName: 'Charlie', lastName: 'Browser' })).childId;
    kids.push(c);
    await t.database.db.updateTable('children').set({ team_id: f.teams.south!, area_id: f.areas.South!, lead_user_id: f.users.health!.id }).where('id', '=', c).execute();
    const svc = new StandardsService(new ChildRecords(t.database.db, t.clock, new AccessLogService(t.database.db, t.clock)));
    await svc.recomputePartnership(f.partnershipId);
  }, 60_000);

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('a QA lead: the dashboard by area, team and agency, and a standard month by month', async () => {
      const page = await e2e.signedIn('qa', { javaScript });
      await page.goto('/standards');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Practice standards');
      expect(await page.locator('figure figcaption').first().innerText()).toBe('Compliance by standard');
      expect(await page.locator('figure svg[aria-hidden="true"]').count()).toBe(1);
      expect(await page.locator('#repeat-plans h2').innerText()).toBe('Repeat plans and re-referrals');
      expect(await page.locator('#repeats-by-group caption').innerText()).toBe('By area');
      expect(await page.locator('#repeats-by-category tbody tr').count()).toBe(5);
      await e2e.check(page, `standards-by-area-${suffix}`);

      for (const [label, caption] of [['By team', 'Compliance by team'], ['By agency', 'Compliance by agency']] as const) {
        await page.getByRole('radio', { name: label }).check();
        await Promise.all([page.waitForURL(/\/standards\?by=/), page.getByRole('button', { name: 'Show' }).click()]);
        expect(await page.locator('#by-group caption').innerText()).toBe(caption);
        await e2e.check(page, `standards-${label.replace(' ', '-').toLowerCase()}-${suffix}`);
      }

      await page.goto('/standards/icpc-timescale/trend');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Initial conference within 15 working days of the strategy discussion');
      expect(await page.locator('#months tbody tr').count()).toBe(12);
      await e2e.check(page, `standards-trend-${suffix}`);
    });

    it('a partnership admin: the standards, one standard, a new version with errors, then saved', async () => {
      const page = await e2e.signedIn('admin', { javaScript });
      await page.goto('/admin/standards');
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Practice standards');
      expect(await page.getByRole('link', { name: 'Child visited at least every 10 working days, and seen alone' }).count()).toBe(1);
      await e2e.check(page, `admin-standards-${suffix}`);

      const name = 'Core groups at least every 6 weeks';
      await Promise.all([page.waitForURL(/\/admin\/standards\/core-group-interval$/), page.getByRole('link', { name }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(name);
      expect(await page.getByRole('heading', { name: 'Add a new version' }).count()).toBe(1);
      await e2e.check(page, `admin-standard-${suffix}`);

      // A date in the past and a number of weeks in words: the form comes back with both errors
      await page.locator('input[name="effectiveFrom-day"]').fill('1');
      await page.locator('input[name="effectiveFrom-month"]').fill('1');
      await page.locator('input[name="effectiveFrom-year"]').fill('1999');
      await page.locator('#param_weeks').fill('six');
      await Promise.all([page.waitForURL(/\/admin\/standards\/core-group-interval$/), page.getByRole('button', { name: 'Save the new version' }).click()]);
      expect(await page.title()).toMatch(/^Error: /);
      const summary = page.locator('.govuk-error-summary');
      expect(await summary.count()).toBe(1);
      expect(await summary.locator('a[href="#effectiveFrom"]').count()).toBe(1);
      expect(await summary.locator('li').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#param_weeks').inputValue()).toBe('six'); // what was entered is kept
      await e2e.check(page, `admin-standard-errors-${suffix}`);

      await page.locator('input[name="effectiveFrom-day"]').fill(suffix === 'js' ? '2' : '3'); // one version a day
      await page.locator('input[name="effectiveFrom-month"]').fill('11');
      await page.locator('input[name="effectiveFrom-year"]').fill('2026');
      await page.locator('#param_weeks').fill(suffix === 'js' ? '5' : '6');
      await Promise.all([page.waitForURL(/\/admin\/standards\?saved=core-group-interval$/), page.getByRole('button', { name: 'Save the new version' }).click()]);
      expect(await page.locator('.govuk-notification-banner--success').count()).toBe(1);
      await e2e.check(page, `admin-standards-saved-${suffix}`);
    });

    it('a team manager: a drill-down to their children and a child’s standards', async () => {
      const page = await e2e.signedIn('manager', { javaScript });
      await page.goto('/standards?by=team');
      await Promise.all([page.waitForURL(/\/standards\/icpc-timescale\?status=met-late/), page.locator('#by-status a[href="/standards/icpc-timescale?status=met-late"]').click()]);
      expect(await page.getByRole('link', { name: 'Bravo Browser' }).count()).toBe(1);
      await e2e.check(page, `standards-drill-${suffix}`);

      await Promise.all([page.waitForURL(new RegExp(`/children/${kids[1]}/standards`)), page.getByRole('link', { name: 'Bravo Browser' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
      await e2e.check(page, `standards-child-${suffix}`);
    });
  });
});
