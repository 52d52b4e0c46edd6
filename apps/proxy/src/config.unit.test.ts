import { ConfigError, EnvReader } from '@relay/core';
import { describe, expect, it } from 'vitest';
import { loadProxyConfig } from './config.ts';

const base = { API_KEY_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: 'y'.repeat(32) };

describe('loadProxyConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadProxyConfig(new EnvReader(base));
    expect(c).toMatchObject({ port: 8081, maxBodyBytes: 10 * 1024 * 1024, usageTimezone: 'UTC', spoolMaxEvents: 100_000, snapshotPollMs: 5000, authFailureThreshold: 3, debugLog: false });
    // A non-streaming answer comes after the whole generation: its wait fits a long one; a stream's head is due soon.
    expect(c).toMatchObject({ firstByteTimeoutMs: 60_000, nonStreamFirstByteTimeoutMs: 600_000, breakerFailures: 3, breakerOpenMs: 30_000 });
  });
  it('names the offending variable', () => {
    expect(() => loadProxyConfig(new EnvReader({}))).toThrow(ConfigError);
    expect(() => loadProxyConfig(new EnvReader({}))).toThrow(/API_KEY_SECRET/);
    expect(() => loadProxyConfig(new EnvReader({ ...base, USAGE_TIMEZONE: 'Mars/Olympus' }))).toThrow(/USAGE_TIMEZONE/);
    expect(() => loadProxyConfig(new EnvReader({ ...base, MAX_BODY_BYTES: 'lots' }))).toThrow(/MAX_BODY_BYTES/);
    expect(() => loadProxyConfig(new EnvReader({ ...base, REDIS_URL: 'http://nope' }))).toThrow(/REDIS_URL/);
  });
  it('reads overrides', () => {
    const c = loadProxyConfig(new EnvReader({
      ...base, PORT: '9000', USAGE_TIMEZONE: 'Asia/Shanghai', PROXY_DEBUG_LOG: 'true', REDIS_URL: 'redis://127.0.0.1:6379', HOT_STORE_PREFIX: 'tenant-a:', PROXY_ANNOUNCE_PORT: '1',
    }));
    expect(c).toMatchObject({ port: 9000, usageTimezone: 'Asia/Shanghai', debugLog: true, redisUrl: 'redis://127.0.0.1:6379', hotStorePrefix: 'tenant-a:', announcePort: true });
    expect(loadProxyConfig(new EnvReader(base))).toMatchObject({ hotStorePrefix: '', announcePort: false });
  });
  it('takes a Redis Cluster from REDIS_URL=redis+cluster://… or REDIS_CLUSTER_NODES, and the usage stream partitions', () => {
    expect(loadProxyConfig(new EnvReader({ ...base, REDIS_URL: 'redis+cluster://a:7000,b:7001' })).redisUrl).toBe('redis+cluster://a:7000,b:7001');
    expect(loadProxyConfig(new EnvReader({ ...base, REDIS_CLUSTER_NODES: 'a:7000,b:7001' })).redisUrl).toBe('redis+cluster://a:7000,b:7001');
    expect(() => loadProxyConfig(new EnvReader({ ...base, REDIS_URL: 'redis://h', REDIS_CLUSTER_NODES: 'a:7000' }))).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadProxyConfig(new EnvReader({ ...base, REDIS_CLUSTER_NODES: 'a:x' }))).toThrow(/REDIS_CLUSTER_NODES/);
    expect(loadProxyConfig(new EnvReader(base)).usageStreamPartitions).toBe(8);
    expect(loadProxyConfig(new EnvReader({ ...base, USAGE_STREAM_PARTITIONS: '16' })).usageStreamPartitions).toBe(16);
    expect(() => loadProxyConfig(new EnvReader({ ...base, USAGE_STREAM_PARTITIONS: '0' }))).toThrow(/USAGE_STREAM_PARTITIONS/);
  });
});
