import { computeCost, parseRate, type TokenUsage } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startTestProxy, toModelPrice, usageReader, type PriceSpec, type SnapshotSpec, type TestProxy, type UsageReader } from '@relay/testkit';

export const KEY = 'sk-relay-e2e-key-0000000000000000000000000';
export const RATE = '1.5';
export const PRICES = {
  'claude-sonnet-4-20250514': { input: '3', output: '15', cacheWrite: '3.75', cacheRead: '0.3' },
  'gpt-4o': { input: '2.5', output: '10', cacheRead: '1.25' },
  'gemini-2.5-flash': { input: '0.3', output: '2.5', cacheRead: '0.075' },
} as const;

/** One account per wire format, all pointing at the same mock. */
export function sdkSpec(mockUrl: string): SnapshotSpec {
  return {
    users: [{ id: 'u1', priceRate: RATE }],
    keys: [{ id: 'k1', userId: 'u1', key: KEY }],
    accounts: [
      { id: 'anthropic-1', platform: 'claude-console', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-upstream-1' } },
      { id: 'openai-1', platform: 'openai', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-openai-upstream-1' } },
      { id: 'gemini-1', platform: 'gemini', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'gemini-upstream-1' } },
    ],
    prices: Object.entries(PRICES).map(([model, price]) => ({ model, price })),
  };
}

/** Hand-computed rated cost of a usage at the e2e price and rate. */
export function expectedCost(model: keyof typeof PRICES, usage: TokenUsage): number {
  return computeCost(usage, toModelPrice(PRICES[model]), parseRate(RATE)).rated.totalCost;
}

export interface SdkWorld {
  mock: MockUpstream;
  proxy: TestProxy;
  usage: UsageReader;
  close(): Promise<void>;
}

/** Mock upstream + proxy (memory hot store) + a usage reader. */
export function startSdkWorld(): Promise<SdkWorld> {
  return startWorld(sdkSpec);
}

/** Mock upstream + proxy (memory hot store) over the snapshot `spec` builds for the mock's URL + a usage reader. */
export async function startWorld(spec: (mockUrl: string) => SnapshotSpec): Promise<SdkWorld> {
  const mock = await startMockUpstream();
  const proxy = await startTestProxy({ spec: spec(mock.url) });
  const usage = await usageReader(proxy.store);
  return {
    mock, proxy, usage,
    async close() {
      await proxy.close();
      await mock.close();
    },
  };
}

/**
 * One SdkWorld for the calling test file (started before its tests, closed after them); before each
 * test the mock is reset and pending usage events are drained, so a failed test never shifts the
 * next one's events. The returned object reads through to the running world.
 */
export function useSdkWorld(): SdkWorld {
  let current: SdkWorld | undefined;
  const world = (): SdkWorld => {
    if (!current) throw new Error('the SdkWorld is started in beforeAll');
    return current;
  };
  beforeAll(async () => {
    current = await startSdkWorld();
  });
  afterAll(async () => current?.close());
  beforeEach(async () => {
    world().mock.reset();
    await world().usage.drain();
  });
  return {
    get mock() { return world().mock; },
    get proxy() { return world().proxy; },
    get usage() { return world().usage; },
    close: () => world().close(),
  };
}

/** Rated cost of `usage` at a price given in USD strings (rate 1 unless given). */
export function costAt(price: PriceSpec, usage: Partial<TokenUsage>, rate = '1'): number {
  const full: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, ...usage };
  return computeCost(full, toModelPrice(price), parseRate(rate)).rated.totalCost;
}
