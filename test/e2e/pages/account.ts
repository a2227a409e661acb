import type { Locator } from 'playwright-core';
import { BasePage } from './base.js';

/** /account and its sub-pages: password, two-step verification, API tokens. */
export class AccountPage extends BasePage {
  async open(): Promise<this> {
    await this.goto('/account');
    return this;
  }

  value(key: string): Locator {
    return this.page.locator('.govuk-summary-list__row', { has: this.page.locator('.govuk-summary-list__key', { hasText: key }) }).locator('.govuk-summary-list__value');
  }

  get tokenTable(): Locator {
    return this.page.locator('table', { has: this.page.locator('caption', { hasText: 'Your tokens' }) });
  }

  async openChangePassword(): Promise<void> {
    await this.navigateBy(this.page.getByRole('link', { name: 'Change password' }));
  }

  async openTwoFactor(): Promise<void> {
    await this.navigateBy(this.page.getByRole('link', { name: /^(Set up|Manage) two-step verification$/ }));
  }

  /** Creates a token and returns the secret shown (once) on the next page. */
  async createToken(name: string, days?: number): Promise<string> {
    await this.page.locator('#name').fill(name);
    if (days !== undefined) await this.page.locator('#days').fill(String(days));
    await this.navigateBy(this.page.getByRole('button', { name: 'Create token' }));
    return (await this.page.locator('#token').innerText()).trim();
  }

  async revokeToken(name: string): Promise<void> {
    await this.navigateBy(this.tokenTable.getByRole('button', { name: `Revoke ${name}` }));
  }

  /** The status column of a token's row. */
  async tokenStatus(name: string): Promise<string | undefined> {
    const rows = await this.tableRows(this.tokenTable);
    return rows.find((r) => r[0] === name)?.[3];
  }
}

export class PasswordPage extends BasePage {
  async change(current: string, next: string, confirm = next): Promise<void> {
    await this.page.locator('#currentPassword').fill(current);
    await this.page.locator('#newPassword').fill(next);
    await this.page.locator('#confirmPassword').fill(confirm);
    await this.navigateBy(this.page.getByRole('button', { name: 'Change password' }));
  }
}

export class TwoFactorPage extends BasePage {
  async secret(): Promise<string> {
    return (await this.page.locator('#totp-secret').innerText()).trim();
  }
  get qrCode(): Locator {
    return this.page.locator('figure.app-qr svg');
  }
  async confirm(code: string): Promise<void> {
    await this.page.locator('#code').fill(code);
    await this.navigateBy(this.page.getByRole('button', { name: 'Turn on two-step verification' }));
  }
}
