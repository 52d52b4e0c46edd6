// What a plain user's browser receives: no price rate or base cost on any page they can open,
// and none in any GraphQL payload (HTTP bodies and live-log frames), even though their usage is
// billed at a custom rate.
import { test, expect, uniqueName } from '../fixtures/index.ts';
import { chat, platformOpenAI } from '../fixtures/llm-client.ts';
import { GraphqlApi } from '../fixtures/graphql-api.ts';

// Account bindings name upstream accounts: admin-only like the rate.
const PRIVATE_FIELDS = ['priceRate', 'baseCost', 'accountGroupId', 'accountIds', 'accountGroups'] as const;

test('a user sees their usage but never their price rate or base cost', async ({ page, platform, mock, adminApi, loginPage, shell, graphqlTraffic, usagePage, liveLogsPage }) => {
  await adminApi.createOpenAIAccount(uniqueName('openai-privacy'), mock.url);
  const user = await adminApi.createUser(uniqueName('private'), { priceRate: '2.5' });
  mock.setDefault({ text: 'Private answer', usage: { input: 40_000, output: 8_000 } });

  // Traffic exists before the user looks, so usage queries return real, rated records.
  const userApi = await GraphqlApi.login(platform.baseURL, user);
  const { key } = await userApi.createApiKey('script');
  const openai = platformOpenAI(platform.baseURL, key);
  await chat(openai, 'gpt-4o', 'first');
  await expect.poll(async () => (await userApi.usageSummary()).totalRequests, { timeout: 15_000 }).toBe(1);

  await loginPage.login(user);
  const menu = await shell.menuIds();
  expect(menu).not.toContain('users');
  expect(menu).not.toContain('accounts');
  expect(menu).not.toContain('pricing');

  const texts: string[] = [];
  const collect = async () => texts.push(await page.locator('body').innerText());
  for (const id of menu) {
    if (id === 'live-logs') continue;
    await shell.navigate(id);
    await expect(page.locator('.skeleton, .skeleton-inline, .spinner-row')).toHaveCount(0, { timeout: 15_000 });
    await collect();
  }
  await shell.navigate('usage');
  for (const tab of ['daily', 'models', 'records'] as const) {
    await usagePage.showTab(tab);
    await usagePage.waitUntilLoaded();
    await collect();
  }
  await expect(usagePage.recordsTable).toContainText('gpt-4o');

  // A live event while the user watches the log page.
  const subscribed = liveLogsPage.subscribed();
  await shell.navigate('live-logs');
  await subscribed;
  await chat(openai, 'gpt-4o', 'second');
  await expect(liveLogsPage.rows).toHaveCount(1);
  await collect();

  for (const text of texts) {
    expect(text).not.toMatch(/price rate|base cost|×\s?2\.5/i);
  }
  const payloads = await graphqlTraffic.settled();
  expect(payloads.filter((p) => p.kind === 'http').length).toBeGreaterThan(5);
  expect(payloads.some((p) => p.kind === 'ws' && p.body.includes('requestLogged'))).toBe(true);
  const leaks = await graphqlTraffic.containing(PRIVATE_FIELDS);
  expect(leaks.map((p) => p.body.slice(0, 300))).toEqual([]);
});

test('the same recorder does see the price rate in an admin\'s browser', async ({ adminApi, adminCredentials, loginPage, usersPage, graphqlTraffic }) => {
  // Control for the test above: proves the recorder captures the payloads where a rate would be.
  const user = await adminApi.createUser(uniqueName('rated'), { priceRate: '3.25' });
  await loginPage.login(adminCredentials);
  await usersPage.open();
  await usersPage.search(user.username, user.id);
  await usersPage.waitUntilLoaded();
  const withRate = await graphqlTraffic.containing(['priceRate']);
  expect(withRate.some((p) => p.body.includes('3.25'))).toBe(true);
});
