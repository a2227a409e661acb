import type { Locator } from 'playwright-core';
import { BasePage } from './base.js';

export class SignInPage extends BasePage {
  get email(): Locator {
    return this.page.locator('#email');
  }
  get password(): Locator {
    return this.page.locator('#password');
  }
  get submit(): Locator {
    return this.page.getByRole('button', { name: 'Sign in', exact: true });
  }

  async open(): Promise<this> {
    await this.goto('/sign-in');
    return this;
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.navigateBy(this.submit);
  }
}
