// Claude subscription usage windows on the Accounts page: after traffic through the proxy, with
// the mock sending Anthropic's unified rate-limit headers, each window shows as a bar with the
// share used and its reset time (Intl, in the UI language); a rejection shows the pause.
import { test, expect, uniqueName } from '../fixtures/index.ts';

const SONNET = 'claude-sonnet-4-20250514';
const HOUR = 3600_000;

/** What formatDateTime draws for `ms` in `locale` (the browser runs in UTC, see playwright.config.ts). */
function drawn(ms: number, locale: 'en-US' | 'zh-CN'): string {
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(new Date(ms));
}

test('the accounts page shows a subscription account\'s 5h and 7d windows with reset times, and its pause', async ({ page, platform, mock, adminApi, loginPage, adminCredentials, accountsPage }) => {
  const account = await adminApi.createClaudeOAuthAccount(uniqueName('max'), mock.url);
  const { key } = await adminApi.createApiKey(uniqueName('windows'));
  const now = Date.now();
  const fiveHourReset = Math.floor((now + 3 * HOUR) / 1000) * 1000;
  const sevenDayReset = Math.floor((now + 96 * HOUR) / 1000) * 1000;
  mock.setDefault({ unified: { fiveHour: { utilization: '0.95', status: 'allowed_warning', resetsAt: fiveHourReset }, sevenDay: { utilization: '0.4', resetsAt: sevenDayReset } } });
  const send = () => fetch(`${platform.baseURL}/v1/messages`, {
    method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ model: SONNET, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect((await send()).status).toBe(200);
  expect(mock.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(1);

  await loginPage.login(adminCredentials);
  await accountsPage.open();
  const windows = accountsPage.usageWindows(account.id);
  await expect(async () => {
    await page.reload();
    await expect(windows.window('5h').share).toHaveText('95%', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(windows.window('5h').bar).toHaveAttribute('aria-valuenow', '95');
  await expect(windows.window('5h').reset).toHaveText(`resets ${drawn(fiveHourReset, 'en-US')}`);
  await expect(windows.window('7d').share).toHaveText('40%');
  await expect(windows.window('7d').reset).toHaveText(`resets ${drawn(sevenDayReset, 'en-US')}`);
  await expect(windows.paused).toHaveCount(0);

  // Spent: Anthropic rejects with a reset 2 minutes ahead; the proxy pauses the account until then.
  const resetAt = Math.floor((Date.now() + 120_000) / 1000) * 1000;
  mock.enqueue({ status: 429, unified: { status: 'rejected', resetsAt: resetAt, fiveHour: { utilization: '1', status: 'rejected', resetsAt: resetAt }, sevenDay: { utilization: '0.41', resetsAt: sevenDayReset } } });
  const rejected = await send();
  expect(rejected.status).toBe(429);
  expect(Number(rejected.headers.get('retry-after'))).toBeGreaterThan(0);
  await expect(async () => {
    await page.reload();
    await expect(windows.paused).toHaveText(`Paused until ${drawn(resetAt, 'en-US')}`, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(windows.window('5h').share).toHaveText('100%');

  // In Chinese: the same facts, drawn for zh-CN.
  await page.getByTestId('locale-zh').click();
  await expect(windows.paused).toHaveText(`暂停至 ${drawn(resetAt, 'zh-CN')}`);
  await expect(windows.window('7d').reset).toHaveText(`${drawn(sevenDayReset, 'zh-CN')} 重置`);
  await page.getByTestId('locale-en').click();
});
