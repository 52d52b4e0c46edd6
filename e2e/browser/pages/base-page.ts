// Shared shape of every page object: where the page lives (its hash route) and the element that
// proves it rendered (`data-testid="page-<id>"`).
import { expect, type Locator, type Page } from '@playwright/test';

/** Loading placeholders the design system renders while a query is in flight. */
export const LOADING_SELECTOR = '.skeleton, .skeleton-inline, .spinner-row';

export abstract class BasePage {
  /** Hash route, e.g. '/accounts'. */
  abstract readonly path: string;
  /** Menu / page id: the menu item is `menu-<id>`, the page root `page-<id>`. */
  abstract readonly id: string;

  constructor(readonly page: Page) {}

  /** The page's root element. */
  get root(): Locator {
    return this.page.getByTestId(`page-${this.id}`);
  }

  /** Opens the page by its URL (the session must already be signed in) and waits for it to render. */
  async open(): Promise<void> {
    await this.page.goto(`/#${this.path}`);
    await expect(this.root).toBeVisible();
  }

  /** Waits until no skeleton or spinner is left on the page (every query answered). */
  async waitUntilLoaded(): Promise<void> {
    await expect(this.root).toBeVisible();
    await expect(this.page.locator(LOADING_SELECTOR)).toHaveCount(0, { timeout: 15_000 });
  }
}
