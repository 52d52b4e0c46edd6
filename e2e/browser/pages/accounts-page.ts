// Upstream accounts (admin): the list, the per-platform create form, the Test dialog and the
// Claude OAuth flow (1 open the authorize URL, 2 paste the code, 3 done).
import { expect, type Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

export interface ApiKeyAccountForm {
  name: string;
  /** Option value of the platform select, e.g. 'OPENAI'. */
  platform: string;
  baseUrl: string;
  apiKey: string;
  models?: string;
  /** Seconds between scheduled health probes; omitted = none. */
  probeIntervalSeconds?: string;
}

export class AccountsPage extends BasePage {
  readonly path = '/accounts';
  readonly id = 'accounts';

  get table(): Locator {
    return this.page.getByTestId('accounts-table');
  }

  get form(): Locator {
    return this.page.getByTestId('account-form');
  }

  /** The table row showing the account with this name. */
  row(name: string): Locator {
    return this.table.locator('tr[data-testid^="row-"]').filter({ hasText: name });
  }

  /**
   * The usage-window cell of an account (Claude subscriptions): per window (`5h`, `7d`) its bar,
   * share used and reset time, and the pause badge.
   */
  usageWindows(accountId: string): { window: (tag: '5h' | '7d') => { bar: Locator; share: Locator; reset: Locator }; paused: Locator } {
    const cell = this.table.getByTestId(`windows-${accountId}`);
    return {
      window: (tag) => ({
        bar: cell.getByTestId(`window-${tag}-${accountId}`).getByRole('meter'),
        share: cell.getByTestId(`window-${tag}-share-${accountId}`),
        reset: cell.getByTestId(`window-${tag}-reset-${accountId}`),
      }),
      paused: cell.getByTestId(`paused-${accountId}`),
    };
  }

  /** Fills the create form for an API-key platform and saves; waits for the row to appear. */
  async createAccount(values: ApiKeyAccountForm): Promise<void> {
    await this.page.getByTestId('account-create').click();
    await expect(this.form).toBeVisible();
    await this.page.getByTestId('account-name').fill(values.name);
    await this.page.getByTestId('account-platform').selectOption(values.platform);
    await this.page.getByTestId('account-baseUrl').fill(values.baseUrl);
    await this.page.getByTestId('account-apiKey').fill(values.apiKey);
    if (values.models) await this.page.getByTestId('account-models').fill(values.models);
    if (values.probeIntervalSeconds) await this.page.getByTestId('account-probeIntervalSeconds').fill(values.probeIntervalSeconds);
    await this.page.getByTestId('account-save').click();
    await expect(this.form).toBeHidden();
    await expect(this.row(values.name)).toBeVisible();
  }

  /** The Health cell of an account's row (last probe result and time, probe interval). */
  health(name: string): { cell: Locator; state: Locator; at: Locator } {
    const row = this.row(name);
    return { cell: row.locator('[data-testid^="health-"]').first(), state: row.locator('[data-testid^="health-state-"]'), at: row.locator('[data-testid^="health-at-"]') };
  }

  /** Opens the edit form of an account, sets its probe interval ('' = none) and saves; returns the value the form showed. */
  async setProbeInterval(name: string, seconds: string): Promise<string> {
    await this.row(name).locator('[data-testid^="edit-"]').click();
    await expect(this.form).toBeVisible();
    const field = this.page.getByTestId('account-probeIntervalSeconds');
    const shown = await field.inputValue();
    await field.fill(seconds);
    await this.page.getByTestId('account-save').click();
    await expect(this.form).toBeHidden();
    return shown;
  }

  get groupsTable(): Locator {
    return this.page.getByTestId('account-groups-table');
  }

  /** The row of the account group with this name. */
  groupRow(name: string): Locator {
    return this.groupsTable.locator('tr[data-testid^="row-"]').filter({ hasText: name });
  }

  /** Creates an account group with the named member accounts through its dialog; waits for its row. */
  async createGroup(name: string, memberNames: string[]): Promise<void> {
    await this.page.getByTestId('group-create').click();
    const form = this.page.getByTestId('group-form');
    await expect(form).toBeVisible();
    await form.getByTestId('group-name').fill(name);
    for (const member of memberNames) await form.getByLabel(member, { exact: true }).check();
    await form.getByTestId('group-save').click();
    await expect(form).toBeHidden();
    await expect(this.groupRow(name)).toBeVisible();
  }

  /** Opens the Test dialog of an account, runs it with the model and returns the result panel. */
  async testAccount(name: string, model: string): Promise<{ status: Locator; latency: Locator; text: Locator }> {
    const row = this.row(name);
    await row.locator('[data-testid^="test-"]').click();
    const dialog = this.page.getByTestId('test-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('test-model').fill(model);
    await dialog.getByTestId('test-run').click();
    await expect(dialog.getByTestId('test-result')).toBeVisible();
    return { status: dialog.getByTestId('test-status'), latency: dialog.getByTestId('test-latency'), text: dialog.getByTestId('test-text') };
  }

  /** The OAuth dialog: step indicator and fields. */
  get oauthDialog(): Locator {
    return this.page.getByTestId('oauth-dialog');
  }

  /** The state of OAuth step n: 'done' | 'current' | 'todo' (from the step's class). */
  async oauthStepState(n: 1 | 2 | 3): Promise<string> {
    const cls = (await this.oauthDialog.getByTestId(`oauth-step-${n}`).getAttribute('class')) ?? '';
    return /step-(done|current|todo)/.exec(cls)?.[1] ?? 'unknown';
  }

  /** Step 1: opens the dialog, generates the authorize URL and returns it as shown in the page. */
  async startClaudeOAuth(): Promise<string> {
    await this.page.getByTestId('account-oauth').click();
    await expect(this.oauthDialog).toBeVisible();
    await this.oauthDialog.getByTestId('oauth-generate').click();
    const urlField = this.oauthDialog.getByTestId('oauth-url');
    await expect(urlField).toHaveValue(/^https?:\/\//);
    return urlField.inputValue();
  }

  /** Step 2: names the account, pastes the code and completes; waits for step 3. */
  async completeClaudeOAuth(name: string, code: string): Promise<void> {
    await this.oauthDialog.getByTestId('oauth-next').click();
    await this.oauthDialog.getByTestId('oauth-name').fill(name);
    await this.oauthDialog.getByTestId('oauth-code').fill(code);
    await this.oauthDialog.getByTestId('oauth-complete').click();
    await expect(this.oauthDialog.getByTestId('oauth-done')).toBeVisible();
  }
}
