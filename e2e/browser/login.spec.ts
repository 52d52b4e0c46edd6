// Signing in to the admin app: the admin reaches the dashboard with the admin menu; a wrong
// password keeps the form up with a message; a user sees when their access tokens were last used
// and revokes one on the Settings page.
import { test, expect, uniqueName } from '../fixtures/index.ts';
import { GraphqlApi, GraphqlRequestError } from '../fixtures/graphql-api.ts';

test('the admin logs in and sees the admin menu', async ({ loginPage, shell, dashboardPage, adminCredentials }) => {
  await loginPage.login(adminCredentials);
  await expect(dashboardPage.root).toBeVisible();
  await expect(shell.currentUser).toHaveText(adminCredentials.username);
  expect(await shell.menuIds()).toEqual(expect.arrayContaining(['dashboard', 'accounts', 'api-keys', 'users', 'pricing', 'usage', 'live-logs', 'audit']));

  // The session survives a reload (token kept in localStorage) and logout ends it.
  await loginPage.page.reload();
  await expect(shell.currentUser).toHaveText(adminCredentials.username);
  await shell.logout();
  await loginPage.page.reload();
  await expect(loginPage.form).toBeVisible();
});

test('a wrong password is refused with a message', async ({ loginPage, adminCredentials }) => {
  await loginPage.open();
  await loginPage.submitCredentials({ username: adminCredentials.username, password: 'not-the-password' });
  await expect(loginPage.error).toBeVisible();
  await expect(loginPage.error).toContainText(/invalid|wrong|incorrect/i);
  await expect(loginPage.form).toBeVisible();
  await expect(loginPage.page.getByTestId('sidebar')).toHaveCount(0);
});

test('the Settings page shows when each access token was last used, and revoking one ends it', async ({ platform, adminApi, loginPage, settingsPage }) => {
  const user = await adminApi.createUser(uniqueName('tokens'));
  const userApi = await GraphqlApi.login(platform.baseURL, user);
  const used = await userApi.createAccessToken('deploy script');
  const unused = await userApi.createAccessToken('spare');
  const viaToken = GraphqlApi.withToken(platform.baseURL, used.token);
  await viaToken.request('query Me { me { id } }');
  const lastUsedAt = (await userApi.accessTokens()).find((t) => t.id === used.id)!.lastUsedAt!;

  await loginPage.login(user);
  await settingsPage.open();
  await settingsPage.waitUntilLoaded();
  // The browser runs in UTC (playwright.config.ts): the cell shows the server's time to the second.
  // The page shows it to the second in the UI language and the browser's time zone (en-US, UTC here).
  const shown = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
  await expect(settingsPage.lastUsed(used.id)).toHaveText(shown.format(new Date(lastUsedAt)));
  await expect(settingsPage.lastUsed(unused.id)).toHaveText('—');

  await settingsPage.revoke(used.id);
  const refused = await viaToken.request('query Me { me { id } }').catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(GraphqlRequestError);
  expect((refused as GraphqlRequestError).errors[0].extensions?.code).toBe('UNAUTHENTICATED');
  // The other token still works.
  await GraphqlApi.withToken(platform.baseURL, unused.token).request('query Me { me { id } }');
});
