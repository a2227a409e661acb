/**
 * Signing in and out, the accessibility statement, and a phone-sized screen: in a real
 * browser, with and without JavaScript, every page checked with axe.
 */
import { describe, expect, it } from 'vitest';
import { HomePage } from './pages/home.js';
import { SignInPage } from './pages/sign-in.js';
import { describeInBrowser, MODES, PHONE, useE2E } from './support/suite.js';
import { PASSWORD } from './support/server.js';

describeInBrowser('signing in and out', () => {
  const e2e = useE2E();

  describe.each(MODES)('$mode', ({ javaScript }) => {
    it('shows the sign-in page, refuses a wrong password with the error summary, signs in to home and out again', async () => {
      const { fixture, partnershipName } = e2e.server;
      const page = await e2e.open({ javaScript });
      const signIn = await new SignInPage(page).open();
      expect(await signIn.title()).toBe('Sign in – Assure');
      expect((await signIn.headerName.innerText()).trim()).toBe('Assure');
      expect(await signIn.heading.innerText()).toBe('Sign in to Assure');
      expect(await page.locator('.govuk-header__logotype, .govuk-logo, svg.govuk-header__logotype').count()).toBe(0); // no crown
      await e2e.check(page, 'sign-in');

      // Wrong password: 400, "Error: " in the title, the summary links to the fields
      const user = javaScript ? fixture.users.auditor! : fixture.users.chair!;
      await signIn.email.fill(user.email);
      await signIn.password.fill('not the password at all');
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/sign-in') && r.request().method() === 'POST'), signIn.navigateBy(signIn.submit)]);
      expect(response.status()).toBe(400);
      expect(await signIn.title()).toBe('Error: Sign in – Assure');
      expect(await signIn.errorSummary.getByRole('heading').innerText()).toBe('There is a problem');
      expect(await signIn.errors()).toEqual([
        { text: 'Enter a correct e-mail address and password', href: '#email' },
        { text: 'The e-mail address or password is not right', href: '#password' },
      ]);
      expect(await signIn.email.inputValue()).toBe(user.email);
      expect(await signIn.password.inputValue()).toBe('');
      expect(await signIn.email.getAttribute('class')).toContain('govuk-input--error');
      const describedBy = (await signIn.email.getAttribute('aria-describedby')) ?? '';
      expect(await page.locator(`[id="${describedBy.split(' ').find((id) => id.endsWith('-error'))}"]`).innerText()).toContain('Enter a correct e-mail address and password');
      await e2e.check(page, 'sign-in-error');

      if (javaScript) {
        // govuk-frontend moves focus to the summary, and its links focus the field itself
        expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
        await signIn.errorLinks.first().click();
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
      } else {
        await signIn.errorLinks.first().click();
        expect(new URL(page.url()).hash).toBe('#email');
      }

      // The right password: home
      await signIn.password.fill(PASSWORD);
      await signIn.navigateBy(signIn.submit);
      expect(new URL(page.url()).pathname).toBe('/');
      const home = new HomePage(page);
      expect(await home.title()).toBe(`Home – ${partnershipName} – Assure`);
      expect((await home.headerName.innerText()).trim()).toBe(partnershipName);
      expect(await home.heading.innerText()).toMatch(/^Welcome, (auditor|chair) person 901$/);
      const menu = await home.mainMenu.getByRole('link').allInnerTexts();
      expect(menu).toEqual(expect.arrayContaining(['Home', 'Your account']));
      expect(menu).not.toContain('Partnership admin');
      expect(await home.mainMenu.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
      await e2e.check(page, 'home');

      // Sign out: back to sign-in, and home is closed again
      await home.signOut();
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await signIn.heading.innerText()).toBe('Sign in to Assure');
      await page.goto('/');
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    });

    it('sends someone signed out to sign in, then on to the page they asked for', async () => {
      const page = await e2e.open({ javaScript });
      await page.goto('/account');
      expect(page.url()).toBe(`${e2e.server.baseURL}/sign-in?next=%2Faccount`);
      await new SignInPage(page).signIn(e2e.server.fixture.users.manager!.email, PASSWORD);
      expect(new URL(page.url()).pathname).toBe('/account');
    });

    it('links to the accessibility statement from the footer, signed out and signed in', async () => {
      const page = await e2e.open({ javaScript });
      const signIn = await new SignInPage(page).open();
      await signIn.navigateBy(signIn.footer.getByRole('link', { name: 'Accessibility statement' }));
      expect(new URL(page.url()).pathname).toBe('/accessibility');
      expect(await signIn.heading.innerText()).toBe('Accessibility statement for Assure');
      expect(await signIn.title()).toBe('Accessibility statement – Assure');
      await e2e.check(page, 'accessibility');

      const signedIn = await e2e.signedIn('qa', { javaScript });
      const home = new HomePage(signedIn);
      await home.navigateBy(home.footer.getByRole('link', { name: 'Accessibility statement' }));
      expect(await home.title()).toBe(`Accessibility statement – ${e2e.server.partnershipName} – Assure`);
      expect(await signedIn.locator('main').innerText()).toContain(`used by ${e2e.server.partnershipName}`);
      await e2e.check(signedIn, 'accessibility-signed-in');
    });
  });

  it('works on a phone-sized screen (375×667): sign-in and home', async () => {
    const page = await e2e.open({ viewport: PHONE });
    const signIn = await new SignInPage(page).open();
    await e2e.check(page, 'sign-in');
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).toBe(0);
    // Not GOV.UK: Arial, not the GOV.UK font
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('main h1')!).fontFamily)).toMatch(/^arial, sans-serif$/i);
    await signIn.signIn(e2e.server.fixture.users.worker!.email, PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/');
    await e2e.check(page, 'home');
    expect(await overflow()).toBe(0);
    // On a narrow screen govuk-frontend folds the menu behind a button
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await menu.isVisible()).toBe(true);
    await menu.click();
    expect(await new HomePage(page).mainMenu.getByRole('link', { name: 'Your account' }).isVisible()).toBe(true);
    await e2e.check(page, 'home-menu-open');
  });
});
