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

  /**
   * Clicks "Export CSV" (the shown tab's data over the chosen range) and returns the downloaded
   * file's name and its data lines (the header line excluded).
   */
  async exportCsv(): Promise<{ filename: string; header: string[]; rows: string[] }> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('usage-export-csv').click();
    const file = await download;
    const stream = await file.createReadStream();
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    const [header, ...rows] = text.split('\r\n').filter((l) => l !== '');
    return { filename: file.suggestedFilename(), header: header.split(','), rows };
  }

  get recordsTable(): Locator {
    return this.page.getByTestId('records-table');
  }

  get modelTable(): Locator {
    return this.page.getByTestId('model-table');
  }
}
