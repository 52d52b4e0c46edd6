// Model prices (admin): an editable table of USD per million tokens, each row marked Catalog or
// Manual, with "Sync catalog" and the default price ("*") set and cleared from the header.
import { expect, type Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

export class PricingPage extends BasePage {
  readonly path = '/pricing';
  readonly id = 'pricing';

  get table(): Locator {
    return this.page.getByTestId('prices-table');
  }

  /** The row of a price by its id. */
  row(priceId: string): Locator {
    return this.table.getByTestId(`row-${priceId}`);
  }

  /** The Source cell of a price ("Catalog" or "Manual"). */
  sourceCell(priceId: string): Locator {
    return this.page.getByTestId(`price-source-${priceId}`);
  }

  /** A price cell of a row, e.g. `priceCell(id, 'input')`. */
  priceCell(priceId: string, field: 'input' | 'output' | 'cacheWrite' | 'cacheRead'): Locator {
    return this.page.getByTestId(`price-${field}-${priceId}`);
  }

  /** The column headers as shown. */
  get headers(): Locator {
    return this.table.locator('thead th');
  }

  /** The last toast shown. */
  get toast(): Locator {
    return this.page.getByTestId('toast').last();
  }

  /** Narrows the table to models containing `text`. */
  async filter(text: string): Promise<void> {
    await this.page.getByRole('textbox', { name: /filter models|筛选模型/i }).fill(text);
  }

  /** Clicks "Sync catalog" and waits for its toast. */
  async syncCatalog(): Promise<void> {
    await this.page.getByTestId('price-sync').click();
    await expect(this.toast).toBeVisible();
  }

  /** Opens "Set default price", enters input and output USD per million tokens and saves. */
  async setDefaultPrice(input: string, output: string): Promise<void> {
    await this.page.getByTestId('price-set-default').click();
    const row = this.page.getByTestId('price-new');
    await expect(row.getByTestId('price-model')).toHaveValue('*');
    await row.getByTestId('price-input').fill(input);
    await row.getByTestId('price-output').fill(output);
    await row.getByTestId('price-save').click();
    await expect(row).toBeHidden();
  }

  /** Clears the default price through its row's button and the confirmation. */
  async clearDefaultPrice(priceId: string): Promise<void> {
    await this.page.getByTestId(`price-delete-btn-${priceId}`).click();
    await this.page.getByTestId('confirm-ok').click();
    await expect(this.page.getByTestId('confirm-dialog')).toBeHidden();
  }

  get setDefaultButton(): Locator {
    return this.page.getByTestId('price-set-default');
  }
}
