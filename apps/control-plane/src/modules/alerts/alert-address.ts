import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent } from 'undici';

/**
 * Where alert webhooks may go. Until the upstream address policy (UPSTREAM_ALLOW_PRIVATE) lands
 * on this branch, alerts apply their own narrower rule: http(s) only, and never a link-local or
 * cloud metadata address (169.254.0.0/16, fe80::/10, 100.100.100.200, fd00:ec2::254, the
 * unspecified address), where a webhook could read instance credentials. Loopback and private
 * ranges stay allowed: an operator's own receiver inside the network is a normal destination.
 */
const BLOCKED_HOSTNAMES = new Set(['metadata.google.internal', 'metadata', 'metadata.azure.internal']);

/** True for an IP literal no alert may be sent to. */
export function isBlockedAlertAddress(ip: string): boolean {
  let a = ip.toLowerCase();
  // IPv4-mapped IPv6 reaches the IPv4 address: "::ffff:169.254.169.254", or as URLs write it, "::ffff:a9fe:a9fe".
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(a);
  if (mapped) {
    const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
    a = `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  if (isIP(a) === 4) {
    return a.startsWith('169.254.') || a === '0.0.0.0' || a === '100.100.100.200';
  }
  if (isIP(a) === 6) {
    return /^fe[89ab][0-9a-f]:/.test(a) || a === '::' || a === 'fd00:ec2::254';
  }
  return false;
}

/** Validates a channel URL; returns the reason it is refused, or null. Called on create/update and before each send. */
export function alertUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (url.username || url.password) return 'must not carry a user name or password';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (BLOCKED_HOSTNAMES.has(host) || isBlockedAlertAddress(host)) return 'points at a link-local or cloud metadata address';
  return null;
}

/**
 * DNS lookup that refuses names resolving to a blocked address, so a hostname cannot smuggle a
 * metadata address past alertUrlProblem (checked at connect time, on the address actually used).
 */
function guardedLookup(hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isBlockedAlertAddress(a.address));
    if (bad) return callback(Object.assign(new Error(`alert destination ${hostname} resolves to a blocked address (${bad.address})`), { code: 'EBLOCKED' }), []);
    if ((options as { all?: boolean }).all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}

/** The HTTP agent alert deliveries use (blocked addresses refused at connect time). */
export function createAlertAgent(): Agent {
  return new Agent({ connect: { lookup: guardedLookup as never }, keepAliveTimeout: 10_000 });
}
