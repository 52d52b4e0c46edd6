import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where an upstream (an account's base URL, an egress proxy) may point. Link-local and cloud
 * metadata addresses are refused always: a relay that fetches `169.254.169.254` on an admin's
 * say-so hands out the host's cloud credentials. Loopback and private ranges are refused unless
 * the operator opts in with UPSTREAM_ALLOW_PRIVATE=true (self-hosted models on the LAN, and the
 * test harnesses, whose mock upstream listens on 127.0.0.1).
 */
export interface UpstreamAddressPolicy {
  /** UPSTREAM_ALLOW_PRIVATE: loopback, private and unique-local ranges are allowed. */
  allowPrivate: boolean;
}

/** How an address is treated: `metadata` never, `private` only with UPSTREAM_ALLOW_PRIVATE. */
export type UpstreamAddressClass = 'metadata' | 'private' | 'public';

function blockList(ranges: [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix, family] of ranges) list.addSubnet(net, prefix, family);
  return list;
}

const METADATA_RANGES = blockList([
  ['169.254.0.0', 16, 'ipv4'], // link-local: AWS, GCP, Azure, OpenStack metadata at 169.254.169.254
  ['100.100.100.200', 32, 'ipv4'], // Alibaba Cloud metadata
  ['fe80::', 10, 'ipv6'], // IPv6 link-local
  ['fd00:ec2::254', 128, 'ipv6'], // AWS metadata over IPv6
]);

const PRIVATE_RANGES = blockList([
  ['0.0.0.0', 8, 'ipv4'], // "this host": 0.0.0.0 reaches local listeners
  ['127.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT, used for internal networks by some clouds
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'], // unique-local
]);

/** Host names of metadata services, refused by name before any DNS answer is trusted. */
const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/** Classifies one IP address (IPv4, IPv6, or IPv4-mapped IPv6). */
export function classifyUpstreamAddress(address: string): UpstreamAddressClass {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (METADATA_RANGES.check(address, family)) return 'metadata';
  if (PRIVATE_RANGES.check(address, family)) return 'private';
  return 'public';
}

/** Thrown (or passed to a connect callback) when an upstream address is refused by the policy. */
export class UpstreamAddressError extends Error {
  readonly code = 'ERR_UPSTREAM_ADDRESS_REFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: Exclude<UpstreamAddressClass, 'public'>,
  ) {
    super(
      addressClass === 'metadata'
        ? `${host}${address === host ? '' : ` (${address})`} is a link-local or cloud metadata address, which the upstream address policy always refuses`
        : `${host}${address === host ? '' : ` (${address})`} is a loopback or private address, which the upstream address policy refuses unless UPSTREAM_ALLOW_PRIVATE=true`,
    );
    this.name = 'UpstreamAddressError';
  }
}

/** The URL's host name without IPv6 brackets, lower-cased, without a trailing dot. */
export function bareHostname(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

/**
 * The refusal for a host that can be judged without DNS (an IP literal or a metadata host name),
 * or null when it is allowed or needs resolving first.
 */
export function refusalWithoutDns(hostname: string, policy: UpstreamAddressPolicy): UpstreamAddressError | null {
  const host = bareHostname(hostname);
  if (METADATA_HOSTNAMES.has(host)) return new UpstreamAddressError(host, host, 'metadata');
  if (host === 'localhost' || host.endsWith('.localhost')) return policy.allowPrivate ? null : new UpstreamAddressError(host, host, 'private');
  if (!isIP(host)) return null;
  return refusalFor(host, host, policy);
}

function refusalFor(host: string, address: string, policy: UpstreamAddressPolicy): UpstreamAddressError | null {
  const cls = classifyUpstreamAddress(address);
  if (cls === 'metadata' || (cls === 'private' && !policy.allowPrivate)) return new UpstreamAddressError(host, address, cls);
  return null;
}

/**
 * Resolves a host name and throws UpstreamAddressError when it, or any address it resolves to, is
 * refused by the policy. A name that does not resolve here is let through: proxies may see
 * another DNS, and the connect-time check ({@link guardedLookup}) judges the address actually
 * dialled.
 */
export async function assertUpstreamHostAllowed(hostname: string, policy: UpstreamAddressPolicy): Promise<void> {
  const early = refusalWithoutDns(hostname, policy);
  if (early) throw early;
  const host = bareHostname(hostname);
  if (isIP(host)) return;
  const addresses = await new Promise<LookupAddress[]>((resolve) => dnsLookup(host, { all: true }, (err, list) => resolve(err ? [] : list)));
  for (const a of addresses) {
    const refusal = refusalFor(host, a.address, policy);
    if (refusal) throw refusal;
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net/tls connect options that resolves as usual and fails the connection when an
 * address is refused by the policy. It judges the address the socket will really dial, so a DNS
 * answer that changes after validation (rebinding) cannot slip through.
 */
export function guardedLookup(policy: UpstreamAddressPolicy): (hostname: string, options: LookupOptions, callback: LookupCallback) => void {
  return (hostname, options, callback) => {
    const early = refusalWithoutDns(hostname, policy);
    if (early) return callback(early, options.all ? [] : '', 0);
    dnsLookup(hostname, { ...options, all: true }, (err, list) => {
      if (err) return callback(err, options.all ? [] : '', 0);
      for (const a of list) {
        const refusal = refusalFor(bareHostname(hostname), a.address, policy);
        if (refusal) return callback(refusal, options.all ? [] : '', 0);
      }
      if (options.all) return callback(null, list);
      if (!list.length) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, list[0].address, list[0].family);
    });
  };
}
