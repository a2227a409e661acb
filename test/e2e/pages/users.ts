import type { Locator } from 'playwright-core';
import { BasePage } from './base.js';

/** /admin/users: the list and its search. */
export class UsersPage extends BasePage {
  async open(): Promise<this> {
    await this.goto('/admin/users');
    return this;
  }

  get table(): Locator {
    return this.page.locator('main table');
  }
  get caption(): Locator {
    return this.table.locator('caption');
  }

  async search(q: string): Promise<void> {
    await this.page.locator('#q').fill(q);
    await this.navigateBy(this.page.getByRole('button', { name: 'Search' }));
  }

  /** The names in the table, in order. */
  async names(): Promise<string[]> {
    return (await this.table.locator('tbody tr td:first-child a').allInnerTexts()).map((s) => s.trim());
  }

  async openUser(name: string): Promise<void> {
    await this.navigateBy(this.table.getByRole('link', { name, exact: true }));
  }

  async addUser(): Promise<void> {
    await this.navigateBy(this.page.getByRole('button', { name: 'Add a user' }));
  }
}

export interface UserDetails {
  name?: string;
  email?: string;
  role?: string;
  agency?: string;
  team?: string;
  password?: string;
  disabled?: boolean;
}

/** /admin/users/new and /admin/users/:id/edit */
export class UserFormPage extends BasePage {
  async fill(d: UserDetails): Promise<void> {
    if (d.name !== undefined) await this.page.locator('#name').fill(d.name);
    if (d.email !== undefined) await this.page.locator('#email').fill(d.email);
    if (d.role !== undefined) await this.page.getByRole('radio', { name: d.role, exact: true }).check();
    if (d.agency !== undefined) await this.page.locator('#agencyId').selectOption({ label: d.agency });
    if (d.team !== undefined) await this.page.locator('#teamId').selectOption({ label: d.team });
    if (d.password !== undefined) await this.page.locator('#password').fill(d.password);
    if (d.disabled !== undefined) await this.page.getByRole('checkbox', { name: /Disable this account/ }).setChecked(d.disabled);
  }

  async save(): Promise<void> {
    await this.navigateBy(this.page.getByRole('button', { name: 'Save' }));
  }
}

/** /admin/users/:id */
export class UserPage extends BasePage {
  value(key: string): Locator {
    return this.page.locator('.govuk-summary-list__row', { has: this.page.locator('.govuk-summary-list__key', { hasText: key }) }).locator('.govuk-summary-list__value');
  }

  async edit(): Promise<void> {
    await this.navigateBy(this.page.getByRole('link', { name: /^Edit / }));
  }
}
