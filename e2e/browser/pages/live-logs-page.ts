// Live logs: rows pushed over the graphql-ws subscription, newest on top.
import type { Locator, WebSocket } from '@playwright/test';
import { expect } from '@playwright/test';
import { BasePage } from './base-page.ts';

/** True when a graphql-ws frame is the client's `subscribe` message for requestLogged. */
function isRequestLoggedSubscribe(payload: string | Buffer): boolean {
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  return text.includes('"subscribe"') && text.includes('requestLogged');
}

export class LiveLogsPage extends BasePage {
  readonly path = '/live-logs';
  readonly id = 'live-logs';

  get table(): Locator {
    return this.page.getByTestId('live-logs-table');
  }

  get rows(): Locator {
    return this.table.locator('tr[data-testid^="row-"]');
  }

  get status(): Locator {
    return this.page.getByTestId('live-status');
  }

  /**
   * Resolves once the browser sends the graphql-ws `subscribe` message for requestLogged, so
   * events published afterwards reach the page. Call it BEFORE navigating to the page.
   */
  subscribed(): Promise<void> {
    return new Promise<void>((resolve) => {
      const onSocket = (ws: WebSocket) => {
        ws.on('framesent', (frame) => {
          if (isRequestLoggedSubscribe(frame.payload)) {
            this.page.off('websocket', onSocket);
            resolve();
          }
        });
      };
      this.page.on('websocket', onSocket);
    });
  }

  /** Opens the page by URL and waits until its subscription is live. */
  async openAndSubscribe(): Promise<void> {
    const subscribed = this.subscribed();
    await this.open();
    await subscribed;
    await expect(this.status).toBeVisible();
  }
}
