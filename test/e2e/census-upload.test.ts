/**
 * The partnership admin uploads a large CIN census on the import page. The page answers while the
 * import runs; its progress page follows the import (by itself with JavaScript, by "Check
 * progress" without) and ends on the result. On the embedded database the import holds the one
 * connection, so the progress page waits for the import and leads straight to the result. Every
 * page on the way is checked with axe.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCensus } from '../../bench/census.js';
import { BasePage } from './pages/base.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

describeInBrowser('a large census upload', () => {
  const e2e = useE2E('914');

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('shows the import’s progress, then its result', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-e2e-census-'));
      try {
        const file = path.join(dir, `census-${suffix}.xml`);
        await writeCensus(file, 4000, javaScript ? 3 : 4, '914');
        const page = await e2e.signedIn('admin', { javaScript });
        // The upload and the import take longer than a page usually may
        page.setDefaultTimeout(120_000);
        const p = new BasePage(page);
        await p.goto('/imports/cin-census');
        await page.locator('#file').setInputFiles(file);
        await p.navigateBy(page.getByRole('button', { name: 'Import', exact: true }));
        for (let i = 0; i < 120 && new URL(page.url()).pathname.startsWith('/imports/jobs/'); i++) {
          expect(await page.locator('h1').innerText()).toBe(`Importing census-${suffix}.xml`);
          await e2e.check(page, 'imports-progress');
          if (javaScript) await page.waitForURL(/\/imports\/[0-9a-f-]{36}\?imported=1$/, { timeout: 120_000 });
          else await p.navigateBy(page.getByRole('button', { name: 'Check progress' }));
        }
        expect(new URL(page.url()).pathname).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
        expect(await page.locator('.govuk-notification-banner').innerText()).toContain('The census was imported');
        const children = page.locator('.govuk-summary-list__row', { hasText: 'Children' }).first();
        expect(await children.innerText()).toContain('4000');
        await e2e.check(page, 'imports-census-result');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 240_000);
  });
});
