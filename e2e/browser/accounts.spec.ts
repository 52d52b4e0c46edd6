// Upstream accounts in the browser: an account created through the form points at the mock
// upstream and its Test button shows what the upstream answered; the Claude OAuth form runs the
// PKCE flow against the fake authorization server and ends with a new account.
import { pkceChallenge } from '@relay/mock-upstream';
import { test, expect, uniqueName } from '../fixtures/index.ts';

test.beforeEach(async ({ loginPage, adminCredentials }) => {
  await loginPage.login(adminCredentials);
});

test('an account created in the form reaches the mock upstream and its test shows the answer', async ({ accountsPage, mock, adminApi }) => {
  const name = uniqueName('openai-mock');
  mock.setDefault({ text: 'Pong from the mock upstream', usage: { input: 9, output: 4 }, chunks: 1 });

  await accountsPage.open();
  await accountsPage.createAccount({ name, platform: 'OPENAI', baseUrl: mock.url, apiKey: 'sk-upstream-form-secret' });
  expect(await adminApi.accountNames()).toContain(name);
  // The secret never comes back: the row shows at most a hint, never the key itself.
  await expect(accountsPage.row(name)).not.toContainText('sk-upstream-form-secret');

  const result = await accountsPage.testAccount(name, 'gpt-4o-mini');
  await expect(result.status).toContainText('200');
  await expect(result.text).toContainText('Pong from the mock upstream');
  await expect(result.latency).toContainText(/\d/);

  // The test really went upstream, in OpenAI's wire format, with the stored credential.
  const [sent] = await mock.waitForRequests(1);
  expect(sent.format).toBe('openai');
  expect(sent.path).toBe('/v1/chat/completions');
  expect(sent.headers.authorization).toBe('Bearer sk-upstream-form-secret');
  expect(sent.body.model).toBe('gpt-4o-mini');
});

test('a failing upstream shows as a failed test, not as a success', async ({ accountsPage, mock, adminApi }) => {
  const account = await adminApi.createOpenAIAccount(uniqueName('openai-broken'), mock.url);
  mock.setDefault({ status: 401, errorMessage: 'Incorrect API key provided' });

  await accountsPage.open();
  const result = await accountsPage.testAccount(account.name, 'gpt-4o-mini');
  await expect(result.status).toContainText('401');
  await expect(result.status).not.toContainText(/^OK/);
  await mock.waitForRequests(1);
});

test('the Claude OAuth form exchanges the pasted code for a new account', async ({ accountsPage, mock, adminApi }) => {
  const name = uniqueName('claude-max');
  await accountsPage.open();

  // Step 1: the page shows the authorize URL of the (fake) authorization server.
  const authorizeUrl = new URL(await accountsPage.startClaudeOAuth());
  expect(await accountsPage.oauthStepState(1)).toBe('current');
  expect(`${authorizeUrl.origin}${authorizeUrl.pathname}`).toBe(`${mock.url}/oauth/authorize`);
  expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
  const challenge = authorizeUrl.searchParams.get('code_challenge');
  expect(challenge).toBeTruthy();
  const state = authorizeUrl.searchParams.get('state');

  // The user authorizes in another tab; Claude then shows "code#state", which they paste.
  const code = mock.issueAuthCode(challenge!);
  await accountsPage.completeClaudeOAuth(name, state ? `${code}#${state}` : code);
  expect(await accountsPage.oauthStepState(1)).toBe('done');
  expect(await accountsPage.oauthStepState(2)).toBe('done');
  expect(await accountsPage.oauthStepState(3)).toBe('current');

  // The platform exchanged exactly that code with the verifier matching the challenge it showed.
  const exchange = mock.requests.find((r) => r.path === '/v1/oauth/token');
  expect(exchange, 'token exchange request').toBeTruthy();
  const params = exchange!.body ?? Object.fromEntries(new URLSearchParams(exchange!.rawBody));
  expect(params.grant_type).toBe('authorization_code');
  expect(params.code).toBe(code);
  expect(pkceChallenge(params.code_verifier)).toBe(challenge);

  await accountsPage.oauthDialog.getByRole('button', { name: /close/i }).last().click();
  await expect(accountsPage.row(name)).toBeVisible();
  expect(await adminApi.accountNames()).toContain(name);
});
