/**
 * axe-core on /my/standards and /account/notifications (with the error shown), without JavaScript.
 * Skipped where no Chromium is installed.
 */
import { expect, it } from 'vitest';
import { makeChildOnPlan } from '../../../test/support/child-on-plan.js';
import { describeInBrowser, useE2E } from '../../../test/e2e/support/suite.js';

describeInBrowser('reminder pages are accessible', () => {
  const e2e = useE2E();

  it('without JavaScript', async () => {
    const { t, fixture: f } = e2e.server;
    await makeChildOnPlan(t, f);
    const page = await e2e.signedIn('worker', { javaScript: false });
    await page.goto('/my/standards');
    expect(await page.locator('h1').count()).toBe(1);
    await e2e.check(page, 'my-standards');
    await page.goto('/account/notifications');
    expect(await page.locator('h1').count()).toBe(1);
    await e2e.check(page, 'account-notifications');
    await page.getByRole('radio', { name: /Weekly/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Your reminder setting has been saved');
    await e2e.check(page, 'account-notifications-saved');
  });
});
