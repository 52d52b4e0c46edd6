import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, User } from '@relay/db';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';

const CREATE = 'mutation($i: CreateUserInput!) { createUser(input: $i) { id username role status priceRate } }';
const UPDATE = 'mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id role status priceRate } }';
const SECRET_PASSWORDS: string[] = [];

function pw(name: string): string {
  const p = `${name}-Secret-Pw-${Math.random().toString(36).slice(2, 8)}`;
  SECRET_PASSWORDS.push(p);
  return p;
}

describe.each(controlPlaneBackends())('users ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let userToken: string;
  let userId: string;
  const responses: string[] = [];

  async function gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string) {
    const r = await cp.gql<T>(query, variables, token);
    responses.push(JSON.stringify(r));
    return r;
  }

  async function rows() {
    return cp.orm.em.fork().find(User, {}, { orderBy: { id: 'asc' } });
  }

  beforeAll(async () => {
    cp = await startTestControlPlane(opts);
    const password = pw('uma');
    const created = await gql<{ createUser: { id: string } }>(CREATE, { i: { username: 'uma', password } }, cp.adminToken);
    userId = created.data!.createUser.id;
    userToken = (await gql<{ login: { token: string } }>('mutation($p: String!) { login(username: "uma", password: $p) { token } }', { p: password })).data!.login.token;
  });
  afterAll(async () => cp?.close());

  it('creates, reads, lists, updates and deletes users', async () => {
    const c = await gql<{ createUser: any }>(CREATE, { i: { username: 'victor', password: pw('victor'), role: 'USER', priceRate: '1.5' } }, cp.adminToken);
    expect(c.errors).toBeUndefined();
    expect(c.data!.createUser).toMatchObject({ username: 'victor', role: 'USER', status: 'ACTIVE', priceRate: '1.5000' });
    const id = c.data!.createUser.id;

    const list = await gql<{ users: { total: number; items: { username: string }[] } }>(
      'query($f: UserFilter, $p: PageInput) { users(filter: $f, page: $p) { total items { username } } }', { f: { search: 'vic' }, p: { limit: 10 } }, cp.adminToken,
    );
    expect(list.data!.users).toEqual({ total: 1, items: [{ username: 'victor' }] });
    const page = await gql<{ users: { total: number; items: unknown[] } }>('{ users(page: { offset: 1, limit: 1 }) { total items { id } } }', {}, cp.adminToken);
    expect(page.data!.users.items).toHaveLength(1);
    expect(page.data!.users.total).toBeGreaterThanOrEqual(3);

    const u = await gql<{ updateUser: any }>(UPDATE, { id, i: { role: 'ADMIN', status: 'DISABLED', priceRate: '0.75' } }, cp.adminToken);
    expect(u.data!.updateUser).toMatchObject({ role: 'ADMIN', status: 'DISABLED', priceRate: '0.7500' });
    const stored = (await rows()).find((r) => String(r.id) === id)!;
    expect([stored.role, stored.status, stored.priceRate]).toEqual(['ADMIN', 'DISABLED', '0.7500']);

    const d = await gql<{ deleteUser: boolean }>('mutation($id: ID!) { deleteUser(id: $id) }', { id }, cp.adminToken);
    expect(d.data!.deleteUser).toBe(true);
    expect((await rows()).some((r) => String(r.id) === id)).toBe(false);
    const gone = await gql('query($id: ID!) { user(id: $id) { id } }', { id }, cp.adminToken);
    expect(gone.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('a disabled user can no longer log in, and their sessions end', async () => {
    const password = pw('wendy');
    const id = (await gql<{ createUser: { id: string } }>(CREATE, { i: { username: 'wendy', password } }, cp.adminToken)).data!.createUser.id;
    const token = (await gql<{ login: { token: string } }>('mutation($p: String!) { login(username: "wendy", password: $p) { token } }', { p: password })).data!.login.token;
    await gql(UPDATE, { id, i: { status: 'DISABLED' } }, cp.adminToken);
    expect((await gql('{ me { id } }', {}, token)).errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const again = await gql('mutation($p: String!) { login(username: "wendy", password: $p) { token } }', { p: password });
    expect(again.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('refuses admin operations to a USER with FORBIDDEN, and hides the price rate from them', async () => {
    const adminOps: [string, Record<string, unknown>][] = [
      ['{ users { total } }', {}],
      ['query($id: ID!) { user(id: $id) { id } }', { id: userId }],
      [CREATE, { i: { username: 'mallory', password: 'mallory-pw-1' } }],
      [UPDATE, { id: userId, i: { role: 'ADMIN' } }],
      ['mutation($id: ID!) { deleteUser(id: $id) }', { id: userId }],
      ['mutation($ids: [ID!]!) { setUserPriceRates(userIds: $ids, priceRate: "0.1") }', { ids: [userId] }],
      ['mutation { setAllUserPriceRates(priceRate: "0.1") }', {}],
      ['{ auditLogs { total } }', {}],
      ['{ configVersion }', {}],
    ];
    for (const [query, variables] of adminOps) {
      const r = await gql(query, variables, userToken);
      expect(r.errors?.[0]?.extensions?.code, query).toBe('FORBIDDEN');
    }
    const before = await rows();
    expect(before.find((r) => String(r.id) === userId)!.role).toBe('USER');
    expect(before.some((r) => r.username === 'mallory')).toBe(false);

    const mine = await gql<{ me: { username: string; priceRate: string | null } }>('{ me { username priceRate } }', {}, userToken);
    expect(mine.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(mine.errors![0].path).toEqual(['me', 'priceRate']);
    expect(mine.data!.me).toEqual({ username: 'uma', priceRate: null });
    const asAdmin = await gql<{ me: { priceRate: string } }>('{ me { priceRate } }', {}, cp.adminToken);
    expect(asAdmin.data!.me.priceRate).toBe('1.0000');
  });

  it('sets price rates for listed users and for everyone, returning how many changed', async () => {
    const ids = [];
    for (const name of ['pr1', 'pr2', 'pr3']) ids.push((await gql<{ createUser: { id: string } }>(CREATE, { i: { username: name, password: pw(name) } }, cp.adminToken)).data!.createUser.id);
    const some = await gql<{ setUserPriceRates: number }>('mutation($ids: [ID!]!, $r: Rate!) { setUserPriceRates(userIds: $ids, priceRate: $r) }', { ids: ids.slice(0, 2), r: '1.25' }, cp.adminToken);
    expect(some.data!.setUserPriceRates).toBe(2);
    const same = await gql<{ setUserPriceRates: number }>('mutation($ids: [ID!]!, $r: Rate!) { setUserPriceRates(userIds: $ids, priceRate: $r) }', { ids: ids.slice(0, 2), r: '1.2500' }, cp.adminToken);
    expect(same.data!.setUserPriceRates).toBe(0);
    let all = await rows();
    expect(ids.map((id) => all.find((u) => String(u.id) === id)!.priceRate)).toEqual(['1.2500', '1.2500', '1.0000']);

    const everyone = await gql<{ setAllUserPriceRates: number }>('mutation { setAllUserPriceRates(priceRate: "2") }', {}, cp.adminToken);
    all = await rows();
    expect(everyone.data!.setAllUserPriceRates).toBe(all.length);
    expect(new Set(all.map((u) => u.priceRate))).toEqual(new Set(['2.0000']));
    await gql('mutation { setAllUserPriceRates(priceRate: "1") }', {}, cp.adminToken);
  });

  it('rejects bad input naming the field, and changes nothing', async () => {
    const before = JSON.stringify(await rows());
    const cases: [string, Record<string, unknown>, string, string][] = [
      [UPDATE, { id: userId, i: { priceRate: '0' } }, 'BAD_USER_INPUT', 'priceRate'],
      [UPDATE, { id: userId, i: { priceRate: '100.0001' } }, 'BAD_USER_INPUT', 'priceRate'],
      [UPDATE, { id: userId, i: { priceRate: '1.00001' } }, 'BAD_USER_INPUT', 'priceRate'],
      [CREATE, { i: { username: 'newbie', password: 'short' } }, 'BAD_USER_INPUT', 'password'],
      [CREATE, { i: { username: 'uma', password: 'long-enough-pw' } }, 'CONFLICT', 'username'],
      [CREATE, { i: { username: 'bad name!', password: 'long-enough-pw' } }, 'BAD_USER_INPUT', 'username'],
      ['mutation($r: Rate!) { setAllUserPriceRates(priceRate: $r) }', { r: '0' }, 'BAD_USER_INPUT', 'priceRate'],
      ['mutation($r: Rate!) { setAllUserPriceRates(priceRate: $r) }', { r: '-1' }, 'BAD_USER_INPUT', 'r'],
      ['{ users(page: { limit: 201 }) { total } }', {}, 'BAD_USER_INPUT', 'limit'],
    ];
    for (const [query, variables, code, field] of cases) {
      const r = await gql(query, variables, cp.adminToken);
      const e = r.errors?.[0];
      expect(e?.extensions?.code, `${JSON.stringify(variables)} → ${JSON.stringify(e)}`).toBe(code);
      expect(e?.extensions?.field, JSON.stringify(e)).toBe(field);
      expect(e?.message).toContain(field);
    }
    expect(JSON.stringify(await rows())).toBe(before);
  });

  it('does not let an admin delete, demote or disable themselves', async () => {
    const meId = (await gql<{ me: { id: string } }>('{ me { id } }', {}, cp.adminToken)).data!.me.id;
    for (const [q, v] of [
      ['mutation($id: ID!) { deleteUser(id: $id) }', { id: meId }],
      [UPDATE, { id: meId, i: { role: 'USER' } }],
      [UPDATE, { id: meId, i: { status: 'DISABLED' } }],
    ] as const) {
      const r = await gql(q, v, cp.adminToken);
      expect(r.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const admin = (await rows()).find((u) => String(u.id) === meId)!;
    expect([admin.role, admin.status]).toEqual(['ADMIN', 'ACTIVE']);
  });

  it('audits every admin mutation, without passwords', async () => {
    const password = pw('audited');
    const id = (await gql<{ createUser: { id: string } }>(CREATE, { i: { username: 'audited', password } }, cp.adminToken)).data!.createUser.id;
    await gql(UPDATE, { id, i: { status: 'DISABLED', password: pw('audited2') } }, cp.adminToken);
    await gql('mutation($ids: [ID!]!) { setUserPriceRates(userIds: $ids, priceRate: "3") }', { ids: [id] }, cp.adminToken);
    await gql('mutation($id: ID!) { deleteUser(id: $id) }', { id }, cp.adminToken);

    const r = await gql<{ auditLogs: { total: number; items: { action: string; actorName: string; before: any; after: any; ip: string }[] } }>(
      'query($f: AuditLogFilter) { auditLogs(filter: $f, page: { limit: 4 }) { total items { action actorName targetId before after ip } } }',
      { f: { targetType: 'user' } }, cp.adminToken,
    );
    const actions = r.data!.auditLogs.items.map((i) => i.action);
    expect(actions).toEqual(['user.delete', 'user.set_price_rates', 'user.update', 'user.create']);
    const update = r.data!.auditLogs.items[2];
    expect(update.actorName).toBe('admin');
    expect(update.before.status).toBe('ACTIVE');
    expect(update.after.status).toBe('DISABLED');
    expect(update.ip).toBeTruthy();

    const all = await cp.orm.em.fork().find(AuditLog, {});
    const dump = JSON.stringify(all);
    for (const p of SECRET_PASSWORDS) expect(dump).not.toContain(p);
    expect(dump).not.toContain('scrypt$');
  });

  it('never shows a password in a response or the log file', async () => {
    for (const p of SECRET_PASSWORDS) for (const r of responses) expect(r).not.toContain(p);
    await cp.flushLogs();
    const dir = join(cp.dataDir, 'logs');
    const logs = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    expect(logs).toContain('"path":"/graphql"');
    for (const p of [...SECRET_PASSWORDS, cp.adminPassword]) expect(logs).not.toContain(p);
  });
});
