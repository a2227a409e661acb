/**
 * The browser for the end-to-end tests: the Chromium installed on the machine, driven by
 * playwright-core. Nothing here ever downloads a browser.
 *
 * Chromium is taken from CHROMIUM_PATH, else /usr/bin/chromium. Without one the suites are
 * skipped (the reason is printed once per run), except in CI (CI=true), where a missing
 * browser is a failure.
 */
import { accessSync, constants, mkdirSync, openSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

const DEFAULT_PATH = '/usr/bin/chromium';

export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to use, or why there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    return executable(configured)
      ? { path: configured }
      : { missing: `CHROMIUM_PATH is set to ${configured}, but there is no executable there` };
  }
  if (executable(DEFAULT_PATH)) return { path: DEFAULT_PATH };
  return { missing: `no Chromium at ${DEFAULT_PATH} and CHROMIUM_PATH is not set (install it with: apt-get install -y chromium)` };
}

const found = findChromium();

/** Why the browser tests cannot run here, or null when they can. */
export const browserMissing: string | null = 'missing' in found ? found.missing : null;

if (browserMissing !== null) {
  if (process.env.CI === 'true') {
    throw new Error(`The end-to-end tests need Chromium and CI=true, so they may not be skipped: ${browserMissing}`);
  }
  noteOncePerRun(`End-to-end browser tests skipped: ${browserMissing}`);
}

/**
 * Prints a message once per test run, although every test file runs in its own process:
 * the first file to claim a marker file (named after the vitest process) prints it.
 */
function noteOncePerRun(message: string): void {
  const dir = path.join(os.tmpdir(), 'assure-e2e-notes');
  try {
    mkdirSync(dir, { recursive: true });
    closeSync(openSync(path.join(dir, `skip-${process.ppid}`), 'wx'));
  } catch {
    return; // another file has printed it (or the marker cannot be made: stay quiet)
  }
  console.warn(`\n⚠ ${message}\n`);
}

export async function launchBrowser(): Promise<Browser> {
  if (!('path' in found)) throw new Error(`No Chromium: ${found.missing}`);
  return chromium.launch({ executablePath: found.path, args: LAUNCH_ARGS, headless: true });
}

/** Contexts opened with JavaScript off (the accessibility check needs to know). */
const withoutJavaScript = new WeakSet<BrowserContext>();

export interface ContextOptions {
  javaScript?: boolean;
  viewport?: { width: number; height: number };
  baseURL: string;
}

/** A fresh context (its own cookies): JavaScript on unless `javaScript: false`. */
export async function newContext(browser: Browser, opts: ContextOptions): Promise<BrowserContext> {
  const js = opts.javaScript ?? true;
  const options: BrowserContextOptions = {
    baseURL: opts.baseURL,
    javaScriptEnabled: js,
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  };
  const context = await browser.newContext(options);
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  if (!js) withoutJavaScript.add(context);
  return context;
}

export function javaScriptEnabled(context: BrowserContext): boolean {
  return !withoutJavaScript.has(context);
}
