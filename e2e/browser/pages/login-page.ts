// The sign-in screen.
import { expect, type Locator, type Page } from '@playwright/test';
import type { Credentials } from '../../fixtures/platform.ts';

export class LoginPage {
  readonly form: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly error: Locator;

  constructor(readonly page: Page) {
    this.form = page.getByTestId('login-form');
    this.username = page.getByTestId('login-username');
    this.password = page.getByTestId('login-password');
    this.submit = page.getByTestId('login-submit');
    this.error = page.getByTestId('login-error');
  }

  /** Opens the app signed out (a stored session is dropped) and waits for the form. */
  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page.evaluate(() => localStorage.clear());
    await this.page.reload();
    await expect(this.form).toBeVisible();
  }

  /** Fills and submits the form without waiting for the outcome. */
  async submitCredentials(credentials: Credentials): Promise<void> {
    await this.username.fill(credentials.username);
    await this.password.fill(credentials.password);
    await this.submit.click();
  }

  /** Signs in and waits for the dashboard shell to show the user's name. */
  async login(credentials: Credentials): Promise<void> {
    await this.open();
    await this.submitCredentials(credentials);
    await expect(this.page.getByTestId('current-user')).toHaveText(credentials.username);
  }
}
