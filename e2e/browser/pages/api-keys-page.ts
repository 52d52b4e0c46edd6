// API keys: the user's own keys (create with limits; the full key shown once in a read-only copy
// field) and, for admins, every user's keys.
import { expect, type Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

export class ApiKeysPage extends BasePage {
  readonly path = '/api-keys';
  readonly id = 'api-keys';

  get myKeysTable(): Locator {
    return this.page.getByTestId('my-keys-table');
  }

  /** The row of one of the user's keys, found by name. */
  row(name: string): Locator {
    return this.myKeysTable.locator('tr[data-testid^="row-"]').filter({ hasText: name });
  }

  get newKeyDialog(): Locator {
    return this.page.getByTestId('new-api-key-dialog');
  }

  /**
   * Creates a key through the form and returns the full key read from the copy field of the
   * "shown once" dialog (the dialog is left open so the caller can look at it).
   */
  async createKey(name: string, limits: { rpm?: string; dailyCostLimit?: string } = {}): Promise<string> {
    await this.page.getByTestId('api-key-create').click();
    const form = this.page.getByTestId('api-key-form');
    await expect(form).toBeVisible();
    await form.getByTestId('api-key-name').fill(name);
    if (limits.rpm) await form.getByTestId('api-key-rpm').fill(limits.rpm);
    if (limits.dailyCostLimit) await form.getByTestId('api-key-daily-limit').fill(limits.dailyCostLimit);
    await form.getByTestId('api-key-save').click();
    await expect(this.newKeyDialog).toBeVisible();
    const field = this.newKeyDialog.getByTestId('new-api-key');
    await expect(field).toHaveValue(/\S{20,}/);
    return field.inputValue();
  }

  get allKeysTable(): Locator {
    return this.page.getByTestId('all-keys-table');
  }

  /** Admins: the All keys tab. */
  async openAllKeys(): Promise<void> {
    await this.page.goto('/#/api-keys?tab=all');
    await expect(this.allKeysTable).toBeVisible();
  }

  /** A row of the All keys tab, found by key name. */
  allKeysRow(name: string): Locator {
    return this.allKeysTable.locator('tr[data-testid^="row-"]').filter({ hasText: name });
  }

  /** Admins, on the All keys tab: binds a key to an account group through the key editor. */
  async bindKeyToGroup(keyName: string, groupName: string): Promise<void> {
    await this.allKeysRow(keyName).locator('[data-testid^="edit-key-"]').click();
    const form = this.page.getByTestId('api-key-form');
    await expect(form).toBeVisible();
    await form.getByTestId('api-key-binding-kind').selectOption('group');
    await form.getByTestId('api-key-binding-group').selectOption({ label: groupName });
    await form.getByTestId('api-key-save').click();
    await expect(form).toBeHidden();
  }

  /** Closes the "shown once" dialog. */
  async closeNewKeyDialog(): Promise<void> {
    await this.newKeyDialog.getByTestId('new-api-key-done').click();
    await expect(this.newKeyDialog).toBeHidden();
  }
}
