import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '@relay/db';
import { type ConfigSnapshot } from '@relay/core';
import { controlPlaneBackends, startTestControlPlane, type TestControlPlane } from '@relay/testkit';

const GROUP_FIELDS = 'id name description accountIds keyCount userCount';
const CREATE_GROUP = `mutation($i: CreateAccountGroupInput!) { createAccountGroup(input: $i) { ${GROUP_FIELDS} } }`;
const UPDATE_GROUP = `mutation($id: ID!, $i: UpdateAccountGroupInput!) { updateAccountGroup(id: $id, input: $i) { ${GROUP_FIELDS} } }`;
const DELETE_GROUP = 'mutation($id: ID!) { deleteAccountGroup(id: $id) }';
const GROUPS = `{ accountGroups { ${GROUP_FIELDS} } }`;
const KEY_RULES = 'id modelMapping { from to } allowedClients';
const CREATE_KEY = `mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { key apiKey { ${KEY_RULES} } } }`;
const UPDATE_KEY = `mutation($id: ID!, $i: UpdateApiKeyInput!) { updateApiKey(id: $id, input: $i) { ${KEY_RULES} accountGroupId accountIds } }`;
const UPDATE_USER = 'mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id accountGroupId accountIds } }';

describe.each(controlPlaneBackends())('account groups and key bindings ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let userToken: string;
  let userId: string;
  const accounts: string[] = [];

  const gql = <T = any>(query: string, variables?: Record<string, unknown>, token = cp.adminToken) => cp.gql<T>(query, variables, token);
  const code = (r: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => r.errors?.[0]?.extensions?.code;
  const snapshot = async (): Promise<ConfigSnapshot> => JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;

  beforeAll(async () => {
    cp = await startTestControlPlane(opts);
    for (const name of ['g-a1', 'g-a2', 'g-b1']) {
      const r = await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { id } }', { i: { name, platform: 'CLAUDE_CONSOLE', apiKey: `sk-ant-api03-${name}-0000000000` } });
      expect(r.errors).toBeUndefined();
      accounts.push(r.data.createAccount.id);
    }
    userId = (await gql('mutation { createUser(input: { username: "grouped", password: "grouped-password-1" }) { id } }')).data.createUser.id;
    userToken = (await gql('mutation { login(username: "grouped", password: "grouped-password-1") { token } }')).data.login.token;
  });
  afterAll(async () => cp?.close());

  it('creates, lists, updates and deletes groups (admins only), audited and in the snapshot', async () => {
    const created = await gql(CREATE_GROUP, { i: { name: ' Team A ', description: 'first team', accountIds: [accounts[1], accounts[0], accounts[0]] } });
    expect(created.errors).toBeUndefined();
    const g = created.data.createAccountGroup;
    expect(g).toMatchObject({ name: 'Team A', description: 'first team', accountIds: [accounts[0], accounts[1]], keyCount: 0, userCount: 0 });
    expect((await snapshot()).accountGroups![g.id]).toEqual({ id: g.id, name: 'Team A', accountIds: [accounts[0], accounts[1]] });

    const updated = await gql(UPDATE_GROUP, { id: g.id, i: { name: 'Team A2', accountIds: [accounts[2]] } });
    expect(updated.data.updateAccountGroup).toMatchObject({ name: 'Team A2', description: 'first team', accountIds: [accounts[2]] });
    expect((await snapshot()).accountGroups![g.id].accountIds).toEqual([accounts[2]]);
    expect((await gql(GROUPS)).data.accountGroups.map((x: { name: string }) => x.name)).toContain('Team A2');

    expect(code(await gql(GROUPS, {}, userToken))).toBe('FORBIDDEN');
    expect(code(await gql(CREATE_GROUP, { i: { name: 'mine' } }, userToken))).toBe('FORBIDDEN');

    expect(await gql(DELETE_GROUP, { id: g.id })).toMatchObject({ data: { deleteAccountGroup: true } });
    expect((await snapshot()).accountGroups![g.id]).toBeUndefined();
    const audit = await cp.orm.em.fork().find(AuditLog, { targetType: 'account_group', targetId: g.id }, { orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['account_group.create', 'account_group.update', 'account_group.delete']);
  });

  it('refuses empty or taken names, unknown accounts and unknown groups', async () => {
    await gql(CREATE_GROUP, { i: { name: 'taken' } });
    expect(code(await gql(CREATE_GROUP, { i: { name: '   ' } }))).toBe('BAD_USER_INPUT');
    expect(code(await gql(CREATE_GROUP, { i: { name: 'taken' } }))).toBe('CONFLICT');
    const unknown = await gql(CREATE_GROUP, { i: { name: 'ghosts', accountIds: ['999999'] } });
    expect(code(unknown)).toBe('BAD_USER_INPUT');
    expect(unknown.errors![0].message).toBe('accountIds: unknown account 999999');
    expect(code(await gql(UPDATE_GROUP, { id: '999999', i: { name: 'x' } }))).toBe('NOT_FOUND');
  });

  it("binds keys and users' defaults; the snapshot carries bindings, mapping and clients; a bound group cannot be deleted", async () => {
    const group = (await gql(CREATE_GROUP, { i: { name: 'Team B', accountIds: [accounts[2]] } })).data.createAccountGroup;
    // A user sets the model mapping and the client rule of their own key…
    const created = await gql(CREATE_KEY, { i: { name: 'cc', modelMapping: [{ from: 'sonnet', to: 'claude-sonnet-4-5' }], allowedClients: ['CLAUDE_CODE'] } }, userToken);
    expect(created.errors).toBeUndefined();
    const keyId = created.data.createApiKey.apiKey.id;
    expect(created.data.createApiKey.apiKey).toMatchObject({ modelMapping: [{ from: 'sonnet', to: 'claude-sonnet-4-5' }], allowedClients: ['CLAUDE_CODE'] });
    // …but neither binds it nor reads its binding: accounts are the admins' business.
    expect(code(await gql(UPDATE_KEY, { id: keyId, i: { accountGroupId: group.id } }, userToken))).toBe('FORBIDDEN');
    const own = await gql('{ myApiKeys { id accountGroupId } }', {}, userToken);
    expect(code(own)).toBe('FORBIDDEN');
    expect(code(await gql('{ me { accountGroupId } }', {}, userToken))).toBe('FORBIDDEN');

    // The admin binds the key to the group, then to accounts (which clears the group).
    expect((await gql(UPDATE_KEY, { id: keyId, i: { accountGroupId: group.id } })).data.updateApiKey).toMatchObject({ accountGroupId: group.id, accountIds: null });
    let key = Object.values((await snapshot()).keys).find((k) => k.id === keyId)!;
    expect(key).toMatchObject({ binding: { groupId: group.id }, modelMapping: { sonnet: 'claude-sonnet-4-5' }, allowedClients: ['claude-code'] });
    expect((await gql(GROUPS)).data.accountGroups.find((g: { id: string }) => g.id === group.id).keyCount).toBe(1);
    expect(code(await gql(DELETE_GROUP, { id: group.id }))).toBe('CONFLICT');
    expect((await gql(UPDATE_KEY, { id: keyId, i: { accountIds: [accounts[1], accounts[0]] } })).data.updateApiKey).toMatchObject({ accountGroupId: null, accountIds: [accounts[0], accounts[1]] });
    key = Object.values((await snapshot()).keys).find((k) => k.id === keyId)!;
    expect(key.binding).toEqual({ accountIds: [accounts[0], accounts[1]] });

    // The user's default binding.
    expect((await gql(UPDATE_USER, { id: userId, i: { accountGroupId: group.id } })).data.updateUser).toMatchObject({ accountGroupId: group.id, accountIds: null });
    expect((await snapshot()).users[userId].binding).toEqual({ groupId: group.id });
    expect(code(await gql(DELETE_GROUP, { id: group.id }))).toBe('CONFLICT');
    await gql(UPDATE_USER, { id: userId, i: { accountGroupId: null } });
    await gql(UPDATE_KEY, { id: keyId, i: { accountIds: null, modelMapping: null, allowedClients: [] } });
    key = Object.values((await snapshot()).keys).find((k) => k.id === keyId)!;
    expect(key).toMatchObject({ binding: null, modelMapping: null, allowedClients: null });
    expect(await gql(DELETE_GROUP, { id: group.id })).toMatchObject({ data: { deleteAccountGroup: true } });
    const audit = await cp.orm.em.fork().find(AuditLog, { action: 'api_key.update', targetId: keyId }, { orderBy: { id: 'asc' } });
    expect(audit[0].after).toMatchObject({ accountGroupId: Number(group.id) });
  });

  it('refuses bad bindings and bad mappings', async () => {
    const keyId = (await gql(CREATE_KEY, { i: { name: 'bad' } })).data.createApiKey.apiKey.id;
    const group = (await gql(CREATE_GROUP, { i: { name: 'Team C' } })).data.createAccountGroup;
    const bad = async (i: Record<string, unknown>) => {
      const r = await gql(UPDATE_KEY, { id: keyId, i });
      expect(code(r)).toBe('BAD_USER_INPUT');
      return r.errors![0].message;
    };
    expect(await bad({ accountGroupId: '999999' })).toBe('accountGroupId: unknown account group 999999');
    expect(await bad({ accountIds: ['999999'] })).toBe('accountIds: unknown account 999999');
    expect(await bad({ accountGroupId: group.id, accountIds: [accounts[0]] })).toBe('accountIds: bind to a group or to accounts, not both');
    expect(await bad({ modelMapping: [{ from: 'sonnet', to: ' ' }] })).toBe('modelMapping: from and to must not be empty');
    expect(await bad({ modelMapping: [{ from: 'x', to: 'x' }] })).toBe('modelMapping: "x" maps to itself');
    expect(await bad({ modelMapping: [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }] })).toBe('modelMapping: "a" is mapped twice');
    expect(code(await gql(UPDATE_KEY, { id: keyId, i: { modelMapping: [{ from: 'x'.repeat(129), to: 'y' }] } }))).toBe('BAD_USER_INPUT');
    // Not a client family: refused by the schema before any resolver runs.
    expect((await gql(UPDATE_KEY, { id: keyId, i: { allowedClients: ['CURL'] } })).errors![0].message).toMatch(/CURL/);
  });
});
