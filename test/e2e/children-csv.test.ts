/**
 * The partnership admin imports children from CSV on the upload page: a bad file is refused with
 * its line and column in the error summary, a good one imports; a manager then downloads the
 * children on a plan. In a real browser, with and without JavaScript, every page checked with axe.
 */
import { describe, expect, it } from 'vitest';
import { BasePage } from './pages/base.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

describeInBrowser('the children CSV', () => {
  const e2e = useE2E('913');

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('refuses a bad file naming the line and column, imports a good one, and the cohort downloads', async () => {
      const id = `E2E${suffix.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
      const page = await e2e.signedIn('admin', { javaScript });
      const p = new BasePage(page);
      await p.goto('/imports/cin-census');
      await e2e.check(page, 'imports');

      await page.locator('#csv').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`la_child_id,date_of_birth,plan_start,category\n${id},2020-01-01,2026-01-01,NOPE\n`) });
      await p.navigateBy(page.getByRole('button', { name: 'Import the CSV' }));
      expect(await p.title()).toMatch(/^Error: /);
      const errors = await p.errors();
      expect(errors).toHaveLength(1);
      expect(errors[0]!.href).toBe('#csv');
      expect(errors[0]!.text).toContain('line 2, column 4 (category)');
      await e2e.check(page, 'imports-csv-error');

      const good = `la_child_id,first_name,last_name,date_of_birth,area,team,plan_start,category\n${id},Eve,Tester,2020-01-01,North,Safeguarding North,2026-01-01,NEG\n`;
      await page.locator('#csv').setInputFiles({ name: 'children.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await p.navigateBy(page.getByRole('button', { name: 'Import the CSV' }));
      expect(new URL(page.url()).pathname).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('The children CSV was imported');
      await e2e.check(page, 'imports-csv-result');

      const manager = await e2e.signedIn('manager', { javaScript });
      const m = new BasePage(manager);
      await m.goto('/children');
      const link = manager.getByRole('link', { name: 'CSV (children on a plan)' });
      expect(await link.getAttribute('href')).toBe('/children.csv');
      const res = await manager.request.get('/children.csv');
      expect(res.status()).toBe(200);
      expect(await res.text()).toContain(`${id},Eve,Tester,2020-01-01`);
      await e2e.check(manager, 'children-with-downloads');
    });
  });
});
