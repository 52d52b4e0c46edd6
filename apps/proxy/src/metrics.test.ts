import { describe, expect, it } from 'vitest';
import { MAX_ACCOUNT_LABELS, ProxyMetrics } from './metrics.ts';

describe('proxy metrics', () => {
  it('keeps at most MAX_ACCOUNT_LABELS account series: errors of further accounts are counted under "other"', async () => {
    const metrics = new ProxyMetrics();
    try {
      const accounts = MAX_ACCOUNT_LABELS + 250;
      for (let id = 1; id <= accounts; id++) {
        metrics.upstreamErrors.inc({ platform: 'openai', account: metrics.accountLabel(String(id)) });
        // An account seen before keeps its own series.
        metrics.upstreamErrors.inc({ platform: 'openai', account: metrics.accountLabel('1') });
      }
      const { values } = await metrics.upstreamErrors.get();
      expect(values).toHaveLength(MAX_ACCOUNT_LABELS + 1);
      expect(values.find((v) => v.labels.account === '1')?.value).toBe(accounts + 1);
      expect(values.find((v) => v.labels.account === 'other')?.value).toBe(250);
      // Nothing is lost: every error is in some series.
      expect(values.reduce((sum, v) => sum + v.value, 0)).toBe(2 * accounts);
    } finally {
      metrics.close();
    }
  });
});
