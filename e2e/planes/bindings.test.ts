// Groups and key rules set through GraphQL reach a running proxy: the control plane compiles the
// groups, the key's binding, its model mapping and its client rule into the snapshot, and the proxy
// serves the key from the group's account only, with the mapped model, and refuses other clients.
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, startTestProxy, type TestControlPlane, type TestProxy } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVED = 'claude-sonnet-4-5';
const CLAUDE_CODE_UA = 'claude-cli/2.1.197 (external, cli)';

function mustData<T>(r: { data: T | null; errors?: unknown }): T {
  if (!r.data) throw new Error(`GraphQL failed: ${JSON.stringify(r.errors)}`);
  return r.data;
}

describe('account groups and key rules from GraphQL to a running proxy', { timeout: 60_000 }, () => {
  let cp: TestControlPlane;
  let proxy: TestProxy;
  let mock: MockUpstream;
  const gql = async <T = any>(query: string, variables?: Record<string, unknown>) => mustData(await cp.gql<T>(query, variables, cp.adminToken));

  beforeAll(async () => {
    mock = await startMockUpstream();
    cp = await startTestControlPlane({ db: 'sqlite' });
    proxy = await startTestProxy({ store: cp.store, config: { apiKeySecret: cp.config.apiKeySecret!, encryptionKey: cp.config.encryptionKey! } });
  });
  afterAll(async () => {
    await proxy?.close();
    await cp?.close();
    await mock?.close();
  });

  const send = async (key: string, model: string, userAgent = CLAUDE_CODE_UA) => {
    const res = await fetch(`${proxy.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01', 'user-agent': userAgent },
      body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: res.status, body: await res.json() };
  };

  it('binds a key to a group, maps its alias and limits it to Claude Code', async () => {
    const ids: string[] = [];
    for (const name of ['outside', 'inside']) {
      const { createAccount } = await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', {
        i: { name, platform: 'CLAUDE_CONSOLE', apiKey: `sk-ant-api03-${name}-000000000000`, baseUrl: mock.url, priority: name === 'outside' ? 1 : 50 },
      });
      ids.push(createAccount.id);
    }
    await gql('mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model } }', { i: { model: SERVED, input: '3', output: '15' } });
    const group = (await gql('mutation($i: CreateAccountGroupInput!) { createAccountGroup(input: $i) { id } }', { i: { name: 'inside only', accountIds: [ids[1]] } })).createAccountGroup.id;
    const { createApiKey } = await gql('mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { id } } }', {
      i: { name: 'bound', accountGroupId: group, modelMapping: [{ from: 'sonnet', to: SERVED }], allowedClients: ['CLAUDE_CODE'] },
    });
    mock.setDefault({ text: 'ok', usage: { input: 3, output: 1 } });

    // The mutation awaited the snapshot rebuild; the proxy follows the announcement.
    await expect.poll(async () => (await send(createApiKey.key, 'sonnet')).status, { timeout: 5000 }).toBe(200);
    mock.reset();
    mock.setDefault({ text: 'ok', usage: { input: 3, output: 1 } });
    for (let i = 0; i < 4; i++) expect((await send(createApiKey.key, 'sonnet')).status).toBe(200);
    const upstream = mock.requests.filter((r) => r.method === 'POST');
    // The unbound choice would be "outside" (priority 1): the group keeps every request on "inside".
    expect(upstream.map((r) => r.headers['x-api-key'])).toEqual(Array(4).fill('sk-ant-api03-inside-000000000000'));
    expect(upstream.map((r) => r.body.model)).toEqual(Array(4).fill(SERVED));

    const refused = await send(createApiKey.key, 'sonnet', 'curl/8.5.0');
    expect(refused).toEqual({ status: 403, body: { type: 'error', error: { type: 'permission_error', message: 'This API key may only be used from claude-code' } } });

    // Unbinding gives the key every account again: the priority-1 account serves it.
    await gql('mutation($id: ID!, $i: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $i) { id } }', { id: createApiKey.apiKey.id, i: { accountGroupId: null } });
    mock.reset();
    mock.setDefault({ text: 'ok', usage: { input: 3, output: 1 } });
    await expect.poll(async () => {
      await send(createApiKey.key, 'sonnet');
      return mock.requests.at(-1)?.headers['x-api-key'];
    }, { timeout: 5000 }).toBe('sk-ant-api03-outside-000000000000');
  });
});
