/**
 * Single sign-on in a real browser against a real OpenID Connect provider (oidc-provider on a
 * loopback port): the partnership admin sets it up, then a practitioner clicks through the
 * provider's login and consent pages and lands signed in. Assure's pages are checked with axe;
 * the provider's development pages are not Assure's and are not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startOidcProvider, type TestProvider } from '../support/oidc-provider.js';
import { AdminPage } from './pages/admin.js';
import { BasePage } from './pages/base.js';
import { HomePage } from './pages/home.js';
import { SignInPage } from './pages/sign-in.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';

/** The provider's login page imports a web font from the internet, which these machines do not reach. */
async function offline(page: Page): Promise<void> {
  await page.route(/^https:\/\/fonts\.(googleapis|gstatic)\.com\//, (route) => route.fulfill({ status: 200, contentType: 'text/css', body: '' }));
}

describeInBrowser('single sign-on', () => {
  const e2e = useE2E();
  let op: TestProvider;

  beforeAll(async () => {
    const { fixture } = e2e.server;
    // A public client: PKCE alone, no secret (the route tests cover a confidential client)
    op = await startOidcProvider({
      redirectUris: [`${e2e.server.baseURL}/sign-in/sso/callback`],
      clientSecret: null,
      accounts: [
        { sub: 'entra-worker', email: fixture.users.worker!.email, emailVerified: true, name: 'Worker at the provider' },
        { sub: 'entra-health', email: fixture.users.health!.email, emailVerified: true },
        { sub: 'entra-stranger', email: 'stranger@elsewhere.example', emailVerified: true },
      ],
    });
  });
  afterAll(async () => {
    await op?.close();
  });

  it('the partnership admin sets up the provider on a form that names what is wrong', async () => {
    const page = await e2e.signedIn('admin');
    const admin = new AdminPage(page);
    await admin.goto('/admin');
    await admin.navigateBy(page.getByRole('link', { name: /^Single sign-on/ }));
    expect(new URL(page.url()).pathname).toBe('/admin/sso');
    expect(await admin.heading.innerText()).toBe('Single sign-on');
    expect(await page.locator('main').innerText()).toContain(`${e2e.server.baseURL}/sign-in/sso/callback`);
    await e2e.check(page, 'sso-admin');

    await page.locator('#issuerUrl').fill('not an address');
    await page.locator('#clientSecretEnv').fill('SESSION_SECRET');
    await admin.navigateBy(page.getByRole('button', { name: 'Save single sign-on settings' }));
    expect(await admin.title()).toMatch(/^Error: Single sign-on/);
    const errors = await admin.errors();
    expect(errors.map((e) => e.href)).toEqual(['#issuerUrl', '#clientId', '#clientSecretEnv']);
    await e2e.check(page, 'sso-admin-error');

    await page.locator('#issuerUrl').fill(op.issuer);
    await page.locator('#clientId').fill(op.clientId);
    await page.locator('#clientSecretEnv').fill('');
    await page.getByLabel('By e-mail address').check();
    await admin.navigateBy(page.getByRole('button', { name: 'Save single sign-on settings' }));
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('The single sign-on settings are saved.');
    await e2e.check(page, 'sso-admin-saved');
  });

  describe.each(MODES)('$mode', ({ javaScript }) => {
    it('a practitioner clicks through the provider’s login and consent pages and lands signed in', async () => {
      const page = await e2e.open({ javaScript });
      await offline(page);
      const signIn = await new SignInPage(page).open();
      const button = page.getByRole('button', { name: `Sign in with single sign-on for ${e2e.server.partnershipName}` });
      expect(await button.count()).toBe(1);
      await e2e.check(page, 'sign-in-with-sso');

      // The provider's login page
      await signIn.navigateBy(button);
      expect(new URL(page.url()).origin).toBe(op.issuer);
      await page.locator('input[name="login"]').fill('entra-worker');
      await page.locator('input[name="password"]').fill('any password at all');
      await signIn.navigateBy(page.getByRole('button', { name: 'Sign-in' }));
      // Its consent page
      expect(new URL(page.url()).origin).toBe(op.issuer);
      expect(await page.locator('body').innerText()).toMatch(/Authorize|consent|access/i);
      await Promise.all([page.waitForURL(`${e2e.server.baseURL}/`), page.getByRole('button', { name: 'Continue' }).click()]);

      // Back at Assure, signed in as the matched user
      const home = new HomePage(page);
      expect(await home.heading.innerText()).toBe('Welcome, worker person 901');
      expect((await home.headerName.innerText()).trim()).toBe(e2e.server.partnershipName);
      await e2e.check(page, 'home-after-sso');
      await home.signOut();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    });
  });

  it('someone the provider knows but Assure does not sees a clear page, checked for accessibility', async () => {
    const page = await e2e.open();
    await offline(page);
    const signIn = await new SignInPage(page).open();
    await signIn.navigateBy(page.getByRole('button', { name: /^Sign in with single sign-on/ }));
    await page.locator('input[name="login"]').fill('entra-stranger');
    await page.locator('input[name="password"]').fill('any');
    await signIn.navigateBy(page.getByRole('button', { name: 'Sign-in' }));
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${e2e.server.baseURL}/sign-in/sso/callback`)), page.getByRole('button', { name: 'Continue' }).click()]);
    expect(response.status()).toBe(403);
    await page.waitForLoadState('load');
    const p = new BasePage(page);
    expect(await p.heading.innerText()).toBe('There is no Assure account for you');
    await e2e.check(page, 'sso-unknown-user');
    // Not signed in
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});
