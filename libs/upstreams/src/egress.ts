import { connect as tlsConnect } from 'node:tls';
import { SocksClient } from 'socks';
import { Agent, ProxyAgent, type Dispatcher, buildConnector } from 'undici';
import { guardedLookup, refusalWithoutDns, type SnapshotAccount, type UpstreamAddressPolicy } from '@relay/core';

/**
 * undici dispatchers per account: the shared keep-alive Agent for direct traffic, a ProxyAgent
 * for http(s) egress proxies, and an Agent whose connector dials through SOCKS5 for socks5://.
 * Cached per account and proxy URL, so a snapshot that changes the proxy gets a new dispatcher.
 * Every connection they open is checked against the upstream address policy at connect time, on
 * the address actually dialled (see guardedConnector).
 */
export class EgressDispatchers {
  readonly direct: Agent;
  private readonly byAccount = new Map<string, { url: string; dispatcher: Dispatcher }>();

  constructor(
    private readonly connectTimeoutMs: number,
    private readonly policy: UpstreamAddressPolicy,
  ) {
    this.direct = new Agent({ connect: guardedConnector(policy, connectTimeoutMs), keepAliveTimeout: 30_000, pipelining: 1 });
  }

  /** The dispatcher for an account given its decrypted egress proxy URL (null = direct). */
  forAccount(account: Pick<SnapshotAccount, 'id'>, proxyUrl: string | null): Dispatcher {
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
    // An egress proxy at a refused literal address: every request through it fails to connect.
    const refusal = refusalWithoutDns(u.hostname, this.policy);
    if (refusal) return new Agent({ connect: (_opts, callback) => callback(refusal, null) });
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      // proxyTls options reach the socket to the proxy itself, so its DNS answer is checked too.
      return new ProxyAgent({ uri: proxyUrl, connect: { timeout: this.connectTimeoutMs }, proxyTls: { lookup: guardedLookup(this.policy) }, proxyTunnel: true });
    }
    if (u.protocol === 'socks5:' || u.protocol === 'socks5h:' || u.protocol === 'socks:') {
      return new Agent({ connect: socksConnector(u, this.connectTimeoutMs, this.policy) });
    }
    throw new Error(`unsupported egress proxy scheme ${u.protocol}`);
  }

  async close(): Promise<void> {
    await Promise.all([this.direct.close(), ...[...this.byAccount.values()].map((d) => d.dispatcher.close())]).catch(() => undefined);
  }
}

/**
 * undici's own connector with the upstream address policy applied: IP literals are judged before
 * dialling, host names through a lookup that checks every resolved address (so a DNS answer that
 * changed since the control plane validated the URL cannot reach a refused address).
 */
export function guardedConnector(policy: UpstreamAddressPolicy, timeoutMs: number): buildConnector.connector {
  const base = buildConnector({ timeout: timeoutMs, lookup: guardedLookup(policy) } as buildConnector.BuildOptions);
  return (opts, callback) => {
    const refusal = refusalWithoutDns(opts.hostname, policy);
    if (refusal) return callback(refusal, null);
    return base(opts, callback);
  };
}

/** Resolves a host name through the policy's lookup (an IP literal is returned as it is). */
function resolveAllowed(host: string, policy: UpstreamAddressPolicy): Promise<string> {
  return new Promise((resolve, reject) => {
    guardedLookup(policy)(host, {}, (err, address) => (err ? reject(err) : resolve(String(address))));
  });
}

/**
 * An undici connector that opens the TCP connection through a SOCKS5 proxy, then TLS when needed.
 * The proxy's own address is checked against the policy, and so is a literal destination (a named
 * destination is resolved by the SOCKS proxy, out of this process's sight).
 */
export function socksConnector(proxy: URL, timeoutMs: number, policy: UpstreamAddressPolicy): buildConnector.connector {
  return (opts, callback) => {
    const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
    const refusal = refusalWithoutDns(opts.hostname, policy);
    if (refusal) return callback(refusal, null);
    resolveAllowed(proxy.hostname.replace(/^\[|\]$/g, ''), policy).then((proxyHost) => SocksClient.createConnection({
      proxy: {
        host: proxyHost,
        port: Number(proxy.port) || 1080,
        type: 5,
        userId: proxy.username ? decodeURIComponent(proxy.username) : undefined,
        password: proxy.password ? decodeURIComponent(proxy.password) : undefined,
      },
      command: 'connect',
      destination: { host: opts.hostname, port },
      timeout: timeoutMs,
    })).then(
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
