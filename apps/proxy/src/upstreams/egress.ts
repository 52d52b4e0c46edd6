import { connect as tlsConnect } from 'node:tls';
import { SocksClient } from 'socks';
import { Agent, ProxyAgent, type Dispatcher, buildConnector } from 'undici';
import type { SnapshotAccount } from '@relay/core';

/**
 * undici dispatchers per account: the shared keep-alive Agent for direct traffic, a ProxyAgent
 * for http(s) egress proxies, and an Agent whose connector dials through SOCKS5 for socks5://.
 * Cached per account and proxy URL, so a snapshot that changes the proxy gets a new dispatcher.
 */
export class EgressDispatchers {
  readonly direct: Agent;
  private readonly byAccount = new Map<string, { url: string; dispatcher: Dispatcher }>();

  constructor(private readonly connectTimeoutMs: number) {
    this.direct = new Agent({ connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 30_000, pipelining: 1 });
  }

  /** The dispatcher for an account given its decrypted egress proxy URL (null = direct). */
  forAccount(account: SnapshotAccount, proxyUrl: string | null): Dispatcher {
    if (!proxyUrl) return this.direct;
    const cached = this.byAccount.get(account.id);
    if (cached && cached.url === proxyUrl) return cached.dispatcher;
    if (cached) void cached.dispatcher.close().catch(() => undefined);
    const dispatcher = this.create(proxyUrl);
    this.byAccount.set(account.id, { url: proxyUrl, dispatcher });
    return dispatcher;
  }

  private create(proxyUrl: string): Dispatcher {
    const u = new URL(proxyUrl);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      return new ProxyAgent({ uri: proxyUrl, connect: { timeout: this.connectTimeoutMs }, proxyTunnel: true });
    }
    if (u.protocol === 'socks5:' || u.protocol === 'socks5h:' || u.protocol === 'socks:') {
      return new Agent({ connect: socksConnector(u, this.connectTimeoutMs) });
    }
    throw new Error(`unsupported egress proxy scheme ${u.protocol}`);
  }

  async close(): Promise<void> {
    await Promise.all([this.direct.close(), ...[...this.byAccount.values()].map((d) => d.dispatcher.close())]).catch(() => undefined);
  }
}

/** An undici connector that opens the TCP connection through a SOCKS5 proxy, then TLS when needed. */
export function socksConnector(proxy: URL, timeoutMs: number): buildConnector.connector {
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    SocksClient.createConnection({
      proxy: {
        host: proxy.hostname,
        port: Number(proxy.port) || 1080,
        type: 5,
        userId: proxy.username ? decodeURIComponent(proxy.username) : undefined,
        password: proxy.password ? decodeURIComponent(proxy.password) : undefined,
      },
      command: 'connect',
      destination: { host: opts.hostname, port },
      timeout: timeoutMs,
    }).then(
      ({ socket }) => {
        if (opts.protocol !== 'https:') return callback(null, socket);
        const tls = tlsConnect({ socket, servername: opts.servername ?? opts.hostname, ALPNProtocols: ['http/1.1'] });
        tls.once('secureConnect', () => callback(null, tls));
        tls.once('error', (e) => callback(e, null));
      },
      (e: Error) => callback(e, null),
    );
  };
}
