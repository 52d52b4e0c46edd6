import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account, AuditLog } from '@relay/db';
import { hotKeys, type AccountCredentials, type ConfigSnapshot } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';

const FIELDS = 'id name platform status schedulable priority baseUrl credentialHint egressProxyHint models modelMapping concurrency concurrencyInUse cooldownUntil region deployment apiVersion tokenExpiresAt';
const CREATE = `mutation($i: CreateAccountInput!) { createAccount(input: $i) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateAccountInput!) { updateAccount(id: $id, input: $i) { ${FIELDS} } }`;
const ACCOUNT = `query($id: ID!) { account(id: $id) { ${FIELDS} } }`;
const TEST = 'mutation($id: ID!, $m: String!) { testAccount(id: $id, model: $m) { ok status latencyMs text error } }';

/** One distinctive secret of every kind an account can hold; none may ever come back out. */
const SECRETS = {
  console: 'sk-ant-api03-CONSOLEsecretVALUE0001',
  ccr: 'ccr-key-CCRsecretVALUE0002',
  oauthAccess: 'sk-ant-oat01-OAUTHaccessSECRET0003',
  oauthRefresh: 'sk-ant-ort01-OAUTHrefreshSECRET0004',
  awsSecret: 'AWSsecretACCESSkeyVALUE0005abcdefghijkl',
  awsSession: 'AWSsessionTOKENvalue0006xyz',
  bedrockKey: 'bedrock-api-key-BEDROCKsecret0007',
  azure: 'azure-key-AZUREsecretVALUE0008',
  openai: 'sk-proj-OPENAIsecretVALUE0009',
  gemini: 'AIzaGEMINIsecretVALUE0010',
  proxyPassword: 'EGRESSproxyPASSWORD0011',
  openai2: 'sk-proj-OPENAIrotatedSECRET0012',
};

