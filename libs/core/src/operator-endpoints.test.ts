import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader } from './config.ts';
import { readOperatorSettings, startMetricsListener } from './operator-endpoints.ts';

const read = (env: Record<string, string>) => readOperatorSettings(new EnvReader(env));
const variableAtFault = (env: Record<string, string>) => {
  try {
    read(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.variable;
  }
  return null;
};

describe('operator settings', () => {
  it('defaults: no token, no listener, private upstreams refused', () => {
    expect(read({})).toEqual({ metricsToken: undefined, metricsListen: undefined, allowPrivateUpstreams: false });
    expect(read({ METRICS_LISTEN: '127.0.0.1:9464', UPSTREAM_ALLOW_PRIVATE: 'true' })).toMatchObject({ metricsListen: { host: '127.0.0.1', port: 9464 }, allowPrivateUpstreams: true });
    expect(read({ METRICS_LISTEN: '[::1]:9464' }).metricsListen).toEqual({ host: '::1', port: 9464 });
  });

  it('refuses a tokenless metrics listener that faces the network, short tokens and bad addresses', () => {
    expect(variableAtFault({ METRICS_LISTEN: '0.0.0.0:9464' })).toBe('METRICS_LISTEN');
    expect(variableAtFault({ METRICS_LISTEN: '10.0.0.5:9464' })).toBe('METRICS_LISTEN');
    expect(variableAtFault({ METRICS_LISTEN: 'nonsense' })).toBe('METRICS_LISTEN');
    expect(variableAtFault({ METRICS_TOKEN: 'short' })).toBe('METRICS_TOKEN');
    expect(variableAtFault({ UPSTREAM_ALLOW_PRIVATE: 'maybe' })).toBe('UPSTREAM_ALLOW_PRIVATE');
    expect(read({ METRICS_LISTEN: '0.0.0.0:9464', METRICS_TOKEN: 'a-long-enough-token-1' }).metricsListen?.host).toBe('0.0.0.0');
  });

  it('the separate listener serves /metrics only, and asks for the token when one is configured', async () => {
    const collect = async () => ({ contentType: 'text/plain; version=0.0.4', body: 'relay_test_metric 1\n' });
    const open = await startMetricsListener({ host: '127.0.0.1', port: 0 }, collect, undefined);
    const guarded = await startMetricsListener({ host: '127.0.0.1', port: 0 }, collect, 'a-long-enough-token-1');
    try {
      const url = (s: typeof open) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
      expect(await (await fetch(`${url(open)}/metrics`)).text()).toBe('relay_test_metric 1\n');
      expect((await fetch(`${url(open)}/graphql`)).status).toBe(404);
      expect((await fetch(`${url(guarded)}/metrics`)).status).toBe(401);
      expect((await fetch(`${url(guarded)}/metrics`, { headers: { authorization: 'Bearer a-long-enough-token-1' } })).status).toBe(200);
    } finally {
      open.close();
      guarded.close();
    }
  });
});
