// Screenshots of every page at desktop (1440×900) and phone (390×844) width, saved to
// e2e/artifacts/screenshots/<page>-<desktop|phone>.png for review in CI artifacts. Each page is
// filled with real data first, and the phone layout must not scroll sideways.
import { test, expect, uniqueName } from '../fixtures/index.ts';
import { chat, chatStream, platformOpenAI } from '../fixtures/llm-client.ts';
import { PHONE } from '../fixtures/screenshots.ts';
import type { Page } from '@playwright/test';

const ADMIN_PAGES = ['dashboard', 'accounts', 'api-keys', 'users', 'pricing', 'usage', 'live-logs', 'alerts', 'proxy-test', 'audit', 'settings'] as const;

/** Widest element overflow of the document at the current viewport (0 = nothing sticks out). */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

test('every page, desktop and phone', async ({ page, platform, mock, adminApi, adminCredentials, loginPage, shell, liveLogsPage, screenshots }) => {
  test.setTimeout(120_000);
  // Some data so the pages show tables and charts rather than only empty states.
  await adminApi.createOpenAIAccount(uniqueName('openai-primary'), mock.url);
  await adminApi.createUser(uniqueName('analyst'), { priceRate: '1.2' });
  const { key } = await adminApi.createApiKey(uniqueName('ci-pipeline'));
  // An alert channel whose test alert fails (the mock answers 404), so the deliveries list shows an error.
  const channel = await adminApi.createAlertChannel(uniqueName('ops-slack'), `${mock.url}/services/T000/B000/screenshot`);
  await adminApi.request('mutation($id: ID!) { sendTestAlert(id: $id) { id } }', { id: channel.id });
  mock.setDefault({ text: 'Screenshot traffic', usage: { input: 30_000, output: 6_000 } });
  const openai = platformOpenAI(platform.baseURL, key);
  await chat(openai, 'gpt-4o', 'one');
  await chatStream(openai, 'gpt-4o', 'two');
  await chat(openai, 'gpt-4o-mini', 'three');

  await loginPage.open();
  await screenshots.capture('login');

  await loginPage.login(adminCredentials);
  for (const id of ADMIN_PAGES) {
    const subscribed = id === 'live-logs' ? liveLogsPage.subscribed() : undefined;
    await shell.navigate(id);
    if (id === 'usage') await expect(page.getByTestId('stat-requests').locator('.stat-value')).not.toHaveText('0', { timeout: 15_000 });
    if (subscribed) {
      // Live rows only exist for traffic that happens while the page is open.
      await subscribed;
      await chat(openai, 'gpt-4o', 'live one');
      await chatStream(openai, 'gpt-4o-mini', 'live two');
      await expect(liveLogsPage.rows).toHaveCount(2);
    }
    if (id === 'proxy-test') {
      await page.getByTestId('proxy-test-run').click();
      await expect(page.getByTestId('test-result')).toBeVisible();
    }
    await screenshots.capture(id);
    await page.setViewportSize(PHONE);
    expect(await horizontalOverflow(page), `${id} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  }

  // Dialogs people meet first: the account form and the "shown once" API key.
  await shell.navigate('accounts');
  await page.getByTestId('account-create').click();
  await expect(page.getByTestId('account-form')).toBeVisible();
  await screenshots.capture('accounts-form');
  await page.keyboard.press('Escape');

  await shell.navigate('api-keys');
  await page.getByTestId('api-key-create').click();
  await page.getByTestId('api-key-name').fill('screenshot key');
  await page.getByTestId('api-key-save').click();
  await expect(page.getByTestId('new-api-key-dialog')).toBeVisible();
  await screenshots.capture('api-keys-created');
});
