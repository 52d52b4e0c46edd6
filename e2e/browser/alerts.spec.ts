// Alerts (admin): a webhook channel created in the page, pointed at a receiver this test runs,
// gets a signed test alert from "Send test", and the deliveries list shows it delivered.
import { createHmac } from 'node:crypto';
import { startWebhookReceiver, type WebhookReceiver } from '@relay/testkit/webhook-receiver';
import { test, expect, uniqueName } from '../fixtures/index.ts';

let rx: WebhookReceiver;
test.beforeAll(async () => {
  rx = await startWebhookReceiver();
});
test.afterAll(async () => {
  await rx?.close();
});

test('the admin creates a webhook channel, sends a test alert, and sees it delivered', async ({ loginPage, adminCredentials, alertsPage, shell }) => {
  const name = uniqueName('ops-hook');
  const path = `/${name}`;
  await loginPage.login(adminCredentials);
  await shell.navigate('alerts');
  await alertsPage.waitUntilLoaded();

  const { secret } = await alertsPage.createChannel({ name, url: `${rx.url}${path}`, events: ['ACCOUNT_RECOVERED'] });
  expect(secret.length).toBeGreaterThanOrEqual(16);
  // The list shows where alerts go without the path (which may hold a token).
  await expect(alertsPage.channelRow(name)).toContainText(`${rx.url}/…`);
  await expect(alertsPage.channelRow(name)).not.toContainText(path);

  await alertsPage.sendTest(name);
  const [hit] = await rx.waitFor(1, (r) => r.path === path);
  const ts = hit!.headers['x-relay-timestamp'] as string;
  expect(hit!.headers['x-relay-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${hit!.raw}`).digest('hex')}`);
  expect(hit!.json).toMatchObject({ type: 'test', title: 'Test alert from the relay', id: hit!.headers['x-relay-event-id'] });

  const row = alertsPage.deliveryRow(name, 'Test alert from the relay');
  await expect(row.locator('[data-testid^="delivery-status-"]')).toHaveText('Delivered');
  await expect(row.locator('[data-testid^="delivery-attempts-"]')).toHaveText('1');
});
