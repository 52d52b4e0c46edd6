// Account health in the browser: an account created with a probe interval is probed by the
// platform's scheduler (ACCOUNT_PROBE_TICK_MS is short in the browser fixture); the Health column
// then shows the probe's result and time, and a failed probe has put the account in Error. The
// interval is edited back to none in the form, so the account stops probing the shared mock.
import { test, expect, uniqueName } from '../fixtures/index.ts';

test.beforeEach(async ({ loginPage, adminCredentials }) => {
  await loginPage.login(adminCredentials);
});

test('the accounts page shows the scheduled probe\'s result and time, and the interval is edited in the form', async ({ accountsPage, mock, page }) => {
  const name = uniqueName('probed');
  mock.setDefault({ status: 500, errorMessage: 'upstream is down' });

  await accountsPage.open();
  await accountsPage.createAccount({ name, platform: 'OPENAI', baseUrl: mock.url, apiKey: 'sk-probed-account', probeIntervalSeconds: '60' });
  const health = accountsPage.health(name);
  await expect(health.cell).toContainText('Every 60 s');

  // The scheduler's probe reaches the mock with the account's credential …
  const [probe] = await mock.waitForRequests(1, 20_000);
  expect(probe.headers.authorization).toBe('Bearer sk-probed-account');
  // … and once it is recorded the page shows it (the list is read when the page loads).
  await expect(async () => {
    await page.reload();
    await expect(health.state).toHaveText('Probe failed', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(health.at).toContainText(/\d/);
  await expect(accountsPage.row(name)).toContainText('Error');
  await expect(accountsPage.row(name)).toContainText('health probe failed');

  expect(await accountsPage.setProbeInterval(name, '')).toBe('60');
  await expect(health.cell).toContainText('No scheduled probe');
  await expect(health.state).toHaveText('Probe failed');
});
