import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '@relay/testkit';
import { controlPlaneBackends } from '../../test-backends.ts';

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

  it('locks a username after N failed logins, from any IP, even with the right password', async () => {
    await createUser('carol', 'carol-password-1');
    for (let i = 0; i < 3; i++) {
      const r = await loginFrom(`10.1.0.${i}`, 'carol', 'wrong-password');
      expect(r.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    const locked = await loginFrom('10.1.0.99', 'carol', 'carol-password-1');
    expect(locked.errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
    expect(locked.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    // Another user from a clean IP is unaffected.
    const other = await loginFrom('10.1.0.100', 'admin', cp.adminPassword);
    expect(other.errors).toBeUndefined();
  });

  it('locks an IP after N failed logins across usernames', async () => {
    await createUser('dave', 'dave-password-1');
    for (const name of ['x1', 'x2', 'x3']) {
      const r = await loginFrom('10.2.0.1', name, 'wrong-password');
      expect(r.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await loginFrom('10.2.0.1', 'dave', 'dave-password-1');
    expect(blocked.errors![0].extensions!.code).toBe('LIMIT_EXCEEDED');
    const elsewhere = await loginFrom('10.2.0.2', 'dave', 'dave-password-1');
    expect(elsewhere.errors).toBeUndefined();
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

  it('stores sessions and tokens only as hashes', async () => {
    const { Session, AccessToken } = await import('@relay/db');
    const em = cp.orm.em.fork();
    const hashes = [...(await em.find(Session, {})).map((s) => s.tokenHash), ...(await em.find(AccessToken, {})).map((t) => t.tokenHash)];
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes).not.toContain(cp.adminToken);
  });
});
