// Users (admin): picking two users with their checkboxes and giving them one price rate changes
// exactly those two, on the page and on the server.
import { test, expect, uniqueName } from '../fixtures/index.ts';

/** "×1.75" or "×1.7500": the cell shows the rate with or without trailing zeros. */
function shownRate(rate: string): RegExp {
  const [whole, fraction = ''] = rate.split('.');
  return new RegExp(`^×${whole}${fraction ? `\\.${fraction}0*` : '(\\.0+)?'}$`);
}
/** Rates as numbers, so "1.7500" and "1.75" compare equal. */
const asNumbers = (rates: Record<string, string>) => Object.fromEntries(Object.entries(rates).map(([id, r]) => [id, Number(r)]));

test('the admin selects two users and changes their price rate', async ({ loginPage, adminCredentials, adminApi, usersPage }) => {
  const team = uniqueName('team');
  const alice = await adminApi.createUser(`${team}-alice`);
  const bob = await adminApi.createUser(`${team}-bob`);
  const carol = await adminApi.createUser(`${team}-carol`, { priceRate: '1.1' });

  await loginPage.login(adminCredentials);
  await usersPage.open();
  await usersPage.search(team, carol.id);
  await expect(usersPage.table.locator('tr[data-testid^="row-"]')).toHaveCount(3);
  await expect(usersPage.rateCell(alice.id)).toHaveText(shownRate('1'));

  await usersPage.select(alice.id);
  await usersPage.select(bob.id);
  await expect(usersPage.selectionBar).toContainText('2');
  await usersPage.setRateForSelection('1.75');

  await expect(usersPage.rateCell(alice.id)).toHaveText(shownRate('1.75'));
  await expect(usersPage.rateCell(bob.id)).toHaveText(shownRate('1.75'));
  await expect(usersPage.rateCell(carol.id)).toHaveText(shownRate('1.1'));
  await expect(usersPage.selectionBar).toHaveCount(0);
  expect(asNumbers(await adminApi.priceRates([alice.id, bob.id, carol.id]))).toEqual({ [alice.id]: 1.75, [bob.id]: 1.75, [carol.id]: 1.1 });
});

test('an invalid price rate is refused in the dialog and changes nothing', async ({ loginPage, adminCredentials, adminApi, usersPage, page }) => {
  const user = await adminApi.createUser(uniqueName('rate-check'));
  await loginPage.login(adminCredentials);
  await usersPage.open();
  await usersPage.search(user.username, user.id);
  await usersPage.select(user.id);
  await page.getByTestId('users-set-rate').click();
  const dialog = page.getByTestId('price-rate-dialog');
  await dialog.getByTestId('price-rate-input').fill('-2');
  await dialog.getByTestId('price-rate-save').click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('alert')).toBeVisible();
  expect(asNumbers(await adminApi.priceRates([user.id]))).toEqual({ [user.id]: 1 });
});
