// Pricing (admin): a fresh install's prices come from the catalog and say so; "Sync catalog" brings
// back a catalog model and leaves the admin's own price alone; the default price is off until set.
import { test, expect } from '../fixtures/index.ts';
import type { GraphqlApi } from '../fixtures/graphql-api.ts';

interface Price { id: string; model: string; source: string; input: string; platform: string | null }

async function prices(api: GraphqlApi): Promise<Price[]> {
  return (await api.request<{ modelPrices: Price[] }>('query Prices { modelPrices { id model source input platform } }')).modelPrices;
}

const priceOf = async (api: GraphqlApi, model: string) => (await prices(api)).find((p) => p.model === model && !p.platform);

test('the source column tells catalog prices from manual ones, and Sync catalog keeps the manual one', async ({ loginPage, adminCredentials, adminApi, pricingPage }) => {
  // The admin's own price for gpt-4.1-nano (catalog: 0.1 in / 0.4 out), and a catalog price deleted since.
  await adminApi.request('mutation Override($i: ModelPriceInput!) { upsertModelPrice(input: $i) { id } }', { i: { model: 'gpt-4.1-nano', input: '0.09', output: '0.36' } });
  const removed = (await priceOf(adminApi, 'gemini-2.0-flash-lite'))!;
  await adminApi.request('mutation Delete($id: ID!) { deleteModelPrice(id: $id) }', { id: removed.id });
  const manual = (await priceOf(adminApi, 'gpt-4.1-nano'))!;
  const catalog = (await priceOf(adminApi, 'claude-opus-4-8'))!;

  await loginPage.login(adminCredentials);
  await pricingPage.open();
  await pricingPage.waitUntilLoaded();
  await expect(pricingPage.headers).toContainText(['Model', 'Platform', 'Source']);
  await pricingPage.filter('claude-opus-4-8');
  await expect(pricingPage.sourceCell(catalog.id)).toHaveText('Catalog');
  await pricingPage.filter('gpt-4.1-nano');
  await expect(pricingPage.sourceCell(manual.id)).toHaveText('Manual');
  await pricingPage.filter('gemini-2.0-flash-lite');
  await expect(pricingPage.table.locator('tbody tr')).toHaveCount(0);

  await pricingPage.syncCatalog();
  await expect(pricingPage.toast).toContainText('1 added');
  await expect(pricingPage.toast).toContainText('1 manual prices kept');
  const back = (await priceOf(adminApi, 'gemini-2.0-flash-lite'))!;
  await expect(pricingPage.sourceCell(back.id)).toHaveText('Catalog');
  await expect(pricingPage.priceCell(back.id, 'input')).toContainText('0.075');
  await pricingPage.filter('gpt-4.1-nano');
  await expect(pricingPage.sourceCell(manual.id)).toHaveText('Manual');
  await expect(pricingPage.priceCell(manual.id, 'input')).toContainText('0.09');
  expect(await priceOf(adminApi, 'gpt-4.1-nano')).toMatchObject({ source: 'MANUAL', input: '0.090000' });
});

test('the default price is off on a fresh install; the admin sets it and clears it', async ({ loginPage, adminCredentials, adminApi, pricingPage }) => {
  expect(await priceOf(adminApi, '*')).toBeUndefined();
  await loginPage.login(adminCredentials);
  await pricingPage.open();
  await pricingPage.waitUntilLoaded();
  await pricingPage.setDefaultPrice('1.5', '6');
  expect(await priceOf(adminApi, '*')).toMatchObject({ input: '1.500000', source: 'MANUAL' });
  await expect(pricingPage.setDefaultButton).toBeHidden();

  const id = (await priceOf(adminApi, '*'))!.id;
  await pricingPage.filter('*');
  await expect(pricingPage.row(id)).toContainText('default');
  await pricingPage.clearDefaultPrice(id);
  await expect(pricingPage.row(id)).toHaveCount(0);
  expect(await priceOf(adminApi, '*')).toBeUndefined();
  await expect(pricingPage.setDefaultButton).toBeVisible();
});
