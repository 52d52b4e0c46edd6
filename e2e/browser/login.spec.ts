// Signing in to the admin app: the admin reaches the dashboard with the admin menu; a wrong
// password keeps the form up with a message.
import { test, expect } from '../fixtures/index.ts';

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
