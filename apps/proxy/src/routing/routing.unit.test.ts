import { SecretBox, emptySnapshot, type SnapshotAccount, type SnapshotKey } from '@relay/core';
import { MemoryHotStore } from '@relay/hot-store';
import { describe, expect, it } from 'vitest';
import { SnapshotIndex } from '../snapshot/snapshot-index.ts';
import { AccountHealth } from './account-health.ts';
import { cooldownUntil, parseDuration } from './cooldown-headers.ts';
import { planAccounts, selectAccounts, sessionHash } from './select-account.ts';
import type { UsageWindowView } from './usage-windows.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const NOW = 1_800_000_000_000;

describe('cooldownUntil', () => {
  it('reads retry-after seconds and HTTP dates', () => {
    expect(cooldownUntil(429, { 'retry-after': '12' }, NOW)).toBe(NOW + 12_000);
    const date = new Date(NOW + 90_000).toUTCString();
    expect(cooldownUntil(429, { 'retry-after': date }, NOW)).toBe(Math.floor((NOW + 90_000) / 1000) * 1000);
  });
  it('reads anthropic-ratelimit-unified-reset (epoch seconds) and OpenAI reset durations', () => {
    expect(cooldownUntil(429, { 'anthropic-ratelimit-unified-reset': String(NOW / 1000 + 300) }, NOW)).toBe(NOW + 300_000);
    expect(cooldownUntil(429, { 'x-ratelimit-reset-requests': '6m0s' }, NOW)).toBe(NOW + 360_000);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('soon')).toBeNull();
  });
  it('defaults: 60 s for 429/529, 30 s for 5xx and connection failures', () => {
    expect(cooldownUntil(529, {}, NOW)).toBe(NOW + 60_000);
    expect(cooldownUntil(429, {}, NOW)).toBe(NOW + 60_000);
    expect(cooldownUntil(500, {}, NOW)).toBe(NOW + 30_000);
    expect(cooldownUntil(null, {}, NOW)).toBe(NOW + 30_000);
  });
  it('a reset named by the error body stands in for absent headers (headers win; capped at 24 h)', () => {
    expect(cooldownUntil(429, {}, NOW, NOW + 300_000)).toBe(NOW + 300_000);
    expect(cooldownUntil(429, { 'retry-after': '12' }, NOW, NOW + 300_000)).toBe(NOW + 12_000);
    expect(cooldownUntil(429, {}, NOW, NOW + 7 * 24 * 3600_000)).toBe(NOW + 24 * 3600_000);
    expect(cooldownUntil(429, {}, NOW, NOW - 1)).toBe(NOW + 60_000);
  });
});

function account(id: string, over: Partial<SnapshotAccount> = {}): SnapshotAccount {
  return { id, name: id, platform: 'claude-console', status: 'ACTIVE', schedulable: true, priority: 50, baseUrl: null, credentials: '', supportedModels: null, modelMapping: {}, concurrency: null, egressProxy: null, settings: {}, ...over };
}
const key: SnapshotKey = { id: 'k', userId: 'u', name: 'k', enabled: true, expiresAt: null, allowedPlatforms: null, allowedModels: null, rpm: null, tpm: null, concurrency: null, dailyCostLimit: null, totalCostLimit: null, costUsed: 0 as never };

