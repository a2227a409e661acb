/**
 * A child no team has yet (as the CIN census import leaves them): a team manager finds it,
 * allocates it to a team and a lead practitioner, without JavaScript; every page axe-checked.
 */
import { expect, it } from 'vitest';
import { describeInBrowser, useE2E } from './support/suite.js';

describeInBrowser('allocating an unallocated child', () => {
  const e2e = useE2E();

  it('a team manager allocates a child no team has yet', async () => {
    const { t, fixture: f } = e2e.server;
    await t.database.db
      .insertInto('children')
      .values({ partnership_id: f.partnershipId, la_child_id: 'E2E-IMP-1', first_name: 'Child', last_name: 'E2E-IMP-1', date_of_birth: '2018-06-01' })
      .execute();

    const page = await e2e.signedIn('manager', { javaScript: false });
    await page.goto('/children?q=E2E-IMP-1');
    await page.getByRole('link', { name: 'Child E2E-IMP-1' }).click();
    expect(await page.getByText('is not allocated to a team yet').isVisible()).toBe(true);
    await e2e.check(page, 'child-unallocated');

    await page.getByRole('link', { name: 'Allocate to a team and a lead practitioner' }).click();
    await e2e.check(page, 'allocate');
    await page.getByRole('button', { name: 'Allocate' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Select the team');
    await e2e.check(page, 'allocate-error');

    await page.getByLabel('Team').selectOption({ label: 'Safeguarding North' });
    await page.getByLabel('Lead practitioner').selectOption({ label: 'worker person 901 (Safeguarding North)' });
    await page.getByRole('button', { name: 'Allocate' }).click();
    expect(await page.getByText('is not allocated to a team yet').count()).toBe(0);
    expect(await page.locator('.govuk-summary-list').innerText()).toContain('worker person 901');
    await e2e.check(page, 'child-allocated');
  });
});
