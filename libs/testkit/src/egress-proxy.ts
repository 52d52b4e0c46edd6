import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxy {
  /** http://127.0.0.1:<port> — an account's egress proxy URL. */
  url: string;
  /** Every CONNECT target (host:port), in order. */
  targets: string[];
  /**
   * The request lines ("POST /v1/oauth/token") of plain-HTTP requests seen inside its tunnels:
   * which calls went through it, however many shared one tunnel.
   */
  requests: string[];
  close(): Promise<void>;
}

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/g;

/** A minimal HTTP CONNECT egress proxy that records its targets and the requests it carried. */
export function startConnectProxy(): Promise<ConnectProxy> {
  const targets: string[] = [];
  const requests: string[] = [];
  const server: Server = createServer();
  server.on('connect', (req, client: Socket, head) => {
    targets.push(req.url!);
    const [host, port] = req.url!.split(':');
    const up = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      // Request heads are small: each arrives whole in one chunk on loopback.
      client.on('data', (chunk: Buffer) => {
        for (const m of chunk.toString('latin1').matchAll(REQUEST_LINE)) requests.push(`${m[1]} ${m[2]}`);
      });
      up.pipe(client).pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets, requests,
    close: () => new Promise((d) => { server.closeAllConnections(); server.close(() => d()); }),
  })));
}
