import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeUsageEvent, hotKeys } from '@relay/core';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends, createUserWithKey, usageEvent } from '@relay/testkit';

const METRICS_TOKEN = 'cp-metrics-token-for-tests-01';

/** One sample's value from Prometheus text, or null when the series is absent. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : null;
}

describe.each(controlPlaneBackends())('control-plane /metrics ($name)', ({ opts }) => {
  let cp: TestControlPlane;
  beforeAll(async () => {
    cp = await startTestControlPlane({ ...opts, env: { METRICS_TOKEN } });
  });
  afterAll(async () => cp?.close());

  const scrape = async () => (await fetch(`${cp.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();

  it('answers 401 without the operator token (a session token is not enough)', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${cp.adminToken}` }, { authorization: 'Bearer not-the-metrics-token' }]) {
      const r = await fetch(`${cp.url}/metrics`, { headers });
      expect(r.status).toBe(401);
      expect(await r.text()).not.toContain('relay_cp_');
    }
  });

  it('exports ingester lag, pending entries, stored events, snapshot version and GraphQL latency by operation', async () => {
    const { userId, apiKeyId } = await createUserWithKey(cp.orm);
    const event = usageEvent({ userId, apiKeyId });
    await cp.store.streamAdd(hotKeys.usageStream, encodeUsageEvent(event));
    await expect.poll(async () => sample(await scrape(), 'relay_cp_usage_ingester_events_total{result="inserted"}'), { timeout: 10_000 }).toBe(1);
    await cp.gql('query RelayMetricsProbe { me { id } }', {}, cp.adminToken);
    const text = await scrape();
    expect(text).toMatch(/^# TYPE relay_cp_usage_ingester_lag_seconds gauge$/m);
    expect(sample(text, 'relay_cp_usage_ingester_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'relay_cp_usage_ingester_pending_entries')).toBe(0);
    expect(sample(text, 'relay_cp_usage_ingester_batches_total{outcome="stored"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'relay_cp_usage_dead_letters_total')).toBe(0);
    expect(sample(text, 'relay_cp_snapshot_version')).toBeGreaterThan(0);
    expect(sample(text, 'relay_cp_snapshot_publish_failures_total')).toBe(0);
    expect(text).toMatch(/^relay_cp_graphql_duration_seconds_count\{operation="RelayMetricsProbe",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^# TYPE relay_cp_login_throttles_total counter$/m);
  });

  it('counts a malformed usage entry as a dead letter', async () => {
    await cp.store.streamAdd(hotKeys.usageStream, '{"not":"a usage event"}');
    await expect.poll(async () => sample(await scrape(), 'relay_cp_usage_dead_letters_total'), { timeout: 10_000 }).toBe(1);
  });
});
