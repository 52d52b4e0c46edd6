import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, AuditLog, RequestLog } from '@relay/db';
import { hashApiKey, type ConfigSnapshot } from '@relay/core';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';

const KEY_FIELDS = 'id name keyPrefix enabled allowedPlatforms allowedModels rpm tpm concurrency dailyCostLimit totalCostLimit expiresAt requestCount tokensUsed costUsed';
const CREATE = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { ${KEY_FIELDS} } } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $i) { ${KEY_FIELDS} } }`;
const ENABLE = 'mutation($id: ID!, $e: Boolean!) { setApiKeyEnabled(id: $id, enabled: $e) { id enabled } }';
const DELETE = 'mutation($id: ID!) { deleteApiKey(id: $id) }';
const MINE = `{ myApiKeys { ${KEY_FIELDS} } }`;

describe.each(controlPlaneBackends())('api keys ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  const tokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  const responses: string[] = [];
  const fullKeys: string[] = [];

  async function gql<T = any>(query: string, variables?: Record<string, unknown>, token = cp.adminToken) {
    const r = await cp.gql<T>(query, variables, token);
    responses.push(JSON.stringify(r));
    return r;
  }

  async function snapshot(): Promise<ConfigSnapshot> {
    return JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;
  }

  async function create(who: string, input: Record<string, unknown>) {
    const r = await gql<{ createApiKey: { key: string; apiKey: any } }>(CREATE, { i: input }, tokens[who]);
    if (r.data) fullKeys.push(r.data.createApiKey.key);
    return r;
  }

  beforeAll(async () => {
    cp = await startTestControlPlane({ ...opts, env: { MAX_API_KEYS_PER_USER: '3' } });
    for (const name of ['alice', 'bob']) {
      const c = await gql<any>(`mutation { createUser(input: { username: "${name}", password: "${name}-password-1" }) { id } }`);
      userIds[name] = c.data.createUser.id;
      tokens[name] = (await gql<any>(`mutation { login(username: "${name}", password: "${name}-password-1") { token } }`)).data.login.token;
    }
  });
  afterAll(async () => cp?.close());

  it('returns the full key once and stores only its HMAC hash and prefix', async () => {
    const r = await create('alice', {
      name: 'ci', allowedPlatforms: ['OPENAI', 'CLAUDE_CONSOLE'], allowedModels: ['gpt-4o'], rpm: 60, tpm: 100000, concurrency: 2,
      dailyCostLimit: '5.5', totalCostLimit: '100', expiresAt: '2031-01-01T00:00:00.000Z',
    });
    expect(r.errors).toBeUndefined();
    const { key, apiKey } = r.data!.createApiKey;
    expect(key).toMatch(/^sk-relay-[0-9A-Za-z]{40}$/);
    expect(apiKey).toMatchObject({
      name: 'ci', keyPrefix: key.slice(0, 13), enabled: true, allowedPlatforms: ['OPENAI', 'CLAUDE_CONSOLE'], allowedModels: ['gpt-4o'], rpm: 60, tpm: 100000,
      concurrency: 2, dailyCostLimit: '5.500000', totalCostLimit: '100.000000', expiresAt: '2031-01-01T00:00:00.000Z', requestCount: 0, tokensUsed: 0, costUsed: '0.000000',
    });
    const row = await cp.orm.em.fork().findOneOrFail(ApiKey, { id: Number(apiKey.id) });
    expect(row.keyHash).toBe(hashApiKey(key, cp.controlPlane.services.secrets.apiKeySecret));
    expect(row.keyPrefix).toBe(key.slice(0, 13));
    expect(JSON.stringify(row)).not.toContain(key);
    expect([row.dailyCostLimit, row.totalCostLimit, row.allowedPlatforms]).toEqual([5_500_000, 100_000_000, ['openai', 'claude-console']]);

    const mine = await gql<{ myApiKeys: any[] }>(MINE, {}, tokens.alice);
    expect(mine.data!.myApiKeys.map((k) => k.id)).toEqual([apiKey.id]);
    expect(JSON.stringify(mine)).not.toContain(key);
    const snapKey = (await snapshot()).keys[row.keyHash];
    expect(snapKey).toMatchObject({ id: apiKey.id, userId: userIds.alice, enabled: true, allowedPlatforms: ['openai', 'claude-console'], rpm: 60, dailyCostLimit: 5_500_000 });
  });

  it('updates limits (null removes one), disables and deletes — the snapshot follows each change', async () => {
    const { apiKey } = (await create('alice', { name: 'temp', rpm: 10 })).data!.createApiKey;
    const hash = (await cp.orm.em.fork().findOneOrFail(ApiKey, { id: Number(apiKey.id) })).keyHash;
    const u = await gql<{ updateApiKey: any }>(UPDATE, { id: apiKey.id, i: { name: 'renamed', rpm: null, tpm: 500, allowedModels: [] } }, tokens.alice);
    expect(u.data!.updateApiKey).toMatchObject({ name: 'renamed', rpm: null, tpm: 500, allowedModels: null });
    expect((await snapshot()).keys[hash]).toMatchObject({ name: 'renamed', rpm: null, tpm: 500 });

    const off = await gql<{ setApiKeyEnabled: any }>(ENABLE, { id: apiKey.id, e: false }, tokens.alice);
    expect(off.data!.setApiKeyEnabled.enabled).toBe(false);
    expect((await snapshot()).keys[hash].enabled).toBe(false);

    expect((await gql(DELETE, { id: apiKey.id }, tokens.alice)).data).toEqual({ deleteApiKey: true });
    expect((await snapshot()).keys[hash]).toBeUndefined();
    expect(await cp.orm.em.fork().count(ApiKey, { id: Number(apiKey.id) })).toBe(0);
  });

  it('refuses bad limits naming the field and stores nothing', async () => {
    const before = await cp.orm.em.fork().count(ApiKey, {});
    const cases: [Record<string, unknown>, string][] = [
      [{ rpm: -1 }, 'rpm'],
      [{ tpm: 0 }, 'tpm'],
      [{ concurrency: -5 }, 'concurrency'],
      [{ dailyCostLimit: '-1' }, 'dailyCostLimit'],
      [{ totalCostLimit: '-0.5' }, 'totalCostLimit'],
      [{ dailyCostLimit: '1.1234567' }, 'dailyCostLimit'],
      [{ expiresAt: '2001-01-01T00:00:00.000Z' }, 'expiresAt'],
      [{ name: '' }, 'name'],
      [{ allowedPlatforms: ['NOT_A_PLATFORM'] }, 'allowedPlatforms'],
    ];
    for (const [input, field] of cases) {
      const r = await create('bob', { name: 'bad', ...input });
      expect(r.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await cp.orm.em.fork().count(ApiKey, {})).toBe(before);
  });

  it('caps the number of keys per user (LIMIT_EXCEEDED), honouring the user\'s own limit', async () => {
    for (let i = 0; i < 3; i++) expect((await create('bob', { name: `b${i}` })).errors).toBeUndefined();
    const over = await create('bob', { name: 'one too many' });
    expect(over.errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
    expect(await cp.orm.em.fork().count(ApiKey, { user: Number(userIds.bob) })).toBe(3);
    await gql('mutation($id: ID!) { updateUser(id: $id, input: { maxApiKeys: 4 }) { id } }', { id: userIds.bob });
    expect((await create('bob', { name: 'b3' })).errors).toBeUndefined();
    expect((await create('bob', { name: 'b4' })).errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
  });

  it('lets a user reach only their own keys: another user\'s key is NOT_FOUND', async () => {
    const bobKey = (await gql<{ myApiKeys: { id: string }[] }>(MINE, {}, tokens.bob)).data!.myApiKeys[0].id;
    const attempts = [
      [UPDATE, { id: bobKey, i: { name: 'stolen' } }],
      [ENABLE, { id: bobKey, e: false }],
      [DELETE, { id: bobKey }],
    ] as const;
    for (const [q, v] of attempts) {
      const r = await gql(q, v, tokens.alice);
      expect(r.errors![0].extensions!.code).toBe('NOT_FOUND');
    }
    const row = await cp.orm.em.fork().findOneOrFail(ApiKey, { id: Number(bobKey) });
    expect([row.name, row.enabled]).toEqual(['b0', true]);
    const aliceSees = await gql<{ myApiKeys: { id: string }[] }>(MINE, {}, tokens.alice);
    expect(aliceSees.data!.myApiKeys.map((k) => k.id)).not.toContain(bobKey);
    // Admin-only views stay closed to users.
    expect((await gql('{ allApiKeys { total } }', {}, tokens.alice)).errors![0].extensions!.code).toBe('FORBIDDEN');
    // Admins may manage any key.
    expect((await gql<{ setApiKeyEnabled: any }>(ENABLE, { id: bobKey, e: false })).data!.setApiKeyEnabled.enabled).toBe(false);
  });

  it('lists every key for admins with owner and usage, filtered and paged, and a key\'s request log', async () => {
    const all = await gql<{ allApiKeys: { total: number; items: any[] } }>(
      'query($f: ApiKeyFilter, $p: PageInput) { allApiKeys(filter: $f, page: $p) { total items { id name enabled requestCount tokensUsed costUsed owner { id username } } } }',
      { f: { userId: userIds.bob }, p: { limit: 2 } },
    );
    expect(all.data!.allApiKeys.total).toBe(4);
    expect(all.data!.allApiKeys.items).toHaveLength(2);
    expect(all.data!.allApiKeys.items[0].owner).toEqual({ id: userIds.bob, username: 'bob' });
    const disabled = await gql<{ allApiKeys: { total: number } }>('{ allApiKeys(filter: { enabled: false }) { total } }');
    expect(disabled.data!.allApiKeys.total).toBe(1);
    const searched = await gql<{ allApiKeys: { items: { name: string }[] } }>('{ allApiKeys(filter: { search: "ci" }) { items { name } } }');
    expect(searched.data!.allApiKeys.items.map((k) => k.name)).toEqual(['ci']);

    const keyId = Number(all.data!.allApiKeys.items[0].id);
    const em = cp.orm.em.fork();
    for (let i = 0; i < 3; i++) {
      em.create(RequestLog, {
        requestId: `req_test_${keyId}_${i}`, userId: Number(userIds.bob), apiKeyId: keyId, model: 'gpt-4o', upstreamModel: 'gpt-4o', endpoint: '/v1/chat/completions',
        stream: false, status: 200, inputTokens: 10 + i, outputTokens: 5, totalTokens: 15 + i, totalCost: 1000 * (i + 1), createdAt: new Date(Date.now() - (3 - i) * 60_000),
      });
    }
    em.create(RequestLog, { requestId: `req_other_${keyId}`, userId: 1, apiKeyId: keyId + 1000, model: 'x', upstreamModel: 'x', endpoint: '/v1/messages', stream: true, status: 200 });
    await em.flush();
    const logs = await gql<{ apiKeyLogs: { nextCursor: string | null; items: any[] } }>(
      'query($id: ID!) { apiKeyLogs(apiKeyId: $id, page: { limit: 2 }) { nextCursor items { requestId apiKeyId inputTokens totalCost status } } }', { id: String(keyId) },
    );
    expect(logs.errors).toBeUndefined();
    expect(logs.data!.apiKeyLogs.nextCursor).not.toBeNull();
    expect(logs.data!.apiKeyLogs.items).toEqual([
      { requestId: `req_test_${keyId}_2`, apiKeyId: String(keyId), inputTokens: 12, totalCost: '0.003000', status: 200 },
      { requestId: `req_test_${keyId}_1`, apiKeyId: String(keyId), inputTokens: 11, totalCost: '0.002000', status: 200 },
    ]);
    const rest = await gql<{ apiKeyLogs: { nextCursor: string | null; items: { requestId: string }[] } }>(
      'query($id: ID!, $after: String) { apiKeyLogs(apiKeyId: $id, page: { limit: 2, after: $after }) { nextCursor items { requestId } } }', { id: String(keyId), after: logs.data!.apiKeyLogs.nextCursor },
    );
    expect(rest.data!.apiKeyLogs).toEqual({ nextCursor: null, items: [{ requestId: `req_test_${keyId}_0` }] });
  });

  it('audits every change without the key or its hash, and never logs a key', async () => {
    const audit = await cp.orm.em.fork().find(AuditLog, { targetType: 'api_key' });
    expect(new Set(audit.map((a) => a.action))).toEqual(new Set(['api_key.create', 'api_key.update', 'api_key.set_enabled', 'api_key.delete']));
    expect(audit.find((a) => a.action === 'api_key.create')!.actorName).toBe('alice');
    const hashes = (await cp.orm.em.fork().find(ApiKey, {})).map((k) => k.keyHash);
    await cp.flushLogs();
    const dir = join(cp.dataDir, 'logs');
    const logs = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const auditText = JSON.stringify(audit);
    for (const key of fullKeys) {
      expect(auditText).not.toContain(key);
      expect(logs).not.toContain(key);
    }
    for (const h of hashes) {
      expect(auditText).not.toContain(h);
      expect(responses.join('\n')).not.toContain(h);
    }
    // Each full key appeared in exactly one response: the one that created it.
    for (const key of fullKeys) expect(responses.filter((r) => r.includes(key))).toHaveLength(1);
  });
});
