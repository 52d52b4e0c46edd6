// Account groups in the browser: an admin creates a group of accounts on the Accounts page, binds
// a key to it in the All keys tab, sees the binding listed on both pages, and makes it a user's default.
import { test, expect, uniqueName } from '../fixtures/index.ts';

test.beforeEach(async ({ loginPage, adminCredentials }) => {
  await loginPage.login(adminCredentials);
});

test('create a group, bind a key to it, see it listed', async ({ accountsPage, apiKeysPage, usersPage, adminApi, mock }) => {
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
  const binding = await adminApi.apiKeyBinding(key.id);
  expect(binding).toMatchObject({ accountGroupId: expect.stringMatching(/^\d+$/), accountIds: null });

  // A user's default group: their keys without a binding of their own are served by it.
  const user = await adminApi.createUser(uniqueName('grouped-user'));
  await usersPage.open();
  await usersPage.search(user.username, user.id);
  await usersPage.setDefaultGroup(user.id, group);
  expect(await adminApi.userDefaultGroup(user.id)).toBe(binding!.accountGroupId);
  await accountsPage.open();
  await expect(accountsPage.groupRow(group).locator('td').nth(3)).toHaveText('1');
});
