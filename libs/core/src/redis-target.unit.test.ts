import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.ts';
import { allUsageStreams, hotKeys, usagePartitionOf, usageStreamFor } from './hot-keys.ts';
import { applyRedisClusterNodes, parseRedisTarget, parseRedisUrlVariable } from './redis-target.ts';

describe('hot-store target (REDIS_URL, REDIS_CLUSTER_NODES)', () => {
  it('reads one Redis and a cluster with seeds, credentials and TLS', () => {
    expect(parseRedisTarget('redis://:pw@h:6379/2')).toEqual({ cluster: false, url: 'redis://:pw@h:6379/2' });
    expect(parseRedisTarget('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,h3')).toEqual({
      cluster: true, tls: false, username: undefined, password: undefined,
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }, { host: 'h3', port: 6379 }],
    });
    expect(parseRedisTarget('rediss+cluster://default:p%40ss@[::1]:7000/')).toEqual({
      cluster: true, tls: true, username: 'default', password: 'p@ss', nodes: [{ host: '::1', port: 7000 }],
    });
  });

  it('refuses malformed URLs naming the variable, without showing a password', () => {
    expect(parseRedisUrlVariable('redis+cluster://a:1,b:2', 'REDIS_URL')).toBe('redis+cluster://a:1,b:2');
    for (const bad of ['redis+cluster://', 'redis+cluster://a:1/3', 'redis+cluster://u:hunter2@a:99999', 'http://h:1', 'nope']) {
      let err: unknown;
      try {
        parseRedisUrlVariable(bad, 'REDIS_URL');
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('REDIS_URL');
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('folds REDIS_CLUSTER_NODES into redisUrl; both set is an error', () => {
    const config: { redisUrl?: string; redisClusterNodes?: string } = { redisClusterNodes: 'a:1,b:2' };
    applyRedisClusterNodes(config);
    expect(config.redisUrl).toBe('redis+cluster://a:1,b:2');
    expect(() => applyRedisClusterNodes({ redisUrl: 'redis://h', redisClusterNodes: 'a:1' })).toThrow(ConfigError);
  });
});

describe('usage stream partitions', () => {
  it('sends a request id to the same partition every time, spreads ids over all partitions, each with its own hash tag', () => {
    const ids = Array.from({ length: 800 }, (_, i) => `req_${i.toString(36)}x${(i * 7919).toString(16)}`);
    const counts = new Array<number>(8).fill(0);
    for (const id of ids) counts[usagePartitionOf(id, 8)]++;
    expect(counts.every((n) => n > 50)).toBe(true);
    expect(usageStreamFor('req_abc', 8)).toBe(usageStreamFor('req_abc', 8));
    expect(usageStreamFor('req_abc', 1)).toBe('{usage:0}:stream');
    expect(allUsageStreams(3)).toEqual(['{usage:0}:stream', '{usage:1}:stream', '{usage:2}:stream', hotKeys.usageStream]);
  });
});
