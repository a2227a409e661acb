/**
 * One browser and one server per test file, a fresh browser context (own cookies) per
 * session, and the check every page gets: axe (no violations allowed) and a screenshot.
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectAccessible, expectLandmarks } from './axe.js';
import { browserMissing, javaScriptEnabled, launchBrowser, newContext } from './browser.js';
import { saveScreenshot } from './screenshots.js';
import { PASSWORD, startServer, type RunningServer } from './server.js';
import { SignInPage } from '../pages/sign-in.js';

/** `describe`, skipped (with the reason printed once) when there is no Chromium here. */
export const describeInBrowser = describe.skipIf(browserMissing !== null);

export const MODES = [
  { mode: 'with JavaScript', javaScript: true, suffix: 'js' },
  { mode: 'without JavaScript', javaScript: false, suffix: 'nojs' },
] as const;

export const PHONE = { width: 375, height: 667 };

export interface SessionOptions {
  javaScript?: boolean;
  viewport?: { width: number; height: number };
}

export interface E2E {
  readonly browser: Browser;
  readonly server: RunningServer;
  /** A new page in a new context, closed after the test. */
  open(opts?: SessionOptions): Promise<Page>;
  /** A new page signed in (through the sign-in form) as one of the fixture's users. */
  signedIn(userKey: string, opts?: SessionOptions, password?: string): Promise<Page>;
  /** axe (must find nothing), the landmarks, and (JavaScript on) a full-page screenshot named after the page. */
  check(page: Page, name: string): Promise<void>;
}

const problems = new WeakMap<Page, string[]>();

/**
 * Collects what a person would not see but the page got wrong: script errors, messages on
 * the console (a CSP violation, a failed script), and assets that failed to load. A page
 * answered 403 or 404 on purpose logs a "Failed to load resource" for itself: that is not one.
 */
function watchForProblems(page: Page): void {
  const list: string[] = [];
  problems.set(page, list);
  page.on('pageerror', (err) => list.push(`script error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    if (msg.text().startsWith('Failed to load resource') && msg.location().url.split('#')[0] === page.url().split('#')[0]) return;
    list.push(`console ${msg.type()}: ${msg.text()} (${msg.location().url})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') list.push(`${res.status()} for ${res.request().resourceType()} ${res.url()}`);
  });
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? 'unknown';
    // Leaving a page cancels what it was still fetching (often the favicon): not a fault.
    if (reason !== 'net::ERR_ABORTED') list.push(`request failed: ${req.url()} (${reason})`);
  });
}

/** Call at the top of a test file (inside describeInBrowser). */
export function useE2E(code = '901'): E2E {
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer(code)]);
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const e2e: E2E = {
    get browser() {
      if (!browser) throw new Error('The browser has not started');
      return browser;
    },
    get server() {
      if (!server) throw new Error('The server has not started');
      return server;
    },
    async open(opts = {}) {
      const context = await newContext(e2e.browser, { baseURL: e2e.server.baseURL, ...opts });
      contexts.push(context);
      const page = await context.newPage();
      watchForProblems(page);
      return page;
    },
    async signedIn(userKey, opts = {}, password = PASSWORD) {
      const user = e2e.server.fixture.users[userKey];
      if (!user) throw new Error(`No user "${userKey}" in the fixture`);
      const page = await e2e.open(opts);
      const signIn = await new SignInPage(page).open();
      await signIn.signIn(user.email, password);
      if (new URL(page.url()).pathname !== '/') throw new Error(`Signing in as ${userKey} ended on ${page.url()}`);
      return page;
    },
    async check(page, name) {
      const javaScript = javaScriptEnabled(page.context());
      const label = `${name} (${page.url()}${javaScript ? '' : ', JavaScript off'})`;
      // The same page without JavaScript looks the same bar the enhancements: one picture is enough.
      if (javaScript) {
        const size = page.viewportSize();
        await saveScreenshot(page, `${name}${size && size.width < 641 ? '.phone' : ''}`);
      }
      await expectAccessible(page, label);
      await expectLandmarks(page, label);
      const seen = problems.get(page)?.splice(0) ?? [];
      if (seen.length) throw new Error(`${label}: the browser reported problems:\n  ${seen.join('\n  ')}`);
    },
  };
  return e2e;
}
