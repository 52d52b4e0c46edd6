// Proxy test (admin): send a prompt through a chosen account and watch the answer stream in over
// the proxyTest subscription; the result panel then shows status, latency and time to first token.
import type { Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

declare global {
  interface Window {
    /** Every distinct text the answer box showed, in order (see ProxyTestPage.recordOutput). */
    __proxyTestOutputs?: string[];
  }
}

export class ProxyTestPage extends BasePage {
  readonly path = '/proxy-test';
  readonly id = 'proxy-test';

  /** The streamed answer text, growing while the upstream writes. */
  get output(): Locator {
    return this.page.getByTestId('proxy-test-output');
  }

  get runButton(): Locator {
    return this.page.getByTestId('proxy-test-run');
  }

  get stopButton(): Locator {
    return this.page.getByTestId('proxy-test-stop');
  }

  /** Shown after Stop. */
  get stoppedNotice(): Locator {
    return this.page.getByTestId('proxy-test-stopped');
  }

  /** The finished test's panel: status badge, latency, time to first token, error message. */
  get result(): { panel: Locator; status: Locator; latency: Locator; firstToken: Locator; text: Locator } {
    return {
      panel: this.page.getByTestId('test-result'),
      status: this.page.getByTestId('test-status'),
      latency: this.page.getByTestId('test-latency'),
      firstToken: this.page.getByTestId('test-first-token'),
      text: this.page.getByTestId('test-text'),
    };
  }

  /** Picks the account (by id), fills model and prompt, and sends. */
  async send(opts: { accountId: string; model: string; prompt: string }): Promise<void> {
    await this.page.getByTestId('proxy-test-account').selectOption(opts.accountId);
    await this.page.getByTestId('proxy-test-model').fill(opts.model);
    await this.page.getByTestId('proxy-test-prompt').fill(opts.prompt);
    await this.runButton.click();
  }

  /**
   * Starts recording, in the browser, every distinct text the answer box shows (a
   * MutationObserver sees each render, which polling from the test could miss). Call before
   * `send`; read the history with `outputHistory()`.
   */
  async recordOutput(): Promise<void> {
    await this.page.evaluate(() => {
      const seen: string[] = [];
      window.__proxyTestOutputs = seen;
      const record = () => {
        const text = document.querySelector('[data-testid="proxy-test-output"]')?.textContent ?? '';
        if (text && text !== seen.at(-1)) seen.push(text);
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }

  /** The texts recorded since `recordOutput()`, oldest first. */
  async outputHistory(): Promise<string[]> {
    return this.page.evaluate(() => window.__proxyTestOutputs ?? []);
  }
}
