/**
 * Your account: the password (a weak one refused), two-step verification (set up, then
 * asked for at sign-in), and API tokens (shown once, then revoked): in a real browser, with
 * and without JavaScript, every page checked with axe.
 */
import * as OTPAuth from 'otpauth';
import { describe, expect, it } from 'vitest';
import { AccountPage, PasswordPage, TwoFactorPage } from './pages/account.js';
import { HomePage } from './pages/home.js';
import { SignInPage } from './pages/sign-in.js';
import { describeInBrowser, MODES, useE2E } from './support/suite.js';
import { PASSWORD } from './support/server.js';

describeInBrowser('your account', () => {
  const e2e = useE2E();

  /** The code an authenticator app would show now, by the app's (fixed) clock. */
  function codeFor(secret: string): string {
    const totp = new OTPAuth.TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
    return totp.generate({ timestamp: e2e.server.t.clock.now().getTime() });
  }

  async function callApi(token: string): Promise<number> {
    const res = await fetch(`${e2e.server.baseURL}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    return res.status;
  }

  describe.each(MODES)('$mode', ({ javaScript, suffix }) => {
    it('refuses a weak new password with a message, then changes it', async () => {
      const key = javaScript ? 'qa' : 'auditor';
      const user = e2e.server.fixture.users[key]!;
      const page = await e2e.signedIn(key, { javaScript });
      const account = new AccountPage(page);
      await account.navigateBy(account.mainMenu.getByRole('link', { name: 'Your account' }));
      expect(new URL(page.url()).pathname).toBe('/account');
      expect(await account.heading.innerText()).toBe('Your account');
      expect(await account.value('E-mail address').innerText()).toBe(user.email);
      expect(await account.value('Two-step verification').innerText()).toBe('Off');
      await e2e.check(page, 'account');

      await account.openChangePassword();
      expect(new URL(page.url()).pathname).toBe('/account/password');
      const password = new PasswordPage(page);
      expect(await password.heading.innerText()).toBe('Change your password');
      await e2e.check(page, 'password');

      await password.change(PASSWORD, 'password1234');
      expect(await password.title()).toMatch(/^Error: Change your password – /);
      const errors = await password.errors();
      expect(errors).toHaveLength(1);
      expect(errors[0]!.href).toBe('#newPassword');
      expect(errors[0]!.text).toMatch(/too common/i);
      expect(await page.locator('#newPassword-error').innerText()).toMatch(/too common/i);
      await e2e.check(page, 'password-error');

      const next = `violet tandem orchard ${suffix} 42`;
      await password.change(PASSWORD, next);
      expect(new URL(page.url()).pathname).toBe('/account');
      expect(await password.errorSummary.count()).toBe(0);

      // The new password works, the old one does not
      await account.signOut();
      const signIn = new SignInPage(page);
      await signIn.signIn(user.email, PASSWORD);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      await signIn.signIn(user.email, next);
      expect(new URL(page.url()).pathname).toBe('/');
    });

    it('creates an API token, shows it once, and revokes it', async () => {
      const page = await e2e.signedIn(javaScript ? 'manager' : 'chair', { javaScript });
      const account = await new AccountPage(page).open();
      expect(await account.tokenTable.count()).toBe(0);

      // A missing name is refused on the account page itself
      await page.locator('#name').fill('');
      await account.navigateBy(page.getByRole('button', { name: 'Create token' }));
      expect(await account.errors()).toEqual([{ text: 'Enter a name for the token, like "Reporting script"', href: '#name' }]);
      await e2e.check(page, 'account-token-error');

      const name = `Monthly report script ${suffix}`;
      const token = await account.createToken(name, 30);
      expect(token.length).toBeGreaterThanOrEqual(20);
      expect(await page.getByRole('heading', { name: 'Token created' }).count()).toBe(1);
      expect(await page.locator('.govuk-warning-text').innerText()).toContain('It will not be shown again');
      await e2e.check(page, 'token-created');
      expect(await callApi(token)).toBe(200);

      await account.navigateBy(page.getByRole('link', { name: 'Back to your account' }));
      expect(await account.tokenStatus(name)).toBe('Active');
      expect(await page.content()).not.toContain(token);
      await e2e.check(page, 'account-with-token');

      await account.revokeToken(name);
      expect(new URL(page.url()).pathname).toBe('/account');
      expect(await account.tokenStatus(name)).toBe('Revoked');
      expect(await account.tokenTable.getByRole('button', { name: `Revoke ${name}` }).count()).toBe(0);
      expect(await callApi(token)).toBe(401);
    });

    it('sets up two-step verification, which sign-in then asks for', async () => {
      const key = javaScript ? 'health' : 'worker';
      const user = e2e.server.fixture.users[key]!;
      const page = await e2e.signedIn(key, { javaScript });
      const account = await new AccountPage(page).open();
      await account.openTwoFactor();
      expect(new URL(page.url()).pathname).toBe('/account/two-factor');
      const setup = new TwoFactorPage(page);
      expect(await setup.heading.innerText()).toBe('Set up two-step verification');
      expect(await setup.qrCode.isVisible()).toBe(true);
      const secret = await setup.secret();
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await e2e.check(page, 'two-factor');

      await setup.confirm('000000' === codeFor(secret) ? '111111' : '000000');
      expect(await setup.title()).toMatch(/^Error: Set up two-step verification – /);
      expect((await setup.errors())[0]?.href).toBe('#code');
      expect(await setup.secret()).toBe(secret); // the same key, not a new one
      await e2e.check(page, 'two-factor-error');

      await setup.confirm(codeFor(secret));
      expect(new URL(page.url()).pathname).toBe('/account');
      expect(await account.value('Two-step verification').innerText()).toBe('On');

      await account.openTwoFactor();
      expect(await setup.heading.innerText()).toBe('Two-step verification is on');
      await e2e.check(page, 'two-factor-on');

      // Signing in now needs the code
      await setup.signOut();
      const signIn = new SignInPage(page);
      await signIn.signIn(user.email, PASSWORD);
      expect(new URL(page.url()).pathname).toBe('/sign-in/code');
      expect(await signIn.heading.innerText()).toBe('Enter the code from your authenticator app');
      expect(await page.getByRole('navigation', { name: 'Main menu' }).count()).toBe(0);
      await e2e.check(page, 'sign-in-code');
      await page.locator('#code').fill('12');
      await signIn.navigateBy(page.getByRole('button', { name: 'Continue' }));
      expect(await signIn.errors()).toEqual([{ text: 'The code is not right: enter the 6-digit code your authenticator app shows now', href: '#code' }]);
      expect(await signIn.title()).toMatch(/^Error: Enter the code from your authenticator app – /);
      await e2e.check(page, 'sign-in-code-error');
      // The code that confirmed set-up is spent: a code is accepted once. The app's next one works.
      e2e.server.t.clock.advance(30_000);
      await page.locator('#code').fill(codeFor(secret));
      await signIn.navigateBy(page.getByRole('button', { name: 'Continue' }));
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await new HomePage(page).heading.innerText()).toBe(`Welcome, ${key} person 901`);
    });
  });
});