describe.each(controlPlaneBackends())('accounts ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let mock: MockUpstream;
  let userToken: string;
  const responses: string[] = [];
  const ids: Record<string, string> = {};

  async function gql<T = any>(query: string, variables?: Record<string, unknown>, token = cp.adminToken) {
    const r = await cp.gql<T>(query, variables, token);
    responses.push(JSON.stringify(r));
    return r;
  }

  async function stored(id: string): Promise<{ row: Account; creds: AccountCredentials }> {
    const row = await cp.orm.em.fork().findOneOrFail(Account, { id: Number(id) });
    return { row, creds: cp.controlPlane.services.secretBox.decryptJson<AccountCredentials>(row.credentials) };
  }

  async function snapshot(): Promise<ConfigSnapshot> {
    return JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;
  }

  beforeAll(async () => {
    mock = await startMockUpstream();
    cp = await startTestControlPlane(opts);
    await gql('mutation { createUser(input: { username: "ulla", password: "ulla-password-1" }) { id } }');
    userToken = (await gql<any>('mutation { login(username: "ulla", password: "ulla-password-1") { token } }')).data.login.token;
  });
  afterAll(async () => {
    await cp?.close();
    await mock?.close();
  });

  it('creates an account of every platform with its credentials encrypted and only a hint shown', async () => {
    const cases: { key: string; input: Record<string, unknown>; creds: AccountCredentials; hint: string; expect?: Record<string, unknown> }[] = [
      { key: 'console', input: { platform: 'CLAUDE_CONSOLE', apiKey: SECRETS.console }, creds: { kind: 'api-key', apiKey: SECRETS.console }, hint: '0001' },
      { key: 'ccr', input: { platform: 'CCR', baseUrl: 'https://relay.example.com/', apiKey: SECRETS.ccr }, creds: { kind: 'api-key', apiKey: SECRETS.ccr }, hint: '0002', expect: { baseUrl: 'https://relay.example.com' } },
      {
        key: 'oauth', input: { platform: 'CLAUDE_OAUTH', accessToken: SECRETS.oauthAccess, refreshToken: SECRETS.oauthRefresh, expiresAt: '2030-01-01T00:00:00.000Z' },
        creds: { kind: 'oauth', accessToken: SECRETS.oauthAccess, refreshToken: SECRETS.oauthRefresh, expiresAt: Date.parse('2030-01-01T00:00:00Z') }, hint: '0003',
        expect: { tokenExpiresAt: '2030-01-01T00:00:00.000Z' },
      },
      {
        key: 'bedrock', input: { platform: 'BEDROCK', region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE0000KEY1', secretAccessKey: SECRETS.awsSecret, sessionToken: SECRETS.awsSession },
        creds: { kind: 'aws', accessKeyId: 'AKIAEXAMPLE0000KEY1', secretAccessKey: SECRETS.awsSecret, sessionToken: SECRETS.awsSession }, hint: 'KEY1', expect: { region: 'eu-west-1' },
      },
      { key: 'bedrockKey', input: { platform: 'BEDROCK', region: 'us-east-1', apiKey: SECRETS.bedrockKey }, creds: { kind: 'bedrock-api-key', apiKey: SECRETS.bedrockKey }, hint: '0007' },
      {
        key: 'azure', input: { platform: 'AZURE_OPENAI', baseUrl: mock.url, deployment: 'gpt4o-prod', apiKey: SECRETS.azure },
        creds: { kind: 'api-key', apiKey: SECRETS.azure }, hint: '0008', expect: { deployment: 'gpt4o-prod', apiVersion: '2024-10-21' },
      },
      {
        key: 'openai', input: { platform: 'OPENAI', baseUrl: mock.url, apiKey: SECRETS.openai, egressProxy: `http://user:${SECRETS.proxyPassword}@127.0.0.1:3128` },
        creds: { kind: 'api-key', apiKey: SECRETS.openai }, hint: '0009', expect: { egressProxyHint: 'http://127.0.0.1:3128' },
      },
      { key: 'gemini', input: { platform: 'GEMINI', baseUrl: mock.url, apiKey: SECRETS.gemini, models: ['gemini-2.5-pro', 'gemini-2.5-pro'], priority: 5 }, creds: { kind: 'api-key', apiKey: SECRETS.gemini }, hint: '0010', expect: { models: ['gemini-2.5-pro'], priority: 5 } },
    ];
    for (const c of cases) {
      const r = await gql<{ createAccount: any }>(CREATE, { i: { name: `acct-${c.key}`, ...c.input } });
      expect(r.errors, c.key).toBeUndefined();
      const a = r.data!.createAccount;
      expect(a).toMatchObject({ name: `acct-${c.key}`, platform: c.input.platform, status: 'ACTIVE', schedulable: true, credentialHint: `••••${c.hint}`, ...c.expect });
      ids[c.key] = a.id;
      const { row, creds } = await stored(a.id);
      expect(creds).toMatchObject(c.creds);
      expect(row.credentials.startsWith('v1.')).toBe(true);
      expect(row.credentials).not.toContain(c.hint + '"');
    }
    const oauth = await stored(ids.oauth);
    // Proxies refresh pasted OAuth tokens at the configured token endpoint.
    expect(oauth.row.settings).toMatchObject({ tokenUrl: cp.config.claudeOAuth.tokenUrl, clientId: cp.config.claudeOAuth.clientId });
    expect(cp.controlPlane.services.secretBox.decrypt((await stored(ids.openai)).row.egressProxy!)).toContain(SECRETS.proxyPassword);

    const list = await gql<{ accounts: { id: string; name: string }[] }>('{ accounts { id name priority } }');
    expect(list.data!.accounts.map((a) => a.id)).toEqual(expect.arrayContaining(Object.values(ids)));
    expect(list.data!.accounts[0].id).toBe(ids.gemini); // priority 5 sorts first

    const snap = await snapshot();
    const inSnap = snap.accounts.find((a) => a.id === ids.bedrock)!;
    expect(inSnap).toMatchObject({ platform: 'bedrock', settings: { region: 'eu-west-1' } });
    expect(inSnap.credentials).toBe((await stored(ids.bedrock)).row.credentials);
  });

  it('updates one field and keeps the rest; switches Bedrock credential kinds; deletes', async () => {
    const u = await gql<{ updateAccount: any }>(UPDATE, { id: ids.openai, i: { apiKey: SECRETS.openai2, name: 'openai-renamed', concurrency: 4, modelMapping: { 'gpt-x': 'gpt-4o' } } });
    expect(u.errors).toBeUndefined();
    expect(u.data!.updateAccount).toMatchObject({ name: 'openai-renamed', credentialHint: '••••0012', concurrency: 4, modelMapping: { 'gpt-x': 'gpt-4o' }, baseUrl: mock.url, egressProxyHint: 'http://127.0.0.1:3128' });
    expect((await stored(ids.openai)).creds).toEqual({ kind: 'api-key', apiKey: SECRETS.openai2 });

    const b = await gql<{ updateAccount: any }>(UPDATE, { id: ids.bedrock, i: { secretAccessKey: `${SECRETS.awsSecret}X` } });
    expect(b.data!.updateAccount).toMatchObject({ region: 'eu-west-1', credentialHint: '••••KEY1' });
    expect((await stored(ids.bedrock)).creds).toEqual({ kind: 'aws', accessKeyId: 'AKIAEXAMPLE0000KEY1', secretAccessKey: `${SECRETS.awsSecret}X`, sessionToken: SECRETS.awsSession });
    const toKey = await gql<{ updateAccount: any }>(UPDATE, { id: ids.bedrock, i: { apiKey: SECRETS.bedrockKey } });
    expect(toKey.errors).toBeUndefined();
    expect((await stored(ids.bedrock)).creds).toEqual({ kind: 'bedrock-api-key', apiKey: SECRETS.bedrockKey });

    const az = await gql<{ updateAccount: any }>(UPDATE, { id: ids.azure, i: { apiVersion: '2025-01-01-preview' } });
    expect(az.data!.updateAccount).toMatchObject({ deployment: 'gpt4o-prod', apiVersion: '2025-01-01-preview' });

    const off = await gql<{ updateAccount: any }>(UPDATE, { id: ids.ccr, i: { status: 'DISABLED' } });
    expect(off.data!.updateAccount.status).toBe('DISABLED');
    expect((await snapshot()).accounts.find((a) => a.id === ids.ccr)!.status).toBe('DISABLED');

    const extra = await gql<{ createAccount: { id: string } }>(CREATE, { i: { name: 'doomed', platform: 'OPENAI', apiKey: SECRETS.openai } });
    const del = await gql<{ deleteAccount: boolean }>('mutation($id: ID!) { deleteAccount(id: $id) }', { id: extra.data!.createAccount.id });
    expect(del.data!.deleteAccount).toBe(true);
    expect((await gql(ACCOUNT, { id: extra.data!.createAccount.id })).errors![0].extensions!.code).toBe('NOT_FOUND');
    expect((await snapshot()).accounts.some((a) => a.id === extra.data!.createAccount.id)).toBe(false);
  });

  it('refuses invalid input per platform, naming the field, and changes nothing', async () => {
    const before = await cp.orm.em.fork().count(Account, {});
    const cases: [Record<string, unknown>, string][] = [
      [{ platform: 'AZURE_OPENAI', baseUrl: 'https://x.openai.azure.com', apiKey: SECRETS.azure }, 'deployment'],
      [{ platform: 'BEDROCK', accessKeyId: 'AKIAEXAMPLE0000KEY1', secretAccessKey: SECRETS.awsSecret }, 'region'],
      [{ platform: 'BEDROCK', region: 'us-east-1' }, 'accessKeyId'],
      [{ platform: 'BEDROCK', region: 'not a region', apiKey: SECRETS.bedrockKey }, 'region'],
      [{ platform: 'OPENAI', baseUrl: 'ftp://files.example.com', apiKey: SECRETS.openai }, 'baseUrl'],
      [{ platform: 'OPENAI' }, 'apiKey'],
      [{ platform: 'CCR', apiKey: SECRETS.ccr }, 'baseUrl'],
      [{ platform: 'CLAUDE_OAUTH' }, 'accessToken'],
      [{ platform: 'CLAUDE_CONSOLE', apiKey: SECRETS.console, region: 'us-east-1' }, 'region'],
      [{ platform: 'GEMINI', apiKey: SECRETS.gemini, egressProxy: 'ftp://proxy:21' }, 'egressProxy'],
      [{ platform: 'GEMINI', apiKey: SECRETS.gemini, priority: -1 }, 'priority'],
      [{ platform: 'GEMINI', apiKey: SECRETS.gemini, modelMapping: { a: 5 } }, 'modelMapping'],
      [{ platform: 'NOT_A_PLATFORM', apiKey: SECRETS.gemini }, 'platform'],
    ];
    for (const [input, field] of cases) {
      const r = await gql(CREATE, { i: { name: 'bad', ...input } });
      expect(r.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const upd = await gql(UPDATE, { id: ids.azure, i: { baseUrl: 'javascript:alert(1)' } });
    expect(upd.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'baseUrl' });
    expect((await stored(ids.azure)).row.baseUrl).toBe(mock.url);
    expect(await cp.orm.em.fork().count(Account, {})).toBe(before);
  });

  it('pauses and resumes an account; the proxies\' snapshot follows', async () => {
    const r = await gql<{ setAccountSchedulable: { schedulable: boolean } }>('mutation($id: ID!) { setAccountSchedulable(id: $id, schedulable: false) { schedulable } }', { id: ids.gemini });
    expect(r.data!.setAccountSchedulable.schedulable).toBe(false);
    expect((await snapshot()).accounts.find((a) => a.id === ids.gemini)!.schedulable).toBe(false);
    await gql('mutation($id: ID!) { setAccountSchedulable(id: $id, schedulable: true) { schedulable } }', { id: ids.gemini });
    expect((await snapshot()).accounts.find((a) => a.id === ids.gemini)!.schedulable).toBe(true);
  });

  it('shows cooldown and running requests from the hot store', async () => {
    const until = Date.now() + 60_000;
    await cp.store.set(hotKeys.accountCooldown(ids.gemini), String(until), 60_000);
    await cp.store.acquireLease(hotKeys.accountLeases(ids.gemini), 'lease-1', 5, 60_000);
    const r = await gql<{ account: any }>(ACCOUNT, { id: ids.gemini });
    expect(r.data!.account).toMatchObject({ cooldownUntil: new Date(until).toISOString(), concurrencyInUse: 1 });
    const other = await gql<{ account: any }>(ACCOUNT, { id: ids.console });
    expect(other.data!.account).toMatchObject({ cooldownUntil: null, concurrencyInUse: 0 });
  });

  it('tests an account with one real request through the proxy adapter', async () => {
    // The openai account's egress proxy does not exist: removing it makes the connection direct.
    const direct = await gql<{ updateAccount: any }>(UPDATE, { id: ids.openai, i: { egressProxy: '' } });
    expect(direct.data!.updateAccount.egressProxyHint).toBeNull();
    expect((await stored(ids.openai)).row.egressProxy).toBeNull();
    mock.reset();
    for (const key of ['openai', 'gemini', 'azure']) {
      const r = await gql<{ testAccount: any }>(TEST, { id: ids[key], m: key === 'gemini' ? 'gemini-2.5-pro' : 'gpt-4o' });
      expect(r.errors, key).toBeUndefined();
      expect(r.data!.testAccount, key).toMatchObject({ ok: true, status: 200, text: 'Hello from mock', error: null });
      expect(r.data!.testAccount.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const [openaiReq, geminiReq, azureReq] = mock.requests;
    expect(openaiReq).toMatchObject({ format: 'openai', path: '/v1/chat/completions', headers: { authorization: `Bearer ${SECRETS.openai2}` } });
    expect(openaiReq.body.model).toBe('gpt-4o');
    expect(geminiReq).toMatchObject({ format: 'gemini', path: '/v1beta/models/gemini-2.5-pro:generateContent', headers: { 'x-goog-api-key': SECRETS.gemini } });
    expect(azureReq).toMatchObject({ format: 'azure-openai', path: '/openai/deployments/gpt4o-prod/chat/completions', query: { 'api-version': '2025-01-01-preview' } });

    // The account's model mapping applies, as for real traffic; upstream errors come back as a result.
    mock.enqueue({ status: 401, errorMessage: 'invalid x-api-key' });
    const failed = await gql<{ testAccount: any }>(TEST, { id: ids.openai, m: 'gpt-x' });
    expect(mock.requests.at(-1)!.body.model).toBe('gpt-4o');
    // Status and a classification only: the upstream's own answer text is never passed on.
    expect(failed.data!.testAccount).toMatchObject({ ok: false, status: 401, text: '' });
    expect(failed.data!.testAccount.error).toMatch(/^upstream answered 401: authentication failed/);
    expect(JSON.stringify(failed)).not.toContain('invalid x-api-key');

    mock.enqueue({ text: Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ') });
    const long = await gql<{ testAccount: any }>(TEST, { id: ids.gemini, m: 'gemini-2.5-pro' });
    expect(long.data!.testAccount.text).toMatch(/^word0 word1 .* word29…$/);
  });

  it('is for admins only', async () => {
    for (const q of ['{ accounts { id } }', `mutation { createAccount(input: { name: "x", platform: OPENAI, apiKey: "${SECRETS.openai}" }) { id } }`]) {
      const r = await gql(q, {}, userToken);
      expect(r.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
  });

  it('never returns, audits or logs a credential', async () => {
    const audit = await cp.orm.em.fork().find(AuditLog, { targetType: 'account' });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['account.create', 'account.update', 'account.delete', 'account.set_schedulable', 'account.test']));
    expect(audit.find((a) => a.action === 'account.create')!.after).toMatchObject({ platform: expect.any(String), credentialHint: expect.stringMatching(/^••••/) });
    await cp.flushLogs();
    const dir = join(cp.dataDir, 'logs');
    const logs = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(logs).toContain('/graphql');
    const auditText = JSON.stringify(audit);
    const responseText = responses.join('\n');
    for (const secret of Object.values(SECRETS)) {
      expect(responseText).not.toContain(secret);
      expect(auditText).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
