import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, catalogModelPrices, ModelPrice } from '@relay/db';
import type { ConfigSnapshot } from '@relay/core';
import { controlPlaneBackends, startTestControlPlane, type TestControlPlane } from '@relay/testkit';

const SYNC = 'mutation { syncModelPrices { catalog added updated unchanged manualKept } }';
const UPSERT = 'mutation($i: ModelPriceInput!) { upsertModelPrice(input: $i) { model source input output cacheWrite1h tier { aboveInputTokens input output cacheWrite cacheRead cacheWrite1h } } }';

describe.each(controlPlaneBackends())('price catalog sync ($name)', ({ opts }) => {
  let cp: TestControlPlane;

  async function snapshot(): Promise<ConfigSnapshot> {
    return JSON.parse((await cp.store.getSnapshot())!.json) as ConfigSnapshot;
  }
  const priceIn = async (model: string) => (await snapshot()).prices.find((p) => p.model === model && p.platform === null)?.price;

  beforeAll(async () => {
    cp = await startTestControlPlane(opts);
  });
  afterAll(async () => cp?.close());

  it('a fresh install carries the catalog prices, marked CATALOG, with tiers and 1-hour cache writes in the snapshot', async () => {
    const list = await cp.gql<{ modelPrices: any[] }>('{ modelPrices { model source input output cacheWrite1h tier { aboveInputTokens input } } }', {}, cp.adminToken);
    const opus = list.data!.modelPrices.find((p) => p.model === 'claude-opus-4-8');
    expect(opus).toMatchObject({ source: 'CATALOG', input: '5.000000', output: '25.000000', cacheWrite1h: '10.000000', tier: null });
    expect(list.data!.modelPrices.every((p) => p.source === 'CATALOG')).toBe(true);
    expect(await priceIn('gemini-3.1-pro-preview')).toEqual({
      input: 2_000_000, output: 12_000_000, cacheWrite: 2_000_000, cacheRead: 200_000,
      tier: { aboveInputTokens: 200_000, input: 4_000_000, output: 18_000_000, cacheWrite: 4_000_000, cacheRead: 400_000 },
    });
    expect((await priceIn('claude-opus-4-8'))?.cacheWrite1h).toBe(10_000_000);
  });

  it('sync adds missing models, updates catalog prices, keeps an admin\'s override, and reports the counts', async () => {
    // The admin overrides claude-sonnet-5 (catalog: 2 / 10); the row becomes MANUAL.
    const o = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: 'claude-sonnet-5', input: '1.5', output: '7.5', cacheWrite: '1.875', cacheRead: '0.15' } }, cp.adminToken);
    expect(o.errors).toBeUndefined();
    expect(o.data!.upsertModelPrice).toMatchObject({ source: 'MANUAL', input: '1.500000' });
    // An older catalog: gemini-3.8-flash still at another price, claude-opus-4-8 not there yet.
    const em = cp.orm.em.fork();
    await em.nativeUpdate(ModelPrice, { model: 'gemini-3.8-flash', platform: null }, { input: 123, output: 456 });
    await em.nativeDelete(ModelPrice, { model: 'claude-opus-4-8', platform: null });

    const r = await cp.gql<{ syncModelPrices: any }>(SYNC, {}, cp.adminToken);
    expect(r.errors).toBeUndefined();
    const total = catalogModelPrices().length;
    expect(r.data!.syncModelPrices).toEqual({ catalog: '@pydantic/genai-prices 0.1.8', added: 1, updated: 1, manualKept: 1, unchanged: total - 3 });

    const rows = cp.orm.em.fork();
    expect(await rows.findOneOrFail(ModelPrice, { model: 'claude-sonnet-5', platform: null })).toMatchObject({ source: 'MANUAL', input: 1_500_000, output: 7_500_000 });
    expect(await rows.findOneOrFail(ModelPrice, { model: 'claude-opus-4-8', platform: null })).toMatchObject({ source: 'CATALOG', input: 5_000_000 });
    expect(await priceIn('gemini-3.8-flash')).toMatchObject({ input: 750_000, output: 3_750_000 });
    expect(await priceIn('claude-sonnet-5')).toMatchObject({ input: 1_500_000, output: 7_500_000 });
    const audit = await rows.findOneOrFail(AuditLog, { action: 'price.sync' });
    expect(audit.after).toMatchObject({ added: 1, updated: 1, addedModels: ['claude-opus-4-8'], updatedModels: ['gemini-3.8-flash'] });

    // A second sync has nothing to do.
    expect((await cp.gql<{ syncModelPrices: any }>(SYNC, {}, cp.adminToken)).data!.syncModelPrices).toMatchObject({ added: 0, updated: 0, manualKept: 1, unchanged: total - 1 });
  });

  it('an admin sets a tier and a 1-hour price by hand, and omitting them on a later edit keeps them', async () => {
    const tier = { aboveInputTokens: 100_000, input: '8', output: '30', cacheWrite: '10', cacheRead: '0.8', cacheWrite1h: '16' };
    const set = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: 'house-model', input: '4', output: '15', cacheWrite1h: '8', tier } }, cp.adminToken);
    expect(set.data!.upsertModelPrice).toMatchObject({ cacheWrite1h: '8.000000', tier: { aboveInputTokens: 100_000, input: '8.000000', cacheWrite1h: '16.000000' } });
    const edit = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: 'house-model', input: '5', output: '15' } }, cp.adminToken);
    expect(edit.data!.upsertModelPrice).toMatchObject({ input: '5.000000', cacheWrite1h: '8.000000', tier: { aboveInputTokens: 100_000 } });
    expect((await priceIn('house-model'))?.tier).toMatchObject({ aboveInputTokens: 100_000, output: 30_000_000, cacheWrite1h: 16_000_000 });
    const cleared = await cp.gql<{ upsertModelPrice: any }>(UPSERT, { i: { model: 'house-model', input: '5', output: '15', tier: null, cacheWrite1h: null } }, cp.adminToken);
    expect(cleared.data!.upsertModelPrice).toMatchObject({ tier: null, cacheWrite1h: null });
    const bad = await cp.gql(UPSERT, { i: { model: 'house-model', input: '5', output: '15', tier: { ...tier, aboveInputTokens: 0 } } }, cp.adminToken);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tier.aboveInputTokens' });
  });

  it('the default price is off on a fresh install, and an admin sets and clears it', async () => {
    expect((await snapshot()).defaultPrice).toBeNull();
    const set = await cp.gql<{ setDefaultModelPrice: any }>('mutation { setDefaultModelPrice(input: { input: "1", output: "4", cacheRead: "0.1" }) { model isDefault source input } }', {}, cp.adminToken);
    expect(set.data!.setDefaultModelPrice).toEqual({ model: '*', isDefault: true, source: 'MANUAL', input: '1.000000' });
    expect((await snapshot()).defaultPrice).toEqual({ input: 1_000_000, output: 4_000_000, cacheWrite: 0, cacheRead: 100_000 });
    expect((await cp.gql('mutation { clearDefaultModelPrice }', {}, cp.adminToken)).data).toEqual({ clearDefaultModelPrice: true });
    expect((await snapshot()).defaultPrice).toBeNull();
    expect((await cp.gql('mutation { clearDefaultModelPrice }', {}, cp.adminToken)).data).toEqual({ clearDefaultModelPrice: false });
  });
});
