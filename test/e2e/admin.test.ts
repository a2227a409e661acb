/**
 * The partnership admin's journey (areas, agencies, teams, users, the access log) and what
 * a practitioner meets there: in a real browser, with and without JavaScript, every page
 * checked with axe.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { AdminPage } from './pages/admin.js';
import { BasePage } from './pages/base.js';
import { UserFormPage, UserPage, UsersPage } from './pages/users.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

/** JavaScript moves focus to the field an error link names; without it the link jumps there. */
async function followErrorLink(page: Page, javaScript: boolean, index: number, fieldId: string): Promise<void> {
  const p = new BasePage(page);
  await p.errorLinks.nth(index).click();
  if (javaScript) expect(await page.evaluate(() => document.activeElement?.id)).toBe(fieldId);
  else expect(new URL(page.url()).hash).toBe(`#${fieldId}`);
  expect(await page.locator(`[id="${fieldId}"]`).count()).toBe(1);
}

describeInBrowser('partnership admin', () => {
  const e2e = useE2E();

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('adds an area, an agency (after fixing an error) and a team', async () => {
      const page = await e2e.signedIn('admin', { javaScript });
      const admin = new AdminPage(page);
      await admin.navigateBy(admin.mainMenu.getByRole('link', { name: 'Partnership admin' }));
      expect(new URL(page.url()).pathname).toBe('/admin');
      expect(await admin.heading.innerText()).toBe('Partnership admin');
      expect(await admin.title()).toBe(`Partnership admin – ${e2e.server.partnershipName} – Assure`);
      await e2e.check(page, 'admin');

      await admin.addArea('');
      expect(await admin.errors()).toEqual([{ text: 'Enter the name of the area', href: '#area-name' }]);
      expect(await page.locator('#agency-name-error, #team-name-error').count()).toBe(0);
      await followErrorLink(page, javaScript, 0, 'area-name');
      const area = `East ${suffix}`;
      await admin.addArea(area);
      expect(new URL(page.url()).pathname).toBe('/admin');
      expect(await admin.areaList.locator('li').allInnerTexts()).toContain(area);

      // An agency without a type: the error summary, and the name kept
      const agency = `Riverside Academy Trust ${suffix}`;
      await admin.addAgency(agency);
      expect(await admin.title()).toMatch(/^Error: Partnership admin – /);
      expect(await admin.errors()).toEqual([{ text: 'Select the type of agency', href: '#agency-type' }]);
      expect(await page.locator('#agency-name').inputValue()).toBe(agency);
      expect(await page.locator('#agency-type-error').innerText()).toContain('Select the type of agency');
      expect(await page.locator('#area-name-error').count()).toBe(0);
      await e2e.check(page, 'admin-agency-error');
      await followErrorLink(page, javaScript, 0, 'agency-type');

      await admin.chooseAgencyType('Education');
      await admin.submitAgency();
      expect(await admin.errorSummary.count()).toBe(0);
      expect(await admin.tableRows(admin.agencyTable)).toContainEqual([agency, 'Education', `Edit ${agency}`]);

      // Rename it on its own page
      await admin.navigateBy(admin.agencyTable.getByRole('link', { name: `Edit ${agency}` }));
      expect(await admin.heading.innerText()).toBe(`Edit ${agency}`);
      await e2e.check(page, 'agency-edit');
      await page.locator('#name').fill(`${agency} (renamed)`);
      await admin.navigateBy(page.getByRole('button', { name: 'Save changes' }));
      expect(new URL(page.url()).pathname).toBe('/admin');
      expect(await admin.tableRows(admin.agencyTable)).toContainEqual([`${agency} (renamed)`, 'Education', `Edit ${agency} (renamed)`]);

      // A team: missing everything first, then right
      await admin.navigateBy(page.getByRole('button', { name: 'Add team' }));
      expect(await admin.errors()).toEqual([
        { text: 'Enter the name of the team', href: '#team-name' },
        { text: 'Select the agency the team belongs to', href: '#agencyId' },
      ]);
      await e2e.check(page, 'admin-team-error');
      await followErrorLink(page, javaScript, 0, 'team-name');
      const team = `Inclusion Team ${suffix}`;
      await admin.addTeam(team, `${agency} (renamed)`, area);
      expect(await admin.tableRows(admin.teamTable)).toContainEqual([team, `${agency} (renamed)`, area]);
      await e2e.check(page, 'admin-filled');
    });

    it('searches users, adds one (after fixing errors), views and edits them, and finds that in the access log', async () => {
      const page = await e2e.signedIn('admin', { javaScript });
      const users = await new UsersPage(page).open();
      expect(await users.heading.innerText()).toBe('Users');
      expect((await users.names()).length).toBeGreaterThanOrEqual(7);
      await e2e.check(page, 'users');

      await users.search('worker');
      expect(new URL(page.url()).search).toBe('?q=worker');
      expect(await users.names()).toEqual(['worker person 901']);
      expect(await users.caption.innerText()).toBe('1 user matching “worker”');
      expect(await page.locator('#q').inputValue()).toBe('worker');
      await e2e.check(page, 'users-search');

      await users.addUser();
      expect(new URL(page.url()).pathname).toBe('/admin/users/new');
      const form = new UserFormPage(page);
      expect(await form.heading.innerText()).toBe('Add a user');
      await e2e.check(page, 'user-new');

      const name = `Nadia Okafor ${suffix}`;
      await form.fill({ name, email: 'nadia.okafor-at-example.org' });
      await form.save();
      expect(await form.title()).toMatch(/^Error: Add a user – /);
      expect(await form.errors()).toEqual([
        { text: 'Enter an e-mail address in the correct format, like name@example.org', href: '#email' },
        { text: 'Select a role', href: '#role' },
        { text: 'Select the person’s agency', href: '#agencyId' },
      ]);
      expect(await page.locator('#name').inputValue()).toBe(name);
      expect(await page.locator('#email').inputValue()).toBe('nadia.okafor-at-example.org');
      await e2e.check(page, 'user-new-error');
      await followErrorLink(page, javaScript, 0, 'email');
      await followErrorLink(page, javaScript, 1, 'role');

      const email = `nadia.okafor.${suffix}@example.org`;
      await form.fill({ email, role: 'Practitioner', agency: 'police agency 901' });
      await form.save();
      expect(new URL(page.url()).pathname).toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
      const userId = new URL(page.url()).pathname.split('/').pop()!;
      const person = new UserPage(page);
      expect(await person.heading.innerText()).toBe(name);
      expect(await person.value('E-mail address').innerText()).toBe(email);
      expect(await person.value('Role').innerText()).toBe('Practitioner');
      expect(await person.value('Agency').innerText()).toBe('police agency 901');
      expect(await person.value('Status').innerText()).toBe('Active');
      await e2e.check(page, 'user');

      await person.edit();
      expect(await form.heading.innerText()).toBe(`Edit ${name}`);
      expect(await page.locator('#email').inputValue()).toBe(email);
      expect(await page.getByRole('radio', { name: 'Practitioner', exact: true }).isChecked()).toBe(true);
      await e2e.check(page, 'user-edit');
      await form.fill({ role: 'Team manager', agency: 'csc agency 901', team: 'Safeguarding North (csc agency 901)' });
      await form.save();
      expect(new URL(page.url()).pathname).toBe(`/admin/users/${userId}`);
      expect(await person.value('Role').innerText()).toBe('Team manager');
      expect(await person.value('Team').innerText()).toBe('Safeguarding North');

      // The access log shows the admin creating, viewing and changing that record
      await person.navigateBy(person.mainMenu.getByRole('link', { name: 'Access log' }));
      await e2e.check(page, 'access-log');
      await page.locator('#recordType').selectOption({ label: 'User' });
      await page.locator('#recordId').fill(userId);
      await person.navigateBy(page.getByRole('button', { name: 'Search' }));
      const rows = await person.tableRows(page.locator('main table'));
      const adminName = 'admin person 901';
      const actions = rows.filter((r) => r[1] === adminName && r[3] === `user Show all entries for user ${userId}`).map((r) => r[2]);
      expect(actions).toEqual(expect.arrayContaining(['create', 'view', 'update']));
      expect(rows.every((r) => r[3]?.includes(userId))).toBe(true);
      await e2e.check(page, 'access-log-search');
    });

    it('shows a practitioner the permission page for /admin and the not-found page for an unknown address', async () => {
      const page = await e2e.signedIn('worker', { javaScript });
      const p = new BasePage(page);
      expect(await p.mainMenu.getByRole('link', { name: 'Partnership admin' }).count()).toBe(0);
      const forbidden = await p.goto('/admin');
      expect(forbidden?.status()).toBe(403);
      expect(await p.heading.innerText()).toBe('You do not have permission to see this page');
      expect(await p.title()).toBe(`You do not have permission to see this page – ${e2e.server.partnershipName} – Assure`);
      await e2e.check(page, 'forbidden');

      const missing = await p.goto('/no-such-page');
      expect(missing?.status()).toBe(404);
      expect(await p.heading.innerText()).toBe('Page not found');
      await e2e.check(page, 'not-found');
      await p.navigateBy(page.getByRole('link', { name: 'Go to the home page' }));
      expect(new URL(page.url()).pathname).toBe('/');
    });
  });
});
