/**
 * Accessibility checks with axe-core, injected into the page under test.
 *
 * axe's source is evaluated through the DevTools protocol, which the page's CSP (nonces,
 * script-src 'self') does not apply to, so the pages are checked exactly as served.
 *
 * A page opened with JavaScript off cannot run axe (Playwright cannot evaluate in it). Its
 * DOM is then copied, without scripts (so nothing enhances it), into a page with JavaScript
 * on, with the stylesheet and images loaded from the app as before, and checked there.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result } from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { javaScriptEnabled } from './browser.js';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

declare global {
  interface Window {
    axe?: typeof import('axe-core');
  }
}

async function runAxe(page: Page): Promise<AxeResults> {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  return page.evaluate(
    (tags) =>
      window.axe!.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
    WCAG_TAGS,
  );
}

interface AuditPage {
  page: Page;
  /** The document to serve for the next navigation of the audit page. */
  next: { href: string; html: string } | null;
}

const auditPages = new WeakMap<Browser, Promise<AuditPage>>();

/**
 * One page per browser, with JavaScript on, where copies of no-JavaScript pages are
 * checked. Its navigation to the copied page's address is answered with the copy; every
 * other request (the stylesheet, images) goes to the app as usual.
 */
function auditPage(browser: Browser): Promise<AuditPage> {
  let audit = auditPages.get(browser);
  if (!audit) {
    audit = (async () => {
      const context = await browser.newContext({ javaScriptEnabled: true });
      const page = await context.newPage();
      const state: AuditPage = { page, next: null };
      await page.route('**/*', async (route) => {
        const request = route.request();
        if (state.next && request.isNavigationRequest() && request.url() === state.next.href) {
          const { html } = state.next;
          state.next = null;
          return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
        }
        return route.continue();
      });
      return state;
    })();
    auditPages.set(browser, audit);
  }
  return audit;
}

/** A copy of a no-JavaScript page's DOM, without its scripts (so nothing enhances it), where axe can run. */
async function scriptableCopy(page: Page): Promise<Page> {
  const browser = page.context().browser();
  if (!browser) throw new Error('The page has no browser');
  const audit = await auditPage(browser);
  const viewport = page.viewportSize();
  if (viewport) await audit.page.setViewportSize(viewport);
  const address = new URL(page.url());
  address.hash = '';
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  audit.next = { href: address.href, html };
  await audit.page.goto(address.href, { waitUntil: 'load' });
  if (audit.next) throw new Error(`The copy of ${address.href} was not served to the audit page`);
  return audit.page;
}

export function describeViolations(violations: Result[]): string {
  return violations
    .map((v) => {
      const targets = v.nodes.map((n) => `      ${n.target.map(String).join(' >> ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`);
      return `  • ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
    })
    .join('\n');
}

/** axe's WCAG 2.2 A/AA violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<Result[]> {
  if (javaScriptEnabled(page.context())) return (await runAxe(page)).violations;
  return (await runAxe(await scriptableCopy(page))).violations;
}

/** Fails, listing each violation with its rule, help text and the selectors of the elements. */
export async function expectAccessible(page: Page, label = page.url()): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) {
    throw new Error(`${label}: ${violations.length} accessibility violation${violations.length === 1 ? '' : 's'} (axe-core, ${WCAG_TAGS.join(', ')}):\n${describeViolations(violations)}`);
  }
}

/**
 * Every page has one banner (the header), one main and one contentinfo (the footer)
 * landmark, so screen-reader users can jump between them. axe's WCAG rules do not check
 * this (its landmark rules are "best practice"), so it is checked here.
 */
export async function expectLandmarks(page: Page, label = page.url()): Promise<void> {
  const counts: Record<string, number> = {};
  for (const role of ['banner', 'main', 'contentinfo'] as const) counts[role] = await page.getByRole(role).count();
  const wrong = Object.entries(counts).filter(([, n]) => n !== 1);
  if (wrong.length) throw new Error(`${label}: expected one of each landmark, found ${wrong.map(([role, n]) => `${n} ${role}`).join(', ')}`);
}
