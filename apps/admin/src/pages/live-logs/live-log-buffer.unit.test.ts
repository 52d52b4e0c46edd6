import { describe, expect, it } from 'vitest';
import { LIVE_LOG_CAP, initialLiveLogState, liveLogReducer, matchesLiveFilter } from './live-log-buffer.ts';
import type { LiveLogEntry } from '../../graphql/subscriptions/request-logged.ts';

const entry = (id: number, over: Partial<LiveLogEntry> = {}): LiveLogEntry => ({
  requestId: `r${id}`, createdAt: '2025-01-01T00:00:00Z', apiKeyId: '2', model: 'claude-sonnet-4-5', platform: 'claude-console', stream: true, status: 200, totalTokens: 10, totalCost: '0.001', latencyMs: 100, ...over,
});

describe('live log buffer', () => {
  it('shows newest first, holds events while paused and releases them on resume', () => {
    let s = liveLogReducer(initialLiveLogState, { type: 'event', entry: entry(1) });
    s = liveLogReducer(s, { type: 'pause' });
    s = liveLogReducer(s, { type: 'event', entry: entry(2) });
    s = liveLogReducer(s, { type: 'event', entry: entry(3) });
    expect(s.rows.map((e) => e.requestId)).toEqual(['r1']);
    expect(s.held).toHaveLength(2);
    s = liveLogReducer(s, { type: 'resume' });
    expect(s.rows.map((e) => e.requestId)).toEqual(['r3', 'r2', 'r1']);
    expect(s.paused).toBe(false);
  });

  it('caps the list and ignores a redelivered event', () => {
    let s = initialLiveLogState;
    for (let i = 0; i < LIVE_LOG_CAP + 20; i++) s = liveLogReducer(s, { type: 'event', entry: entry(i) });
    s = liveLogReducer(s, { type: 'event', entry: entry(LIVE_LOG_CAP + 19) });
    expect(s.rows).toHaveLength(LIVE_LOG_CAP);
    expect(s.rows[0].requestId).toBe(`r${LIVE_LOG_CAP + 19}`);
    expect(new Set(s.rows.map((e) => e.requestId)).size).toBe(LIVE_LOG_CAP);
  });

  it('filters by key, model and success/error', () => {
    const f = { userId: '', apiKeyId: '', model: 'sonnet', status: 'error' as const };
    expect(matchesLiveFilter(entry(1, { status: 429 }), f)).toBe(true);
    expect(matchesLiveFilter(entry(1), f)).toBe(false);
    expect(matchesLiveFilter(entry(1, { status: 500, model: 'gpt-4o' }), f)).toBe(false);
    expect(matchesLiveFilter(entry(1), { ...f, status: '', apiKeyId: '3' })).toBe(false);
  });
});
