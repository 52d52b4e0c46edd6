import { hotKeys } from '@relay/core';
import { MemoryHotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, type TestProxy } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionHash } from './select-account.ts';

const KEY = 'sk-relay-sticky-000000000000000000000000000';
const MODEL = 'claude-sonnet-4-20250514';
const MINUTE = 60_000;

describe("sticky sessions by Claude Code's session id", () => {
  let a: MockUpstream;
  let b: MockUpstream;
  let proxy: TestProxy;
  let clock = Date.now();
  const store = new MemoryHotStore({ now: () => clock });
  beforeAll(async () => {
    [a, b] = await Promise.all([startMockUpstream(), startMockUpstream()]);
    proxy = await startTestProxy({
      store,
      spec: {
        keys: [{ id: 'k1', userId: 'u1', key: KEY }],
        accounts: [
          { id: 'A', platform: 'claude-console', priority: 5, baseUrl: a.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-a' } },
          { id: 'B', platform: 'claude-console', priority: 5, baseUrl: b.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-b' } },
        ],
        prices: [{ model: MODEL, price: { input: '3', output: '15' } }],
      },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await Promise.all([a.close(), b.close()]);
    await store.close();
  });

  const send = (session: { header?: string; userId?: string }) => fetch(`${proxy.url}/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...(session.header ? { 'x-claude-code-session-id': session.header } : {}) },
    body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...(session.userId ? { metadata: { user_id: session.userId } } : {}) }),
  });

  it('the header and the JSON metadata.user_id name the same session; each use renews the hour', async () => {
    const session = '7351a379-b7bc-4427-9cbe-f2e656281111';
    expect((await send({ header: session })).status).toBe(200);
    const sticky = await store.get(hotKeys.sticky(sessionHash({}, { 'x-claude-code-session-id': session })!));
    expect(sticky === 'A' || sticky === 'B').toBe(true);
    // Every 50 minutes, for three hours: without renewal the hour-long entry would lapse and least-recently-used would switch accounts.
    for (let i = 0; i < 4; i++) {
      clock += 50 * MINUTE;
      const userId = JSON.stringify({ device_id: `d${i}`, account_uuid: '', session_id: session });
      expect((await send(i % 2 ? { header: session } : { userId })).status).toBe(200);
    }
    const served = sticky === 'A' ? a : b;
    const other = sticky === 'A' ? b : a;
    expect(served.requests).toHaveLength(5);
    expect(other.requests).toHaveLength(0);
  });
});
