/**
 * What every page of the service has: the header with the partnership's name, the main
 * menu, the GOV.UK error summary, the footer. Methods use locators only (never page.evaluate),
 * so they work with JavaScript off too.
 */
import type { Locator, Page, Response } from 'playwright-core';

export class BasePage {
  constructor(readonly page: Page) {}

  /** The partnership (or "Assure", signed out) in the generic header. */
  get headerName(): Locator {
    return this.page.locator('.govuk-generic-header__homepage-link');
  }
  get heading(): Locator {
    return this.page.locator('main h1').first();
  }
  get mainMenu(): Locator {
    return this.page.getByRole('navigation', { name: 'Main menu' });
  }
  get errorSummary(): Locator {
    return this.page.locator('.govuk-error-summary');
  }
  get errorLinks(): Locator {
    return this.errorSummary.locator('.govuk-error-summary__list a');
  }
  get footer(): Locator {
    return this.page.getByRole('contentinfo');
  }

  title(): Promise<string> {
    return this.page.title();
  }

  async goto(path: string): Promise<Response | null> {
    return this.page.goto(path, { waitUntil: 'load' });
  }

  /** Clicks something that submits a form or follows a link, and waits for the next page. */
  async navigateBy(target: Locator): Promise<void> {
    await Promise.all([this.page.waitForEvent('load'), target.click()]);
  }

  /** The error messages of the summary, with the field each links to. */
  async errors(): Promise<{ text: string; href: string | null }[]> {
    const out: { text: string; href: string | null }[] = [];
    for (const link of await this.errorLinks.all()) out.push({ text: (await link.innerText()).trim(), href: await link.getAttribute('href') });
    return out;
  }

  async signOut(): Promise<void> {
    await this.navigateBy(this.page.getByRole('button', { name: 'Sign out' }));
  }

  /** The text of a table's cells (visually hidden text included, spaces collapsed), a row at a time. */
  async tableRows(table: Locator): Promise<string[][]> {
    const rows: string[][] = [];
    for (const row of await table.locator('tbody tr').all()) rows.push((await row.locator('th, td').allInnerTexts()).map((s) => s.replace(/\s+/g, ' ').trim()));
    return rows;
  }
}
