import type { Locator } from 'playwright-core';
import { BasePage } from './base.js';

/** /admin: areas, agencies and teams. */
export class AdminPage extends BasePage {
  async open(): Promise<this> {
    await this.goto('/admin');
    return this;
  }

  get areaList(): Locator {
    return this.page.locator('#areas + ul');
  }
  get agencyTable(): Locator {
    return this.page.locator('table', { has: this.page.locator('caption', { hasText: 'Agencies' }) });
  }
  get teamTable(): Locator {
    return this.page.locator('table', { has: this.page.locator('caption', { hasText: 'Teams' }) });
  }

  async addArea(name: string): Promise<void> {
    await this.page.locator('#area-name').fill(name);
    await this.navigateBy(this.page.getByRole('button', { name: 'Add area' }));
  }

  /** Adds an agency; with no type the form is sent with "Choose a type". */
  async addAgency(name: string, typeLabel?: string): Promise<void> {
    await this.page.locator('#agency-name').fill(name);
    await this.page.locator('#agency-type').selectOption(typeLabel ? { label: typeLabel } : { value: '' });
    await this.navigateBy(this.page.getByRole('button', { name: 'Add agency' }));
  }

  async chooseAgencyType(typeLabel: string): Promise<void> {
    await this.page.locator('#agency-type').selectOption({ label: typeLabel });
  }

  async submitAgency(): Promise<void> {
    await this.navigateBy(this.page.getByRole('button', { name: 'Add agency' }));
  }

  async addTeam(name: string, agencyName: string, areaName?: string): Promise<void> {
    await this.page.locator('#team-name').fill(name);
    await this.page.locator('#agencyId').selectOption({ label: agencyName });
    await this.page.locator('#areaId').selectOption({ label: areaName ?? 'All areas' });
    await this.navigateBy(this.page.getByRole('button', { name: 'Add team' }));
  }

  async openUsers(): Promise<void> {
    await this.navigateBy(this.page.getByRole('link', { name: 'Manage users' }));
  }
}
