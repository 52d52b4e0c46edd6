// Account groups in the browser: an admin creates a group of accounts on the Accounts page, binds
// a key to it in the All keys tab, and sees the binding listed on both pages.
import { test, expect, uniqueName } from '../fixtures/index.ts';

test.beforeEach(async ({ loginPage, adminCredentials }) => {
  await loginPage.login(adminCredentials);
});

test('create a group, bind a key to it, see it listed', async ({ accountsPage, apiKeysPage, adminApi, mock }) => {
  const inGroup = await adminApi.createOpenAIAccount(uniqueName('grouped'), mock.url);
  const outside = await adminApi.createOpenAIAccount(uniqueName('ungrouped'), mock.url);
  const key = await adminApi.createApiKey(uniqueName('bound-key'));
  const keyName = (await adminApi.apiKeyName(key.id))!;
  const group = uniqueName('team-b');

  await accountsPage.open();
  await accountsPage.createGroup(group, [inGroup.name]);
  await expect(accountsPage.groupRow(group)).toContainText(inGroup.name);
  await expect(accountsPage.groupRow(group)).not.toContainText(outside.name);

  await apiKeysPage.openAllKeys();
  await expect(apiKeysPage.allKeysRow(keyName).getByTestId(`key-binding-${key.id}`)).toHaveText('Not bound');
  await apiKeysPage.bindKeyToGroup(keyName, group);
  await expect(apiKeysPage.allKeysRow(keyName).getByTestId(`key-binding-${key.id}`)).toHaveText(group);

  // The group now counts the key, and the binding is what the server stored.
  await accountsPage.open();
  await expect(accountsPage.groupRow(group).locator('td').nth(2)).toHaveText('1');
  expect(await adminApi.apiKeyBinding(key.id)).toMatchObject({ accountGroupId: expect.stringMatching(/^\d+$/), accountIds: null });
});
