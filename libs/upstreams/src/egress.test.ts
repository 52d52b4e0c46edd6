import { lookup } from 'node:dns/promises';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { classifyUpstreamAddress } from '@relay/core';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startConnectProxy, startTestProxy, type TestProxy } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-egress-0000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';

/** A minimal SOCKS5 server (no auth, IPv4/domain CONNECT) that records its targets. */
function socksProxy(): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    sockets.add(client);
    client.once('data', (greeting) => {
      if (greeting[0] !== 5) return client.destroy();
      client.write(Buffer.from([5, 0]));
      client.once('data', (req) => {
        let host: string;
        let off: number;
        if (req[3] === 1) { host = `${req[4]}.${req[5]}.${req[6]}.${req[7]}`; off = 8; }
        else { const len = req[4]; host = req.subarray(5, 5 + len).toString(); off = 5 + len; }
        const port = req.readUInt16BE(off);
        targets.push(`${host}:${port}`);
        const up = connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          up.pipe(client).pipe(up);
        });
        sockets.add(up);
        up.on('error', () => client.destroy());
        client.on('error', () => up.destroy());
      });
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    url: `socks5://127.0.0.1:${(server.address() as AddressInfo).port}`, targets,
    close: () => new Promise((d) => { for (const s of sockets) s.destroy(); server.close(() => d()); }),
  })));
}

describe('per-account egress proxies', () => {
  let mock: MockUpstream;
  beforeAll(async () => {
    mock = await startMockUpstream();
  });
  afterAll(async () => mock.close());

  it.each([['http CONNECT', startConnectProxy], ['SOCKS5', socksProxy]] as const)('traffic of an account with a %s egress proxy goes through it', async (_name, start) => {
    const egress = await start();
    let proxy: TestProxy | null = null;
    try {
      proxy = await startTestProxy({
        spec: {
          keys: [{ id: 'k1', userId: 'u1', key: KEY }],
          accounts: [{ id: 'a', platform: 'claude-console', baseUrl: mock.url, egressProxy: egress.url, credentials: { kind: 'api-key', apiKey: 'sk-ant-x' } }],
          prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
        },
      });
      const r = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, stream: true, messages: [] }) });
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('message_stop');
      expect(egress.targets).toEqual([new URL(mock.url).host]);
    } finally {
      await proxy?.close();
      await egress.close();
    }
  });
});

describe('upstream address policy at connect time', () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  beforeAll(async () => {
    mock = await startMockUpstream();
    // The policy as production has it by default: no loopback or private upstreams.
    proxy = await startTestProxy({ config: { allowPrivateUpstreams: false }, spec: { keys: [{ id: 'k1', userId: 'u1', key: KEY }] } });
  });
  afterAll(async () => {
    await proxy.close();
    await mock.close();
  });

  // A fresh account id each time: a refused account cools down, and a cooled-down account would fail for that reason instead.
  let n = 0;
  const account = (baseUrl: string, egressProxy?: string) => ({
    keys: [{ id: 'k1', userId: 'u1', key: KEY }],
    accounts: [{ id: `a${++n}`, platform: 'claude-console' as const, baseUrl, egressProxy, credentials: { kind: 'api-key' as const, apiKey: 'sk-ant-x' } }],
    prices: [{ model: SONNET, price: { input: '1', output: '1' } }],
  });
  const send = () => fetch(`${proxy.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [] }) });

  it('a snapshot account at a loopback address is refused without a connection reaching it', async () => {
    await proxy.publish(account(mock.url));
    const r = await send();
    expect(r.status).toBeGreaterThanOrEqual(502);
    expect((await r.json()).type).toBe('error');
    expect(mock.requests).toHaveLength(0);
  });

  it('a host name that resolves to a loopback address is refused on the resolved address (DNS cannot bypass it)', async () => {
    // This machine's own host name resolves to a loopback/private address; the check runs on the answer, not the name.
    const resolved = await lookup(hostname());
    expect(classifyUpstreamAddress(resolved.address)).not.toBe('public');
    await proxy.publish(account(`http://${hostname()}:${new URL(mock.url).port}`));
    expect((await send()).status).toBeGreaterThanOrEqual(502);
    expect(mock.requests).toHaveLength(0);
  });

  it.each([['http CONNECT', startConnectProxy], ['SOCKS5', socksProxy]] as const)('a %s egress proxy at a loopback address is refused', async (_name, start) => {
    const egress = await start();
    try {
      await proxy.publish(account('https://api.anthropic.example', egress.url));
      expect((await send()).status).toBeGreaterThanOrEqual(502);
      expect(egress.targets).toEqual([]);
    } finally {
      await egress.close();
    }
  });

  it('metadata addresses are refused even when private upstreams are allowed', async () => {
    const open = await startTestProxy({ config: { allowPrivateUpstreams: true }, spec: account('http://169.254.169.254') });
    try {
      const started = Date.now();
      const r = await fetch(`${open.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [] }) });
      expect(r.status).toBeGreaterThanOrEqual(502);
      // Refused before dialling: no connect timeout was waited for.
      expect(Date.now() - started).toBeLessThan(1000);
      await open.publish(account(mock.url));
      expect((await fetch(`${open.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: JSON.stringify({ model: SONNET, max_tokens: 5, messages: [] }) })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
