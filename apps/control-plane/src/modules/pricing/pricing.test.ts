import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, ModelPrice } from '@relay/db';
import type { ConfigSnapshot } from '@relay/core';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';

const FIELDS = 'id model isDefault platform input output cacheWrite cacheRead';
const UPSERT = `mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { ${FIELDS} } }`;

describe.each(controlPlaneBackends())('pricing ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  let userToken: string;

  async function snapshot(): Promise<ConfigSnapshot> {
    return JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;
  }

  beforeAll(async () => {
    cp = await startTestControlPlane(opts);
    await cp.gql('mutation { createUser(input: { username: "pia", password: "pia-password-1" }) { id } }', {}, cp.adminToken);
    userToken = (await cp.gql<any>('mutation { login(username: "pia", password: "pia-password-1") { token } }')).data.login.token;
  });
  afterAll(async () => cp?.close());

  it('creates, updates and deletes prices exactly (USD per million tokens), and the proxies\' snapshot follows', async () => {
    const c = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: 'test-model-x', input: '3', output: '15.000001', cacheWrite: '3.75', cacheRead: '0.3' } }, cp.adminToken);
    expect(c.errors).toBeUndefined();
    expect(c.data!.upsertModelPrice).toMatchObject({ model: 'test-model-x', isDefault: false, platform: null, input: '3.000000', output: '15.000001', cacheWrite: '3.750000', cacheRead: '0.300000' });
    const id = c.data!.upsertModelPrice.id;
    const row = await cp.orm.em.fork().findOneOrFail(ModelPrice, { id: Number(id) });
    expect([row.input, row.output, row.cacheWrite, row.cacheRead]).toEqual([3_000_000, 15_000_001, 3_750_000, 300_000]);
    expect((await snapshot()).prices.find((p) => p.model === 'test-model-x')!.price).toEqual({ input: 3_000_000, output: 15_000_001, cacheWrite: 3_750_000, cacheRead: 300_000 });

    // Same (model, platform) updates the row; another platform is a row of its own.
    const u = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: 'test-model-x', input: '2.5', output: '10' } }, cp.adminToken);
    expect(u.data!.upsertModelPrice).toMatchObject({ id, input: '2.500000', cacheWrite: '0.000000' });
    const p = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: 'test-model-x', platform: 'BEDROCK', input: '4', output: '20' } }, cp.adminToken);
    expect(p.data!.upsertModelPrice).toMatchObject({ platform: 'BEDROCK' });
    expect(p.data!.upsertModelPrice.id).not.toBe(id);
    const list = await cp.gql<{ modelPrices: any[] }>(`{ modelPrices { ${FIELDS} } }`, {}, cp.adminToken);
    expect(list.data!.modelPrices.filter((x) => x.model === 'test-model-x')).toHaveLength(2);
    expect((await snapshot()).prices.find((x) => x.model === 'test-model-x' && x.platform === 'bedrock')!.price.input).toBe(4_000_000);

    const del = await cp.gql('mutation($id: ID!) { deleteModelPrice(id: $id) }', { id }, cp.adminToken);
    expect(del.data).toEqual({ deleteModelPrice: true });
    expect((await snapshot()).prices.some((x) => x.model === 'test-model-x' && x.platform === null)).toBe(false);
    expect((await cp.gql('mutation($id: ID!) { deleteModelPrice(id: $id) }', { id }, cp.adminToken)).errors![0].extensions!.code).toBe('NOT_FOUND');

    const actions = (await cp.orm.em.fork().find(AuditLog, { targetType: 'model_price' })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['price.create', 'price.update', 'price.delete']));
  });

  it('sets the default price "*" that proxies apply to unpriced models', async () => {
    const r = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: '*', input: '1.25', output: '5' } }, cp.adminToken);
    expect(r.data!.upsertModelPrice).toMatchObject({ model: '*', isDefault: true });
    expect((await snapshot()).defaultPrice).toEqual({ input: 1_250_000, output: 5_000_000, cacheWrite: 0, cacheRead: 0 });
    expect(await cp.orm.em.fork().count(ModelPrice, { model: '*', platform: null })).toBe(1);
  });

  it('refuses bad prices naming the field, and non-admins', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ model: 'm', input: '-1', output: '1' }, 'input'],
      [{ model: 'm', input: '1', output: '0.0000001' }, 'output'],
      [{ model: 'm', input: '1', output: '1', cacheRead: 'abc' }, 'cacheRead'],
      [{ model: 'has space', input: '1', output: '1' }, 'model'],
      [{ model: '', input: '1', output: '1' }, 'model'],
    ];
    for (const [input, field] of cases) {
      const r = await cp.gql(UPSERT, { i: input }, cp.adminToken);
      expect(r.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await cp.orm.em.fork().count(ModelPrice, { model: { $in: ['m', 'has space'] } })).toBe(0);
    expect((await cp.gql('{ modelPrices { id } }', {}, userToken)).errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await cp.gql(UPSERT, { i: { model: 'm', input: '1', output: '1' } }, userToken)).errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