describe('selectAccounts', () => {
  const box = SecretBox.fromKey('k'.repeat(32));
  const index = new SnapshotIndex({
    ...emptySnapshot(), version: 1,
    accounts: [
      account('low', { priority: 10 }),
      account('high-a', { priority: 1 }),
      account('high-b', { priority: 1 }),
      account('disabled', { status: 'DISABLED', priority: 0 }),
      account('unschedulable', { schedulable: false, priority: 0 }),
      account('gpt', { platform: 'openai', priority: 0 }),
      account('mapped', { platform: 'openai', priority: 0, modelMapping: { 'custom-model': 'gpt-4o' } }),
      account('listed', { priority: 0, supportedModels: ['claude-3-haiku'] }),
    ],
  }, box);
  const base = { index, key, model: 'claude-sonnet-4', clientFormat: 'anthropic' as const, endpoint: 'messages' as const, canTranslate: () => false, stickyAccountId: null, now: NOW };

  it('keeps compatible, active, schedulable accounts ordered by priority then least recently used', () => {
    const health = new AccountHealth(new MemoryHotStore(), 3, silent);
    health.markUsed('high-a', NOW - 10);
    health.markUsed('high-b', NOW - 1000);
    expect(selectAccounts({ ...base, health }).map((a) => a.id)).toEqual(['high-b', 'high-a', 'low']);
  });

  it('the sticky account comes first; cooling-down accounts are skipped', async () => {
    const health = new AccountHealth(new MemoryHotStore(), 3, silent);
    await health.markCooldown('high-a', Date.now() + 60_000, 'test');
    expect(selectAccounts({ ...base, health, now: Date.now(), stickyAccountId: 'low' }).map((a) => a.id)).toEqual(['low', 'high-b']);
  });

  it('with nothing to offer, resumeAt is the earliest return among paused and cooling-down accounts (a paused one returns at the later of its pause and cooldown)', async () => {
    const now = Date.now();
    const pauses = new Map<string, number>();
    const windows: UsageWindowView = { pausedUntil: (id, t) => ((pauses.get(id) ?? 0) > t ? pauses.get(id)! : null), remainingBp: () => 10_000 };
    const health = new AccountHealth(new MemoryHotStore(), 3, silent);
    await health.markCooldown('high-a', now + 90_000, 'test');
    await health.markCooldown('high-b', now + 120_000, 'test');
    pauses.set('high-b', now + 40_000);
    pauses.set('low', now + 200_000);
    expect(planAccounts({ ...base, health, windows, now })).toEqual({ accounts: [], resumeAt: now + 90_000 });
    // Every one paused: 429 with retry-after to the first reset.
    const fresh = new AccountHealth(new MemoryHotStore(), 3, silent);
    pauses.set('high-a', now + 300_000);
    const err = (() => {
      try {
        planAccounts({ ...base, health: fresh, windows, now });
      } catch (e) {
        return e as { status: number; headers?: Record<string, string> };
      }
    })();
    expect(err).toMatchObject({ status: 429, headers: { 'retry-after': '40' } });
  });

  it('availableFrom: now when available, the cooldown or open breaker end, unknown while a half-open probe is out', async () => {
    const now = Date.now();
    const health = new AccountHealth(new MemoryHotStore(), 3, silent, { failureThreshold: 1, openMs: 30_000, probeTimeoutMs: 600_000 });
    expect(health.availableFrom('a', now)).toBe(now);
    await health.markCooldown('a', now + 5_000, 'test');
    expect(health.availableFrom('a', now)).toBe(now + 5_000);
    expect(await health.admit('a', 'r1', now + 6_000)).toBe('probe');
    expect(health.availableFrom('a', now + 6_000)).toBeNull();
    await health.report('a', 'r1', 'probe', 'success');
    expect(health.availableFrom('a', now + 6_000)).toBe(now + 6_000);
  });

  it('model mapping and supportedModels decide; other formats only when translation is possible', () => {
    const health = new AccountHealth(new MemoryHotStore(), 3, silent);
    expect(selectAccounts({ ...base, health, model: 'custom-model' }).map((a) => a.id)).toEqual([]);
    expect(selectAccounts({ ...base, health, model: 'custom-model', canTranslate: () => true }).map((a) => a.id)).toEqual(['mapped']);
    expect(selectAccounts({ ...base, health, model: 'claude-3-haiku' }).map((a) => a.id)[0]).toBe('listed');
    expect(selectAccounts({ ...base, health, model: 'gpt-4o', clientFormat: 'openai' }).map((a) => a.id)).toEqual(['gpt', 'mapped']);
  });

  it('a key whose platforms exclude every compatible account gets 403', () => {
    const health = new AccountHealth(new MemoryHotStore(), 3, silent);
    expect(() => selectAccounts({ ...base, health, key: { ...key, allowedPlatforms: ['bedrock'] } })).toThrow(/may not use the platforms/);
  });

  it('session hash from Claude Code metadata or x-session-id', () => {
    const a = sessionHash({ metadata: { user_id: 'user_abc_account__session_1234' } }, {});
    expect(a).toBe(sessionHash({ metadata: { user_id: 'user_other_account__session_1234' } }, {}));
    expect(sessionHash({}, { 'x-session-id': 's1' })).toMatch(/^[0-9a-f]{32}$/);
    expect(sessionHash({}, {})).toBeNull();
  });

  it("session hash from Claude Code 2.1's JSON user_id and its session header: the same session either way", () => {
    const json = (device: string) => JSON.stringify({ device_id: device, account_uuid: '', session_id: '7351a379-b7bc-4427-9cbe-f2e656281111' });
    const fromBody = sessionHash({ metadata: { user_id: json('d1') } }, {});
    expect(fromBody).toBe(sessionHash({ metadata: { user_id: json('d2') } }, {}));
    expect(fromBody).not.toBe(sessionHash({ metadata: { user_id: JSON.stringify({ device_id: 'd1', session_id: 'other' }) } }, {}));
    expect(sessionHash({}, { 'x-claude-code-session-id': '7351a379-b7bc-4427-9cbe-f2e656281111' })).toBe(fromBody);
  });

  it('follows Codex CLI threads: session_id, session-id and conversation_id headers name the same session', () => {
    const h = sessionHash({}, { 'session_id': 'thread-1' });
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(sessionHash({}, { 'session-id': 'thread-1' })).toBe(h);
    expect(sessionHash({}, { 'conversation_id': 'thread-1' })).toBe(h);
    expect(sessionHash({}, { 'session-id': 'thread-2' })).not.toBe(h);
  });
});
