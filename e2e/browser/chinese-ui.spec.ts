// The Chinese UI: a refused mutation shows the error code's Chinese message (never the server's
// English sentence), and money is drawn the way Intl draws USD for zh-CN.
import { test, expect, uniqueName } from '../fixtures/index.ts';

test('in Chinese, a taken username is refused in Chinese and costs show as US$', async ({ loginPage, adminCredentials, adminApi, usersPage, usagePage, page }) => {
  const existing = await adminApi.createUser(uniqueName('zh-taken'));
  await loginPage.login(adminCredentials);
  await page.getByTestId('locale-zh').click();
  await usersPage.open();

  await page.getByTestId('user-create').click();
  const dialog = page.getByTestId('user-form');
  await dialog.getByTestId('user-username').fill(existing.username);
  await dialog.getByTestId('user-password').fill('a-long-enough-password-1');
  await dialog.getByTestId('user-save').click();
  // The server said CONFLICT on `username` ("… is already taken"): the field shows it in Chinese.
  await expect(dialog).toContainText('该“username”已被使用。');
  await expect(dialog).not.toContainText('already taken');

  await usagePage.open();
  await expect(usagePage.stat('total-cost')).toHaveText(/^US\$\d+\.\d\d/);
});
