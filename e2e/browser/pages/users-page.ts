// Users (admin): list with search, checkbox multi-select, "Set price rate" for the selection.
import { expect, type Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

export class UsersPage extends BasePage {
  readonly path = '/users';
  readonly id = 'users';

  get table(): Locator {
    return this.page.getByTestId('users-table');
  }

  row(userId: string): Locator {
    return this.table.getByTestId(`row-${userId}`);
  }

  /** The price-rate cell of a user (text like "×1.25"). */
  rateCell(userId: string): Locator {
    return this.page.getByTestId(`user-rate-${userId}`);
  }

  /** Narrows the list by a username substring and waits for the row of `expectId` to show. */
  async search(text: string, expectId?: string): Promise<void> {
    await this.page.getByTestId('users-search').fill(text);
    if (expectId) await expect(this.row(expectId)).toBeVisible();
  }

  async select(userId: string): Promise<void> {
    await this.page.getByTestId(`user-select-${userId}`).check();
  }

  get selectionBar(): Locator {
    return this.page.getByTestId('users-selection-bar');
  }

  /** Opens "Set price rate" for the selected users, enters the rate and applies it. */
  async setRateForSelection(rate: string): Promise<void> {
    await this.page.getByTestId('users-set-rate').click();
    const dialog = this.page.getByTestId('price-rate-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('price-rate-input').fill(rate);
    await dialog.getByTestId('price-rate-save').click();
    await expect(dialog).toBeHidden();
  }

  /** Opens a user's editor, picks their default account group (by name) and saves. */
  async setDefaultGroup(userId: string, groupName: string): Promise<void> {
    await this.page.getByTestId(`user-edit-${userId}`).click();
    const form = this.page.getByTestId('user-form');
    await expect(form).toBeVisible();
    await form.getByTestId('user-account-group').selectOption({ label: groupName });
    await form.getByTestId('user-save').click();
    await expect(form).toBeHidden();
  }
}
