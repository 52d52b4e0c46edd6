// The admin Proxy test page streams the answer: a prompt sent through an account that points at
// the mock upstream (which writes its answer in slow chunks) shows up piece by piece, then the
// status and timings; Stop cancels the upstream request mid-answer.
import { test, expect, uniqueName } from '../fixtures/index.ts';

const ANSWER = 'Foxes are small omnivores that live on every continent but Antarctica.';

test.beforeEach(async ({ loginPage, adminCredentials }) => {
  await loginPage.login(adminCredentials);
});

test('the answer grows on the page as the upstream streams it, then shows status and timings', async ({ proxyTestPage, adminApi, mock }) => {
  const account = await adminApi.createOpenAIAccount(uniqueName('openai-stream'), mock.url);
  mock.setDefault({ text: ANSWER, chunks: 4, chunkDelayMs: 300 });

  await proxyTestPage.open();
  await proxyTestPage.waitUntilLoaded();
  await proxyTestPage.recordOutput();
  await proxyTestPage.send({ accountId: account.id, model: 'gpt-4o-mini', prompt: 'Tell me about foxes.' });

  // Part of the answer is on screen while the rest is still being written upstream.
  await expect(proxyTestPage.stopButton).toBeVisible();
  await expect(proxyTestPage.output).not.toBeEmpty();
  const partial = (await proxyTestPage.output.textContent()) ?? '';
  expect(ANSWER.startsWith(partial) && partial.length < ANSWER.length, `"${partial}" is a part of the answer`).toBe(true);

  await expect(proxyTestPage.result.status).toContainText('200');
  await expect(proxyTestPage.output).toHaveText(ANSWER);
  await expect(proxyTestPage.result.latency).toContainText(/\d/);
  await expect(proxyTestPage.result.firstToken).toContainText(/\d/);
  await expect(proxyTestPage.stopButton).toBeHidden();

  // The box showed each growing prefix of the answer in turn, not one final jump.
  const history = await proxyTestPage.outputHistory();
  expect(history.length).toBeGreaterThanOrEqual(3);
  expect(history.at(-1)).toBe(ANSWER);
  for (let i = 1; i < history.length; i++) expect(history[i].startsWith(history[i - 1]) && history[i].length > history[i - 1].length).toBe(true);

  const [sent] = await mock.waitForRequests(1);
  expect(sent).toMatchObject({ format: 'openai', stream: true });
  expect(sent.body.messages).toEqual([{ role: 'user', content: 'Tell me about foxes.' }]);
});

test('Stop cancels the upstream request and keeps what arrived', async ({ proxyTestPage, adminApi, mock }) => {
  const account = await adminApi.createOpenAIAccount(uniqueName('openai-stop'), mock.url);
  mock.setDefault({ text: ANSWER, chunks: 4, chunkDelayMs: 1_000 });

  await proxyTestPage.open();
  await proxyTestPage.waitUntilLoaded();
  await proxyTestPage.send({ accountId: account.id, model: 'gpt-4o-mini', prompt: 'Tell me about foxes.' });
  await expect(proxyTestPage.output).not.toBeEmpty();
  await proxyTestPage.stopButton.click();

  await expect(proxyTestPage.stoppedNotice).toBeVisible();
  const closed = await mock.waitForClose(0);
  expect(closed.clientClosedEarly).toBe(true);
  const kept = (await proxyTestPage.output.textContent()) ?? '';
  expect(kept.length).toBeGreaterThan(0);
  expect(ANSWER.startsWith(kept) && kept.length < ANSWER.length).toBe(true);
  await expect(proxyTestPage.result.panel).toBeHidden();
});
