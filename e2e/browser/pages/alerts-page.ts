// Alerts (admin): notification channels (create/edit/delete, "Send test") and the deliveries list.
import { expect, type Locator } from '@playwright/test';
import { BasePage } from './base-page.ts';

export interface ChannelForm {
  name: string;
  kind?: 'WEBHOOK' | 'SLACK' | 'FEISHU' | 'DINGTALK' | 'WECOM';
  url: string;
  /** Events to tick in addition to the defaults. */
  events?: string[];
}

export class AlertsPage extends BasePage {
  readonly path = '/alerts';
  readonly id = 'alerts';

  get channels(): Locator {
    return this.page.getByTestId('alert-channels-table');
  }

  get deliveries(): Locator {
    return this.page.getByTestId('alert-deliveries-table');
  }

  /** The channel's row, found by its name. */
  channelRow(name: string): Locator {
    return this.channels.locator('tr[data-testid^="row-"]', { hasText: name });
  }

  /**
   * Creates a channel through the dialog and returns the signing secret the dialog generated
   * (shown only there), once the channel's row is listed.
   */
  async createChannel(form: ChannelForm): Promise<{ secret: string }> {
    await this.page.getByTestId('alert-channel-create').click();
    const dialog = this.page.getByTestId('alert-channel-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('alert-channel-name').fill(form.name);
    if (form.kind) await dialog.getByTestId('alert-channel-kind').selectOption(form.kind);
    await dialog.getByTestId('alert-channel-url').fill(form.url);
    for (const e of form.events ?? []) await dialog.getByTestId(`alert-event-${e}`).check();
    const secret = (await dialog.getByTestId('alert-channel-secret').count()) ? await dialog.getByTestId('alert-channel-secret').inputValue() : '';
    await dialog.getByTestId('alert-channel-save').click();
    await expect(dialog).toHaveCount(0);
    await expect(this.channelRow(form.name)).toBeVisible();
    return { secret };
  }

  /** Clicks "Send test" on the channel's row. */
  async sendTest(name: string): Promise<void> {
    await this.channelRow(name).getByRole('button', { name: 'Send test' }).click();
  }

  /** The deliveries row of an event title on a channel. */
  deliveryRow(channelName: string, title: string): Locator {
    return this.deliveries.locator('tr[data-testid^="row-"]', { hasText: channelName }).filter({ hasText: title });
  }
}
