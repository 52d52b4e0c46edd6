// Usage: summary cards, date range, daily / by-model / records tables.
import type { Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

export class UsagePage extends BasePage {
  readonly path = '/usage';
  readonly id = 'usage';

  /** The value of a summary card: 'requests' | 'tokens' | 'today-cost' | 'total-cost'. */
  stat(name: 'requests' | 'tokens' | 'today-cost' | 'total-cost'): Locator {
    return this.page.getByTestId(`stat-${name}`).locator('.stat-value');
  }

  /** Switches the table below the charts: 'daily' | 'models' | 'records'. */
  async showTab(tab: 'daily' | 'models' | 'records'): Promise<void> {
    await this.page.getByTestId(`tab-${tab}`).click();
  }

  get recordsTable(): Locator {
    return this.page.getByTestId('records-table');
  }

  get modelTable(): Locator {
    return this.page.getByTestId('model-table');
  }
}
