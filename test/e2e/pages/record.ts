/**
 * What the pages of a child's record share: GOV.UK date inputs, radios and checkboxes found by
 * their labels (within a fieldset when several groups offer the same choices), summary lists,
 * buttons and links that lead to the next page. Locators only, so JavaScript may be off.
 */
import type { Locator } from 'playwright-core';
import { BasePage } from './base.js';

/** A scope for radios and checkboxes: the whole page, or the fieldset with this legend. */
export type Within = string | RegExp | undefined;

export class RecordPage extends BasePage {
  /** The path of the current address, without query or fragment. */
  get path(): string {
    return new URL(this.page.url()).pathname;
  }

  get main(): Locator {
    return this.page.getByRole('main');
  }

  /** The green "success" banner. */
  get flash(): Locator {
    return this.page.locator('.govuk-notification-banner--success');
  }

  /** Types an ISO date (YYYY-MM-DD) into the three boxes of the GOV.UK date input named `name`. */
  async fillDate(name: string, iso: string): Promise<void> {
    const [year, month, day] = iso.split('-');
    await this.page.locator(`input[name="${name}-day"]`).fill(String(Number(day)));
    await this.page.locator(`input[name="${name}-month"]`).fill(String(Number(month)));
    await this.page.locator(`input[name="${name}-year"]`).fill(year!);
  }

  /** The date a GOV.UK date input holds, as YYYY-MM-DD. */
  async dateValue(name: string): Promise<string> {
    const part = (p: string) => this.page.locator(`input[name="${name}-${p}"]`).inputValue();
    const [d, m, y] = await Promise.all([part('day'), part('month'), part('year')]);
    return `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  }

  private scope(within: Within): Locator {
    return within === undefined ? this.main : this.main.getByRole('group', { name: within, exact: typeof within === 'string' });
  }

  async chooseRadio(label: string | RegExp, within?: Within): Promise<void> {
    await this.scope(within).getByRole('radio', { name: label, exact: typeof label === 'string' }).check();
  }

  radio(label: string | RegExp, within?: Within): Locator {
    return this.scope(within).getByRole('radio', { name: label, exact: typeof label === 'string' });
  }

  async tick(label: string | RegExp, within?: Within): Promise<void> {
    await this.scope(within).getByRole('checkbox', { name: label, exact: typeof label === 'string' }).check();
  }

  async select(id: string, label: string): Promise<void> {
    await this.page.locator(`[id="${id}"]`).selectOption({ label });
  }

  async fill(id: string, text: string): Promise<void> {
    await this.page.locator(`[id="${id}"]`).fill(text);
  }

  button(name: string | RegExp): Locator {
    return this.main.getByRole('button', { name, exact: typeof name === 'string' });
  }

  /** A link in the main content, including a link styled as a button (role="button"). */
  link(name: string | RegExp): Locator {
    const exact = typeof name === 'string';
    return this.main.getByRole('link', { name, exact }).or(this.main.locator('a').and(this.main.getByRole('button', { name, exact })));
  }

  /** Presses a button and waits for the page it leads to. */
  async press(name: string | RegExp): Promise<void> {
    await this.navigateBy(this.button(name));
  }

  /** Follows a link (or a button-styled link) in the main content. */
  async follow(name: string | RegExp): Promise<void> {
    await this.navigateBy(this.link(name));
  }

  /** Follows an item of the main menu in the header. */
  async menu(name: string): Promise<void> {
    await this.navigateBy(this.mainMenu.getByRole('link', { name, exact: true }));
  }

  /** The value of a summary list row, by its key. */
  summaryValue(key: string, within: Locator = this.main): Locator {
    return within
      .locator('.govuk-summary-list__row', { has: this.page.locator('.govuk-summary-list__key', { hasText: new RegExp(`^\\s*${escapeRegExp(key)}\\s*$`) }) })
      .locator('.govuk-summary-list__value');
  }

  async summaryText(key: string, within?: Locator): Promise<string> {
    return (await this.summaryValue(key, within).innerText()).replace(/\s+/g, ' ').trim();
  }

  /** The table whose caption (visible or not) says this. */
  table(caption: string | RegExp): Locator {
    return this.main.locator('table', { has: this.page.locator('caption', { hasText: caption }) });
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
