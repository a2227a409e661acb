import type { Locator } from 'playwright-core';
import { BasePage } from './base.js';

export class HomePage extends BasePage {
  async open(): Promise<this> {
    await this.goto('/');
    return this;
  }

  /** A value of the summary list ("Role", "Agency", "Team"). */
  summaryValue(key: string): Locator {
    return this.page.locator('.govuk-summary-list__row', { has: this.page.locator('.govuk-summary-list__key', { hasText: key }) }).locator('.govuk-summary-list__value');
  }
}
