import { createHotStore, type HotStore } from '@relay/hot-store';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { publishSnapshot, testRedisUrl, uniqueSuffix, type SnapshotSpec } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyProcess, stopProxyProcesses, type ProxyProcess } from './proxy-process.ts';

const SONNET = 'claude-sonnet-4-5';
const KEYS = {
  unbound: 'sk-relay-bind-unbound-000000000000000000',
  groupB: 'sk-relay-bind-group-b-000000000000000000',
  accounts: 'sk-relay-bind-accounts-00000000000000000',
  userDefault: 'sk-relay-bind-user-default-000000000000',
  ownOverDefault: 'sk-relay-bind-own-over-default-00000000',
};
const GROUP_A = ['a1', 'a2'];
const GROUP_B = ['b1', 'b2'];
const redisUrl = testRedisUrl();

/**
 * Account groups and key bindings across three proxy processes sharing Redis (and so sticky
 * sessions): each upstream account has its own credential, so the mock tells which one served.
 */
describe.runIf(redisUrl)('account bindings across three proxy processes', { timeout: 60_000 }, () => {
  let mock: MockUpstream;
  let store: HotStore;
  const procs: ProxyProcess[] = [];
  beforeAll(async () => {
    const prefix = `bind:${uniqueSuffix()}:`;
    mock = await startMockUpstream();
    store = createHotStore({ redisUrl, prefix });
    const spec: SnapshotSpec = {
      users: [{ id: 'u1' }, { id: 'u2', binding: { groupId: 'A' } }],
      keys: [
        { id: 'unbound', userId: 'u1', key: KEYS.unbound },
        { id: 'group-b', userId: 'u1', key: KEYS.groupB, binding: { groupId: 'B' } },
        { id: 'accounts', userId: 'u1', key: KEYS.accounts, binding: { accountIds: ['a2', 'b1'] } },
        { id: 'user-default', userId: 'u2', key: KEYS.userDefault },
        { id: 'own-over-default', userId: 'u2', key: KEYS.ownOverDefault, binding: { accountIds: ['b2'] } },
      ],
      accounts: [...GROUP_A, ...GROUP_B].map((id) => ({ id, platform: 'claude-console' as const, baseUrl: mock.url, credentials: { kind: 'api-key' as const, apiKey: `sk-ant-${id}` } })),
      accountGroups: [{ id: 'A', accountIds: GROUP_A }, { id: 'B', accountIds: GROUP_B }],
      prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
    };
    await publishSnapshot(store, spec);
    procs.push(...(await Promise.all([0, 1, 2].map(() => startProxyProcess(redisUrl!, prefix)))));
  }, 60_000);
  afterAll(async () => {
    await stopProxyProcesses(procs);
    await store?.close();
    await mock?.close();
  });

  /** Sends `n` requests one after another, round robin over the three proxies; returns the accounts that served them. */
  async function served(key: string, n: number, session?: string): Promise<string[]> {
    mock.reset();
    mock.setDefault({ text: 'ok', usage: { input: 3, output: 1 } });
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${procs[i % 3].url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01', ...(session ? { 'x-claude-code-session-id': session } : {}) },
        body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(res.status).toBe(200);
      await res.json();
    }
    const upstream = mock.requests.filter((r) => r.method === 'POST');
    expect(upstream).toHaveLength(n);
    return upstream.map((r) => r.headers['x-api-key'].replace('sk-ant-', ''));
  }

  it('an unbound key keeps every account of the platform (both groups serve it on each proxy)', async () => {
    // Each proxy takes the least recently used account in turn: its first three requests cover a1, a2 and b1.
    const used = new Set(await served(KEYS.unbound, 9));
    expect([...used].some((a) => GROUP_A.includes(a))).toBe(true);
    expect([...used].some((a) => GROUP_B.includes(a))).toBe(true);
  });

  it("a key bound to group B is never served by group A's accounts, not even through another key's sticky session", async () => {
    const session = `sess-${uniqueSuffix()}`;
    // The unbound key pins the session to an account (priority tie: a1 is first) on every proxy, through Redis.
    const pinned = await served(KEYS.unbound, 3, session);
    expect(new Set(pinned).size).toBe(1);
    const bound = await served(KEYS.groupB, 12, session);
    expect(bound.filter((a) => !GROUP_B.includes(a))).toEqual([]);
    // Bound and sticky: the session now stays on one of B's accounts across the proxies.
    expect(new Set(bound).size).toBe(1);
    expect(new Set(await served(KEYS.groupB, 12))).toEqual(new Set(GROUP_B));
  });

  it('a key bound to specific accounts is served only by them', async () => {
    expect(new Set(await served(KEYS.accounts, 12))).toEqual(new Set(['a2', 'b1']));
  });

  it("a user's default binding applies to their keys without their own; a key's own binding wins", async () => {
    expect(new Set(await served(KEYS.userDefault, 12))).toEqual(new Set(GROUP_A));
    expect(new Set(await served(KEYS.ownOverDefault, 6))).toEqual(new Set(['b2']));
  });
});
