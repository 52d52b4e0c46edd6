import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt user { username role } } }';
const ME = '{ me { id username role } }';

describe.each(controlPlaneBackends())('auth ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane({ ...opts, env: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: 'true' } });
  });
  afterAll(async () => cp?.close());

  async function createUser(username: string, password: string, role = 'USER'): Promise<string> {
    const r = await cp.gql<{ createUser: { id: string } }>(
      'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
      { i: { username, password, role } },
      cp.adminToken,
    );
    expect(r.errors).toBeUndefined();
    return r.data!.createUser.id;
  }

  /** Logs in from a given client IP (TRUST_PROXY is on in this suite). */
  function loginFrom(ip: string, u: string, p: string) {
    return cp.gql<{ login: { token: string } }>(LOGIN, { u, p }, undefined, { 'x-forwarded-for': ip });
  }

  it('logs in, answers me, and logs out (the session stops working)', async () => {
    await createUser('alice', 'alice-password-1');
    const login = await loginFrom('10.0.0.1', 'alice', 'alice-password-1');
    expect(login.errors).toBeUndefined();
    const token = login.data!.login.token;
    expect(token).toMatch(/^sess_/);
    const me = await cp.gql<{ me: { username: string; role: string } }>(ME, {}, token);
    expect(me.data!.me).toMatchObject({ username: 'alice', role: 'USER' });

    const out = await cp.gql<{ logout: boolean }>('mutation { logout }', {}, token);
    expect(out.data!.logout).toBe(true);
    const after = await cp.gql(ME, {}, token);
    expect(after.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong password and an unknown user with UNAUTHENTICATED and no token', async () => {
    await createUser('bob', 'bob-password-1');
    const wrong = await loginFrom('10.0.1.1', 'bob', 'not-the-password');
    expect(wrong.data).toBeNull();
    expect(wrong.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const unknown = await loginFrom('10.0.1.2', 'nobody', 'whatever-1');
    expect(unknown.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors![0].message).toBe(wrong.errors![0].message);
    const anonymous = await cp.gql(ME);
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('slows failed logins per (username, address) without locking anyone out; throttled attempts are audited', async () => {
    // Ten wrong passwords for admin from one address: 3 are free (LOGIN_RATE_LIMIT), the 4th opens
    // a 1 s wait, and the other six fall into it without a password check.
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await loginFrom('10.1.0.1', 'admin', 'wrong-password')).errors![0].extensions!.code!);
    expect(codes).toEqual([...Array(4).fill('UNAUTHENTICATED'), ...Array(6).fill('LIMIT_EXCEEDED')]);

    // The right password from another address works at once: the account is not locked.
    const elsewhere = await loginFrom('10.1.0.2', 'admin', cp.adminPassword);
    expect(elsewhere.errors).toBeUndefined();
    expect(elsewhere.data!.login.token).toMatch(/^sess_/);

    // From the same address it must sit out the wait the error states …
    const early = await loginFrom('10.1.0.1', 'admin', cp.adminPassword);
    const ext = early.errors![0].extensions!;
    expect(ext).toMatchObject({ code: 'LIMIT_EXCEEDED', reason: 'LOGIN_THROTTLED', retryAfterSeconds: 1 });
    expect(early.errors![0].message).toMatch(/try again in 1 s/);
    // … and then logs in.
    await new Promise((r) => setTimeout(r, Number(ext.retryAfterSeconds) * 1000));
    const after = await loginFrom('10.1.0.1', 'admin', cp.adminPassword);
    expect(after.errors).toBeUndefined();

    const audit = await cp.gql<{ auditLogs: { total: number; items: { ip: string; targetId: string }[] } }>(
      '{ auditLogs(filter: { action: "auth.login_throttled" }) { total items { ip targetId } } }', {}, cp.adminToken,
    );
    expect(audit.data!.auditLogs.total).toBe(7);
    expect(new Set(audit.data!.auditLogs.items.map((i) => `${i.targetId}@${i.ip}`))).toEqual(new Set(['admin@10.1.0.1']));
    // Operators see the same refusals on /metrics.
    const metrics = await cp.controlPlane.services.metrics.registry.metrics();
    expect(metrics).toMatch(/^relay_cp_login_throttles_total 7$/m);
  });

  it('throttles per address: failures from one address never slow another user or another address', async () => {
    await createUser('dave', 'dave-password-1');
    for (const name of ['x1', 'x2', 'x3', 'x4', 'dave', 'dave', 'dave', 'dave']) {
      const r = await loginFrom('10.2.0.1', name, 'wrong-password');
      expect(r.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    // dave's 4th failure from 10.2.0.1 opened a wait there; other names from that address are not slowed.
    expect((await loginFrom('10.2.0.1', 'dave', 'dave-password-1')).errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
    expect((await loginFrom('10.2.0.1', 'x1', 'wrong-password')).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await loginFrom('10.2.0.2', 'dave', 'dave-password-1')).errors).toBeUndefined();
  });

  it('changes the password: the old one stops working, the new one works, other sessions end', async () => {
    await createUser('erin', 'erin-password-1');
    const s1 = (await loginFrom('10.3.0.1', 'erin', 'erin-password-1')).data!.login.token;
    const s2 = (await loginFrom('10.3.0.1', 'erin', 'erin-password-1')).data!.login.token;
    const bad = await cp.gql('mutation { changePassword(oldPassword: "nope-nope", newPassword: "erin-password-2") }', {}, s1);
    expect(bad.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'oldPassword' });
    const short = await cp.gql('mutation { changePassword(oldPassword: "erin-password-1", newPassword: "short") }', {}, s1);
    expect(short.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' });

    const ok = await cp.gql<{ changePassword: boolean }>('mutation { changePassword(oldPassword: "erin-password-1", newPassword: "erin-password-2") }', {}, s1);
    expect(ok.data!.changePassword).toBe(true);
    expect((await cp.gql(ME, {}, s1)).errors).toBeUndefined();
    expect((await cp.gql(ME, {}, s2)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await loginFrom('10.3.0.2', 'erin', 'erin-password-1')).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect((await loginFrom('10.3.0.3', 'erin', 'erin-password-2')).errors).toBeUndefined();
  });

  it('creates, lists and revokes personal access tokens; revoked and expired ones are refused', async () => {
    await createUser('frank', 'frank-password-1');
    const session = (await loginFrom('10.4.0.1', 'frank', 'frank-password-1')).data!.login.token;
    const created = await cp.gql<{ createAccessToken: { token: string; accessToken: { id: string; name: string; tokenPrefix: string } } }>(
      'mutation { createAccessToken(name: "ci script") { token accessToken { id name tokenPrefix } } }', {}, session,
    );
    expect(created.errors).toBeUndefined();
    const pat = created.data!.createAccessToken;
    expect(pat.token).toMatch(/^pat_/);
    expect(pat.token.startsWith(pat.accessToken.tokenPrefix)).toBe(true);

    const viaPat = await cp.gql<{ me: { username: string } }>(ME, {}, pat.token);
    expect(viaPat.data!.me.username).toBe('frank');
    const list = await cp.gql<{ accessTokens: { id: string; name: string; revokedAt: string | null }[] }>('{ accessTokens { id name revokedAt } }', {}, session);
    expect(list.data!.accessTokens).toEqual([{ id: pat.accessToken.id, name: 'ci script', revokedAt: null }]);
    // Nobody else sees or revokes it.
    const foreign = await cp.gql('mutation($id: ID!) { revokeAccessToken(id: $id) { id } }', { id: pat.accessToken.id }, cp.adminToken);
    expect(foreign.errors![0].extensions!.code).toBe('NOT_FOUND');

    const revoked = await cp.gql<{ revokeAccessToken: { revokedAt: string } }>('mutation($id: ID!) { revokeAccessToken(id: $id) { revokedAt } }', { id: pat.accessToken.id }, session);
    expect(revoked.data!.revokeAccessToken.revokedAt).toBeTruthy();
    expect((await cp.gql(ME, {}, pat.token)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');

    const past = await cp.gql('mutation { createAccessToken(name: "old", expiresAt: "2001-01-01T00:00:00Z") { token } }', {}, session);
    expect(past.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
    const soon = await cp.gql<{ createAccessToken: { token: string; accessToken: { id: string } } }>(
      'mutation($e: DateTime) { createAccessToken(name: "short-lived", expiresAt: $e) { token accessToken { id } } }',
      { e: new Date(Date.now() + 60_000).toISOString() }, session,
    );
    const shortLived = soon.data!.createAccessToken;
    expect((await cp.gql(ME, {}, shortLived.token)).errors).toBeUndefined();
    // Expire it in the database rather than waiting a minute.
    const { AccessToken } = await import('@relay/db');
    await cp.orm.em.fork().nativeUpdate(AccessToken, { id: Number(shortLived.accessToken.id) }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await cp.gql(ME, {}, shortLived.token)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  async function createPat(session: string, name: string): Promise<{ token: string; id: string }> {
    const r = await cp.gql<{ createAccessToken: { token: string; accessToken: { id: string } } }>(
      'mutation($n: String!) { createAccessToken(name: $n) { token accessToken { id } } }', { n: name }, session,
    );
    expect(r.errors).toBeUndefined();
    return { token: r.data!.createAccessToken.token, id: r.data!.createAccessToken.accessToken.id };
  }

  it('a password change revokes personal access tokens unless the user keeps them', async () => {
    await createUser('gina', 'gina-password-1');
    const session = (await loginFrom('10.5.0.1', 'gina', 'gina-password-1')).data!.login.token;
    const pat = await createPat(session, 'deploy');
    expect((await cp.gql(ME, {}, pat.token)).errors).toBeUndefined();
    const change = await cp.gql('mutation { changePassword(oldPassword: "gina-password-1", newPassword: "gina-password-2") }', {}, session);
    expect(change.errors).toBeUndefined();
    expect((await cp.gql(ME, {}, pat.token)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const list = await cp.gql<{ accessTokens: { id: string; revokedAt: string | null }[] }>('{ accessTokens { id revokedAt } }', {}, session);
    expect(list.data!.accessTokens.find((t) => t.id === pat.id)!.revokedAt).toBeTruthy();

    const kept = await createPat(session, 'kept');
    const keep = await cp.gql('mutation { changePassword(oldPassword: "gina-password-2", newPassword: "gina-password-3", keepAccessTokens: true) }', {}, session);
    expect(keep.errors).toBeUndefined();
    expect((await cp.gql(ME, {}, kept.token)).errors).toBeUndefined();

    // An admin resetting the password ends the tokens too.
    const { data } = await cp.gql<{ me: { id: string } }>(ME, {}, session);
    const reset = await cp.gql('mutation($id: ID!) { updateUser(id: $id, input: { password: "gina-password-4" }) { id } }', { id: data!.me.id }, cp.adminToken);
    expect(reset.errors).toBeUndefined();
    expect((await cp.gql(ME, {}, kept.token)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('a token cannot create tokens, and logout with a token revokes it', async () => {
    await createUser('hank', 'hank-password-1');
    const session = (await loginFrom('10.6.0.1', 'hank', 'hank-password-1')).data!.login.token;
    const pat = await createPat(session, 'script');
    const minted = await cp.gql('mutation { createAccessToken(name: "child") { token } }', {}, pat.token);
    expect(minted.data).toBeNull();
    expect(minted.errors![0].extensions!.code).toBe('FORBIDDEN');
    const list = await cp.gql<{ accessTokens: { name: string }[] }>('{ accessTokens { name } }', {}, session);
    expect(list.data!.accessTokens.map((t) => t.name)).toEqual(['script']);

    const out = await cp.gql<{ logout: boolean }>('mutation { logout }', {}, pat.token);
    expect(out.data!.logout).toBe(true);
    expect((await cp.gql(ME, {}, pat.token)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    // The session that created it is untouched.
    expect((await cp.gql(ME, {}, session)).errors).toBeUndefined();
  });

  it('records when a token was last used, at most once a minute', async () => {
    await createUser('ivy', 'ivy-password-1');
    const session = (await loginFrom('10.7.0.1', 'ivy', 'ivy-password-1')).data!.login.token;
    const pat = await createPat(session, 'cron');
    const lastUsed = async () => (await cp.gql<{ accessTokens: { lastUsedAt: string | null }[] }>('{ accessTokens { lastUsedAt } }', {}, session)).data!.accessTokens[0].lastUsedAt;
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    await cp.gql(ME, {}, pat.token);
    const first = await lastUsed();
    expect(new Date(first!).getTime()).toBeGreaterThanOrEqual(before - 1000);
    await cp.gql(ME, {}, pat.token);
    expect(await lastUsed()).toBe(first);
  });

  it('stores sessions and tokens only as hashes', async () => {
    const { Session, AccessToken } = await import('@relay/db');
    const em = cp.orm.em.fork();
    const hashes = [...(await em.find(Session, {})).map((s) => s.tokenHash), ...(await em.find(AccessToken, {})).map((t) => t.tokenHash)];
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes).not.toContain(cp.adminToken);
  });
});
