// The customer path end to end: a user creates an API key in the browser and copies it from the
// "shown once" field, sends requests with the official `openai` SDK, watches them arrive on the
// Live logs page without reloading, and finds them counted on the Usage page.
import { test, expect, uniqueName } from '../fixtures/index.ts';
import { chat, chatStream, platformOpenAI } from '../fixtures/llm-client.ts';

// Large enough token counts that the cost shows in cents: gpt-4o lists at $2.5 / $10 per million.
const USAGE = { input: 100_000, output: 20_000 };

test('a key created in the browser serves SDK requests that show up live and in usage', async ({ page, platform, mock, adminApi, loginPage, shell, apiKeysPage, liveLogsPage, usagePage }) => {
  await adminApi.createOpenAIAccount(uniqueName('openai-traffic'), mock.url);
  const user = await adminApi.createUser(uniqueName('dev'));
  mock.setDefault({ text: 'Relayed answer from the mock', usage: USAGE, chunks: 3 });

  await loginPage.login(user);
  await apiKeysPage.open();
  const key = await apiKeysPage.createKey('laptop', { rpm: '60' });
  await expect(apiKeysPage.newKeyDialog).toContainText(/only (time|once)|won't be shown|will not be shown|shown once/i);
  await apiKeysPage.closeNewKeyDialog();
  await expect(apiKeysPage.row('laptop')).toBeVisible();
  // After closing, the full key is nowhere on the page any more.
  await expect(page.locator('body')).not.toContainText(key);

  // Live logs: subscribed before the traffic, and the page must not reload to show it.
  const subscribed = liveLogsPage.subscribed();
  await shell.navigate('live-logs');
  await subscribed;
  await page.evaluate(() => ((window as any).__sameDocument = true));

  const openai = platformOpenAI(platform.baseURL, key);
  const plain = await chat(openai, 'gpt-4o', 'Say hello');
  expect(plain.text).toBe('Relayed answer from the mock');
  expect(plain.promptTokens).toBe(USAGE.input);
  const streamed = await chatStream(openai, 'gpt-4o', 'Say hello again');
  expect(streamed.text).toBe('Relayed answer from the mock');
  expect(mock.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(2);

  await expect(liveLogsPage.rows).toHaveCount(2);
  await expect(liveLogsPage.rows.first()).toContainText('gpt-4o');
  await expect(liveLogsPage.rows.first()).toContainText('200');
  expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);

  // Usage: the two requests, their tokens and a non-zero cost. The ingester may lag the live
  // event by a moment, so re-read the page until the numbers land.
  await shell.navigate('usage');
  await expect(async () => {
    await page.reload();
    await usagePage.waitUntilLoaded();
    await expect(usagePage.stat('requests')).toHaveText('2', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(usagePage.stat('tokens')).toHaveText(/240(,000|K|k)|0\.24M/);
  await expect(usagePage.stat('total-cost')).toHaveText(/\$0\.9/);
  await usagePage.showTab('records');
  await expect(usagePage.recordsTable.locator('tr[data-testid^="row-"]')).toHaveCount(2);
  await expect(usagePage.recordsTable).toContainText('gpt-4o');
  // Export CSV downloads the same two records, without the admin-only rate or base-cost columns.
  const csv = await usagePage.exportCsv();
  expect(csv.filename).toBe('usage-records.csv');
  expect(csv.rows).toHaveLength(2);
  expect(csv.rows.every((r) => r.includes(',gpt-4o,'))).toBe(true);
  expect(csv.header).not.toContain('price_rate');
  expect(csv.header).not.toContain('base_cost_usd');

  // The key's own counters moved too.
  await apiKeysPage.open();
  await expect(apiKeysPage.row('laptop').getByRole('cell', { name: '2', exact: true })).toBeVisible();
});
