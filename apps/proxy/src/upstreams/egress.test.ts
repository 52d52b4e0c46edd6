import { createServer as createHttpServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { startMockUpstream, type MockUpstream } from '@relay/mock-upstream';
import { startTestProxy, type TestProxy } from '@relay/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const KEY = 'sk-relay-egress-0000000000000000000000000';
const SONNET = 'claude-sonnet-4-20250514';

/** A minimal HTTP CONNECT proxy that records the targets it tunnelled to. */
function connectProxy(): Promise<{ url: string; targets: string[]; close: () => Promise<void> }> {
  const targets: string[] = [];
  const server: Server = createHttpServer();
  server.on('connect', (req, client: Socket, head) => {
    targets.push(req.url!);
    const [host, port] = req.url!.split(':');
    const up = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client).pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets,
    close: () => new Promise((d) => { server.closeAllConnections(); server.close(() => d()); }),
  })));
}

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

  it.each([['http CONNECT', connectProxy], ['SOCKS5', socksProxy]] as const)('traffic of an account with a %s egress proxy goes through it', async (_name, start) => {
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
