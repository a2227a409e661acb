/**
 * The accessibility check itself: it must find real problems, with JavaScript on and off,
 * or every other journey's "no violations" would prove nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectAccessible, expectLandmarks } from './support/axe.js';
import { launchBrowser, newContext } from './support/browser.js';
import { describeInBrowser, MODES } from './support/suite.js';

const ORIGIN = 'http://assure.invalid';

const good = `<!DOCTYPE html><html lang="en"><head><title>Fine</title></head><body>
<header><p>Service</p></header><main><h1>Fine</h1><label for="a">Name</label><input id="a"></main><footer><p>Footer</p></footer></body></html>`;

const bad = `<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body>
<main><h1>Broken</h1><img src="/x.png"><input id="unlabelled"><a href="/">   </a>
<p style="color:#aaa;background:#fff">Faint text</p></main>
<script>document.getElementById('unlabelled').setAttribute('aria-label', 'Fixed by script')</script></body></html>`;

describeInBrowser('the accessibility check', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  async function show(html: string, javaScript: boolean): Promise<Page> {
    const context = await newContext(browser, { baseURL: ORIGIN, javaScript });
    const page = await context.newPage();
    await page.route(`${ORIGIN}/**`, (route) =>
      route.request().url().endsWith('/x.png') ? route.fulfill({ status: 404, body: '' }) : route.fulfill({ status: 200, contentType: 'text/html', body: html }),
    );
    await page.goto('/page#somewhere');
    return page;
  }

  describe.each(MODES)('$mode', ({ javaScript }) => {
    it('passes a clean page', async () => {
      const page = await show(good, javaScript);
      await expectAccessible(page, 'clean');
      await expectLandmarks(page, 'clean');
      await page.context().close();
    });

    it('lists each violation with its rule, help and selectors', async () => {
      const page = await show(bad, javaScript);
      const error = await expectAccessible(page, 'broken').then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      const message = error!.message;
      expect(message).toMatch(/^broken: \d+ accessibility violations/);
      expect(message).toMatch(/image-alt \(critical\): Images must have alternat/);
      expect(message).toContain('link-name');
      expect(message).toContain('color-contrast');
      expect(message).toContain('img');
      // Without JavaScript the page's own script has not run, and the check must see that
      if (javaScript) expect(message).not.toMatch(/\blabel \(/);
      else expect(message).toMatch(/\blabel \(critical\)[\s\S]*#unlabelled/);
      await expect(expectLandmarks(page, 'broken')).rejects.toThrow('found 0 banner, 0 contentinfo');
      await page.context().close();
    });
  });
});
