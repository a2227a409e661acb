/**
 * A partnership admin's retention review in a real browser, with JavaScript on and off: the list by case
 * reference, keeping a record (after the error for a missing reason) and anonymising one (after the
 * confirmation), and the rule page. Every page checked with axe.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/lib/actor.js';
import { AccessLogService } from '../../src/modules/access-log/service.js';
import { RetentionService } from '../../src/modules/retention/service.js';
import { BasePage } from './pages/base.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

describeInBrowser('retention review', () => {
  const e2e = useE2E('934');

  beforeAll(async () => {
    const { t, fixture: f } = e2e.server;
    const db = t.database.db;
    // Four records closed in 2011, of children born in 1980: two for each mode
    for (const [i, name] of ['Ada', 'Bea', 'Cal', 'Dov'].entries()) {
      const child = await db
        .insertInto('children')
        .values({ partnership_id: f.partnershipId, la_child_id: `E2E-${i}`, first_name: name, last_name: 'Closedcase', date_of_birth: '1980-01-01', created_at: '2010-01-01T00:00:00Z' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('cp_plans').values({ partnership_id: f.partnershipId, child_id: child.id, started_on: '2010-01-01', ended_on: `2011-0${i + 1}-01`, initial_category: 'NEG', latest_category: 'NEG', previous_plans: 0 }).execute();
    }
    await new RetentionService(db, t.clock, new AccessLogService(db, t.clock)).markDue(systemActor(f.partnershipId, 'test'));
  }, 60_000);

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('keeps one record with a reason and anonymises another, by case reference only', async () => {
      const page = await e2e.signedIn('admin', { javaScript });
      const p = new BasePage(page);
      await p.goto('/admin');
      await p.navigateBy(page.getByRole('link', { name: /Retention review/ }));
      expect(await p.heading.innerText()).toBe('Retention review');
      expect(await page.content()).not.toContain('Closedcase');
      await e2e.check(page, `retention-list-${suffix}`);

      // Keep the first: a reason is needed
      await p.navigateBy(page.getByRole('link', { name: /^Keep for now/ }).first());
      expect(await p.heading.innerText()).toBe('Keep this record for now');
      await e2e.check(page, `retention-keep-${suffix}`);
      await p.navigateBy(page.getByRole('button', { name: 'Keep the record' }));
      expect(await p.title()).toMatch(/^Error: Keep this record for now/);
      expect(await p.errors()).toEqual([{ text: 'Enter why the record is being kept', href: '#reason' }]);
      await e2e.check(page, `retention-keep-error-${suffix}`);
      await page.locator('#reason').fill('A legal hold from the council’s solicitor');
      await p.navigateBy(page.getByRole('button', { name: 'Keep the record' }));
      expect(new URL(page.url()).pathname).toBe('/admin/retention');
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('is kept for now');

      // Anonymise the next, after the confirmation
      await p.navigateBy(page.getByRole('link', { name: /^Anonymise/ }).first());
      expect(await p.heading.innerText()).toBe('Anonymise this record');
      await e2e.check(page, `retention-anonymise-${suffix}`);
      await p.navigateBy(page.getByRole('button', { name: 'Anonymise the record' }));
      expect(new URL(page.url()).pathname).toBe('/admin/retention');
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('is anonymised');
      await e2e.check(page, `retention-decided-${suffix}`);
    });

    it('the rule page, and its errors', async () => {
      const page = await e2e.signedIn('admin', { javaScript });
      const p = new BasePage(page);
      await p.goto('/admin/retention/rule');
      expect(await page.locator('#yearsAfterClosure').inputValue()).toMatch(/^\d+$/);
      await e2e.check(page, `retention-rule-${suffix}`);
      await page.locator('#yearsAfterClosure').fill('six');
      await p.navigateBy(page.getByRole('button', { name: 'Save the rule' }));
      expect(await p.errors()).toEqual([{ text: 'Enter the number of years as a whole number', href: '#yearsAfterClosure' }]);
      await e2e.check(page, `retention-rule-error-${suffix}`);
    });
  });
});
