// Settings: change password and personal access tokens.
import { expect, type Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

export class SettingsPage extends BasePage {
  readonly path = '/settings';
  readonly id = 'settings';

  get tokensTable(): Locator {
    return this.page.getByTestId('tokens-table');
  }

  /** The row of one access token, by its id. */
  tokenRow(id: string): Locator {
    return this.tokensTable.getByTestId(`row-${id}`);
  }

  /** The "last used" cell of a token ("—" when never used). */
  lastUsed(id: string): Locator {
    return this.page.getByTestId(`token-last-used-${id}`);
  }

  /** Revokes a token with its row's button and waits for the row to show it revoked. */
  async revoke(id: string): Promise<void> {
    await this.page.getByTestId(`revoke-token-${id}`).click();
    await expect(this.tokenRow(id)).toContainText('Revoked');
    await expect(this.page.getByTestId(`revoke-token-${id}`)).toHaveCount(0);
  }
}
