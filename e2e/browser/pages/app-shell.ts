// The signed-in frame around every page: sidebar menu (a drawer behind a toggle on phones),
// the current user's name, logout.
import { expect, type Locator, type Page } from '@playwright/test';

export class AppShell {
  readonly sidebar: Locator;
  readonly currentUser: Locator;
  readonly menuToggle: Locator;

  constructor(readonly page: Page) {
    this.sidebar = page.getByTestId('sidebar');
    this.currentUser = page.getByTestId('current-user');
    this.menuToggle = page.getByTestId('menu-toggle');
  }

  /** The menu entry for a page id (`menu-<id>`). */
  menuItem(id: string): Locator {
    return this.page.getByTestId(`menu-${id}`);
  }

  /** Goes to a page through the menu, opening the phone drawer first when the menu is collapsed. */
  async navigate(id: string): Promise<void> {
    const item = this.menuItem(id);
    if (!(await item.isVisible()) && (await this.menuToggle.isVisible())) await this.menuToggle.click();
    await item.click();
    await expect(this.page.getByTestId(`page-${id}`)).toBeVisible();
  }

  /** Menu ids shown to the signed-in user, in order. */
  async menuIds(): Promise<string[]> {
    const ids = await this.page.locator('[data-testid^="menu-"]:not([data-testid="menu-toggle"])').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
    return ids.map((id) => id.slice('menu-'.length));
  }

  async logout(): Promise<void> {
    await this.page.getByTestId('logout').click();
    await expect(this.page.getByTestId('login-form')).toBeVisible();
  }
}
